export { CRL_DEFAULT_TIMEOUT_MS, CRL_MAX_BYTES, type CrlCheckOptions, type CrlCheckResult, checkCrl } from './crl.js';
export { type CrlBundle, type CrlCache, MemoryCrlCache } from './crl-cache.js';
export { defaultFetcher, type Fetcher } from './fetcher.js';
export {
  buildOcspRequest,
  checkOcsp,
  OCSP_DEFAULT_TIMEOUT_MS,
  OCSP_MAX_RESPONSE_BYTES,
  type OcspCheckOptions,
  type OcspCheckResult,
  ocspHttpRequest,
} from './ocsp.js';
export {
  type CertificateRevocationResult,
  RevocationError,
  type RevocationErrorCode,
  type RevocationMethod,
  type RevocationPurpose,
  type RevocationStatus,
  type ServerResult,
} from './result.js';
export { checkRevocation, type RevocationOptions } from './revocation.js';
