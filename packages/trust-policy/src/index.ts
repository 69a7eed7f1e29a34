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
  isCriticalFailure,
  LEVEL_ACTIONS,
  VERIFICATION_LEVELS,
  VALIDATION_TYPES,
  VALIDATION_ACTIONS,
  VERIFY_TIMESTAMP_OPTIONS,
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
  isOverlapping,
  matchesLeaf,
  type DistinguishedName,
} from './distinguished-name.js';
export { verifyTrustedIdentities, validateTrustedIdentities, WILDCARD_IDENTITY, X509_SUBJECT_PREFIX } from './trusted-identities.js';
export { selectOciStatement, selectBlobStatement, repositoryOfReference } from './statement-selection.js';
export { registryScopeProblem, isValidRegistryScope, GLOBAL_SCOPE } from './registry-scope.js';
export { splitTrustStoreReference, type TrustStoreReference } from './trust-store-reference.js';
export {
  MemoryTrustStore,
  loadTrustStores,
  loadAuthenticityTrustStores,
  loadTimestampTrustStores,
  validateStoreCertificates,
  checkStoreAddress,
  trustStoreNotFound,
  emptyStoreError,
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
export { goQuote } from '@x/notary-pki/foundation';
export * from './verification/index.js';
