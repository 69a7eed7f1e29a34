export {
  type AlgorithmSuite,
  algorithmSuiteOf,
  type HashAlgorithm,
  type SignatureAlgorithm,
} from './algorithm.js';
export {
  Certificate,
  type CertificateExtension,
  type KeyUsageName,
  parseCertificate,
  parseCertificates,
} from './certificate.js';
export {
  checkValidityAt,
  isRootCertificate,
  type ValidityWindow,
  validateCodeSigningChain,
} from './certificate-rules.js';
export { isSignedBy } from './certificate-signature.js';
export type { TimestampErrorCode } from './errors.js';
export { type CertificateRuleCode, CertificateRuleError, NotaryError, type PkiErrorCode } from './errors.js';
export { decodePem, encodePem, type PemBlock } from './pem.js';
export { type KeySpec, keySpecOf, type NamedCurve, type PublicKey } from './public-key.js';
export type { CrlBundle, CrlCache } from './revocation/crl-cache.js';
export type { Fetcher } from './revocation/fetcher.js';
export type {
  CertificateRevocationResult,
  RevocationErrorCode,
  RevocationMethod,
  RevocationPurpose,
  RevocationStatus,
  ServerResult,
} from './revocation/result.js';
export { checkRevocation, type RevocationOptions } from './revocation/revocation.js';
// Named apart from core's envelope verification (issue 14 item 4: one name, one meaning).
export { type VerificationScheme, verifyPublicKeySignature } from './signature-verification.js';
export { type FetchLike, requestTimestamp, type TimestampClientOptions } from './timestamp/timestamp-client.js';
export { type TimestampRange, TimestampToken, type TstInfo } from './timestamp/timestamp-token.js';
export {
  type TimestampVerificationOptions,
  type VerifiedTimestamp,
  verifyTimestampSignature,
  verifyTimestampToken,
} from './timestamp/timestamp-verification.js';
export type { NameAttribute } from './x509-name.js';
