/**
 * End to end, offline: the flow of the demo through the built CLI.
 * `cert generate-test --default`, sign an artifact in an OCI image layout
 * with JWS and COSE, verify under a strict policy, list, inspect; then
 * tamper and see verification fail with the failing check named.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MEDIA_TYPE_OCI_MANIFEST } from '@x/notary-oci';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeHome, makeLayout, pushImage, strictOciPolicy, type TestHome } from './helpers.js';

describe('OCI layout end to end (SIGN-1, WF-1 … WF-3)', () => {
  let home: TestHome;
  let layoutDir: string;
  let digest: string;
  const scope = 'local.test/demo';

  beforeAll(async () => {
    home = await makeHome();
    layoutDir = join(home.dir, 'layout');
    const { image } = await makeLayout(layoutDir, 'v1', 'hello, notary');
    digest = image.digest;
    await home.ok(['cert', 'generate-test', '--default', 'demo.example']);
    const policyFile = join(home.dir, 'policy.json');
    await writeFile(policyFile, strictOciPolicy([scope], 'demo.example'));
    await home.ok(['policy', 'import', policyFile]);
  });

  it('SIGN-1: signs by tag with a warning, JWS by default, and names the digest', async () => {
    const result = await home.notary(['sign', '--oci-layout', `${layoutDir}:v1`]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      'Warning: Always sign the artifact using digest(@sha256:...) rather than a tag(:v1)',
    );
    expect(result.stdout).toBe(
      `Successfully signed ${layoutDir}@${digest}\nPushed the signature to ${layoutDir}@${result.stdout.match(/Pushed the signature to .*@(sha256:[0-9a-f]{64})/)![1]}\n`,
    );
  });

  it('SIGN-1: signs by digest with COSE, an expiry and user metadata', async () => {
    const out = await home.ok([
      'sign',
      '--oci-layout',
      '--signature-format',
      'cose',
      '-e',
      '24h',
      '-m',
      'team=blue',
      `${layoutDir}@${digest}`,
    ]);
    expect(out).toContain(`Successfully signed ${layoutDir}@${digest}`);
  });

  it('lists both signatures', async () => {
    const out = await home.ok(['list', '--oci-layout', `${layoutDir}@${digest}`]);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe(`${layoutDir}@${digest}`);
    expect(lines[1]).toBe('└── application/vnd.cncf.notary.signature');
    expect(lines.slice(2).filter((l) => /sha256:[0-9a-f]{64}$/.test(l))).toHaveLength(2);
  });

  it('SIGN-2: inspect -o json shows both envelopes, signed under notary.x509', async () => {
    const out = await home.ok(['inspect', '--oci-layout', '-o', 'json', `${layoutDir}@${digest}`]);
    const document = JSON.parse(out) as { mediaType: string; signatures: Array<Record<string, any>> };
    expect(document.mediaType).toBe(MEDIA_TYPE_OCI_MANIFEST);
    expect(document.signatures).toHaveLength(2);
    const types = document.signatures.map((s) => s['signatureEnvelopeType']).sort();
    expect(types).toEqual(['application/cose', 'application/jose+json']);
    for (const signature of document.signatures) {
      expect(signature['digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(signature['signatureAlgorithm']).toBe('RSASSA-PSS-SHA-256');
      expect(signature['signedAttributes']['signingScheme']).toBe('notary.x509');
      expect(signature['signedArtifact']).toEqual({
        mediaType: MEDIA_TYPE_OCI_MANIFEST,
        digest,
        size: expect.any(Number),
      });
      expect(signature['certificates'][0]['issuedTo']).toBe('CN=demo.example,O=Notary,L=Seattle,ST=WA,C=US');
    }
    const cose = document.signatures.find((s) => s['signatureEnvelopeType'] === 'application/cose')!;
    expect(cose['userDefinedAttributes']).toEqual({ team: 'blue' });
    expect(cose['signedAttributes']['expiry']).toBeDefined();
  });

  it('inspect (text) prints the tree', async () => {
    const out = await home.ok(['inspect', '--oci-layout', `${layoutDir}@${digest}`]);
    expect(out).toContain('Inspecting all signatures for signed artifact');
    expect(out).toContain('signature envelope type: application/cose');
    expect(out).toContain('signing scheme: notary.x509');
  });

  it('WF-1: verifies under the strict policy with --scope', async () => {
    const out = await home.ok(['verify', '--oci-layout', '--scope', scope, `${layoutDir}@${digest}`]);
    expect(out).toBe(`Successfully verified signature for ${layoutDir}@${digest}\n`);
  });

  it('WF-1: verify -o json prints the full per-check result', async () => {
    const out = await home.ok(['verify', '--oci-layout', '--scope', scope, '-o', 'json', `${layoutDir}@${digest}`]);
    const document = JSON.parse(out) as Record<string, any>;
    expect(document['reference']).toBe(`${layoutDir}@${digest}`);
    expect(document['verified']).toBe(true);
    const [first] = document['signatures'];
    expect(first['verified']).toBe(true);
    expect(first['level']).toBe('strict');
    expect(first['trustPolicy']).toBe('strict');
    expect(first['signatureManifest']).toMatch(/^sha256:/);
    expect(Object.keys(first['checks'])).toEqual([
      'integrity',
      'authenticity',
      'authenticTimestamp',
      'expiry',
      'revocation',
    ]);
    for (const check of Object.values(first['checks']) as Array<Record<string, unknown>>) {
      expect(check['outcome']).toBe('passed');
      expect(check['action']).toBe('enforce');
    }
    expect(first['signedArtifact']['digest']).toBe(digest);
    expect(first['certificates'][0]['issuedTo']).toContain('CN=demo.example');
  });

  it('VER-9: verify with -m succeeds only with metadata that was signed', async () => {
    const { image } = await makeLayout(layoutDir, 'metadata', 'signed with metadata');
    await home.ok(['sign', '--oci-layout', '-m', 'team=blue', '-m', 'stage=prod', `${layoutDir}@${image.digest}`]);
    const out = await home.ok([
      'verify',
      '--oci-layout',
      '--scope',
      scope,
      '-m',
      'team=blue',
      `${layoutDir}@${image.digest}`,
    ]);
    expect(out).toContain('The artifact was signed with the following user metadata.');
    expect(out).toMatch(/KEY\s+VALUE\s*\n(stage\s+prod\s*\nteam\s+blue|team\s+blue\s*\nstage\s+prod)/);
    const line = await home.fails([
      'verify',
      '--oci-layout',
      '--scope',
      scope,
      '-m',
      'team=red',
      `${layoutDir}@${image.digest}`,
    ]);
    expect(line).toBe('Error: signature verification failed: unable to find specified metadata in the signature');
  });

  it('WF-3: --max-signatures must be positive', async () => {
    expect(
      await home.fails(['verify', '--oci-layout', '--scope', scope, '--max-signatures', '0', `${layoutDir}@${digest}`]),
    ).toBe('Error: max-signatures value 0 must be a positive number');
  });

  it('--oci-layout and --scope go together', async () => {
    expect(await home.fails(['verify', '--oci-layout', `${layoutDir}@${digest}`])).toBe(
      'Error: if any flags in the group [oci-layout scope] are set they must all be set; missing [scope]',
    );
  });

  it('WF-1: a scope no statement covers fails with the policy error', async () => {
    const line = await home.fails(['verify', '--oci-layout', '--scope', 'other.test/repo', `${layoutDir}@${digest}`]);
    expect(line).toMatch(/^Error: .*other\.test\/repo/);
  });

  it('WF-1: a digest that does not match the tag fails', async () => {
    const line = await home.fails([
      'verify',
      '--oci-layout',
      '--scope',
      scope,
      `${layoutDir}@sha256:${'0'.repeat(64)}`,
    ]);
    expect(line).toMatch(/^Error: failed to get manifest descriptor/);
  });

  describe('tampering', () => {
    it('WF-1: re-tagging to other content leaves no signature to verify', async () => {
      const layout = (await makeLayout(layoutDir, 'v1', 'hello, notary')).layout;
      const other = await pushImage(layout, 'v1', 'evil content');
      expect(other.digest).not.toBe(digest);
      const line = await home.fails(['verify', '--oci-layout', '--scope', scope, `${layoutDir}:v1`]);
      expect(line).toBe(
        `Error: no signature is associated with "${scope}@${other.digest}", make sure the artifact was signed successfully`,
      );
    });

    it('WF-1 VER-3: a signature replayed onto other content fails, naming the payload check', async () => {
      const { layout } = await makeLayout(layoutDir, 'v1', 'hello, notary');
      const other = await pushImage(layout, 'evil', 'replayed content');
      // Copy a signature manifest of the genuine artifact and point its subject at the other one.
      const [signature] = await layout.referrers(
        { mediaType: MEDIA_TYPE_OCI_MANIFEST, digest, size: 0 },
        { artifactType: 'application/vnd.cncf.notary.signature' },
      );
      const manifest = JSON.parse(new TextDecoder().decode((await layout.fetchManifest(signature!)).bytes)) as Record<
        string,
        unknown
      >;
      manifest['subject'] = { mediaType: other.mediaType, digest: other.digest, size: other.size };
      await layout.pushManifest(new TextEncoder().encode(JSON.stringify(manifest)), MEDIA_TYPE_OCI_MANIFEST);
      const result = await home.notary(['verify', '--oci-layout', '--scope', scope, '-o', 'json', `${layoutDir}:evil`]);
      expect(result.code).toBe(1);
      expect(result.stderr.trimEnd().split('\n').at(-1)).toMatch(
        /^Error: signature verification failed for all the signatures associated with .*: payload check failed: /,
      );
      const document = JSON.parse(result.stdout) as Record<string, any>;
      expect(document['verified']).toBe(false);
      expect(document['signatures'][0]['verified']).toBe(false);
      expect(document['signatures'][0]['failure']['check']).toBe('payload');
      expect(document['signatures'][0]['checks']['integrity']['outcome']).toBe('passed');
    });
  });
});

describe('WF-3: --max-signatures bounds the signatures tried', () => {
  let home: TestHome;
  let layoutDir: string;
  let digest: string;
  const scope = 'local.test/limits';

  beforeAll(async () => {
    home = await makeHome();
    layoutDir = join(home.dir, 'layout');
    digest = (await makeLayout(layoutDir, 'v1', 'limits')).image.digest;
    await home.ok(['cert', 'generate-test', 'trusted.example']);
    await home.ok(['cert', 'generate-test', '--default', 'untrusted.example']);
    const policyFile = join(home.dir, 'policy.json');
    await writeFile(policyFile, strictOciPolicy([scope], 'trusted.example'));
    await home.ok(['policy', 'import', policyFile]);
    // Two signatures by a key the policy does not trust.
    await home.ok(['sign', '--oci-layout', `${layoutDir}@${digest}`]);
    await home.ok(['sign', '--oci-layout', '--signature-format', 'cose', `${layoutDir}@${digest}`]);
  });

  it('WF-3: stopping at the limit with signatures left is inconclusive', async () => {
    const line = await home.fails([
      'verify',
      '--oci-layout',
      '--scope',
      scope,
      '--max-signatures',
      '1',
      `${layoutDir}@${digest}`,
    ]);
    expect(line).toMatch(
      /^Error: signature evaluation stopped\. The configured limit of 1 signatures to verify per artifact exceeded: authenticity check failed: /,
    );
  });

  it('WF-1 WF-3: every signature tried and failed; -o json shows each one, in order', async () => {
    const result = await home.notary([
      'verify',
      '--oci-layout',
      '--scope',
      scope,
      '-o',
      'json',
      '--max-signatures',
      '2',
      `${layoutDir}@${digest}`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
      `Error: signature verification failed for all the signatures associated with ${scope}@${digest}: authenticity check failed: the signature's certificate chain does not contain any trusted certificate`,
    );
    const document = JSON.parse(result.stdout) as Record<string, any>;
    expect(document['signatures']).toHaveLength(2);
    for (const signature of document['signatures']) {
      expect(signature['checks']['integrity']['outcome']).toBe('passed');
      expect(signature['checks']['authenticity']).toMatchObject({
        outcome: 'failed-enforced',
        action: 'enforce',
        error: { code: 'ERR_UNTRUSTED_CHAIN' },
      });
      expect(signature['checks']['revocation']['outcome']).toBe('skipped');
      expect(signature['failure']).toMatchObject({ check: 'authenticity', code: 'ERR_UNTRUSTED_CHAIN' });
    }
  });

  it('WF-1: a trusted signature among untrusted ones verifies when the limit allows reaching it', async () => {
    await home.ok(['sign', '--oci-layout', '-k', 'trusted.example', `${layoutDir}@${digest}`]);
    const out = await home.ok(['verify', '--oci-layout', '--scope', scope, '-o', 'json', `${layoutDir}@${digest}`]);
    const document = JSON.parse(out) as Record<string, any>;
    expect(document['verified']).toBe(true);
    expect(document['signatures'].at(-1)['verified']).toBe(true);
  });
});
