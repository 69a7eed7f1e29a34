/**
 * Verification plugins in the verifier (ATTR-4, VER-8, VER-10, PLG-13 …
 * PLG-16). The runner is declared structurally, so that this package does
 * not depend on `@x/notary-plugin`: that package's
 * `createVerificationPluginRunner` (installed executables) and
 * `createVerificationRunner` (in-process plugins) have this shape.
 */
import { NotaryError } from '@x/notary-pki';
import { goQuote } from '@x/notary-pki/foundation';
import type { EnvelopeFacts } from './envelope-facts.js';

export const VERIFICATION_PLUGIN_ATTRIBUTE = 'io.cncf.notary.verificationPlugin';
export const VERIFICATION_PLUGIN_MIN_VERSION_ATTRIBUTE = 'io.cncf.notary.verificationPluginMinVersion';
export const CAPABILITY_TRUSTED_IDENTITY = 'SIGNATURE_VERIFIER.TRUSTED_IDENTITY';
export const CAPABILITY_REVOCATION_CHECK = 'SIGNATURE_VERIFIER.REVOCATION_CHECK';

/** What the verifier reads from get-plugin-metadata (PLG-6). */
export interface VerificationPluginMetadata {
  name: string;
  version: string;
  capabilities: readonly string[];
}

/** The verify-signature request (PLG-14); the runner adds `contractVersion` (PLG-5). */
export interface VerificationPluginRequest {
  signature: {
    criticalAttributes: {
      contentType: string;
      signingScheme: string;
      expiry?: Date;
      authenticSigningTime?: Date;
      extendedAttributes?: Record<string, string | number | boolean | null>;
    };
    unprocessedAttributes: string[];
    /** DER, leaf first. */
    certificateChain: Uint8Array[];
  };
  trustPolicy: { trustedIdentities: string[]; signatureVerification: string[] };
  pluginConfig?: Record<string, string>;
}

/** The verify-signature response (PLG-15). */
export interface VerificationPluginResponse {
  verificationResults: Readonly<Record<string, { success: boolean; reason?: string } | undefined>>;
  processedAttributes: readonly unknown[];
}

/** Runs verification plugins by name. Either method rejects when the plugin is missing or misbehaves. */
export interface VerificationPluginRunner {
  metadata(name: string, options?: { pluginConfig?: Record<string, string> }): Promise<VerificationPluginMetadata>;
  verifySignature(name: string, request: VerificationPluginRequest): Promise<VerificationPluginResponse>;
}

/** Codes of {@link VerificationPluginError}. */
export type VerificationPluginErrorCode =
  /** PLG-13: the named plugin is not installed, or cannot be run. */
  | 'ERR_VERIFICATION_PLUGIN_UNAVAILABLE'
  /** PLG-13: a version is not SemVer, or the plugin is older than the minimum. */
  | 'ERR_VERIFICATION_PLUGIN_VERSION'
  /** PLG-13: the plugin has no SIGNATURE_VERIFIER.* capability. */
  | 'ERR_VERIFICATION_PLUGIN_CAPABILITY'
  /** VER-8: verify-signature failed to run. */
  | 'ERR_VERIFICATION_PLUGIN_FAILED'
  /** PLG-15, ATTR-3: a critical attribute is left unprocessed. */
  | 'ERR_VERIFICATION_PLUGIN_UNPROCESSED_ATTRIBUTE'
  /** AMB-9: no result for a requested capability. */
  | 'ERR_VERIFICATION_PLUGIN_INCONCLUSIVE'
  /** PLG-15: TRUSTED_IDENTITY failed (reported under authenticity). */
  | 'ERR_VERIFICATION_PLUGIN_TRUSTED_IDENTITY'
  /** PLG-15: REVOCATION_CHECK failed (reported under revocation). */
  | 'ERR_VERIFICATION_PLUGIN_REVOCATION';

/** A verification plugin failure; `plugin` names it. */
export class VerificationPluginError extends NotaryError {
  declare readonly code: VerificationPluginErrorCode;
  readonly plugin: string;

