/**
 * Verification plugins in the verifier (ATTR-4, VER-8, VER-10, PLG-13 …
 * PLG-16), over `@x/notary-plugin`'s runner and protocol types:
 * `createVerificationPluginRunner` (installed executables) and
 * `createVerificationRunner` (in-process plugins) both give a runner.
 */
import type { VerifiedEnvelope } from '@x/notary-envelope';
import { NotaryError } from '@x/notary-pki';
import { goQuote } from '@x/notary-pki/foundation';
import {
  CAPABILITY,
  comparePluginVersions,
  type ExtendedAttributeValue,
  isValidPluginVersion,
  type PluginMetadata,
  type VerificationRunner,
  type VerifySignatureRequest,
} from '@x/notary-plugin';

export const VERIFICATION_PLUGIN_ATTRIBUTE = 'io.cncf.notary.verificationPlugin';
export const VERIFICATION_PLUGIN_MIN_VERSION_ATTRIBUTE = 'io.cncf.notary.verificationPluginMinVersion';

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
export class VerificationPluginError extends NotaryError<VerificationPluginErrorCode> {
  readonly plugin: string;

  constructor(code: VerificationPluginErrorCode, plugin: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.plugin = plugin;
  }
}

/** The plugin an envelope names, with the capabilities the verifier will use. */
export interface ActiveVerificationPlugin {
  name: string;
  version: string;
  /** The plugin's SIGNATURE_VERIFIER.* capabilities (TRUSTED_IDENTITY, REVOCATION_CHECK). */
  capabilities: ReadonlySet<string>;
}

type Attributes = VerifiedEnvelope['content']['signerInfo']['signedAttributes'];

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
  runner: VerificationRunner,
  name: string,
  attributes: Attributes,
  pluginConfig: Readonly<Record<string, string>> | undefined,
): Promise<ActiveVerificationPlugin> {
  const minAttribute = attributes.extendedAttributes.find((e) => e.key === VERIFICATION_PLUGIN_MIN_VERSION_ATTRIBUTE);
  const minVersion = minAttribute === undefined ? undefined : String(minAttribute.value);
  if (minVersion !== undefined && !isValidPluginVersion(minVersion)) {
    throw new VerificationPluginError(
      'ERR_VERIFICATION_PLUGIN_VERSION',
      name,
      `error while getting plugin minimum version, error: ${VERIFICATION_PLUGIN_MIN_VERSION_ATTRIBUTE} from extended attribute is not a valid SemVer`,
    );
  }
  let metadata: PluginMetadata;
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
    throw new VerificationPluginError(
      'ERR_VERIFICATION_PLUGIN_VERSION',
      name,
      `plugin ${name} has pluginVersion ${metadata.version} which is not in valid semver format`,
    );
  }
  if (minVersion !== undefined && comparePluginVersions(metadata.version, minVersion) < 0) {
    throw new VerificationPluginError(
      'ERR_VERIFICATION_PLUGIN_VERSION',
      name,
      `found plugin ${name} with version ${metadata.version} but signature verification needs plugin version greater than or equal to ${minVersion}`,
    );
  }
  const capabilities = new Set(
    metadata.capabilities.filter((c) => c === CAPABILITY.trustedIdentity || c === CAPABILITY.revocationCheck),
  );
  if (capabilities.size === 0) {
    throw new VerificationPluginError(
      'ERR_VERIFICATION_PLUGIN_CAPABILITY',
      name,
      `digital signature requires plugin ${goQuote(name)} with signature verification capabilities (${goQuote(CAPABILITY.trustedIdentity)} and/or ${goQuote(CAPABILITY.revocationCheck)}) installed`,
    );
  }
  return { name, version: metadata.version, capabilities };
}

/** AMB-8 [impl]: notation-go sends a zero Go time when there is no expiry. */
export const GO_ZERO_TIME = new Date('0001-01-01T00:00:00Z');

const PLUGIN_ATTRIBUTES: ReadonlySet<string> = new Set([
  VERIFICATION_PLUGIN_ATTRIBUTE,
  VERIFICATION_PLUGIN_MIN_VERSION_ATTRIBUTE,
]);

/**
 * The verify-signature request (PLG-14, AMB-8): content type, scheme,
 * expiry (the Go zero time when absent), the authentic signing time under
 * signingAuthority, every extended attribute but the two plugin ones
 * (critical or not), the critical ones as unprocessed, the chain, the
 * statement's trusted identities and the capabilities to run.
 */
export function verificationPluginRequest(
  verified: VerifiedEnvelope,
  trustedIdentities: readonly string[],
  capabilities: readonly string[],
  pluginConfig: Readonly<Record<string, string>> | undefined,
): VerifySignatureRequest {
  const info = verified.content.signerInfo;
  const attributes = info.signedAttributes;
  const extendedAttributes: Record<string, ExtendedAttributeValue> = {};
  for (const e of attributes.extendedAttributes) {
    if (!PLUGIN_ATTRIBUTES.has(e.key))
      Object.defineProperty(extendedAttributes, e.key, {
        value: e.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return {
    signature: {
      criticalAttributes: {
        contentType: verified.content.payload.contentType,
        signingScheme: attributes.signingScheme,
        expiry: attributes.expiry ?? GO_ZERO_TIME,
        ...(attributes.authenticSigningTime ? { authenticSigningTime: attributes.authenticSigningTime } : {}),
        ...(Object.keys(extendedAttributes).length > 0 ? { extendedAttributes } : {}),
      },
      // ATTR-3: the envelope layer lists the critical attributes it leaves to the plugin.
      unprocessedAttributes: [...verified.unprocessedAttributes],
      certificateChain: info.certificateChain.map((c) => c.der),
    },
    trustPolicy: { trustedIdentities: [...trustedIdentities], signatureVerification: [...capabilities] },
    ...(pluginConfig && Object.keys(pluginConfig).length > 0 ? { pluginConfig: { ...pluginConfig } } : {}),
  };
}
