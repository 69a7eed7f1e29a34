/**
 * The TypeScript plugin framework (`createPlugin`) and the protocol codec:
 * argv/stdin/exit codes and error JSON (PLG-4, PLG-11), contract versions
 * (PLG-5), static metadata (PLG-6), capabilities (PLG-7), and the same
 * handlers used in process as a Signer, an envelope generator and a
 * verification runner (PLG-8 … PLG-10, PLG-14 … PLG-16), without spawning.
 */

import {
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  type Signer,
  signEnvelope,
  signerFromCryptoKey,
  verifyEnvelopeIntegrity,
} from '@x/notary-envelope';
import { algorithmSuiteOf, Certificate } from '@x/notary-pki';
import { encodeBase64 } from '@x/notary-pki/foundation';
import { caAndLeaf } from '@x/notary-test-servers/certificates';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CONTRACT_VERSION,
  createPlugin,
  createPluginEnvelopeGenerator,
  createPluginSigner,
  createVerificationRunner,
  mergePluginConfig,
  PluginError,
  type PluginHandlers,
  type PluginMetadata,
  PluginProtocolError,
  type VerifySignatureRequest,
} from '../src/index.js';
import { commandsFor, negotiateContractVersion } from '../src/metadata.js';
import { PLUGIN_ERROR_CODES } from '../src/protocol.js';
import { pluginsByName } from '../src/verification-runner.js';
import { decodePluginResponse, encodePluginRequest, parsePluginRequest } from '../src/wire.js';
import { expectPluginError } from './support/fake-plugins.js';

