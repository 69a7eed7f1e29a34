/**
 * What `sign` and `blob sign` share: the signer from `--key`, the default
 * key of signingkeys.json or `--plugin --id` (a local key pair, or a plugin
 * key: PLG-7 … PLG-12), the envelope format, the expiry duration, and the
 * timestamping options (SIGN-2: a TSA URL and its root, always together).
 */
import { readFile } from 'node:fs/promises';
import type { TimestampingOptions } from '@x/notary-core';
import {
  type EnvelopeMediaType,
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  type Signer,
  signerFromPrivateKey,
} from '@x/notary-envelope';
import { type Certificate, isRootCertificate, parseCertificates } from '@x/notary-pki';
import {
  CAPABILITY,
  createPluginEnvelopeGenerator,
  createPluginSigner,
  type EnvelopeGenerator,
  hasCapability,
  mergePluginConfig,
} from '@x/notary-plugin';
import { openPlugin, pluginDirectoryOf } from '@x/notary-plugin/node';
import {
  type FlagSpecs,
  listFlag,
  type ParsedArgs,
  parseKeyValuePairs,
  requireExclusive,
  requireTogether,
  stringFlag,
} from './args.js';
import { loadNotationConfig } from './config/notation-config.js';
import { findSigningKey, loadSigningKeys } from './config/signing-keys.js';
import type { CommandContext } from './context.js';
import { CliError, usageError } from './errors.js';
import { parseGoDuration } from './go-duration.js';
import { PLUGIN_TIMEOUT_FLAG, pluginTimeoutOf } from './plugin-timeout.js';

/** notation's TSA client timeout for signing (sign.go `timestampingTimeout`). */
const TIMESTAMPING_TIMEOUT_MS = 15_000;

/** The signer flags of `sign` and `blob sign` (notation's SignerFlagOpts, expiry, metadata, timestamping). */
export const SIGNER_FLAGS: FlagSpecs = {
  key: { type: 'string', short: 'k', description: "signing key name, for a key previously added to notary's key list" },
  'signature-format': {
    type: 'string',
    description: 'signature envelope format, options: "jws", "cose" (default from config.json, else "jws")',
  },
  id: {
    type: 'string',
    description: 'key id (required if --plugin is set). This is mutually exclusive with the --key flag',
  },
  plugin: {
    type: 'string',
    description: 'signing plugin name (required if --id is set). This is mutually exclusive with the --key flag',
  },
  'plugin-config': {
    type: 'string',
    multiple: true,
    description:
      "{key}={value} pairs that are passed as it is to a plugin, refer plugin's documentation to set appropriate values; they override the key's stored pluginConfig",
  },
  expiry: {
    type: 'string',
    short: 'e',
    description: 'optional expiry that provides a "best by use" time for the artifact, e.g. 12h, 30m, 3h20m',
  },
  'user-metadata': {
    type: 'string',
    short: 'm',
    multiple: true,
    description: '{key}={value} pairs that are added to the signature payload',
  },
  'timestamp-url': { type: 'string', description: 'RFC 3161 Timestamping Authority (TSA) server URL' },
  'timestamp-root-cert': { type: 'string', description: 'filepath of timestamp authority root certificate' },
  ...PLUGIN_TIMEOUT_FLAG,
};

/** The options parsed from {@link SIGNER_FLAGS}: a signer (with its signing agent, for a RAW plugin) or an envelope generator. */
export type SigningRequest = SigningMethod & SigningOptions;

interface SigningOptions {
  signatureMediaType: EnvelopeMediaType;
  /** `jws` or `cose`: the blob signature file extension's first part (SIGN-3). */
  signatureFormat: 'jws' | 'cose';
  expiresInSeconds?: number;
  userMetadata: Record<string, string>;
  timestamp?: TimestampingOptions;
}

/** notation's GetEnvelopeMediaType. */
export function envelopeMediaTypeOf(format: string): EnvelopeMediaType {
  if (format === 'jws') return MEDIA_TYPE_JWS;
  if (format === 'cose') return MEDIA_TYPE_COSE;
  throw usageError(
    `signature format "${format}" not supported. Supported signature envelope formats are "jws" and "cose"`,
  );
}

/**
 * Go's time.ParseDuration (`3h20m`, `90s`, `1.5h`), in seconds; then
 * notation-go's rules (ATTR-6): not negative, whole seconds only.
 */