  constructor(code: VerificationPluginErrorCode, plugin: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.plugin = plugin;
  }
}

// PLG-13 [impl]: strict SemVer 2.0, no `v` prefix (notation-go internal/semver).
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Whether a plugin version is strict SemVer 2.0 without a `v` (PLG-13 [impl]). */
export function isValidPluginVersion(version: string): boolean {
  return SEMVER.test(version);
}

const compareNumeric = (a: string, b: string): number => (a.length !== b.length ? Math.sign(a.length - b.length) : a < b ? -1 : a > b ? 1 : 0);

/**
 * SemVer 2.0 precedence, as golang.org/x/mod/semver compares: -1, 0 or 1;
 * build metadata is ignored. Both must be valid ({@link isValidPluginVersion}).
 * (`notary plugin install` uses the same order to refuse downgrades.)
 */
export function comparePluginVersions(a: string, b: string): number {
  const ma = SEMVER.exec(a);
  const mb = SEMVER.exec(b);
  if (!ma || !mb) throw new TypeError(`${!ma ? a : b} is not a valid semantic version`);
  for (let i = 1; i <= 3; i++) {
    const c = compareNumeric(ma[i]!, mb[i]!);
    if (c !== 0) return c;
  }
  const pa = ma[4];
  const pb = mb[4];
  if (pa === undefined || pb === undefined) return pa === pb ? 0 : pa === undefined ? 1 : -1;
  const ia = pa.split('.');
  const ib = pb.split('.');
  for (let i = 0; i < Math.max(ia.length, ib.length); i++) {
    const x = ia[i];
    const y = ib[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    const c = nx && ny ? compareNumeric(x, y) : nx ? -1 : ny ? 1 : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return 0;
}

/** The plugin an envelope names, with the capabilities the verifier will use. */
export interface ActiveVerificationPlugin {
  name: string;
  version: string;
  /** The plugin's SIGNATURE_VERIFIER.* capabilities (TRUSTED_IDENTITY, REVOCATION_CHECK). */
  capabilities: ReadonlySet<string>;
}

type Attributes = EnvelopeFacts['content']['signerInfo']['signedAttributes'];

/** The plugin name the envelope names, if any (ATTR-4; the envelope layer checked it is a critical non-blank string). */
export function verificationPluginName(attributes: Attributes): string | undefined {
  const attribute = attributes.extendedAttributes.find((e) => e.key === VERIFICATION_PLUGIN_ATTRIBUTE);
  return attribute === undefined ? undefined : String(attribute.value);
}

/**
 * VER-10 step 2, PLG-13: find the named plugin and read its metadata (with
 * the caller's pluginConfig), check its version against the envelope's
 * minimum (both strict SemVer, plugin ≥ minimum), and require a
 * SIGNATURE_VERIFIER.* capability. Every failure is fatal whatever the level,
 * as in notation-go (an inconclusive verification).
 */
export async function prepareVerificationPlugin(
  runner: VerificationPluginRunner,
  name: string,
  attributes: Attributes,
  pluginConfig: Readonly<Record<string, string>> | undefined,
): Promise<ActiveVerificationPlugin> {
  const minAttribute = attributes.extendedAttributes.find((e) => e.key === VERIFICATION_PLUGIN_MIN_VERSION_ATTRIBUTE);
  const minVersion = minAttribute === undefined ? undefined : String(minAttribute.value);
  if (minVersion !== undefined && !isValidPluginVersion(minVersion)) {
    throw new VerificationPluginError('ERR_VERIFICATION_PLUGIN_VERSION', name, `error while getting plugin minimum version, error: ${VERIFICATION_PLUGIN_MIN_VERSION_ATTRIBUTE} from extended attribute is not a valid SemVer`);
  }
  let metadata: VerificationPluginMetadata;
  try {
    metadata = await runner.metadata(name, pluginConfig ? { pluginConfig: { ...pluginConfig } } : {});
  } catch (error) {
    throw new VerificationPluginError(
      'ERR_VERIFICATION_PLUGIN_UNAVAILABLE',
      name,
      `error while locating the verification plugin ${goQuote(name)}, make sure the plugin is installed successfully before verifying the signature. error: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (!isValidPluginVersion(metadata.version)) {
    throw new VerificationPluginError('ERR_VERIFICATION_PLUGIN_VERSION', name, `plugin ${name} has pluginVersion ${metadata.version} which is not in valid semver format`);
  }
  if (minVersion !== undefined && comparePluginVersions(metadata.version, minVersion) < 0) {
    throw new VerificationPluginError(
      'ERR_VERIFICATION_PLUGIN_VERSION',
      name,
      `found plugin ${name} with version ${metadata.version} but signature verification needs plugin version greater than or equal to ${minVersion}`,
    );
  }
  const capabilities = new Set(metadata.capabilities.filter((c) => c === CAPABILITY_TRUSTED_IDENTITY || c === CAPABILITY_REVOCATION_CHECK));
  if (capabilities.size === 0) {
    throw new VerificationPluginError(
      'ERR_VERIFICATION_PLUGIN_CAPABILITY',
      name,
      `digital signature requires plugin ${goQuote(name)} with signature verification capabilities (${goQuote(CAPABILITY_TRUSTED_IDENTITY)} and/or ${goQuote(CAPABILITY_REVOCATION_CHECK)}) installed`,
    );
  }
  return { name, version: metadata.version, capabilities };
}

/** AMB-8 [impl]: notation-go sends a zero Go time when there is no expiry. */
export const GO_ZERO_TIME = new Date('0001-01-01T00:00:00Z');

const PLUGIN_ATTRIBUTES: ReadonlySet<string> = new Set([VERIFICATION_PLUGIN_ATTRIBUTE, VERIFICATION_PLUGIN_MIN_VERSION_ATTRIBUTE]);

/** Critical extended attributes the verifier leaves to the plugin (PLG-14 unprocessedAttributes, ATTR-3). */
export function unprocessedAttributesOf(attributes: Attributes): string[] {
  return attributes.extendedAttributes.filter((e) => e.critical && !PLUGIN_ATTRIBUTES.has(e.key)).map((e) => e.key);
}

/**
 * The verify-signature request (PLG-14, AMB-8): content type, scheme,
 * expiry (the Go zero time when absent), the authentic signing time under
 * signingAuthority, every extended attribute but the two plugin ones
 * (critical or not), the critical ones as unprocessed, the chain, the
 * statement's trusted identities and the capabilities to run.
 */
export function verificationPluginRequest(
  facts: EnvelopeFacts,
  trustedIdentities: readonly string[],
  capabilities: readonly string[],
  pluginConfig: Readonly<Record<string, string>> | undefined,
): VerificationPluginRequest {
  const info = facts.content.signerInfo;
  const attributes = info.signedAttributes;
  const extendedAttributes: Record<string, string | number | boolean | null> = {};
  for (const e of attributes.extendedAttributes) {
    if (!PLUGIN_ATTRIBUTES.has(e.key)) Object.defineProperty(extendedAttributes, e.key, { value: e.value, enumerable: true, writable: true, configurable: true });
  }
  return {
    signature: {
      criticalAttributes: {
        contentType: facts.content.payload.contentType,
        signingScheme: attributes.signingScheme,
        expiry: attributes.expiry ?? GO_ZERO_TIME,
        ...(attributes.authenticSigningTime ? { authenticSigningTime: attributes.authenticSigningTime } : {}),
        ...(Object.keys(extendedAttributes).length > 0 ? { extendedAttributes } : {}),
      },
      unprocessedAttributes: unprocessedAttributesOf(attributes),
      certificateChain: info.certificateChain.map((c) => c.der),
    },
    trustPolicy: { trustedIdentities: [...trustedIdentities], signatureVerification: [...capabilities] },
    ...(pluginConfig && Object.keys(pluginConfig).length > 0 ? { pluginConfig: { ...pluginConfig } } : {}),
  };
}
