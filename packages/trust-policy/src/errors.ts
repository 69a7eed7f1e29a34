/**
 * Typed errors of the trust-policy package. Every failure is a
 * {@link TrustPolicyError}: a {@link NotaryError} with one of the stable codes
 * below, so a verifier can branch on the code and report the message, which
 * keeps notation-go's wording wherever the upstream tests quote it.
 */
import { NotaryError } from '@x/notary-pki';

export type TrustPolicyErrorCode =
  /** TP-2 … TP-10, BTP-1, DN-1 inside a policy: the document or a statement breaks a rule. */
  | 'ERR_POLICY_INVALID'
  /** TP-1: no policy file in the config directory. */
  | 'ERR_POLICY_NOT_FOUND'
  /** TP-9, BTP-2: no statement applies to an artifact reference or blob policy name. */
  | 'ERR_POLICY_NOT_APPLICABLE'
  /** TS-2 … TS-5: a named store's layout or certificates are unusable. */
  | 'ERR_TRUST_STORE_INVALID'
  /** TS-1: the named store referenced by a policy does not exist. */
  | 'ERR_TRUST_STORE_NOT_FOUND'
  /** DN-1 … DN-3: a distinguished name that notation cannot use (syntax, `=#`, duplicates, overlap). */
  | 'ERR_IDENTITY_INVALID'
  /** DN-4, TP-10: the signing leaf matches none of the statement's trusted identities. */
  | 'ERR_IDENTITY_MISMATCH';

export interface TrustPolicyErrorOptions {
  cause?: unknown;
  /** Name of the statement at fault, when one is. */
  statement?: string;
  /** The member at fault (`version`, `trustPolicies[1].trustStores`, …), when one is. */
  field?: string;
}

export class TrustPolicyError extends NotaryError<TrustPolicyErrorCode> {
  /** Statement the error is about, when it is about one. */
  readonly statement: string | undefined;
  /** Member of the document the error is about, when known. */
  readonly field: string | undefined;

  constructor(code: TrustPolicyErrorCode, message: string, options: TrustPolicyErrorOptions = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.statement = options.statement;
    this.field = options.field;
  }
}
