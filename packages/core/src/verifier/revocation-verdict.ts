import type { Certificate, CertificateRevocationResult, RevocationOptions } from '@x/notary-pki';
import { goQuote } from '@x/notary-pki/foundation';
import { VerificationCheckError } from './verification-result.js';

/** Revocation checking, replaceable (an offline deployment, a test, a cache policy). */
export type RevocationChecker = (
  chain: readonly Certificate[],
  options: RevocationOptions,
) => Promise<CertificateRevocationResult[]>;

/** The chain's revocation verdict (REV-1): revoked outranks unknown; ok and nonRevokable pass. */
export function revocationFailure(
  results: readonly CertificateRevocationResult[],
  what: string,
): VerificationCheckError | undefined {
  const revoked = results.find((r) => r.status === 'revoked');
  if (revoked)
    return new VerificationCheckError(
      'ERR_CERTIFICATE_REVOKED',
      `${what} with subject ${goQuote(revoked.certificate.subject)} is revoked`,
    );
  const unknown = results.find((r) => r.status === 'unknown');
  if (unknown) {
    const reason = unknown.serverResults
      .map((s) => s.reason)
      .filter(Boolean)
      .join('; ');
    return new VerificationCheckError(
      'ERR_REVOCATION_UNKNOWN',
      `${what} with subject ${goQuote(unknown.certificate.subject)} revocation status is unknown${reason ? `: ${reason}` : ''}`,
    );
  }
  return undefined;
}
