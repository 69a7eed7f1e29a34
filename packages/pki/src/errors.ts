/**
 * Typed errors. Every failure the SDK reports is a {@link NotaryError} with a
 * stable `code` (`ERR_…`) that callers can branch on, and the underlying
 * failure as `cause` (in the manner of panva/jose).
 */
export class NotaryError extends Error {
  /** Stable, machine-readable error code. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** Input that is not a certificate (bad PEM, bad DER, empty file). */
export class CertificateParseError extends NotaryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CERT_PARSE', message, options);
  }
}

/** A key that is not exactly one of the six Notary key specs (ALG-2, AMB-12). */
export class UnsupportedKeyError extends NotaryError {
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
export class CertificateRuleError extends NotaryError {
  declare readonly code: CertificateRuleCode;
  /** Subject of the offending certificate, rendered as Go's pkix.Name.String(). */
  readonly subject: string | undefined;

  constructor(code: CertificateRuleCode, message: string, options?: { cause?: unknown; subject?: string }) {
    super(code, message, options);
    this.subject = options?.subject;
  }
}
