/**
 * TP-14: whether a signature's timestamp countersignature is verified, and
 * the check that replaces it when it is not.
 */
import { type Certificate, CertificateRuleError, checkValidityAt, type ValidityWindow } from '@x/notary-pki';
import { splitTrustStoreReference } from './trust-store-reference.js';
import type { VerificationActions, VerifyTimestampOption } from './verification-level.js';

export interface TimestampDecisionInput {
  /** Resolved actions of the statement (TP-11, TP-6). */
  readonly actions: Pick<VerificationActions, 'authenticTimestamp'>;
  /** Signing scheme of the envelope. */
  readonly scheme: string;
  /** Whether the statement references at least one `tsa:` store (TP-7); see {@link hasTsaTrustStore}. */
  readonly hasTsaStore: boolean;
  /** `signatureVerification.verifyTimestamp`; unset means `always` (TP-5). */
  readonly verifyTimestamp?: VerifyTimestampOption | undefined;
  /** The envelope's signing chain, leaf first. */
  readonly signingChain: readonly Pick<Certificate, 'notAfter'>[];
  readonly now: Date;
}

/**
 * TP-14: true only when authenticTimestamp is not skipped, the scheme is
 * `notary.x509`, a `tsa` store is configured, and verifyTimestamp is unset or
 * `always`, or `afterCertExpiry` with some chain certificate expired
 * (`[impl]` now > notAfter, strictly).
 */
export function shouldVerifyTimestamp(input: TimestampDecisionInput): boolean {
  if (input.actions.authenticTimestamp === 'skip') return false;
  if (input.scheme !== 'notary.x509') return false;
  if (!input.hasTsaStore) return false;
  if (input.verifyTimestamp === 'afterCertExpiry') {
    const now = input.now.getTime();
    return input.signingChain.some((cert) => now > cert.notAfter.getTime());
  }
  return true;
}

/** TP-7 / TP-14: whether a statement references any `tsa:` store. */
export function hasTsaTrustStore(statement: { readonly trustStores?: readonly string[] | undefined }): boolean {
  return (statement.trustStores ?? []).some((reference) => splitTrustStoreReference(reference)?.type === 'tsa');
}

/**
 * TP-14, last clause: when the timestamp is not verified, `now` must lie in
 * every chain certificate's validity window. Returns notation-go's failure
 * message, or `undefined` when the chain is valid at `now`.
 */
export function chainValidityProblemAt(signingChain: readonly ValidityWindow[], now: Date): string | undefined {
  try {
    checkValidityAt(signingChain, now);
    return undefined;
  } catch (error) {
    if (error instanceof CertificateRuleError) return error.message;
    throw error;
  }
}
