export { TrustPolicyError, type TrustPolicyErrorCode, type TrustPolicyErrorOptions } from './errors.js';
export {
  parseOciTrustPolicy,
  parseBlobTrustPolicy,
  TRUST_POLICY_VERSION,
  type OciTrustPolicyDocument,
  type BlobTrustPolicyDocument,
  type TrustPolicyStatement,
  type OciTrustPolicyStatement,
  type BlobTrustPolicyStatement,
} from './policy-document.js';
export {
  resolveVerificationActions,
  isSkipLevel,
  VERIFICATION_LEVELS,
  VALIDATION_TYPES,
  type VerificationLevel,
  type ValidationType,
  type ValidationAction,
  type VerifyTimestampOption,
  type SignatureVerification,
  type VerificationActions,
} from './verification-level.js';
export {
  parseDistinguishedName,
  parseLeafSubject,
  isSubsetDN,
  matchesLeaf,
  type DistinguishedName,
} from './distinguished-name.js';
export { verifyTrustedIdentities } from './trusted-identities.js';
export { selectOciStatement, selectBlobStatement, repositoryOfReference } from './statement-selection.js';
export { isValidRegistryScope } from './registry-scope.js';
export { splitTrustStoreReference, type TrustStoreReference } from './trust-store-reference.js';
export {
  MemoryTrustStore,
  loadTrustStores,
  loadAuthenticityTrustStores,
  loadTimestampTrustStores,
  isTrustStoreType,
  isValidTrustStoreName,
  trustStoreNameRule,
  TRUST_STORE_TYPES,
  type TrustStore,
  type TrustStoreType,
  type MemoryTrustStoreEntry,
  type SigningScheme,
} from './trust-store.js';
export { shouldVerifyTimestamp, hasTsaTrustStore, chainValidityProblemAt, type TimestampDecisionInput } from './timestamp-decision.js';
