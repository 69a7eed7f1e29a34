/**
 * The plugin host against real executables (fake plugins written in the
 * test): discovery (PLG-1, PLG-2), invocation (PLG-4, PLG-5, PLG-11),
 * metadata (PLG-6, PLG-7), the RAW adapter (PLG-8, PLG-9), the ENVELOPE
 * adapter (PLG-10), pluginConfig (PLG-12) and verify-signature on the wire
 * (PLG-14, PLG-15). Each misbehaviour must be a typed error naming the plugin
 * and the broken rule.
 */
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type TargetArtifact as Descriptor,
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  signEnvelope,
  verifyEnvelopeIntegrity,
} from '@x/notary-envelope';
import { Certificate, CertificateRuleError } from '@x/notary-pki';
import { decodeBase64 } from '@x/notary-pki/foundation';
import { caAndLeaf, type Issued } from '@x/notary-test-servers/certificates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPluginEnvelopeGenerator, createPluginSigner, PluginError } from '../../src/index.js';
import { createVerificationPluginRunner, listPlugins, openPlugin, pluginDirectoryOf } from '../../src/node/index.js';
import { expectPluginError, type FakeConfig, installFake, tempPluginDirectory } from '../support/fake-plugins.js';

const TARGET: Descriptor = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${'ab'.repeat(32)}`,
  size: 1234,
  annotations: { 'org.opencontainers.image.title': 'app' },
};

let plugins: { dir: string; cleanup(): void };
let good: { ca: Issued<Certificate>; leaf: Issued<Certificate>; chain: FakeConfig['chain'] };
let badChain: FakeConfig['chain'];
let badKey: Uint8Array;

beforeAll(async () => {
  plugins = tempPluginDirectory();
  good = await caAndLeaf(Certificate.fromDer);
  // CERT-3: a leaf whose key usage is keyEncipherment, not digitalSignature.
  const bad = await caAndLeaf(Certificate.fromDer, { keyUsage: 'keyEncipherment' });
  badChain = bad.chain;
  badKey = bad.leaf.pkcs8;
});
afterAll(() => plugins.cleanup());

function fake(name: string, config: Partial<FakeConfig> = {}, options: { executable?: boolean } = {}): string {
  return installFake(plugins.dir, name, { keyPkcs8: good.leaf.pkcs8, chain: good.chain, ...config }, options);
}
const open = (name: string, extra: Partial<Parameters<typeof openPlugin>[1]> = {}) =>
  openPlugin(name, { pluginDirectory: plugins.dir, ...extra });

describe('discovery (PLG-1, PLG-2)', () => {
  it('PLG-1: lists every plugin directory, ignoring files and symlinked directories; the path is {config}/plugins', async () => {
    const { dir, cleanup } = tempPluginDirectory();
    try {
      installFake(dir, 'com.example.a', { keyPkcs8: good.leaf.pkcs8, chain: good.chain });
      mkdirSync(join(dir, 'com.example.b'));
      writeFileSync(join(dir, 'not-a-plugin.txt'), 'x');
      symlinkSync(join(dir, 'com.example.a'), join(dir, 'com.example.link'));
      expect(await listPlugins(dir)).toEqual(['com.example.a', 'com.example.b']);
      expect(await listPlugins(join(dir, 'missing'))).toEqual([]);
      expect(pluginDirectoryOf('/home/u/.config/notation')).toBe('/home/u/.config/notation/plugins');
    } finally {
      cleanup();
    }
  });

  it('PLG-1: a plugin that is not installed is ERR_PLUGIN_NOT_FOUND', async () => {
    await expectPluginError(open('com.example.absent'), 'ERR_PLUGIN_NOT_FOUND', 'com.example.absent', 'PLG-1');
    await expectPluginError(open('../escape'), 'ERR_PLUGIN_NOT_FOUND', '../escape', 'PLG-1');
  });

  it('PLG-2: a non-executable file is refused', async () => {
    fake('com.example.noexec', {}, { executable: false });
    await expectPluginError(open('com.example.noexec'), 'ERR_PLUGIN_NOT_EXECUTABLE', 'com.example.noexec', 'PLG-2');
  });

  it('PLG-2: a symlink or a directory in place of the executable is refused', async () => {
    const target = fake('com.example.real');
    mkdirSync(join(plugins.dir, 'com.example.symlinked'));
    symlinkSync(target, join(plugins.dir, 'com.example.symlinked', 'notation-com.example.symlinked'));
    await expectPluginError(
      open('com.example.symlinked'),
      'ERR_PLUGIN_NOT_EXECUTABLE',
      'com.example.symlinked',
      'PLG-2',
    );
    mkdirSync(join(plugins.dir, 'com.example.dir', 'notation-com.example.dir'), { recursive: true });
    await expectPluginError(open('com.example.dir'), 'ERR_PLUGIN_NOT_EXECUTABLE', 'com.example.dir', 'PLG-2');
  });

  it('PLG-2: an executable that cannot start (no interpreter) is ERR_PLUGIN_NOT_EXECUTABLE', async () => {
    mkdirSync(join(plugins.dir, 'com.example.broken'));
    const path = join(plugins.dir, 'com.example.broken', 'notation-com.example.broken');
    writeFileSync(path, '#!/nonexistent/interpreter\n');
    chmodSync(path, 0o755);
    const plugin = await open('com.example.broken');
    await expectPluginError(plugin.getMetadata(), 'ERR_PLUGIN_NOT_EXECUTABLE', 'com.example.broken', 'PLG-2');
  });

  it('PLG-2: the metadata name must equal the directory name', async () => {
    fake('com.example.dirname', { name: 'com.example.othername' });
    const plugin = await open('com.example.dirname');
    const error = await expectPluginError(
      plugin.getMetadata(),
      'ERR_PLUGIN_NAME_MISMATCH',
      'com.example.dirname',
      'PLG-2',
    );
    expect(error.message).toContain(
      'plugin executable file name must be "notation-com.example.othername" instead of "notation-com.example.dirname"',
    );
    await expectPluginError(
      createPluginSigner({ plugin, keyId: 'k' }),
      'ERR_PLUGIN_NAME_MISMATCH',
      'com.example.dirname',
      'PLG-2',
    );
  });
});

describe('invocation (PLG-4, PLG-5, PLG-6, PLG-11)', () => {
  it('PLG-4: malformed JSON on stdout is ERR_PLUGIN_MALFORMED_RESPONSE', async () => {
    fake('com.example.malformed', { mode: 'malformed-json' });
    const plugin = await open('com.example.malformed');
    const error = await expectPluginError(
      createPluginSigner({ plugin, keyId: 'k' }),
      'ERR_PLUGIN_MALFORMED_RESPONSE',
      'com.example.malformed',
      'PLG-4',
    );
    expect(error.command).toBe('describe-key');
  });

  it('PLG-4: a plugin hanging past the timeout is killed: ERR_PLUGIN_TIMEOUT', async () => {
    fake('com.example.hang', { mode: 'hang' });
    const plugin = await open('com.example.hang', { timeoutMs: 1500 });
    const started = Date.now();
    await expectPluginError(plugin.describeKey({ keyId: 'k' }), 'ERR_PLUGIN_TIMEOUT', 'com.example.hang', 'PLG-4');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('PLG-4: an AbortSignal kills the plugin: ERR_PLUGIN_ABORTED', async () => {
    fake('com.example.abort', { mode: 'hang' });
    const plugin = await open('com.example.abort');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user cancelled')), 500);
    await expectPluginError(
      plugin.describeKey({ keyId: 'k' }, { signal: controller.signal }),
      'ERR_PLUGIN_ABORTED',
      'com.example.abort',
      'PLG-4',
    );
    await expectPluginError(
      plugin.describeKey({ keyId: 'k' }, { signal: AbortSignal.abort() }),
      'ERR_PLUGIN_ABORTED',
      'com.example.abort',
      'PLG-4',
    );
  });

  it('PLG-4: stdout over the cap (configurable; 64 MiB by default) is ERR_PLUGIN_OUTPUT_TOO_LARGE', async () => {
    fake('com.example.flood', { mode: 'flood' });
    const plugin = await open('com.example.flood', { maxOutputBytes: 256 * 1024 });
    const error = await expectPluginError(
      plugin.describeKey({ keyId: 'k' }),
      'ERR_PLUGIN_OUTPUT_TOO_LARGE',
      'com.example.flood',
      'PLG-4',
    );
    expect(error.message).toContain('262144-byte limit');
  });

  it('PLG-11 PLG-4: a JSON error on stderr with a non-zero exit is the plugin’s own error, code and metadata kept', async () => {
    fake('com.example.denied', { mode: 'error-json' });
    const plugin = await open('com.example.denied');
    const error = await expectPluginError(
      plugin.describeKey({ keyId: 'k' }),
      'ERR_PLUGIN_ERROR_RESPONSE',
      'com.example.denied',
      'PLG-11',
    );
    expect(error.pluginError).toEqual({
      errorCode: 'ACCESS_DENIED',
      errorMessage: 'the caller may not use this key',
      errorMetadata: { hint: 'log in first' },
    });
    expect(error.message).toContain('ACCESS_DENIED: the caller may not use this key');
  });

  it('PLG-4: a non-zero exit without a JSON error is ERR_PLUGIN_EXECUTION_FAILED, quoting stderr', async () => {
    fake('com.example.garbage', { mode: 'stderr-garbage' });
    fake('com.example.silent', { mode: 'silent-exit' });
    const garbage = await expectPluginError(
      (await open('com.example.garbage')).describeKey({ keyId: 'k' }),
      'ERR_PLUGIN_EXECUTION_FAILED',
      'com.example.garbage',
      'PLG-4',
    );
    expect(garbage.message).toContain('panic: something broke');
    const silent = await expectPluginError(
      (await open('com.example.silent')).describeKey({ keyId: 'k' }),
      'ERR_PLUGIN_EXECUTION_FAILED',
      'com.example.silent',
      'PLG-4',
    );
    expect(silent.message).toContain('exited with code 3');
  });

  it('PLG-6: metadata with an empty field is ERR_PLUGIN_METADATA_INVALID', async () => {
    fake('com.example.badmeta', { mode: 'bad-metadata' });
    const error = await expectPluginError(
      (await open('com.example.badmeta')).getMetadata(),
      'ERR_PLUGIN_METADATA_INVALID',
      'com.example.badmeta',
      'PLG-6',
    );
    expect(error.message).toContain('metadata validation failed for plugin com.example.badmeta: empty description');
  });

  it('PLG-5: a plugin must support contract 1.0; requests carry contractVersion 1.0, get-plugin-metadata only pluginConfig', async () => {
    fake('com.example.v2', { contractVersions: ['2.0'] });
    await expectPluginError(
      (await open('com.example.v2')).getMetadata(),
      'ERR_PLUGIN_UNSUPPORTED_CONTRACT',
      'com.example.v2',
      'PLG-5',
    );
    const record = join(plugins.dir, 'record-v1');
    fake('com.example.v1', { contractVersions: ['1.0', '2.0'], recordPath: record });
    const signer = await createPluginSigner({
      plugin: await open('com.example.v1'),
      keyId: 'k',
      keyPluginConfig: { region: 'eu' },
    });
    expect(signer.keySpec).toBe('EC-256');
    expect(JSON.parse(readFileSync(`${record}.get-plugin-metadata.json`, 'utf8'))).toEqual({
      pluginConfig: { region: 'eu' },
    });
    expect(JSON.parse(readFileSync(`${record}.describe-key.json`, 'utf8'))).toEqual({
      contractVersion: '1.0',
      keyId: 'k',
      pluginConfig: { region: 'eu' },
    });
  });
});

describe('RAW adapter (PLG-7, PLG-8, PLG-9, PLG-12)', () => {
  it('PLG-9 PLG-12: signs JWS and COSE through generate-signature; stored and call config merge, the call winning', async () => {
    const record = join(plugins.dir, 'record-raw');
    fake('com.example.raw', { recordPath: record, capabilities: ['SIGNATURE_GENERATOR.RAW'] });
    const signer = await createPluginSigner({
      plugin: await open('com.example.raw'),
      keyId: 'release',
      keyPluginConfig: { vault: 'stored', region: 'eu' },
      pluginConfig: { region: 'us' },
    });
    expect(signer.pluginConfig).toEqual({ vault: 'stored', region: 'us' });
    expect(signer.signingAgent).toMatch(/^notary-ts\/\S+ com\.example\.raw\/1\.0\.0$/);
    for (const mediaType of [MEDIA_TYPE_JWS, MEDIA_TYPE_COSE] as const) {
      const signed = await signEnvelope({
        mediaType,
        signer,
        targetArtifact: TARGET,
        signingAgent: signer.signingAgent,
      });
      const verified = await verifyEnvelopeIntegrity(signed.bytes, mediaType);
      expect(verified.content.signerInfo.certificateChain.map((c) => c.subject)).toEqual(
        good.chain.map((c) => c.subject),
      );
      expect(verified.content.signerInfo.unsignedAttributes.signingAgent).toBe(signer.signingAgent);
    }
    const request = JSON.parse(readFileSync(`${record}.generate-signature.json`, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(request)).toEqual([
      'contractVersion',
      'keyId',
      'keySpec',
      'hashAlgorithm',
      'payload',
      'pluginConfig',
    ]);
    expect(request).toMatchObject({
      contractVersion: '1.0',
      keyId: 'release',
      keySpec: 'EC-256',
      hashAlgorithm: 'SHA-256',
      pluginConfig: { vault: 'stored', region: 'us' },
    });
    // PLG-9 [impl]: the payload is the COSE Sig_structure here (the last signature made).
    expect(decodeBase64(request.payload as string)[0]).toBe(0x84);
  });

  it('PLG-8: a describe-key response with another keyId is ERR_PLUGIN_KEY_ID_MISMATCH', async () => {
    fake('com.example.wrongkey', { mode: 'wrong-key-id' });
    const error = await expectPluginError(
      createPluginSigner({ plugin: await open('com.example.wrongkey'), keyId: 'release' }),
      'ERR_PLUGIN_KEY_ID_MISMATCH',
      'com.example.wrongkey',
      'PLG-8',
    );
    expect(error.message).toContain('keyID in describeKey response "release-other" does not match request "release"');
  });

  it('PLG-9: a generate-signature response with another keyId is ERR_PLUGIN_KEY_ID_MISMATCH', async () => {
    fake('com.example.wrongkey2', { mode: 'wrong-key-id-on-sign' });
    const signer = await createPluginSigner({ plugin: await open('com.example.wrongkey2'), keyId: 'release' });
    await expectPluginError(
      signEnvelope({ mediaType: MEDIA_TYPE_JWS, signer, targetArtifact: TARGET }),
      'ERR_PLUGIN_KEY_ID_MISMATCH',
      'com.example.wrongkey2',
      'PLG-9',
    );
  });

  it('PLG-9: a signature that does not verify over the unmodified payload is ERR_PLUGIN_SIGNATURE_INVALID', async () => {
    fake('com.example.badsig', { mode: 'bad-signature' });
    const signer = await createPluginSigner({ plugin: await open('com.example.badsig'), keyId: 'release' });
    await expectPluginError(
      signEnvelope({ mediaType: MEDIA_TYPE_JWS, signer, targetArtifact: TARGET }),
      'ERR_PLUGIN_SIGNATURE_INVALID',
      'com.example.badsig',
      'PLG-9',
    );
  });

  it('PLG-9: a signing algorithm other than the key spec’s is ERR_PLUGIN_SIGNING_ALGORITHM', async () => {
    fake('com.example.wrongalg', { mode: 'wrong-algorithm' });
    const signer = await createPluginSigner({ plugin: await open('com.example.wrongalg'), keyId: 'release' });
    await expectPluginError(
      signEnvelope({ mediaType: MEDIA_TYPE_JWS, signer, targetArtifact: TARGET }),
      'ERR_PLUGIN_SIGNING_ALGORITHM',
      'com.example.wrongalg',
      'PLG-9',
    );
  });

  it('PLG-9 CERT-3: a chain breaking a CERT rule is ERR_PLUGIN_CERTIFICATE_CHAIN, the rule error as cause', async () => {
    fake('com.example.badchain', { keyPkcs8: badKey, chain: badChain });
    const signer = await createPluginSigner({ plugin: await open('com.example.badchain'), keyId: 'release' });
    const error = await expectPluginError(
      signEnvelope({ mediaType: MEDIA_TYPE_JWS, signer, targetArtifact: TARGET }),
      'ERR_PLUGIN_CERTIFICATE_CHAIN',
      'com.example.badchain',
      'PLG-9',
    );
    expect(error.cause).toBeInstanceOf(CertificateRuleError);
    expect((error.cause as CertificateRuleError).code).toBe('ERR_CERT_KEY_USAGE');
  });

  it('PLG-7: RAW signing needs SIGNATURE_GENERATOR.RAW', async () => {
    fake('com.example.envonly', { capabilities: ['SIGNATURE_GENERATOR.ENVELOPE'] });
    const error = await expectPluginError(
      createPluginSigner({ plugin: await open('com.example.envonly'), keyId: 'k' }),
      'ERR_PLUGIN_CAPABILITY_MISSING',
      'com.example.envonly',
      'PLG-7',
    );
    expect(error.message).toContain('createPluginEnvelopeGenerator');
  });

  it('PLG-12: a non-string config value is ERR_PLUGIN_CONFIG_INVALID', async () => {
    fake('com.example.cfg');
    await expectPluginError(
      createPluginSigner({
        plugin: await open('com.example.cfg'),
        keyId: 'k',
        pluginConfig: { n: 1 as unknown as string },
      }),
      'ERR_PLUGIN_CONFIG_INVALID',
      'com.example.cfg',
      'PLG-12',
    );
  });
});

describe('ENVELOPE adapter (PLG-10)', () => {
  it('PLG-10: the plugin’s envelope is checked and its annotations returned for the signature manifest', async () => {
    const record = join(plugins.dir, 'record-env');
    fake('com.example.env', { recordPath: record });
    const generator = await createPluginEnvelopeGenerator({ plugin: await open('com.example.env'), keyId: 'release' });
    const generated = await generator.generate({
      targetArtifact: { ...TARGET, artifactType: 'application/x-dropped' },
      mediaType: MEDIA_TYPE_JWS,
      expiresInSeconds: 3600,
    });
    expect(generated.annotations).toEqual({ 'com.example.fake.signed-by': 'com.example.env' });
    expect(generated.verified.payload.targetArtifact.digest).toBe(TARGET.digest);
    const request = JSON.parse(readFileSync(`${record}.generate-envelope.json`, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(request)).toEqual([
      'contractVersion',
      'keyId',
      'payloadType',
      'signatureEnvelopeType',
      'payload',
      'expiryDurationInSeconds',
    ]);
    expect(request).toMatchObject({
      payloadType: 'application/vnd.cncf.notary.payload.v1+json',
      signatureEnvelopeType: 'application/jose+json',
      expiryDurationInSeconds: 3600,
    });
    // PAY-6: Go's json.Marshal of the sanitised descriptor (artifactType dropped).
    expect(new TextDecoder().decode(decodeBase64(request.payload as string))).toBe(
      `{"targetArtifact":{"mediaType":"${TARGET.mediaType}","digest":"${TARGET.digest}","size":1234,"annotations":{"org.opencontainers.image.title":"app"}}}`,
    );
  });

  it('PLG-10: the plugin may add annotations to targetArtifact', async () => {
    fake('com.example.addann', { mode: 'added-annotation' });
    const generator = await createPluginEnvelopeGenerator({ plugin: await open('com.example.addann'), keyId: 'k' });
    const generated = await generator.generate({ targetArtifact: TARGET, mediaType: MEDIA_TYPE_JWS });
    expect(generated.verified.payload.targetArtifact.annotations).toMatchObject({
      'com.example.added': 'by plugin',
      'org.opencontainers.image.title': 'app',
    });
  });

  it('PLG-10: a wrong envelope type is ERR_PLUGIN_ENVELOPE_TYPE', async () => {
    fake('com.example.wrongtype', { mode: 'wrong-envelope-type' });
    const generator = await createPluginEnvelopeGenerator({ plugin: await open('com.example.wrongtype'), keyId: 'k' });
    const error = await expectPluginError(
      generator.generate({ targetArtifact: TARGET, mediaType: MEDIA_TYPE_JWS }),
      'ERR_PLUGIN_ENVELOPE_TYPE',
      'com.example.wrongtype',
      'PLG-10',
    );
    expect(error.message).toContain(
      'signatureEnvelopeType in generateEnvelope response "application/cose" does not match request "application/jose+json"',
    );
  });

  it('PLG-10: a modified targetArtifact, or an unknown member added to it, is ERR_PLUGIN_PAYLOAD_MODIFIED', async () => {
    fake('com.example.modified', { mode: 'modified-target' });
    fake('com.example.smuggle', { mode: 'added-member' });
    const modified = await createPluginEnvelopeGenerator({ plugin: await open('com.example.modified'), keyId: 'k' });
    const e1 = await expectPluginError(
      modified.generate({ targetArtifact: TARGET, mediaType: MEDIA_TYPE_JWS }),
      'ERR_PLUGIN_PAYLOAD_MODIFIED',
      'com.example.modified',
      'PLG-10',
    );
    expect(e1.message).toContain('during signing descriptor subject has changed');
    const smuggle = await createPluginEnvelopeGenerator({ plugin: await open('com.example.smuggle'), keyId: 'k' });
    const e2 = await expectPluginError(
      smuggle.generate({ targetArtifact: TARGET, mediaType: MEDIA_TYPE_JWS }),
      'ERR_PLUGIN_PAYLOAD_MODIFIED',
      'com.example.smuggle',
      'PLG-10',
    );
    expect(e2.message).toContain('["extra"]');
  });

  it('PLG-10: an envelope whose chain breaks a CERT rule, or whose signature does not verify, is refused', async () => {
    fake('com.example.envbadchain', { keyPkcs8: badKey, chain: badChain });
    const generator = await createPluginEnvelopeGenerator({
      plugin: await open('com.example.envbadchain'),
      keyId: 'k',
    });
    await expectPluginError(
      generator.generate({ targetArtifact: TARGET, mediaType: MEDIA_TYPE_JWS }),
      'ERR_PLUGIN_CERTIFICATE_CHAIN',
      'com.example.envbadchain',
      'PLG-10',
    );
    // The key does not match the leaf: the envelope does not verify with its own leaf key.
    fake('com.example.envbadsig', { keyPkcs8: badKey });
    const mismatched = await createPluginEnvelopeGenerator({ plugin: await open('com.example.envbadsig'), keyId: 'k' });
    await expectPluginError(
      mismatched.generate({ targetArtifact: TARGET, mediaType: MEDIA_TYPE_JWS }),
      'ERR_PLUGIN_SIGNATURE_INVALID',
      'com.example.envbadsig',
      'PLG-10',
    );
  });

  it('PLG-7: envelope generation needs SIGNATURE_GENERATOR.ENVELOPE', async () => {
    fake('com.example.rawonly', { capabilities: ['SIGNATURE_GENERATOR.RAW'] });
    await expectPluginError(
      createPluginEnvelopeGenerator({ plugin: await open('com.example.rawonly'), keyId: 'k' }),
      'ERR_PLUGIN_CAPABILITY_MISSING',
      'com.example.rawonly',
      'PLG-7',
    );
  });
});

describe('verification plugins over executables (PLG-13, PLG-14, PLG-15)', () => {
  it('PLG-14: verify-signature goes on the wire in notation-go’s shape; PLG-15: the response is decoded', async () => {
    const record = join(plugins.dir, 'record-verify');
    fake('com.example.verifier', {
      capabilities: ['SIGNATURE_VERIFIER.TRUSTED_IDENTITY', 'SIGNATURE_VERIFIER.REVOCATION_CHECK'],
      recordPath: record,
      version: '1.2.0',
    });
    const runner = createVerificationPluginRunner({ pluginDirectory: plugins.dir });
    const metadata = await runner.metadata('com.example.verifier', { pluginConfig: { mode: 'x' } });
    expect(metadata.version).toBe('1.2.0');
    const response = await runner.verifySignature('com.example.verifier', {
      signature: {
        criticalAttributes: {
          contentType: 'application/vnd.cncf.notary.payload.v1+json',
          signingScheme: 'notary.x509',
          expiry: new Date('0001-01-01T00:00:00Z'),
          extendedAttributes: { 'com.example.level': 3, 'com.example.tag': 'x' },
        },
        unprocessedAttributes: ['com.example.level'],
        certificateChain: good.chain.map((c) => c.der),
      },
      trustPolicy: { trustedIdentities: ['*'], signatureVerification: ['SIGNATURE_VERIFIER.TRUSTED_IDENTITY'] },
      pluginConfig: { mode: 'x' },
    });
    expect(response).toEqual({
      verificationResults: { 'SIGNATURE_VERIFIER.TRUSTED_IDENTITY': { success: true } },
      processedAttributes: ['com.example.level'],
    });
    const wire = JSON.parse(readFileSync(`${record}.verify-signature.json`, 'utf8'));
    expect(wire).toEqual({
      contractVersion: '1.0',
      signature: {
        criticalAttributes: {
          contentType: 'application/vnd.cncf.notary.payload.v1+json',
          signingScheme: 'notary.x509',
          expiry: '0001-01-01T00:00:00Z',
          extendedAttributes: { 'com.example.level': 3, 'com.example.tag': 'x' },
        },
        unprocessedAttributes: ['com.example.level'],
        certificateChain: good.chain.map((c) => Buffer.from(c.der).toString('base64')),
      },
      trustPolicy: { trustedIdentities: ['*'], signatureVerification: ['SIGNATURE_VERIFIER.TRUSTED_IDENTITY'] },
      pluginConfig: { mode: 'x' },
    });
  });

  it('PLG-15: a malformed verificationResults entry is ERR_PLUGIN_MALFORMED_RESPONSE', async () => {
    fake('com.example.badverify', {
      capabilities: ['SIGNATURE_VERIFIER.TRUSTED_IDENTITY'],
      verifyResponse: {
        verificationResults: { 'SIGNATURE_VERIFIER.TRUSTED_IDENTITY': { success: 'yes' } },
        processedAttributes: [],
      },
    });
    const runner = createVerificationPluginRunner({ pluginDirectory: plugins.dir });
    await expectPluginError(
      runner.verifySignature('com.example.badverify', {
        signature: {
          criticalAttributes: { contentType: 'c', signingScheme: 'notary.x509' },
          unprocessedAttributes: [],
          certificateChain: [good.leaf.certificate.der],
        },
        trustPolicy: { trustedIdentities: [], signatureVerification: ['SIGNATURE_VERIFIER.TRUSTED_IDENTITY'] },
      }),
      'ERR_PLUGIN_MALFORMED_RESPONSE',
      'com.example.badverify',
      'PLG-15',
    );
  });

  it('PLG-13: a missing verification plugin rejects from metadata()', async () => {
    const runner = createVerificationPluginRunner({ pluginDirectory: plugins.dir });
    await expect(runner.metadata('com.example.nowhere')).rejects.toBeInstanceOf(PluginError);
  });
});
