/**
 * Typed errors. Every failure the SDK reports is a {@link NotaryError} with a
 * stable `code` (`ERR_…`) that callers can branch on, and the underlying
 * failure as `cause` (in the manner of panva/jose).
 */
import type { RevocationErrorCode } from './revocation/result.js';

export class NotaryError<Code extends string = string> extends Error {
  /** Stable, machine-readable error code. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** Codes the foundation modules throw (`@x/notary-pki/foundation`). */
export type FoundationErrorCode =
  /** A time Go cannot write as RFC 3339: an invalid date, or a year outside 0000–9999. */
  'ERR_TIME_OUT_OF_RANGE';

/**
 * Every code pki throws: {@link NotaryError} subclasses of this package and
 * its foundation. Part of core's `NotaryErrorCode`.
 */
export type PkiErrorCode =
  | FoundationErrorCode
  | 'ERR_CERT_PARSE'
  | 'ERR_PEM_MALFORMED'
  | 'ERR_CERT_UNSUPPORTED_KEY'
  | 'ERR_DER_MALFORMED'
  | CertificateRuleCode
  | TimestampErrorCode
  | RevocationErrorCode;

/** Input that is not a certificate (bad PEM, bad DER, empty file). */
export class CertificateParseError extends NotaryError<'ERR_CERT_PARSE'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CERT_PARSE', message, options);
  }
}

/**
 * PEM text with a block whose body is not base64 (issue 12 finding 1). Text
 * outside blocks is never an error.
 */
export class PemError extends NotaryError<'ERR_PEM_MALFORMED'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_PEM_MALFORMED', message, options);
  }
}

/** A key that is not exactly one of the six Notary key specs (ALG-2, AMB-12). */
export class UnsupportedKeyError extends NotaryError<'ERR_CERT_UNSUPPORTED_KEY'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CERT_UNSUPPORTED_KEY', message, options);
  }
}

/** Codes of {@link CertificateRuleError}, one per family of CERT requirements. */
export type CertificateRuleCode =
  /** CERT-7, CERT-8: order, issuer/subject linkage, signatures, self-signed rules. */
  | 'ERR_CERT_CHAIN'
  /** CERT-1, CERT-2: basicConstraints. */
  | 'ERR_CERT_BASIC_CONSTRAINTS'
  /** CERT-1: pathLenConstraint. */
  | 'ERR_CERT_PATH_LEN'
  /** CERT-1, CERT-3: keyUsage. */
  | 'ERR_CERT_KEY_USAGE'
  /** CERT-4, CERT-5: extended key usage. */
  | 'ERR_CERT_EKU'
  /** CERT-9: SHA-1 signatures. */
  | 'ERR_CERT_WEAK_SIGNATURE'
  /** CERT-11, CERT-12, TSA-4: validity period. */
  | 'ERR_CERT_VALIDITY';

/** A certificate chain that breaks a Notary certificate requirement (CERT-1 … CERT-12). */
export class CertificateRuleError extends NotaryError<CertificateRuleCode> {
  /** Subject of the offending certificate, rendered as Go's pkix.Name.String(). */
  readonly subject: string | undefined;

  constructor(code: CertificateRuleCode, message: string, options?: { cause?: unknown; subject?: string }) {
    super(code, message, options);
    this.subject = options?.subject;
  }
}

/** Codes of {@link TimestampError} (TSA-1 … TSA-5). */
export type TimestampErrorCode =
  /** Not a TimeStampToken / TimeStampResp: bad DER, not SignedData, not TSTInfo (TSA-3 steps 1–2). */
  | 'ERR_TIMESTAMP_MALFORMED'
  /** TSTInfo is invalid: version, imprint algorithm, imprint over the wrong bytes (TSA-3 step 3). */
  | 'ERR_TIMESTAMP_INVALID'
  /** The ESS signing-certificate-v2 attribute is missing or does not match (TSA-3 step 4). */
  | 'ERR_TIMESTAMP_SIGNING_CERTIFICATE'
  /** The CMS signature or its signed attributes do not verify. */
  | 'ERR_TIMESTAMP_SIGNATURE'
  /** No path from the TSA certificate to a trusted TSA root, or the TSA chain breaks the CERT rules (TSA-3 steps 5–6). */
  | 'ERR_TIMESTAMP_UNTRUSTED'
  /** The timestamp range is not inside every signing certificate's validity (TSA-4). */
  | 'ERR_TIMESTAMP_OUT_OF_RANGE'
  /** The TSA answered, but not with a valid, matching, granted response (TSA-2). */
  | 'ERR_TIMESTAMP_RESPONSE'
  /** The TSA could not be reached, timed out, or sent a non-200 or oversized reply (TSA-1). */
  | 'ERR_TIMESTAMP_REQUEST_FAILED';

/** A timestamp that cannot be obtained or trusted. */
export class TimestampError extends NotaryError<TimestampErrorCode> {}