const METADATA: PluginMetadata = {
  name: 'com.example.inprocess',
  description: 'signs in process',
  version: '2.1.0',
  url: 'https://example.test/plugin',
  supportedContractVersions: ['1.0'],
  capabilities: ['SIGNATURE_GENERATOR.RAW', 'SIGNATURE_GENERATOR.ENVELOPE', 'SIGNATURE_VERIFIER.TRUSTED_IDENTITY'],
};
const TARGET = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${'cd'.repeat(32)}`,
  size: 42,
};

class Collector {
  text = '';
  write(chunk: string): void {
    this.text += chunk;
  }
}

let inner: Signer;
let handlers: PluginHandlers;
const seen: unknown[] = [];

beforeAll(async () => {
  const { leaf, chain } = await caAndLeaf(Certificate.fromDer);
  inner = signerFromCryptoKey(leaf.privateKey, chain);
  handlers = {
    metadata: METADATA,
    describeKey: (request) => ({ keyId: request.keyId, keySpec: inner.keySpec }),
    async generateSignature(request) {
      seen.push(request);
      if (request.keyId === 'throttled')
        throw new PluginProtocolError('THROTTLED', 'slow down', { metadata: { retryAfter: '5' } });
      if (request.keyId === 'boom') throw new Error('the HSM is on fire');
      return {
        keyId: request.keyId,
        signature: await inner.sign(request.payload),
        signingAlgorithm: algorithmSuiteOf(inner.keySpec).signatureAlgorithm,
        certificateChain: inner.certificateChain.map((c) => c.der),
      };
    },
    async generateEnvelope(request) {
      const payload = JSON.parse(new TextDecoder().decode(request.payload)) as { targetArtifact: typeof TARGET };
      const signed = await signEnvelope({
        mediaType: request.signatureEnvelopeType as typeof MEDIA_TYPE_JWS,
        signer: inner,
        targetArtifact: payload.targetArtifact,
        ...(request.expiryDurationInSeconds ? { expiresInSeconds: request.expiryDurationInSeconds } : {}),
      });
      return {
        signatureEnvelope: signed.bytes,
        signatureEnvelopeType: request.signatureEnvelopeType,
        annotations: { 'com.example.in-process': 'true' },
      };
    },
    verifySignature(request) {
      seen.push(request);
      return {
        verificationResults: {
          'SIGNATURE_VERIFIER.TRUSTED_IDENTITY': {
            success: request.trustPolicy.trustedIdentities.includes('*'),
            reason: 'not trusted',
          },
        },
        processedAttributes: request.signature.unprocessedAttributes,
      };
    },
  };
});

async function run(
  argv: string[],
  stdin: string | ReadableStream<Uint8Array>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new Collector();
  const err = new Collector();
  const code = await createPlugin(handlers).main(argv, stdin, out, err);
  return { code, stdout: out.text, stderr: err.text };
}

describe('the framework entry point (PLG-4, PLG-5, PLG-6, PLG-7, PLG-11)', () => {
  it('PLG-6: get-plugin-metadata prints the static metadata and nothing else, whatever the config', async () => {
    const a = await run(['get-plugin-metadata'], '{"pluginConfig":{"x":"1"}}');
    const b = await run(['get-plugin-metadata'], '{}');
    expect(a).toEqual({ code: 0, stdout: b.stdout, stderr: '' });
    expect(JSON.parse(a.stdout)).toEqual(METADATA);
  });

  it('PLG-4: the request is read from stdin, unknown members are ignored, the response is JSON on stdout with exit 0', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"contractVersion":"1.0","keyId":"k1",'));
        controller.enqueue(new TextEncoder().encode('"futureField":{"a":[1,2]}}'));
        controller.close();
      },
    });
    const result = await run(['describe-key'], stream);
    expect(result).toEqual({ code: 0, stdout: JSON.stringify({ keyId: 'k1', keySpec: 'EC-256' }), stderr: '' });
  });

  it('PLG-4: an invalid command, or none, lists the valid ones on stderr and exits 1; version prints the plugin', async () => {
    const bad = await run(['sign-please'], '');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'Invalid command, valid commands are: <describe-key|generate-envelope|generate-signature|get-plugin-metadata|verify-signature|version>',
    );
    expect((await run([], '')).code).toBe(1);
    expect(await run(['version'], '')).toEqual({
      code: 0,
      stdout: 'com.example.inprocess - signs in process\nVersion: 2.1.0\n',
      stderr: '',
    });
    expect(commandsFor(['SIGNATURE_GENERATOR.RAW'])).toEqual([
      'describe-key',
      'generate-signature',
      'get-plugin-metadata',
      'version',
    ]);
  });

  it('PLG-4: malformed input and failed validation are VALIDATION_ERROR in the framework’s words', async () => {
    expect(await run(['describe-key'], 'nope')).toEqual({
      code: 1,
      stdout: '',
      stderr: '{"errorCode":"VALIDATION_ERROR","errorMessage":"Input is not a valid JSON"}',
    });
    expect(await run(['describe-key'], '{"contractVersion":"1.0","keyId":7}')).toMatchObject({
      code: 1,
      stderr: '{"errorCode":"VALIDATION_ERROR","errorMessage":"Input is not a valid JSON"}',
    });
    expect(await run(['describe-key'], '{"contractVersion":"1.0"}')).toEqual({
      code: 1,
      stdout: '',
      stderr: '{"errorCode":"VALIDATION_ERROR","errorMessage":"Input is not a valid JSON: keyId cannot be empty"}',
    });
  });

  it('PLG-5: a request in a contract version the plugin does not list is UNSUPPORTED_CONTRACT_VERSION', async () => {
    expect(await run(['describe-key'], '{"contractVersion":"1.1","keyId":"k"}')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        '{"errorCode":"UNSUPPORTED_CONTRACT_VERSION","errorMessage":"\\"1.1\\" is not a supported notary plugin contract version"}',
    });
  });

  it('PLG-5: the host speaks the highest version of its major that is ≤ its own minor, never a higher one', () => {
    expect(CONTRACT_VERSION).toBe('1.0');
    expect(negotiateContractVersion(['1.0'])).toBe('1.0');
    expect(negotiateContractVersion(['2.0', '1.0'])).toBe('1.0');
    expect(negotiateContractVersion(['1.1'])).toBeUndefined();
    expect(negotiateContractVersion(['2.0'])).toBeUndefined();
    expect(negotiateContractVersion(['1.0', '1.3'], ['1.2'])).toBe('1.0');
  });

  it('PLG-11: a handler’s protocol error is written as the error JSON, code and metadata kept; any other error is ERROR', async () => {
    const throttled = await run(
      ['generate-signature'],
      JSON.stringify({
        contractVersion: '1.0',
        keyId: 'throttled',
        keySpec: 'EC-256',
        hashAlgorithm: 'SHA-256',
        payload: 'AA==',
      }),
    );
    expect(throttled).toEqual({
      code: 1,
      stdout: '',
      stderr: '{"errorCode":"THROTTLED","errorMessage":"slow down","errorMetadata":{"retryAfter":"5"}}',
    });
    const boom = await run(
      ['generate-signature'],
      JSON.stringify({
        contractVersion: '1.0',
        keyId: 'boom',
        keySpec: 'EC-256',
        hashAlgorithm: 'SHA-256',
        payload: 'AA==',
      }),
    );
    expect(boom.stderr).toBe('{"errorCode":"ERROR","errorMessage":"the HSM is on fire"}');
    expect(PLUGIN_ERROR_CODES).toEqual([
      'VALIDATION_ERROR',
      'UNSUPPORTED_CONTRACT_VERSION',
      'ACCESS_DENIED',
      'TIMEOUT',
      'THROTTLED',
      'ERROR',
    ]);
  });

  it('PLG-11: every error code reaches the host as ERR_PLUGIN_ERROR_RESPONSE with its code', async () => {
    for (const code of PLUGIN_ERROR_CODES) {
      const plugin = createPlugin({
        metadata: { ...METADATA, name: 'com.example.errors', capabilities: ['SIGNATURE_GENERATOR.RAW'] },
        describeKey: () => {
          throw new PluginProtocolError(code, `failed with ${code}`);
        },
        generateSignature: () => {
          throw new Error('unused');
        },
      });
      const error = await expectPluginError(
        plugin.describeKey({ keyId: 'k' }),
        'ERR_PLUGIN_ERROR_RESPONSE',
        'com.example.errors',
        'PLG-11',
      );
      expect(error.pluginError?.errorCode).toBe(code);
    }
  });

  it('PLG-6 PLG-7: createPlugin refuses incomplete metadata and capabilities without their handlers', () => {
    expect(() => createPlugin({ metadata: { ...METADATA, url: '' } })).toThrow(/empty url \(PLG-6\)/);
    expect(() => createPlugin({ metadata: { ...METADATA, supportedContractVersions: ['2.0'] } })).toThrow(PluginError);
    expect(() =>
      createPlugin({
        metadata: { ...METADATA, capabilities: ['SIGNATURE_GENERATOR.RAW'] },
        describeKey: handlers.describeKey!,
      }),
    ).toThrow(/generateSignature handler .*\(PLG-7\)/);
    expect(() =>
      createPlugin({ metadata: { ...METADATA, capabilities: ['SIGNATURE_VERIFIER.REVOCATION_CHECK'] } }),
    ).toThrow(/verifySignature handler/);
  });
});

describe('in-process providers: the same handlers without spawning (PLG-8, PLG-9, PLG-10, PLG-12)', () => {
  it('PLG-8 PLG-9: a TypeScript plugin is a RAW Signer for JWS and COSE', async () => {
    const plugin = createPlugin(handlers);
    const signer = await createPluginSigner({
      plugin,
      keyId: 'release',
      keyPluginConfig: { a: '1', b: '1' },
      pluginConfig: { b: '2' },
    });
    for (const mediaType of [MEDIA_TYPE_JWS, MEDIA_TYPE_COSE] as const) {
      const signed = await signEnvelope({
        mediaType,
        signer,
        targetArtifact: TARGET,
        signingAgent: signer.signingAgent,
      });
      await verifyEnvelopeIntegrity(signed.bytes, mediaType);
    }
    expect((seen.at(-1) as { pluginConfig: unknown }).pluginConfig).toEqual({ a: '1', b: '2' });
    expect(signer.signingAgent).toContain('com.example.inprocess/2.1.0');
  });

  it('PLG-10: a TypeScript plugin is an envelope generator', async () => {
    const generator = await createPluginEnvelopeGenerator({ plugin: createPlugin(handlers), keyId: 'release' });
    const generated = await generator.generate({
      targetArtifact: TARGET,
      mediaType: MEDIA_TYPE_COSE,
      expiresInSeconds: 60,
    });
    expect(generated.annotations).toEqual({ 'com.example.in-process': 'true' });
    expect(generated.verified.content.signerInfo.signedAttributes.expiry).toBeInstanceOf(Date);
  });

  it('PLG-4: an aborted in-process call is ERR_PLUGIN_ABORTED', async () => {
    const plugin = createPlugin(handlers);
    await expectPluginError(
      plugin.describeKey({ keyId: 'k' }, { signal: AbortSignal.abort() }),
      'ERR_PLUGIN_ABORTED',
      'com.example.inprocess',
      'PLG-4',
    );
  });

  it('PLG-12: the call’s config wins key by key over the stored one', () => {
    expect(mergePluginConfig({ a: '1', b: '1' }, { b: '2', c: '3' })).toEqual({ a: '1', b: '2', c: '3' });
    expect(mergePluginConfig(undefined, undefined)).toEqual({});
    expect(Object.keys(mergePluginConfig({ ['__proto__']: 'x' } as Record<string, string>, undefined))).toEqual([
      '__proto__',
    ]);
  });

  it('PLG-14 PLG-15 PLG-16: a TypeScript plugin runs verify-signature in process; primitive extended attributes round-trip', async () => {
    const plugin = createPlugin(handlers);
    const runner = createVerificationRunner(pluginsByName([plugin]));
    const { chain } = await caAndLeaf(Certificate.fromDer);
    const request: VerifySignatureRequest = {
      signature: {
        criticalAttributes: {
          contentType: 'application/vnd.cncf.notary.payload.v1+json',
          signingScheme: 'notary.x509.signingAuthority',
          expiry: new Date('2030-01-02T03:04:05Z'),
          authenticSigningTime: new Date('2029-01-02T03:04:05Z'),
          extendedAttributes: { s: 'x', n: 1.5, b: true, z: null },
        },
        unprocessedAttributes: ['s'],
        certificateChain: chain.map((c) => c.der),
      },
      trustPolicy: { trustedIdentities: ['*'], signatureVerification: ['SIGNATURE_VERIFIER.TRUSTED_IDENTITY'] },
    };
    const response = await runner.verifySignature('com.example.inprocess', request);
    expect(response.verificationResults['SIGNATURE_VERIFIER.TRUSTED_IDENTITY']).toEqual({
      success: true,
      reason: 'not trusted',
    });
    expect(response.processedAttributes).toEqual(['s']);
    const received = seen.at(-1) as VerifySignatureRequest;
    expect(received.contractVersion).toBe('1.0');
    expect(received.signature.criticalAttributes).toEqual(request.signature.criticalAttributes);
    const wire = encodePluginRequest('verify-signature', { ...request, contractVersion: '1.0' }) as {
      signature: { criticalAttributes: Record<string, unknown> };
    };
    expect(wire.signature.criticalAttributes.expiry).toBe('2030-01-02T03:04:05Z');
    expect(wire.signature.criticalAttributes.authenticSigningTime).toBe('2029-01-02T03:04:05Z');
    await expect(runner.metadata('com.example.other')).rejects.toMatchObject({ code: 'ERR_PLUGIN_NOT_FOUND' });
  });

  it('PLG-6 PLG-8: responses missing required members are ERR_PLUGIN_MALFORMED_RESPONSE naming the rule', () => {
    expect(() => decodePluginResponse('describe-key', { keySpec: 'EC-256' }, 'p')).toThrow(
      /"keyId" is missing \(PLG-8\)/,
    );
    expect(() =>
      decodePluginResponse(
        'generate-signature',
        { keyId: 'k', signature: 'AA==', signingAlgorithm: 'ECDSA-SHA-256' },
        'p',
      ),
    ).toThrow(/certificateChain.*\(PLG-9\)/);
    expect(() => decodePluginResponse('generate-envelope', { signatureEnvelopeType: 'application/cose' }, 'p')).toThrow(
      /signatureEnvelope" is missing \(PLG-10\)/,
    );
    expect(decodePluginResponse('verify-signature', { verificationResults: { A: null } }, 'p')).toEqual({
      verificationResults: {},
      processedAttributes: [],
    });
    expect(() => decodePluginResponse('get-plugin-metadata', [], 'p')).toThrow(/\(PLG-6\)/);
  });

  it('PLG-9: request bytes are standard base64 on the wire and decode back', () => {
    const payload = new Uint8Array([0xfb, 0xff, 0x00]);
    const wire = encodePluginRequest('generate-signature', {
      contractVersion: '1.0',
      keyId: 'k',
      keySpec: 'EC-256',
      hashAlgorithm: 'SHA-256',
      payload,
    });
    expect(wire.payload).toBe(encodeBase64(payload));
    expect(parsePluginRequest('generate-signature', JSON.stringify(wire)).payload).toEqual(payload);
  });
});
