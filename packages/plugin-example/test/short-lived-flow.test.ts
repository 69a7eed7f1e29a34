/**
 * The example plugin EXECUTABLE (dist/notation-com.example.notary.cjs, built
 * by tsup), installed into a temporary plugin directory and discovered there
 * (PLG-1, PLG-2), signing an OCI artifact through core's `sign` with a
 * short-lived leaf from the loopback remote signing service and a timestamp
 * from the loopback TSA (PLG-8, PLG-9, TSA-1), then verified after the leaf
 * has expired under `verifyTimestamp: always` (TP-14, TSA-4). Also: the
 * key-file mode with blob signing, the ENVELOPE path with the plugin's
 * manifest annotations (PLG-10), and the service's refusal as a PLG-11 error.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sign, signBlob, verify, verifyBlob, WorkflowError } from '@x/notary-core';
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS } from '@x/notary-envelope';
import * as oci from '@x/notary-oci';
import { Certificate, encodePem, parseCertificates } from '@x/notary-pki';
import { createPluginEnvelopeGenerator, createPluginSigner, type PluginClient, PluginError } from '@x/notary-plugin';
import { openPlugin, parsePluginFileName, pluginDirectoryOf } from '@x/notary-plugin/node';
import { caAndLeaf } from '@x/notary-test-servers/certificates';
import type {} from '@x/notary-test-servers/pki/global-setup';
import { MemoryTrustStore, parseBlobTrustPolicy, parseOciTrustPolicy } from '@x/notary-trust-policy';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EXAMPLE_PLUGIN_NAME } from '../src/index.js';
import { type RemoteSigningService, startRemoteSigningService } from './support/remote-signing-service.js';

const here = dirname(fileURLToPath(import.meta.url));
const BUNDLE = resolve(here, '../dist/notation-com.example.notary.cjs');
const servers = inject('pkiServers');
const encoder = new TextEncoder();
const HOUR = 3_600_000;

let configDir: string;
let service: RemoteSigningService;
let plugin: PluginClient;
let tsaRoot: Certificate;

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run "npx tsup" in packages/plugin-example first`);
  configDir = mkdtempSync(join(tmpdir(), 'notation-config-'));
  // PLG-1: {config}/plugins/<name>/notation-<name>, a regular executable file (PLG-2).
  const pluginDir = join(pluginDirectoryOf(configDir), EXAMPLE_PLUGIN_NAME);
  mkdirSync(pluginDir, { recursive: true });
  const executable = join(pluginDir, `notation-${EXAMPLE_PLUGIN_NAME}`);
  copyFileSync(BUNDLE, executable);
  chmodSync(executable, 0o755);
  service = await startRemoteSigningService();
  plugin = await openPlugin(EXAMPLE_PLUGIN_NAME, { pluginDirectory: pluginDirectoryOf(configDir), timeoutMs: 30_000 });
  tsaRoot = parseCertificates(readFileSync(servers.scenario.tsa.root.cert, 'utf8'))[0]!;
});

afterAll(async () => {
  await service?.close();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

async function repositoryWithImage(): Promise<{ repository: oci.MemoryRepository; image: oci.Descriptor }> {
  const repository = new oci.MemoryRepository({ name: 'registry.example/team/app' });
  const config = await repository.pushBlob(encoder.encode('{}'), 'application/vnd.oci.empty.v1+json');
  const layer = await repository.pushBlob(encoder.encode('payload layer'), 'application/vnd.oci.image.layer.v1.tar');
  const manifest = encoder.encode(
    JSON.stringify({ schemaVersion: 2, mediaType: oci.MEDIA_TYPE_OCI_MANIFEST, config, layers: [layer] }),
  );
  const image = await repository.pushManifest(manifest, oci.MEDIA_TYPE_OCI_MANIFEST, { tag: 'v1' });
  return { repository, image };
}

const policy = (stores: string[]) =>
  parseOciTrustPolicy({
    version: '1.0',
    trustPolicies: [
      {
        name: 'managed-signing',
        registryScopes: ['registry.example/team/app'],
        signatureVerification: { level: 'strict', verifyTimestamp: 'always' },
        trustStores: stores,
        trustedIdentities: ['*'],
      },
    ],
  });

describe('the short-lived flow through the example plugin executable', () => {
  it('PLG-1 PLG-2 PLG-8 PLG-9 PLG-12: signs with a short-lived leaf and a TSA timestamp, and verifies after the leaf expired', async () => {
    const { repository, image } = await repositoryWithImage();
    const signer = await createPluginSigner({ plugin, keyId: 'release-2026', keyPluginConfig: { url: service.url } });
    expect(signer.metadata.name).toBe(EXAMPLE_PLUGIN_NAME);
    const signed = await sign({
      repository,
      reference: image.digest,
      signer,
      signingAgent: signer.signingAgent,
      timestamp: { url: servers.tsa.routes.good, roots: [tsaRoot] },
    });
    const leaf = signer.certificateChain[0]!;
    expect(service.issued.map((c) => c.der)).toContainEqual(leaf.der);
    const lifetime = leaf.notAfter.getTime() - leaf.notBefore.getTime();
    expect(lifetime).toBeLessThanOrEqual(4 * HOUR);
    expect(signed.signatureManifest.artifactType).toBe(oci.ARTIFACT_TYPE_NOTARY_SIGNATURE);

    const trustStore = new MemoryTrustStore({ 'ca:managed': [service.root], 'tsa:loopback': [tsaRoot] });
    const afterExpiry = new Date(leaf.notAfter.getTime() + HOUR);
    const outcome = await verify({
      repository,
      reference: image.digest,
      policy: policy(['ca:managed', 'tsa:loopback']),
      trustStore,
      now: afterExpiry,
    });
    expect(outcome.result.verified).toBe(true);
    expect(outcome.result.checks.authenticTimestamp.outcome).toBe('passed');
    expect(outcome.result.timestamp?.range.latest.getTime()).toBeLessThan(leaf.notAfter.getTime());
    expect(outcome.result.certificateChain?.[0]?.der).toEqual(leaf.der);
  });

  it('TSA-4: the same signature without a timestamp does not verify once the leaf has expired', async () => {
    const { repository, image } = await repositoryWithImage();
    const signer = await createPluginSigner({ plugin, keyId: 'release-2026', keyPluginConfig: { url: service.url } });
    await sign({ repository, reference: image.digest, signer });
    const leaf = signer.certificateChain[0]!;
    const trustStore = new MemoryTrustStore({ 'ca:managed': [service.root], 'tsa:loopback': [tsaRoot] });
    const error = await verify({
      repository,
      reference: image.digest,
      policy: policy(['ca:managed', 'tsa:loopback']),
      trustStore,
      now: new Date(leaf.notAfter.getTime() + HOUR),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowError);
    const result = (error as WorkflowError).results[0]!;
    expect(result.checks.authenticTimestamp.outcome).toBe('failed-enforced');
  });

  it('PLG-11: the service refusing the key reaches the host as the plugin’s ACCESS_DENIED', async () => {
    const guarded = await startRemoteSigningService({ token: 'sesame' });
    try {
      const error = await createPluginSigner({
        plugin,
        keyId: 'k',
        keyPluginConfig: { url: guarded.url, token: 'wrong' },
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PluginError);
      expect((error as PluginError).code).toBe('ERR_PLUGIN_ERROR_RESPONSE');
      expect((error as PluginError).pluginError?.errorCode).toBe('ACCESS_DENIED');
      // The call's config wins over the key's (PLG-12): the right token from the call.
      const signer = await createPluginSigner({
        plugin,
        keyId: 'k',
        keyPluginConfig: { url: guarded.url, token: 'wrong' },
        pluginConfig: { token: 'sesame' },
      });
      expect(signer.keySpec).toBe('EC-256');
    } finally {
      await guarded.close();
    }
  });
});

describe('packaging (PLG-3)', () => {
  it('PLG-3: the plugin ships as one self-contained executable under 256 MiB, named in reverse-domain notation', async () => {
    const { statSync } = await import('node:fs');
    expect(statSync(BUNDLE).size).toBeLessThan(256 * 1024 * 1024);
    expect(readFileSync(BUNDLE, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
    // Bundled: no import of the workspace packages is left to resolve beside it.
    expect(readFileSync(BUNDLE, 'utf8')).not.toMatch(/require\("@x\//);
    expect(EXAMPLE_PLUGIN_NAME).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    expect(parsePluginFileName(`notation-${EXAMPLE_PLUGIN_NAME}`, 'linux')).toBe(EXAMPLE_PLUGIN_NAME);
    expect(parsePluginFileName(`notation-${EXAMPLE_PLUGIN_NAME}.exe`, 'win32')).toBe(EXAMPLE_PLUGIN_NAME);
    expect(parsePluginFileName('notation-', 'linux')).toBeUndefined();
    expect(parsePluginFileName('plugin-x', 'linux')).toBeUndefined();
  });
});

describe('the example plugin with a key file', () => {
  it('PLG-9: blob signing works with the RAW plugin (key file mode)', async () => {
    const { leaf, chain } = await caAndLeaf(Certificate.fromDer);
    const keyFile = join(configDir, 'signing.key');
    const certFile = join(configDir, 'signing.crt');
    writeFileSync(keyFile, encodePem('PRIVATE KEY', leaf.pkcs8));
    writeFileSync(certFile, chain.map((c) => encodePem('CERTIFICATE', c.der)).join(''));
    const signer = await createPluginSigner({ plugin, keyId: 'file-key', keyPluginConfig: { keyFile, certFile } });
    const blob = encoder.encode('release notes v1');
    for (const signatureMediaType of [MEDIA_TYPE_JWS, MEDIA_TYPE_COSE] as const) {
      const signed = await signBlob({ blob, signer, signatureMediaType, signingAgent: signer.signingAgent });
      const result = await verifyBlob({
        blob,
        signature: signed.signature,
        signatureMediaType,
        trustStore: new MemoryTrustStore({ 'ca:files': [chain[1]!] }),
        policy: parseBlobTrustPolicy({
          version: '1.0',
          trustPolicies: [
            {
              name: 'files',
              globalPolicy: true,
              signatureVerification: { level: 'strict' },
              trustStores: ['ca:files'],
              trustedIdentities: ['*'],
            },
          ],
        }),
      });
      expect(result.verified).toBe(true);
    }
  });
});

describe('the example plugin generating envelopes (PLG-10)', () => {
  it('PLG-10: the plugin’s envelope is checked, its annotations go onto the signature manifest, and it verifies', async () => {
    const { repository, image } = await repositoryWithImage();
    const generator = await createPluginEnvelopeGenerator({
      plugin,
      keyId: 'release-2026',
      keyPluginConfig: { url: service.url },
    });
    const generated = await generator.generate({
      targetArtifact: image,
      mediaType: MEDIA_TYPE_JWS,
      expiresInSeconds: 86_400,
    });
    expect(generated.annotations).toEqual({ 'com.example.notary.key-id': 'release-2026' });
    // What core's sign() would do with a pre-built envelope: the manifest, with the plugin's annotations.
    const info = generated.verified.content.signerInfo;
    const built = oci.buildSignatureManifest({
      envelope: generated.bytes,
      envelopeMediaType: generated.mediaType,
      subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
      certificateChainDer: info.certificateChain.map((c) => c.der),
      signingTime: info.signedAttributes.signingTime!,
      annotations: generated.annotations,
    });
    for (const blob of built.blobs) await repository.pushBlob(blob.bytes, blob.descriptor.mediaType);
    await repository.pushManifest(built.manifest, built.descriptor.mediaType);
    const referrers = await repository.referrers(image, { artifactType: oci.ARTIFACT_TYPE_NOTARY_SIGNATURE });
    expect(referrers[0]?.annotations?.['com.example.notary.key-id']).toBe('release-2026');
    const outcome = await verify({
      repository,
      reference: image.digest,
      policy: parseOciTrustPolicy({
        version: '1.0',
        trustPolicies: [
          {
            name: 'p',
            registryScopes: ['*'],
            signatureVerification: { level: 'strict' },
            trustStores: ['ca:managed'],
            trustedIdentities: ['*'],
          },
        ],
      }),
      trustStore: new MemoryTrustStore({ 'ca:managed': [service.root] }),
    });
    expect(outcome.result.verified).toBe(true);
    expect(outcome.result.checks.expiry.outcome).toBe('passed');
  });
});