export function parseExpiry(text: string): number {
  const seconds = parseGoDuration(text);
  if (seconds === undefined)
    throw usageError(`invalid argument "${text}" for "-e, --expiry" flag: time: invalid duration "${text}"`);
  if (seconds < 0) throw usageError('expiry duration cannot be a negative value');
  const rounded = Math.round(seconds * 1e9) / 1e9;
  if (!Number.isInteger(rounded)) throw usageError('expiry duration supports minimum granularity of seconds');
  return rounded;
}

/**
 * The TSA root of `--timestamp-root-cert` (notation's NewRootCertPool):
 * exactly one certificate, self-signed and self-issued.
 */
export async function loadTsaRoot(path: string, context: CommandContext): Promise<Certificate> {
  const certificates = parseCertificates(new Uint8Array(await readFile(context.path(path))));
  if (certificates.length === 0) {
    throw new CliError(
      'ERR_FILE',
      `cannot find any certificate from "${path}". Expecting single x509 root certificate in PEM or DER format from the file`,
    );
  }
  if (certificates.length > 1) {
    throw new CliError(
      'ERR_FILE',
      `found more than one certificates from "${path}". Expecting single x509 root certificate in PEM or DER format from the file`,
    );
  }
  const root = certificates[0]!;
  let isRoot: boolean;
  try {
    isRoot = await isRootCertificate(root);
  } catch (error) {
    throw new CliError('ERR_FILE', `failed to check root certificate with error: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!isRoot)
    throw new CliError(
      'ERR_FILE',
      `certificate from "${path}" is not a root certificate. Expecting single x509 root certificate in PEM or DER format from the file`,
    );
  return root;
}

/** How a signature is made: a Signer (local key or RAW plugin), or a whole-envelope plugin (PLG-10). */
export type SigningMethod =
  | { signer: Signer; signingAgent?: string; envelopeGenerator?: undefined }
  | { envelopeGenerator: EnvelopeGenerator; signer?: undefined; signingAgent?: undefined };

/** What the signature is for: an OCI artifact, or a blob (which needs a RAW plugin, PLG-7 [impl]). */
export type SigningPurpose = 'oci' | 'blob';

/**
 * A key held by a plugin (PLG-7 … PLG-12), as notation-go's PluginSigner
 * picks the path: SIGNATURE_GENERATOR.RAW first (the plugin signs what this
 * CLI builds, with the plugin's signing agent, ATTR-5), else
 * SIGNATURE_GENERATOR.ENVELOPE (OCI only; the plugin owns times and any
 * timestamp). The key's stored config is merged with the call's, whose
 * values win (PLG-12).
 */
async function pluginSigningMethod(
  context: CommandContext,
  key: { pluginName: string; id: string | undefined; pluginConfig?: Record<string, string> },
  callConfig: Record<string, string>,
  purpose: SigningPurpose,
  timestamping: boolean,
  timeout: { timeoutMs?: number },
): Promise<SigningMethod> {
  const name = key.pluginName;
  if (!key.id) throw new CliError('ERR_KEY', `missing key id for plugin "${name}"`);
  const plugin = await openPlugin(name, { pluginDirectory: pluginDirectoryOf(context.configDir), ...timeout });
  const merged = mergePluginConfig(key.pluginConfig, callConfig, name);
  const metadata = await plugin.getMetadata(Object.keys(merged).length > 0 ? { pluginConfig: merged } : {});
  const options = {
    plugin,
    keyId: key.id,
    ...(key.pluginConfig ? { keyPluginConfig: key.pluginConfig } : {}),
    pluginConfig: callConfig,
  };
  if (hasCapability(metadata, CAPABILITY.signatureGeneratorRaw)) {
    const signer = await createPluginSigner(options);
    return { signer, signingAgent: signer.signingAgent };
  }
  if (hasCapability(metadata, CAPABILITY.signatureGeneratorEnvelope)) {
    if (purpose === 'blob') {
      throw new CliError(
        'ERR_PLUGIN_UNSUPPORTED',
        `plugin "${name}" cannot sign blobs: blob signing needs the ${CAPABILITY.signatureGeneratorRaw} capability, and the plugin generates whole envelopes only`,
      );
    }
    if (timestamping) {
      throw new CliError(
        'ERR_PLUGIN_UNSUPPORTED',
        `plugin "${name}" generates the whole envelope (${CAPABILITY.signatureGeneratorEnvelope}), including any timestamp: --timestamp-url cannot be used with it`,
      );
    }
    return { envelopeGenerator: await createPluginEnvelopeGenerator(options) };
  }
  throw new CliError('ERR_PLUGIN_UNSUPPORTED', `plugin "${name}" does not have signing capabilities`);
}

/**
 * The signing method of `--key`, the default key, or `--plugin --id`: a
 * local key pair of signingkeys.json, or a plugin key (PLG-12).
 */
export async function resolveSigningMethod(
  context: CommandContext,
  args: ParsedArgs,
  purpose: SigningPurpose = 'oci',
  timestamping = false,
): Promise<SigningMethod> {
  requireTogether(args, ['id', 'plugin']);
  requireExclusive(args, ['key', 'id']);
  requireExclusive(args, ['key', 'plugin']);
  const callConfig = parseKeyValuePairs(listFlag(args, 'plugin-config'), '--plugin-config');
  const plugin = stringFlag(args, 'plugin');
  if (plugin !== undefined) {
    if (plugin === '') throw new CliError('ERR_KEY', 'plugin name cannot be empty');
    return pluginSigningMethod(
      context,
      { pluginName: plugin, id: stringFlag(args, 'id') },
      callConfig,
      purpose,
      timestamping,
      pluginTimeoutOf(args),
    );
  }
  const keys = await loadSigningKeys(context.configDir);
  const key = findSigningKey(keys, stringFlag(args, 'key'));
  if (key.keyPath && key.certPath) {
    const [keyPem, certPem] = await Promise.all([readFile(key.keyPath), readFile(key.certPath)]);
    return {
      signer: await signerFromPrivateKey(
        isPemText(keyPem) ? keyPem.toString('utf8') : new Uint8Array(keyPem),
        new Uint8Array(certPem),
      ),
    };
  }
  if (key.pluginName) {
    return pluginSigningMethod(
      context,
      { pluginName: key.pluginName, id: key.id, ...(key.pluginConfig ? { pluginConfig: key.pluginConfig } : {}) },
      callConfig,
      purpose,
      timestamping,
      pluginTimeoutOf(args),
    );
  }
  throw new CliError(
    'ERR_KEY',
    'unsupported key, either provide a local key and certificate file paths, or a key name in signingkeys.json, check https://notaryproject.dev/docs/user-guides/how-to/notation-config-file/ for details',
  );
}

function isPemText(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 64)).toString('latin1').includes('-----BEGIN');
}

/** Parses the signer flags: signer, format, expiry (ATTR-6), metadata (PAY-3), timestamping (SIGN-2). */
export async function signingRequest(
  context: CommandContext,
  args: ParsedArgs,
  purpose: SigningPurpose = 'oci',
): Promise<SigningRequest> {
  // SIGN-2: the TSA URL and its root certificate come together.
  requireTogether(args, ['timestamp-url', 'timestamp-root-cert']);
  const tsaUrl = stringFlag(args, 'timestamp-url');
  const tsaRootPath = stringFlag(args, 'timestamp-root-cert');
  if (args.given.has('timestamp-url') && !tsaUrl) throw usageError('timestamping: tsa url cannot be empty');
  if (args.given.has('timestamp-root-cert') && !tsaRootPath)
    throw usageError('timestamping: tsa root certificate path cannot be empty');
  const config = await loadNotationConfig(context.configDir);
  const format = (stringFlag(args, 'signature-format') ?? config.signatureFormat ?? 'jws').toLowerCase();
  const signatureMediaType = envelopeMediaTypeOf(format);
  const expiry = stringFlag(args, 'expiry');
  const expiresInSeconds = expiry === undefined ? undefined : parseExpiry(expiry);
  parseKeyValuePairs(listFlag(args, 'plugin-config'), '--plugin-config');
  pluginTimeoutOf(args);
  const userMetadata = parseKeyValuePairs(listFlag(args, 'user-metadata'), '--user-metadata');
  const method = await resolveSigningMethod(context, args, purpose, tsaUrl !== undefined);
  const timestamp =
    tsaUrl && tsaRootPath
      ? { url: tsaUrl, roots: [await loadTsaRoot(tsaRootPath, context)], timeoutMs: TIMESTAMPING_TIMEOUT_MS }
      : undefined;
  return {
    ...method,
    signatureMediaType,
    signatureFormat: format as 'jws' | 'cose',
    // notation: a zero duration means no expiry.
    ...(expiresInSeconds ? { expiresInSeconds } : {}),
    userMetadata,
    ...(timestamp ? { timestamp } : {}),
  };
}
