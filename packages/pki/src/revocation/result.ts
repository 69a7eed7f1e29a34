/**
 * Revocation results (REV-1, REV-2), shaped after notation-core-go's
 * `revocation/result` package so that a verifier can apply notation's
 * final-result rules: revoked beats unknown, and ok / nonRevokable pass.
 */
import type { Certificate } from '../certificate.js';
import { NotaryError } from '../errors.js';

/**
 * - `ok`: a valid, fresh OCSP response or CRL says the certificate is not revoked.
 * - `nonRevokable`: the certificate names neither an OCSP responder nor a CRL
 *   distribution point, so it cannot be checked (REV-2: treated as not revoked).
 * - `unknown`: no decisive answer (network failure, timeout, invalid or stale
 *   response, OCSP `unknown` status, …). Fails the revocation check (REV-1).
 * - `revoked`: the certificate is revoked. Outranks `unknown`.
 */
export type RevocationStatus = 'ok' | 'nonRevokable' | 'unknown' | 'revoked';

/** How a certificate's status was decided; `ocspFallbackCrl` means OCSP was undecided and the CRL decided. */
export type RevocationMethod = 'ocsp' | 'crl' | 'ocspFallbackCrl' | 'none';

/** Which certificate rules the chain is validated with first: code signing (REV-2) or timestamping (REV-6). */
export type RevocationPurpose = 'codeSigning' | 'timestamping';

/** The outcome of one OCSP responder or one CRL distribution point. */
export interface ServerResult {
  /** The OCSP responder or CRL distribution point URL; empty for a certificate with neither. */
  url: string;
  status: RevocationStatus;
  /** Human-readable explanation; always set unless the status is `ok`. */
  reason?: string;
  /** The failure behind an `unknown` status: usually a {@link RevocationError} with a stable code. */
  error?: unknown;
  /** The protocol this server result came from. */
  method?: 'ocsp' | 'crl' | 'none';
  /** For `revoked`: when the certificate was revoked, as the response or CRL entry says. */
  revocationTime?: Date;
  /** For `revoked`: the RFC 5280 CRLReason code, when the response or CRL entry carries one. */
  crlReason?: number;
}

/** The revocation status of one certificate of the chain. */
export interface CertificateRevocationResult {
  certificate: Certificate;
  status: RevocationStatus;
  method: RevocationMethod;
  /**
   * Every server consulted, in the order they were tried (for `ocspFallbackCrl`,
   * the OCSP attempts first, then the CRL distribution points).
   */
  serverResults: ServerResult[];
}

/** Stable codes of {@link RevocationError}. */
export type RevocationErrorCode =
  /** The URL is not `http://` (REV-3/REV-4 [impl]: only http is supported) or does not parse. */
  | 'ERR_REVOCATION_UNSUPPORTED_URL'
  /** The request failed: connection refused, DNS, reset, a fetcher that threw. */
  | 'ERR_REVOCATION_NETWORK'
  /** The server did not answer (headers and body) within the per-URL timeout. */
  | 'ERR_REVOCATION_TIMEOUT'
  /** The server answered with a status other than 200. */
  | 'ERR_REVOCATION_HTTP_STATUS'
  /** The body exceeds the size limit (OCSP 20480 B, CRL 32 MiB; §17). */
  | 'ERR_REVOCATION_TOO_LARGE'
  /** The OCSP response or CRL does not parse, or is structurally wrong. */
  | 'ERR_REVOCATION_MALFORMED'
  /** The OCSP responder reported an error status (tryLater, unauthorized, …). */
  | 'ERR_REVOCATION_RESPONDER_STATUS'
  /** The signature is not by the issuer (or an authorized OCSP responder). */
  | 'ERR_REVOCATION_SIGNATURE'
  /** thisUpdate is in the future, nextUpdate is missing or has passed. */
  | 'ERR_REVOCATION_STALE'
  /** The OCSP response does not cover the certificate asked about. */
  | 'ERR_REVOCATION_CERT_ID'
  /** An unknown critical extension (RFC 5280 §5.2, RFC 6960 §4.4). */
  | 'ERR_REVOCATION_CRITICAL_EXTENSION'
  /** The OCSP responder answered `unknown` for the certificate. */
  | 'ERR_REVOCATION_UNKNOWN_STATUS'
  /** Delta CRL problems: missing although required, wrong indicator or number. */
  | 'ERR_REVOCATION_DELTA_CRL';

/** Why a server result is `unknown`. Never thrown by {@link checkRevocation}; carried in {@link ServerResult.error}. */
export class RevocationError extends NotaryError<RevocationErrorCode> {}

/** Message of any thrown value, for `reason` strings. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An `unknown` server result for a failure. */
export function unknownResult(url: string, method: 'ocsp' | 'crl', error: unknown): ServerResult {
  return { url, status: 'unknown', method, reason: errorMessage(error), error };
}
