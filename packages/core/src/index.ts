export { verifySignature, type VerifySignatureOptions, type PolicySelection } from './verify-signature.js';
export { sign, resolveTarget, type SignOptions, type SignResult, type EnvelopeGenerator } from './sign.js';
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
export { digestBlob, nobleHash, type BlobSource, type HashFactory, type IncrementalHash } from './blob-digest.js';
export { timestamper, type TimestampingOptions } from './timestamping.js';
export { WorkflowError, type WorkflowErrorCode, type NotaryErrorCode } from './errors.js';
