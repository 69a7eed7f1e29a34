export { verifyWithPolicy, type PolicyVerificationOptions, type VerificationTarget, type RevocationChecker } from './verify-with-policy.js';
export type { EnvelopeFacts } from './envelope-facts.js';
export {
  VerificationError,
  VerificationCheckError,
  type VerificationCheckErrorCode,
  type VerificationResult,
  type CheckResult,
  type CheckOutcome,
} from './verification-result.js';
export {
  VerificationPluginError,
  isValidPluginVersion,
  comparePluginVersions,
  verificationPluginName,
  verificationPluginRequest,
  unprocessedAttributesOf,
  prepareVerificationPlugin,
  VERIFICATION_PLUGIN_ATTRIBUTE,
  VERIFICATION_PLUGIN_MIN_VERSION_ATTRIBUTE,
  CAPABILITY_TRUSTED_IDENTITY,
  CAPABILITY_REVOCATION_CHECK,
  GO_ZERO_TIME,
  type VerificationPluginErrorCode,
  type VerificationPluginRunner,
  type VerificationPluginMetadata,
  type VerificationPluginRequest,
  type VerificationPluginResponse,
  type ActiveVerificationPlugin,
} from './verification-plugin.js';
