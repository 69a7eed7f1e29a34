/**
 * `com.example.notary`: an example notation signing plugin built with
 * `@x/notary-plugin`'s framework, meant to be copied. It answers
 * SIGNATURE_GENERATOR.RAW (describe-key, generate-signature) and
 * SIGNATURE_GENERATOR.ENVELOPE (generate-envelope) (PLG-7) for keys that
 * live in one of two places, chosen by pluginConfig (PLG-12):
 *
 * - `url`: a remote signing service (a KMS or a managed signer). The service
 *   holds the key and returns the signature with a certificate chain; a
 *   managed signer issues a short-lived leaf per request.
 *   `GET {url}/keys/{keyId}` → `{ keySpec }`;
 *   `POST {url}/keys/{keyId}/sign` `{ payload, hashAlgorithm }` →
 *   `{ signature, signingAlgorithm, certificateChain }` (base64).
 *   An optional `token` is sent as a bearer token.
 * - `keyFile` + `certFile`: a PEM private key and its PEM chain on disk
 *   (Node only: the entry point passes a file reader).
 */
import {
  DEFAULT_SIGNING_AGENT,
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  parsePayload,
  type Signer,
  signEnvelope,
  signerFromPrivateKey,
} from '@x/notary-envelope';
import { algorithmSuiteOf, type Certificate, type KeySpec, keySpecOf, parseCertificates } from '@x/notary-pki';
import { decodeBase64, encodeBase64 } from '@x/notary-pki/foundation';
import {
  createPlugin,
  type PluginConfig,
  type PluginMetadata,
  PluginProtocolError,
  type TypeScriptPlugin,
} from '@x/notary-plugin';

export const EXAMPLE_PLUGIN_NAME = 'com.example.notary';

export const EXAMPLE_PLUGIN_METADATA: PluginMetadata = {
  name: EXAMPLE_PLUGIN_NAME,
  description: 'Example notation plugin: signs with a key file or a remote signing service',
  version: '1.0.0',
  url: 'https://example.com/notary-plugin',
  supportedContractVersions: ['1.0'],
  capabilities: ['SIGNATURE_GENERATOR.RAW', 'SIGNATURE_GENERATOR.ENVELOPE'],
};

export interface ExamplePluginOptions {
  /** Reads a file (the key-file mode); without it only the remote mode works. */
  readFile?: (path: string) => Promise<Uint8Array>;
  /** The fetch used for the remote service; defaults to the global one. */
  fetch?: typeof fetch;
}

/** The key behind a key id: what describe-key and generate-signature need. */
interface KeyHandle {
  keySpec: KeySpec;
  /** Signs the bytes, returning the raw signature and the chain that goes with it. */
  sign(payload: Uint8Array): Promise<{ signature: Uint8Array; chain: Certificate[] }>;
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function remoteKey(
  keyId: string,
  config: PluginConfig,
  fetchImpl: typeof fetch,
): KeyHandle & { describe(): Promise<KeySpec> } {
  const base = config.url!.replace(/\/+$/, '');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(config.token ? { authorization: `Bearer ${config.token}` } : {}),
  };
  const call = async (path: string, body?: unknown): Promise<Record<string, unknown>> => {
    let response: Response;
    try {
      response = await fetchImpl(
        `${base}${path}`,
        body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(body) },
      );
    } catch (error) {
      throw new PluginProtocolError(
        'ERROR',
        `the signing service at ${base} cannot be reached: ${(error as Error).message}`,
      );
    }
    const detail = await response.text();
    // PLG-11: the service's answer, in the protocol's error codes.
    if (response.status === 401 || response.status === 403)
      throw new PluginProtocolError('ACCESS_DENIED', `the signing service refused key "${keyId}": ${detail}`);
    if (response.status === 429)
      throw new PluginProtocolError('THROTTLED', 'the signing service is throttling requests', {
        metadata: { retryAfter: response.headers.get('retry-after') ?? '' },
      });
    if (response.status === 404)
      throw new PluginProtocolError('VALIDATION_ERROR', `the signing service has no key "${keyId}"`);
    if (!response.ok)
      throw new PluginProtocolError('ERROR', `the signing service answered ${response.status}: ${detail}`);
    return JSON.parse(detail) as Record<string, unknown>;
  };
  let keySpec: KeySpec | undefined;
  return {
    get keySpec() {
      return keySpec!;
    },
    async describe() {
      keySpec = (await call(`/keys/${encodeURIComponent(keyId)}`)).keySpec as KeySpec;
      return keySpec;
    },
    async sign(payload) {
      const hashAlgorithm = algorithmSuiteOf(keySpec ?? (await this.describe())).hash;
      const answer = await call(`/keys/${encodeURIComponent(keyId)}/sign`, {
        payload: encodeBase64(payload),
        hashAlgorithm,
      });
      return {
        signature: decodeBase64(answer.signature as string),
        chain: (answer.certificateChain as string[]).map((c) => parseCertificates(decodeBase64(c))[0]!),
      };
    },
  };
}

