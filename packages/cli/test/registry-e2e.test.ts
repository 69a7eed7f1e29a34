/**
 * End to end against live registries (the OCI tests' global setup): Debian's
 * docker-registry, which has no Referrers API (the tag schema, OCI-8), and
 * the in-process Referrers-API registry (OCI-7); JWS and COSE signatures
 * timestamped by the loopback TSA (the pki tests' global setup), verified
 * under a strict policy that requires the timestamp (TP-14, TSA-3); and
 * `login` against the Basic-auth registry writing docker's config.json.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RemoteRepository } from '@x/notary-oci';
import type {} from '@x/notary-test-servers/oci/global-setup';
import type {} from '@x/notary-test-servers/pki/global-setup';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { makeHome, pushImage, type TestHome } from './helpers.js';

const oci = inject('ociServers');
const pki = inject('pkiServers');
const tsaUrl = pki.tsa.routes.good;
const tsaRoot = pki.scenario.tsa.root.cert;

const registries = [
  { label: 'docker-registry (tag-schema referrers, OCI-8)', host: oci.registries.none.host },
  { label: 'the Referrers-API registry (OCI-7)', host: oci.referrers.host },
] as const;

describe.each(registries)('sign and verify against $label', ({ host }) => {
  let home: TestHome;
  const digests: Record<'jws' | 'cose', string> = { jws: '', cose: '' };
  const repository = (format: string) => `cli-e2e/${format}`;

  beforeAll(async () => {
    home = await makeHome();
    await home.ok(['cert', 'generate-test', '--default', 'registry.example']);
    await home.ok(['cert', 'add', '-t', 'tsa', '-s', 'loopback-tsa', tsaRoot]);
    for (const format of ['jws', 'cose'] as const) {
      const remote = new RemoteRepository({ registry: host, repository: repository(format), plainHttp: true });
      digests[format] = (await pushImage(remote, 'v1', `content signed with ${format} at ${host}`)).digest;
    }
    const policy = {
      version: '1.0',
      trustPolicies: [
        {
          name: 'registry-strict',
          registryScopes: [`${host}/${repository('jws')}`, `${host}/${repository('cose')}`, `${host}/cli-e2e/unsigned`],
          signatureVerification: { level: 'strict', verifyTimestamp: 'always' },
          trustStores: ['ca:registry.example', 'tsa:loopback-tsa'],
          trustedIdentities: ['x509.subject: C=US, ST=WA, L=Seattle, O=Notary, CN=registry.example'],
        },
      ],
    };
    const file = join(home.dir, 'policy.json');
    await writeFile(file, JSON.stringify(policy));
    await home.ok(['policy', 'import', file]);
  });

  it.each(['jws', 'cose'] as const)(
    'SIGN-1 SIGN-2: signs with %s and an RFC 3161 timestamp from the loopback TSA',
    async (format) => {
      const reference = `${host}/${repository(format)}:v1`;
      const result = await home.notary([
        'sign',
        '--insecure-registry',
        '--signature-format',
        format,
        '--timestamp-url',
        tsaUrl,
        '--timestamp-root-cert',
        tsaRoot,
        reference,
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.split('\n')[0]).toBe(`Successfully signed ${host}/${repository(format)}@${digests[format]}`);
    },
  );

  it.each(['jws', 'cose'] as const)(
    'WF-1 TSA-3: verifies the %s signature with its authentic timestamp',
    async (format) => {
      const reference = `${host}/${repository(format)}@${digests[format]}`;
      const out = await home.ok(['verify', '--insecure-registry', '-o', 'json', reference]);
      const document = JSON.parse(out) as Record<string, any>;
      expect(document['verified']).toBe(true);
      const result = document['signatures'].at(-1);
      expect(result['signatureEnvelopeType']).toBe(format === 'jws' ? 'application/jose+json' : 'application/cose');
      expect(result['checks']['authenticTimestamp']).toEqual({ outcome: 'passed', action: 'enforce' });
      expect(result['timestamp']['certificates'].length).toBeGreaterThan(0);
      expect(Math.abs(Date.parse(result['timestamp']['genTime']) - Date.now())).toBeLessThan(10 * 60_000);
      expect(await home.ok(['verify', reference])).toBe(`Successfully verified signature for ${reference}\n`);
    },
  );

  it('lists and inspects the timestamped signature', async () => {
    const reference = `${host}/${repository('cose')}@${digests.cose}`;
    expect(await home.ok(['list', reference])).toContain('└── application/vnd.cncf.notary.signature');
    const inspected = JSON.parse(await home.ok(['inspect', '-o', 'json', reference])) as {
      signatures: Array<Record<string, any>>;
    };
    expect(inspected.signatures[0]!['unsignedAttributes']['timestampSignature']['timestamp']).toBeDefined();
  });

  it('WF-1: an artifact with no signature fails verification', async () => {
    const remote = new RemoteRepository({ registry: host, repository: 'cli-e2e/unsigned', plainHttp: true });
    const image = await pushImage(remote, 'v1', `unsigned ${Date.now()}`);
    const json = await home.notary(['verify', '-o', 'json', `${host}/cli-e2e/unsigned@${image.digest}`]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      reference: `${host}/cli-e2e/unsigned@${image.digest}`,
      verified: false,
      signatures: [],
    });
    const line = await home.fails(['verify', `${host}/cli-e2e/unsigned@${image.digest}`]);
    expect(line).toBe(
      `Error: no signature is associated with "${host}/cli-e2e/unsigned@${image.digest}", make sure the artifact was signed successfully`,
    );
  });

  it('an unknown tag fails with one line', async () => {
    expect(await home.fails(['verify', `${host}/${repository('jws')}:absent`])).toMatch(
      /^Error: failed to get manifest descriptor: /,
    );
  });
});

describe('login with the Basic registry', () => {
  const basic = oci.registries.basic;
  let home: TestHome;
  let reference: string;

  beforeAll(async () => {
    home = await makeHome();
    await home.ok(['cert', 'generate-test', '--default', 'login.example']);
    reference = `${basic.host}/${oci.seed.repository}@${oci.seed.digest}`;
  });

  it('signing without credentials is refused', async () => {
    const line = await home.fails(['sign', '--insecure-registry', reference]);
    expect(line).toMatch(/^Error: failed to get manifest descriptor: .*(401|unauthori[sz]ed)/i);
    expect(line).toMatch(/Use `notary login <registry>` or --username\/--password to authenticate$/);
  });

  it('wrong credentials are refused and nothing is saved', async () => {
    expect(await home.fails(['login', '--insecure-registry', '-u', basic.username, '-p', 'wrong', basic.host])).toMatch(
      /^Error: failed to log in to /,
    );
    await expect(readFile(join(home.dir, '.docker', 'config.json'), 'utf8')).rejects.toThrow();
  });

  it("login writes docker's config.json, then sign works; logout removes the credential", async () => {
    const login = await home.notary(
      ['login', '--insecure-registry', '-u', basic.username, '--password-stdin', basic.host],
      { input: `${basic.password}\n` },
    );
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toBe('Login Succeeded\n');
    const config = JSON.parse(await readFile(join(home.dir, '.docker', 'config.json'), 'utf8')) as {
      auths: Record<string, { auth: string }>;
    };
    expect(Buffer.from(config.auths[basic.host]!.auth, 'base64').toString()).toBe(
      `${basic.username}:${basic.password}`,
    );
    const signed = await home.ok(['sign', '--insecure-registry', reference]);
    expect(signed).toContain(`Successfully signed ${basic.host}/${oci.seed.repository}@${oci.seed.digest}`);
    expect(await home.ok(['logout', basic.host])).toBe('Logout Succeeded\n');
    const after = JSON.parse(await readFile(join(home.dir, '.docker', 'config.json'), 'utf8')) as {
      auths: Record<string, unknown>;
    };
    expect(after.auths[basic.host]).toBeUndefined();
  });

  it('-u/-p on sign work without login', async () => {
    const out = await home.ok([
      'sign',
      '--insecure-registry',
      '-u',
      basic.username,
      '-p',
      basic.password,
      '--signature-format',
      'cose',
      reference,
    ]);
    expect(out).toContain('Successfully signed');
  });

  it('login needs a server', async () => {
    expect(await home.fails(['login'])).toBe('Error: no hostname specified');
    expect(await home.fails(['logout'])).toBe('Error: no hostname specified');
  });
});

describe('sign --force-referrers-tag on a registry with the Referrers API', () => {
  // The oci package's RemoteRepository turns the Referrers API back on when the registry answers
  // OCI-Subject, so the tag-schema index is not written here (oras-go keeps a forced `false`);
  // this checks that the flag is accepted and the signature is found.
  it('signs, and the signature is listed', async () => {
    const home = await makeHome();
    await home.ok(['cert', 'generate-test', '--default', 'tagschema.example']);
    const host = oci.referrers.host;
    const remote = new RemoteRepository({ registry: host, repository: 'cli-e2e/tag-schema', plainHttp: true });
    const image = await pushImage(remote, 'v1', `tag schema ${Date.now()}`);
    await home.ok(['sign', '--force-referrers-tag', `${host}/cli-e2e/tag-schema@${image.digest}`]);
    expect(await home.ok(['list', `${host}/cli-e2e/tag-schema@${image.digest}`])).toContain(
      '└── application/vnd.cncf.notary.signature',
    );
    expect(await home.fails(['sign', '--force-referrers-tag', '--oci-layout', `${home.dir}:v1`])).toBe(
      'Error: if any flags in the group [oci-layout force-referrers-tag] are set none of the others can be; [oci-layout force-referrers-tag] were all set',
    );
  });
});
