/**
 * The RAW adapter (PLG-8, PLG-9): a plugin with SIGNATURE_GENERATOR.RAW as
 * an ordinary envelope `Signer`, usable by `sign()` and `signBlob()`. The SDK
 * builds the envelope and asks the plugin for the primitive signature only.
 */
import { DEFAULT_SIGNING_AGENT, type Signer } from '@x/notary-envelope';
import {
  algorithmSuiteOf,
  type Certificate,
  type KeySpec,
  keySpecOf,
  NotaryError,
  parseCertificate,
  validateCodeSigningChain,
  verifyPublicKeySignature,
} from '@x/notary-pki';
import type { PluginClient } from './client.js';
import { PluginError } from './errors.js';
import { hasCapability } from './metadata.js';
import { mergePluginConfig } from './plugin-config.js';
import {
  CAPABILITY,
  KEY_SPEC_VALUES,
  type PluginConfig,
  type PluginMetadata,
  SIGNING_ALGORITHM_VALUES,
} from './protocol.js';

/** Which key of which plugin, and with what config. */
export interface PluginKeyOptions {
  /** An installed plugin (`openPlugin` from `./node`) or a TypeScript plugin (`createPlugin`). */
  plugin: PluginClient;
  /** The key's id in the plugin (signingkeys.json `id`). */
  keyId: string;
  /** The config stored with the key (signingkeys.json `pluginConfig`, PLG-12). */
  keyPluginConfig?: PluginConfig;
  /** The config given for this signing; its values win (PLG-12). */
  pluginConfig?: PluginConfig;
  /** Aborts every plugin call made through the adapter (PLG-4). */
  signal?: AbortSignal;
}

/** A RAW plugin as a Signer, with what the signing workflow should know about it. */
export interface PluginSigner extends Signer {
  readonly pluginName: string;
  readonly keyId: string;
  readonly metadata: PluginMetadata;
  /** The merged config every call sends (PLG-12). */
  readonly pluginConfig: Readonly<Record<string, string>>;
  /** ATTR-5 [impl]: `"<agent> <plugin name>/<plugin version>"`; pass it as `signingAgent`. */
  readonly signingAgent: string;
}

/** The chain of a plugin response: DER certificates, leaf first, meeting every CERT rule (PLG-9, PLG-10). */
export async function checkPluginChain(
  plugin: string,
  command: string,
  chainDer: readonly Uint8Array[],
  rule: string,
): Promise<Certificate[]> {
  let chain: Certificate[];
  try {
    chain = chainDer.map((der) => parseCertificate(der));
  } catch (error) {
    throw new PluginError(
      'ERR_PLUGIN_CERTIFICATE_CHAIN',
      plugin,
      `the certificate chain does not parse: ${(error as Error).message}`,
      { command, rule, cause: error },
    );
  }
  if (chain.length === 0)
    throw new PluginError('ERR_PLUGIN_CERTIFICATE_CHAIN', plugin, 'the certificate chain is empty', { command, rule });
  try {
    await validateCodeSigningChain(chain);
  } catch (error) {
    if (!(error instanceof NotaryError)) throw error;
    // The CERT rule's own code (ERR_CERT_KEY_USAGE, ERR_CERT_CHAIN, …) stays on `cause`.
    throw new PluginError(
      'ERR_PLUGIN_CERTIFICATE_CHAIN',
      plugin,
      `the certificate chain breaks a certificate requirement [${error.code}]: ${error.message}`,
      { command, rule, cause: error },
    );
  }
  return chain;
}

/**
 * Opens a RAW plugin key as a Signer (PLG-7 … PLG-9, PLG-12):
 * get-plugin-metadata (the SIGNATURE_GENERATOR.RAW capability is required),
 * then describe-key, whose keyId must echo the request and whose key spec
 * must be one of the six. Each `sign(data)` then runs generate-signature
 * with the key spec's hash and checks, before the envelope is built:
 * - the keyId echo;
 * - the signing algorithm is supported and is the key spec's;
 * - the chain parses and meets the CERT rules, and its leaf has the described key spec;
 * - the signature verifies over the unmodified `data` with the leaf key
 *   (raw r‖s for ECDSA, PSS with salt = hash length, AMB-16).
 * Each failure is a {@link PluginError} naming the plugin and the rule.
 */