async function fileKey(config: PluginConfig, readFile: ExamplePluginOptions['readFile']): Promise<KeyHandle> {
  if (!readFile)
    throw new PluginProtocolError('VALIDATION_ERROR', 'keyFile/certFile need a file system; use the "url" mode here');
  const chain = parseCertificates(text(await readFile(config.certFile!)));
  const signer = await signerFromPrivateKey(text(await readFile(config.keyFile!)), chain);
  return { keySpec: signer.keySpec, sign: async (payload) => ({ signature: await signer.sign(payload), chain }) };
}

/** Creates the example plugin (the executable's entry point passes Node's readFile). */
export function createExamplePlugin(options: ExamplePluginOptions = {}): TypeScriptPlugin {
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));

  async function keyFor(keyId: string, config: PluginConfig = {}): Promise<KeyHandle> {
    if (config.url) {
      const key = remoteKey(keyId, config, fetchImpl);
      await key.describe();
      return key;
    }
    if (config.keyFile && config.certFile) return fileKey(config, options.readFile);
    throw new PluginProtocolError(
      'VALIDATION_ERROR',
      'pluginConfig must give either "url" (remote signing service) or "keyFile" and "certFile"',
    );
  }

  return createPlugin({
    metadata: EXAMPLE_PLUGIN_METADATA,

    // PLG-8: echo the key id, report the key spec.
    async describeKey(request) {
      const key = await keyFor(request.keyId, request.pluginConfig);
      return { keyId: request.keyId, keySpec: key.keySpec };
    },

    // PLG-9: sign the payload bytes as given, with the hash the host asked for.
    async generateSignature(request) {
      const key = await keyFor(request.keyId, request.pluginConfig);
      const suite = algorithmSuiteOf(key.keySpec);
      if (request.keySpec !== key.keySpec)
        throw new PluginProtocolError(
          'VALIDATION_ERROR',
          `key "${request.keyId}" is ${key.keySpec}, not ${request.keySpec}`,
        );
      if (request.hashAlgorithm !== suite.hash)
        throw new PluginProtocolError(
          'VALIDATION_ERROR',
          `key spec ${key.keySpec} signs with ${suite.hash}, not ${request.hashAlgorithm}`,
        );
      const { signature, chain } = await key.sign(request.payload);
      return {
        keyId: request.keyId,
        signature,
        signingAlgorithm: suite.signatureAlgorithm,
        certificateChain: chain.map((c) => c.der),
      };
    },

    // PLG-10: build the whole envelope; keep targetArtifact as sent, and
    // return annotations for the signature manifest.
    async generateEnvelope(request) {
      const mediaType = request.signatureEnvelopeType;
      if (mediaType !== MEDIA_TYPE_JWS && mediaType !== MEDIA_TYPE_COSE)
        throw new PluginProtocolError('VALIDATION_ERROR', `signature envelope type "${mediaType}" is not supported`);
      const key = await keyFor(request.keyId, request.pluginConfig);
      let chain: Certificate[] = [];
      const signer: Signer = {
        keySpec: key.keySpec,
        get certificateChain() {
          return chain;
        },
        async sign(data) {
          const signed = await key.sign(data);
          chain = signed.chain;
          if (keySpecOf(chain[0]!.publicKey) !== key.keySpec)
            throw new PluginProtocolError('ERROR', 'the signing service returned a leaf of another key spec');
          return signed.signature;
        },
      };
      const { targetArtifact } = parsePayload(request.payload);
      const signed = await signEnvelope({
        mediaType,
        signer,
        targetArtifact,
        ...(request.expiryDurationInSeconds ? { expiresInSeconds: request.expiryDurationInSeconds } : {}),
        signingAgent: `${DEFAULT_SIGNING_AGENT} ${EXAMPLE_PLUGIN_NAME}/${EXAMPLE_PLUGIN_METADATA.version}`,
      });
      return {
        signatureEnvelope: signed.bytes,
        signatureEnvelopeType: mediaType,
        annotations: { 'com.example.notary.key-id': request.keyId },
      };
    },
  });
}
