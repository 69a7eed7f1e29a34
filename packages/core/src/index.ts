export {
  blobSignatureExtension,
  blobSignatureMediaType,
  DEFAULT_BLOB_MEDIA_TYPE,
  type SignBlobOptions,
  type SignedBlob,
  signBlob,
  type VerifyBlobOptions,
  verifyBlob,
} from './blob.js';
export { type BlobSource, type HashFactory, type IncrementalHash, nobleHash } from './blob-digest.js';
export { type NotaryErrorCode, WorkflowError, type WorkflowErrorCode } from './errors.js';
export { type SignOptions, type SignResult, sign } from './sign.js';
export { resolveTarget } from './target.js';
export type { TimestampingOptions } from './timestamping.js';
export type { RevocationChecker } from './verifier/revocation-verdict.js';
export { VerificationPluginError, type VerificationPluginErrorCode } from './verifier/verification-plugin.js';
export {
  type CheckOutcome,
  type CheckResult,
  VerificationCheckError,
  type VerificationCheckErrorCode,
  VerificationError,
  type VerificationResult,
} from './verifier/verification-result.js';
export {
  type PolicySelection,
  type SignatureVerificationOptions,
  type VerificationTarget,
  type VerifySignatureEnvelopeOptions,
  verifySignatureEnvelope,
} from './verifier/verify-signature-envelope.js';
export {
  DEFAULT_MAX_SIGNATURE_ATTEMPTS,
  type SignatureAttempt,
  type VerifyOptions,
  type VerifyOutcome,
  verify,
} from './verify.js';
