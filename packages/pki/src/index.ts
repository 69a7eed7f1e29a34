export { NotaryError, CertificateRuleError, type CertificateRuleCode, type PkiErrorCode } from './errors.js';
export { decodePem, encodePem, type PemBlock } from './pem.js';
export type { NameAttribute } from './x509-name.js';
export { keySpecOf, type KeySpec, type NamedCurve, type PublicKey } from './public-key.js';
export {
  algorithmSuiteOf,
  type AlgorithmSuite,
  type HashAlgorithm,
  type SignatureAlgorithm,
} from './algorithm.js';
// Named apart from core's envelope verification (issue 14 item 4: one name, one meaning).
export { verifyPublicKeySignature, type VerificationScheme } from './signature-verification.js';
export {
  Certificate,
  parseCertificate,
  parseCertificates,
  type CertificateExtension,
  type KeyUsageName,
} from './certificate.js';
export { isSignedBy } from './certificate-signature.js';
export {
  validateCodeSigningChain,
  checkValidityAt,
  type ValidityWindow,
  isRootCertificate,
} from './certificate-rules.js';
export type { TimestampErrorCode } from './errors.js';
export { TimestampToken, type TstInfo, type TimestampRange } from './timestamp/timestamp-token.js';
export { verifyTimestampToken, verifyTimestampSignature, type TimestampVerificationOptions, type VerifiedTimestamp } from './timestamp/timestamp-verification.js';
export { requestTimestamp, type TimestampClientOptions, type FetchLike } from './timestamp/timestamp-client.js';
export type {
  CertificateRevocationResult,
  RevocationErrorCode,
  RevocationMethod,
  RevocationPurpose,
  RevocationStatus,
  ServerResult,
} from './revocation/result.js';
export type { Fetcher } from './revocation/fetcher.js';
export type { CrlBundle, CrlCache } from './revocation/crl-cache.js';
export { checkRevocation, type RevocationOptions } from './revocation/revocation.js';