export async function createPluginSigner(options: PluginKeyOptions): Promise<PluginSigner> {
  const { plugin, keyId } = options;
  const name = plugin.name;
  if (!keyId) throw new PluginError('ERR_PLUGIN_CONFIG_INVALID', name, 'a key id is required', { rule: 'PLG-8' });
  const pluginConfig = mergePluginConfig(options.keyPluginConfig, options.pluginConfig, name);
  const call = options.signal ? { signal: options.signal } : {};
  const withConfig = Object.keys(pluginConfig).length > 0 ? { pluginConfig } : {};

  const metadata = await plugin.getMetadata(withConfig, call);
  if (!hasCapability(metadata, CAPABILITY.signatureGeneratorRaw)) {
    const hint = hasCapability(metadata, CAPABILITY.signatureGeneratorEnvelope)
      ? '; it generates whole envelopes: use createPluginEnvelopeGenerator'
      : '';
    throw new PluginError(
      'ERR_PLUGIN_CAPABILITY_MISSING',
      name,
      `the plugin lacks the ${CAPABILITY.signatureGeneratorRaw} capability${hint}`,
      { rule: 'PLG-7' },
    );
  }

  const described = await plugin.describeKey({ keyId, ...withConfig }, call);
  if (described.keyId !== keyId) {
    throw new PluginError(
      'ERR_PLUGIN_KEY_ID_MISMATCH',
      name,
      `keyID in describeKey response "${described.keyId}" does not match request "${keyId}"`,
      { command: 'describe-key', rule: 'PLG-8' },
    );
  }
  if (!KEY_SPEC_VALUES.includes(described.keySpec)) {
    throw new PluginError(
      'ERR_PLUGIN_KEY_SPEC',
      name,
      `unsupported key spec "${described.keySpec}"; expected one of ${KEY_SPEC_VALUES.join(', ')}`,
      { command: 'describe-key', rule: 'PLG-8' },
    );
  }
  const keySpec: KeySpec = described.keySpec;
  const suite = algorithmSuiteOf(keySpec);
  let certificateChain: readonly Certificate[] = [];

  return {
    pluginName: name,
    keyId,
    metadata,
    pluginConfig,
    keySpec,
    signingAgent: `${DEFAULT_SIGNING_AGENT} ${metadata.name}/${metadata.version}`,
    get certificateChain() {
      return certificateChain;
    },
    async sign(data: Uint8Array): Promise<Uint8Array> {
      const command = 'generate-signature';
      const response = await plugin.generateSignature(
        { keyId, keySpec, hashAlgorithm: suite.hash, payload: data, ...withConfig },
        call,
      );
      if (response.keyId !== keyId) {
        throw new PluginError(
          'ERR_PLUGIN_KEY_ID_MISMATCH',
          name,
          `keyID in generateSignature response "${response.keyId}" does not match request "${keyId}"`,
          { command, rule: 'PLG-9' },
        );
      }
      if (!SIGNING_ALGORITHM_VALUES.includes(response.signingAlgorithm)) {
        throw new PluginError(
          'ERR_PLUGIN_SIGNING_ALGORITHM',
          name,
          `signing algorithm "${response.signingAlgorithm}" is not supported`,
          { command, rule: 'PLG-9' },
        );
      }
      if (response.signingAlgorithm !== suite.signatureAlgorithm) {
        throw new PluginError(
          'ERR_PLUGIN_SIGNING_ALGORITHM',
          name,
          `signing algorithm "${response.signingAlgorithm}" is not the one key spec ${keySpec} implies (${suite.signatureAlgorithm})`,
          { command, rule: 'PLG-9' },
        );
      }
      const chain = await checkPluginChain(name, command, response.certificateChain, 'PLG-9');
      const leafSpec = keySpecOf(chain[0]!.publicKey);
      if (leafSpec !== keySpec) {
        throw new PluginError(
          'ERR_PLUGIN_KEY_SPEC',
          name,
          `the leaf certificate's key is ${leafSpec}, but describe-key said ${keySpec}`,
          { command, rule: 'PLG-9' },
        );
      }
      const scheme = keySpec.startsWith('EC')
        ? ({ name: 'ECDSA', hash: suite.hash } as const)
        : ({ name: 'RSA-PSS', hash: suite.hash, saltLength: suite.hashLength } as const);
      let valid = false;
      try {
        valid = await verifyPublicKeySignature(chain[0]!.publicKey, scheme, response.signature, data);
      } catch {
        valid = false;
      }
      if (!valid) {
        throw new PluginError(
          'ERR_PLUGIN_SIGNATURE_INVALID',
          name,
          'the signature does not verify over the payload with the leaf certificate key',
          { command, rule: 'PLG-9' },
        );
      }
      certificateChain = chain;
      return response.signature;
    },
  };
}
