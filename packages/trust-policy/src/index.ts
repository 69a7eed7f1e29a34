export type { DistinguishedName } from './distinguished-name.js';
export { TrustPolicyError, type TrustPolicyErrorCode, type TrustPolicyErrorOptions } from './errors.js';
export {
  type BlobTrustPolicyDocument,
  type BlobTrustPolicyStatement,
  type OciTrustPolicyDocument,
  type OciTrustPolicyStatement,
  parseBlobTrustPolicy,
  parseOciTrustPolicy,
  type TrustPolicyStatement,
} from './policy-document.js';
export { selectBlobStatement, selectOciStatement } from './statement-selection.js';
export {
  chainValidityProblemAt,
  hasTsaTrustStore,
  shouldVerifyTimestamp,
  type TimestampDecisionInput,
} from './timestamp-decision.js';
export {
  isTrustStoreType,
  isValidTrustStoreName,
  loadAuthenticityTrustStores,
  loadTimestampTrustStores,
  MemoryTrustStore,
  type MemoryTrustStoreEntry,
  type SigningScheme,
  TRUST_STORE_TYPES,
  type TrustStore,
  type TrustStoreType,
  trustStoreNameRule,
} from './trust-store.js';
export { splitTrustStoreReference, type TrustStoreReference } from './trust-store-reference.js';
export { verifyTrustedIdentities } from './trusted-identities.js';
export {
  isSkipLevel,
  resolveVerificationActions,
  type SignatureVerification,
  VALIDATION_TYPES,
  type ValidationAction,
  type ValidationType,
  type VerificationActions,
  type VerificationLevel,
  type VerifyTimestampOption,
} from './verification-level.js';
