import type { HashAlgorithm } from '../algorithm.js';

/** Object identifiers of RFC 3161, RFC 5652 and RFC 5816 used by the timestamp code. */
export const TIMESTAMP_OID = {
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentTypeAttribute: '1.2.840.113549.1.9.3',
  messageDigestAttribute: '1.2.840.113549.1.9.4',
  signingTimeAttribute: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  /** ETSI EN 319 422 baseline time-stamp policy: 1 s accuracy when none is given (TSA-4). */
  baselinePolicy: '0.4.0.2023.1.1',
} as const;

/** Hash OIDs accepted for imprints, message digests and ESS cert hashes (AMB-19: no SHA-1). */
export const HASH_BY_OID: Readonly<Record<string, HashAlgorithm>> = {
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

export const OID_BY_HASH: Readonly<Record<HashAlgorithm, string>> = {
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
};
