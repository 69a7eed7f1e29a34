import { type Certificate, type CertificateRevocationResult, NotaryError, type TimestampRange } from '@x/notary-pki';
import type { TrustPolicyStatement, ValidationAction, ValidationType, VerificationLevel } from '@x/notary-trust-policy';

/**
 * What happened to one check (TP-11, TP-12):
 * - `passed`: it ran and succeeded;
 * - `failed-enforced`: it failed and its action is `enforce`, so verification stopped;
 * - `failed-logged`: it failed and its action is `log`, so verification went on;
 * - `skipped`: its action is `skip`, or an earlier enforced failure stopped verification before it.
 */
export type CheckOutcome = 'passed' | 'failed-enforced' | 'failed-logged' | 'skipped';

/** One check of {@link VerificationResult.checks}. */
export interface CheckResult {
  type: ValidationType;
  outcome: CheckOutcome;
  /** The action the policy gives this check (TP-11, TP-6). */
  action: ValidationAction;
  /** Why it failed, as a typed error with a stable code. */
  error?: NotaryError;
}

/**
 * The full result of verifying one signature: an entry for every check,
 * whatever happened, and what was learnt on the way. A failed verification
 * throws a {@link VerificationError} that carries this same object.
 */
export interface VerificationResult {
  /** True when no enforced check failed and the payload and metadata matched. */
  verified: boolean;
  level: VerificationLevel;
  /** The statement that applied (TP-9, BTP-2). */
  statement: TrustPolicyStatement;
  checks: Record<ValidationType, CheckResult>;
  /** The envelope's media type, when it parsed. */
  mediaType?: string;
  /** Leaf first, when the envelope parsed. */
  certificateChain?: Certificate[];
  signingScheme?: string;
  /** The (untrusted) signing time of notary.x509, or the authentic one of signingAuthority. */
  signingTime?: Date;
  /** The verified RFC 3161 timestamp range, and its TSA chain (TSA-3, TSA-4). */
  timestamp?: { range: TimestampRange; tsaChain: Certificate[] };
  /** Per-certificate revocation results of the signing chain (REV-2). */
  revocation?: CertificateRevocationResult[];
  /** The verified payload's target artifact. */
  targetArtifact?: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> };
  /** Payload bytes as signed (never re-serialised, PAY-6). */
  payload?: Uint8Array;
}

/** Codes of {@link VerificationCheckError}, the failures the verifier itself finds. */
export type VerificationCheckErrorCode =
  /** VER-4: no certificate of the chain is in the policy's trust stores. */
  | 'ERR_UNTRUSTED_CHAIN'
  /** VER-5, ATTR-7: now ≥ expiry. */
  | 'ERR_SIGNATURE_EXPIRED'
  /** CERT-12, TP-14, VER-6: a certificate is not valid at the verification or authentic signing time. */
  | 'ERR_CERTIFICATE_EXPIRED'
  /** TSA-3 step 1: the timestamp is required but absent. */
  | 'ERR_TIMESTAMP_MISSING'
  /** REV-1: a certificate of the chain is revoked. */
  | 'ERR_CERTIFICATE_REVOKED'
  /** REV-1: a certificate's revocation status could not be decided. */
  | 'ERR_REVOCATION_UNKNOWN'
  /** VER-3: the signed payload names another artifact. */
  | 'ERR_PAYLOAD_MISMATCH'
  /** VER-9: caller-supplied metadata is not in the payload annotations. */
  | 'ERR_USER_METADATA_MISMATCH'
  /** ATTR-4, VER-8: the envelope names a verification plugin, which this verifier cannot run. */
  | 'ERR_VERIFICATION_PLUGIN_REQUIRED'
  /** A check threw something that is not a NotaryError (a bug, or a runtime that failed); the cause is kept. */
  | 'ERR_UNEXPECTED';

/** A check the verifier ran that failed. */
export class VerificationCheckError extends NotaryError<VerificationCheckErrorCode> {}

/**
 * Verification failed. `result` holds every check's outcome (notation-go
 * drops it; we keep it), and `cause` is the error that decided it, whose
 * `code` says why.
 */
export class VerificationError extends NotaryError<'ERR_VERIFICATION_FAILED'> {
  readonly result: VerificationResult;
  /** The check that decided, when one did (`integrity`, `authenticity`, …). */
  readonly check: ValidationType | 'payload' | 'userMetadata' | 'plugin' | undefined;

  constructor(message: string, result: VerificationResult, check: VerificationError['check'], cause: unknown) {
    super('ERR_VERIFICATION_FAILED', message, { cause });
    this.result = result;
    this.check = check;
  }
}
