export { sign, type SignOptions, type SignResult } from './sign.js';
export { resolveTarget } from './target.js';
export { verify, DEFAULT_MAX_SIGNATURE_ATTEMPTS, type VerifyOptions, type VerifyOutcome, type SignatureAttempt } from './verify.js';
export {
  signBlob,
  verifyBlob,
  blobSignatureExtension,
  blobSignatureMediaType,
  DEFAULT_BLOB_MEDIA_TYPE,
  type SignBlobOptions,
  type SignedBlob,
  type VerifyBlobOptions,
} from './blob.js';
export { nobleHash, type BlobSource, type HashFactory, type IncrementalHash } from './blob-digest.js';
export type { TimestampingOptions } from './timestamping.js';
export {
  verifySignatureEnvelope,
  type VerifySignatureEnvelopeOptions,
  type SignatureVerificationOptions,
  type PolicySelection,
  type VerificationTarget,
} from './verifier/verify-signature-envelope.js';
export type { RevocationChecker } from './verifier/revocation-verdict.js';
export {
  VerificationError,
  VerificationCheckError,
  type VerificationCheckErrorCode,
  type VerificationResult,
  type CheckResult,
  type CheckOutcome,
} from './verifier/verification-result.js';
export { VerificationPluginError, type VerificationPluginErrorCode } from './verifier/verification-plugin.js';
export { WorkflowError, type WorkflowErrorCode, type NotaryErrorCode } from './errors.js';
