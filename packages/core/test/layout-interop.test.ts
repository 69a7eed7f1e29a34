/**
 * Signatures in OCI image layouts between the SDK and the real notation
 * binaries (issue 13 item 1, AMB-20, OCI-2, OCI-3). notation v1.3.2 finds,
 * in a layout, only signature manifests whose config.mediaType is the
 * signature type (the legacy form); notation v2 writes the OCI 1.1 form and
 * finds both. So the SDK writes the legacy form into layouts, and reads both.
 *
 * The binaries come from `$NOTARY_PEERS` (default `../shared/bin`); without
 * them these cases are skipped with a notice, and fail under CI=true. Each
 * runs with its own HOME and XDG_CONFIG_HOME and NOTATION_EXPERIMENTAL=1.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as envelope from '@x/notary-envelope';
import * as oci from '@x/notary-oci';
import { OciLayoutRepository } from '@x/notary-oci/node';
import * as pki from '@x/notary-pki';
import { selfSignedSigner } from '@x/notary-test-servers/certificates';
import { PEERS, peerBinary } from '@x/notary-test-servers/peers';
import * as policy from '@x/notary-trust-policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign, verify } from '../src/index.js';

const encoder = new TextEncoder();
const SCOPE = 'local.example/layout';
const notations = [
  { label: 'notation v1.3.2', binary: peerBinary(PEERS.notation132) },
  { label: 'notation v2.0.0-alpha.1', binary: peerBinary(PEERS.notation2) },
] as const;

let dir: string;
let env: Record<string, string>;

function notation(
  binary: string,
  args: readonly string[],
  envOverrides: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      binary,
      args,
      { env: { ...env, ...envOverrides }, cwd: dir, timeout: 60_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
      },
    );
  });
}

/** Skips (or fails under CI) when a binary is missing; returns its path otherwise. */
function need(binary: { path: string } | { missing: string }, context: { skip: () => void }): string {
  if ('path' in binary) return binary.path;
  if (process.env['CI'] === 'true') expect.fail(`required on CI: ${binary.missing}`);
  console.warn(`[core] ${binary.missing}; skipping the layout interop case`);
  context.skip();
  throw new Error('unreachable');
}

async function layoutWithImage(
  name: string,
): Promise<{ layout: OciLayoutRepository; path: string; image: oci.Descriptor }> {
  const path = join(dir, name);
  const layout = await OciLayoutRepository.open(path, { create: true });
  const config = await layout.pushBlob(
    encoder.encode(JSON.stringify({ architecture: 'amd64', os: 'linux', name })),
    'application/vnd.oci.image.config.v1+json',
  );
  const image = await layout.pushManifest(
    encoder.encode(JSON.stringify({ schemaVersion: 2, mediaType: oci.MEDIA_TYPE_OCI_MANIFEST, config, layers: [] })),
    oci.MEDIA_TYPE_OCI_MANIFEST,
    { tag: 'v1' },
  );
  return { layout, path, image };
}

const statement = (store: string): policy.TrustPolicyStatement => ({
  name: 'layout',
  registryScopes: [SCOPE],
  signatureVerification: { level: 'strict' },
  trustStores: [`ca:${store}`],
  trustedIdentities: ['*'],
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'notary-layout-interop-'));
  env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    NOTATION_EXPERIMENTAL: '1',
  };
  // notation's trust policy (v1.3.2 reads trustpolicy.json, v2 trustpolicy.oci.json), trusting the SDK's certificate.
  const document = JSON.stringify({ version: '1.0', trustPolicies: [statement('sdk')] });
  await mkdir(join(dir, 'config', 'notation'), { recursive: true });
  await writeFile(join(dir, 'config', 'notation', 'trustpolicy.json'), document);
  await writeFile(join(dir, 'config', 'notation', 'trustpolicy.oci.json'), document);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('issue 13 item 1: signatures in OCI layouts, the SDK and notation', () => {
  it('issue 13 item 1 OCI-3 AMB-20: the SDK signs a layout in the legacy form, which notation v1.3.2 and v2.0.0-alpha.1 list and verify', async (context) => {
    const v132 = need(notations[0].binary, context);
    const v2 = need(notations[1].binary, context);
    const made = await selfSignedSigner(pki.Certificate.fromDer, { name: 'sdk.example', keySpec: 'EC-256' });
    const certFile = join(dir, 'sdk.crt');
    await writeFile(certFile, pki.encodePem('CERTIFICATE', made.certificate.der));
    const added = await notation(v132, ['cert', 'add', '--type', 'ca', '--store', 'sdk', certFile]);
    expect(added.code, added.stderr).toBe(0);

    const { layout, path, image } = await layoutWithImage('sdk-signed');
    const signed = await sign({
      repository: layout,
      reference: image.digest,
      signer: envelope.signerFromCryptoKey(made.privateKey, [made.certificate]),
    });
    const parsed = oci.parseSignatureManifest(
      (await layout.fetchManifest(signed.signatureManifest)).bytes,
      oci.MEDIA_TYPE_OCI_MANIFEST,
    );
    expect(parsed.form).toBe('legacy');

    for (const binary of [v132, v2]) {
      const listed = await notation(binary, ['ls', '--oci-layout', `${path}@${image.digest}`]);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toContain(signed.signatureManifest.digest);
      const verified = await notation(binary, ['verify', '--oci-layout', '--scope', SCOPE, `${path}@${image.digest}`]);
      expect(verified.code, `${binary}: ${verified.stderr}`).toBe(0);
      expect(verified.stdout).toContain('Successfully verified signature');
    }
  });

  it.for([
    { which: 0, label: notations[0].label },
    { which: 1, label: notations[1].label },
  ] as const)(
    'issue 13 item 1 OCI-2 OCI-3: a layout signed by $label is found and verified by the SDK',
    async ({ which }, context) => {
      const binary = need(notations[which].binary, context);
      const key = `notation-${which}.example`;
      const generated = await notation(binary, ['cert', 'generate-test', key]);
      expect(generated.code, generated.stderr).toBe(0);
      const { layout, path, image } = await layoutWithImage(`notation-${which}`);
      const signedBy = await notation(binary, ['sign', '--key', key, '--oci-layout', `${path}@${image.digest}`]);
      expect(signedBy.code, signedBy.stderr).toBe(0);

      const reopened = await OciLayoutRepository.open(path);
      const [listed, ...more] = await reopened.referrers(image, { artifactType: oci.ARTIFACT_TYPE_NOTARY_SIGNATURE });
      expect(more).toEqual([]);
      const form = oci.parseSignatureManifest(
        (await reopened.fetchManifest(listed!)).bytes,
        oci.MEDIA_TYPE_OCI_MANIFEST,
      ).form;
      // What each version writes, as found with the binaries: v1.3.2 the legacy form, v2 the OCI 1.1 form.
      expect(form).toBe(which === 0 ? 'legacy' : 'oci-1.1');
      const trustStore = new policy.MemoryTrustStore({
        'ca:notation': await readFile(join(dir, 'config', 'notation', 'localkeys', `${key}.crt`), 'utf8'),
      });
      const outcome = await verify({
        repository: reopened,
        reference: image.digest,
        artifactReference: `${SCOPE}@${image.digest}`,
        statement: statement('notation'),
        trustStore,
      });
      expect(outcome.result.verified).toBe(true);
      expect(outcome.signatureManifest?.digest).toBe(listed!.digest);
      void layout;
    },
  );
});

