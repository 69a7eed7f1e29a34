export {
  RevocationError,
  type CertificateRevocationResult,
  type RevocationErrorCode,
  type RevocationMethod,
  type RevocationPurpose,
  type RevocationStatus,
  type ServerResult,
} from './result.js';
export { defaultFetcher, type Fetcher } from './fetcher.js';
export { MemoryCrlCache, type CrlBundle, type CrlCache } from './crl-cache.js';
export { buildOcspRequest, ocspHttpRequest, checkOcsp, OCSP_MAX_RESPONSE_BYTES, OCSP_DEFAULT_TIMEOUT_MS, type OcspCheckOptions, type OcspCheckResult } from './ocsp.js';
export { checkCrl, CRL_MAX_BYTES, CRL_DEFAULT_TIMEOUT_MS, type CrlCheckOptions, type CrlCheckResult } from './crl.js';
export { checkRevocation, type RevocationOptions } from './revocation.js';
