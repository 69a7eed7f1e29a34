export { NotaryError, type PkiErrorCode, CertificateParseError, PemError, UnsupportedKeyError, CertificateRuleError, type CertificateRuleCode } from './errors.js';
export { encodeBase64, decodeBase64, encodeBase64Url, decodeBase64Url } from './base64.js';
export { bytesEqual, concatBytes, toHex } from './bytes.js';
export { decodePem, encodePem, isPem, type PemBlock } from './pem.js';
export { renderGoName, GO_ATTRIBUTE_NAMES, type NameAttribute } from './x509-name.js';
export { parsePublicKey, keySpecOf, type KeySpec, type NamedCurve, type PublicKey } from './public-key.js';
export {
  algorithmSuiteOf,
  keySpecForAlgorithm,
  KEY_SPECS,
  type AlgorithmSuite,
  type HashAlgorithm,
  type SignatureAlgorithm,
} from './algorithm.js';
export { verifySignature, type VerificationScheme } from './signature-verification.js';
export {
  Certificate,
  parseCertificate,
  parseCertificates,
  KEY_USAGE_NAMES,
  OID,
  type CertificateExtension,
  type KeyUsageName,
} from './certificate.js';
export { isSignedBy, verifyX509Signature, ecdsaDerToRaw, schemeForSignatureAlgorithm, SHA1_SIGNATURE_OIDS } from './certificate-signature.js';
export {
  validateCodeSigningChain,
  validateTimestampingChain,
  checkValidityAt,
  checkValidityOverRange,
  type ValidityWindow,
  isRootCertificate,
} from './certificate-rules.js';
export { buildCertificatePath, type CertificatePathOptions } from './certificate-path.js';
export { generateTestCertificate, type TestCertificate, type TestCertificateOptions } from './test-certificate.js';
export { TimestampError, type TimestampErrorCode } from './errors.js';
export { digest } from './digest.js';
export { readBoundedBody } from './http/bounded-body.js';
export * from './timestamp/index.js';
export * from './revocation/index.js';