describe('issue 15 item 1: an OCI layout opened with default options verifies', () => {
  const layoutPolicy = (registryScopes: string[], store: string) =>
    policy.parseOciTrustPolicy({
      version: '1.0',
      trustPolicies: [
        {
          name: 'layout',
          registryScopes,
          signatureVerification: { level: 'strict' },
          trustStores: [`ca:${store}`],
          trustedIdentities: ['*'],
        },
      ],
    });

  async function signedLayout(name: string) {
    // Upper case and a space in the path: the default name must still be a valid scope.
    const { layout, path, image } = await layoutWithImage(join('Default Name', name));
    const made = await selfSignedSigner(pki.Certificate.fromDer, { name: 'layout.example', keySpec: 'EC-256' });
    await sign({
      repository: layout,
      reference: image.digest,
      signer: envelope.signerFromCryptoKey(made.privateKey, [made.certificate]),
    });
    const trustStore = new policy.MemoryTrustStore({ 'ca:layout': [made.certificate] });
    return { layout, path, image, trustStore, certificate: made.certificate };
  }

  it("issue 15 item 1 TP-9: sign and verify with default options under a global '*' statement", async () => {
    const { layout, image, trustStore } = await signedLayout('Global');
    const outcome = await verify({
      repository: layout,
      reference: image.digest,
      policy: layoutPolicy(['*'], 'layout'),
      trustStore,
    });
    expect(outcome.result.verified).toBe(true);
    expect(outcome.target.digest).toBe(image.digest);
  });

  it('issue 15 item 1 TP-8 TP-9: with default options, a statement whose scope is the layout name is selected; another scope is not', async () => {
    const { layout, image, trustStore } = await signedLayout('Exact');
    expect(layout.name).toBe(`local${join(dir, 'default-name', 'exact')}`.toLowerCase());
    const outcome = await verify({
      repository: layout,
      reference: image.digest,
      policy: layoutPolicy([layout.name], 'layout'),
      trustStore,
    });
    expect(outcome.result.verified).toBe(true);
    const other = await verify({
      repository: layout,
      reference: image.digest,
      policy: layoutPolicy(['local/somewhere/else'], 'layout'),
      trustStore,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((other as policy.TrustPolicyError).code).toBe('ERR_POLICY_NOT_APPLICABLE');
    expect((other as Error).message).toContain('has no applicable oci trust policy statement');
  });

  it('issue 15 item 1 TP-9: notation v1.3.2 and v2.0.0-alpha.1 accept the default name as --scope and verify under a statement scoped to it', async (context) => {
    const binaries = [need(notations[0].binary, context), need(notations[1].binary, context)];
    const { layout, path, image, certificate } = await signedLayout('Notation');
    // A config directory of its own: its only statement is scoped to the layout's default name.
    const config = join(dir, 'config-issue-15');
    const store = join(config, 'notation', 'truststore', 'x509', 'ca', 'layout');
    await mkdir(store, { recursive: true });
    await writeFile(join(store, 'layout.crt'), pki.encodePem('CERTIFICATE', certificate.der));
    const document = JSON.stringify({
      version: '1.0',
      trustPolicies: [
        {
          name: 'layout',
          registryScopes: [layout.name],
          signatureVerification: { level: 'strict' },
          trustStores: ['ca:layout'],
          trustedIdentities: ['*'],
        },
      ],
    });
    await writeFile(join(config, 'notation', 'trustpolicy.json'), document);
    await writeFile(join(config, 'notation', 'trustpolicy.oci.json'), document);
    for (const binary of binaries) {
      const verified = await notation(
        binary,
        ['verify', '--oci-layout', '--scope', layout.name, `${path}@${image.digest}`],
        { XDG_CONFIG_HOME: config },
      );
      expect(verified.code, `${binary}: ${verified.stderr}`).toBe(0);
      expect(verified.stdout).toContain('Successfully verified signature');
    }
  });
});
