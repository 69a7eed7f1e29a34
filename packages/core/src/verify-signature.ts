import { verifyEnvelopeIntegrity } from '@x/notary-envelope';
import {
  selectBlobStatement,
  selectOciStatement,
  verifyWithPolicy,
  type BlobTrustPolicyDocument,
  type OciTrustPolicyDocument,
  type PolicyVerificationOptions,
  type TrustPolicyStatement,
  type VerificationResult,
} from '@x/notary-trust-policy';

/** Which trust-policy statement applies: given directly, or selected from a document (TP-9, BTP-2). */
export type PolicySelection =
  | { statement: TrustPolicyStatement }
  /** OCI: the statement whose registry scope holds the reference's repository, else the global one (TP-9). */
  | { policy: OciTrustPolicyDocument; artifactReference: string }
  /** Blob: the statement of that name, or the global one when no name is given (BTP-2). */
  | { policy: BlobTrustPolicyDocument; policyName?: string };

/** Options of {@link verifySignature}. */
export type VerifySignatureOptions = Omit<PolicyVerificationOptions, 'integrity' | 'statement'> & PolicySelection;

function statementOf(selection: PolicySelection): TrustPolicyStatement {
  if ('statement' in selection) return selection.statement;
  if ('artifactReference' in selection) return selectOciStatement(selection.policy, selection.artifactReference);
  return selectBlobStatement(selection.policy, selection.policyName);
}

/**
 * Verifies one signature envelope under a trust policy: the envelope's
 * integrity (VER-2, `@x/notary-envelope`), then authenticity, expiry,
 * authentic timestamp, revocation, payload and user metadata
 * (`@x/notary-trust-policy`), with the statement's level deciding what is
 * enforced, logged or skipped.
 *
 * ```ts
 * const result = await verifySignature(envelope, 'application/jose+json', {
 *   policy: parseOciTrustPolicy(policyJson),
 *   artifactReference: 'registry.example/app@sha256:…',
 *   trustStore: new MemoryTrustStore({ 'ca:acme': rootPem }),
 *   target: { digest: 'sha256:…', size: 1234, mediaType: 'application/vnd.oci.image.manifest.v1+json' },
 * });
 * result.checks.revocation.outcome; // 'passed' | 'failed-enforced' | 'failed-logged' | 'skipped'
 * ```
 *
 * Returns the full result; a failure throws a `VerificationError` whose
 * `result` is the same object and whose `cause` says why. No statement
 * applying is an `ERR_POLICY_NOT_APPLICABLE` TrustPolicyError (VER-1).
 */
export function verifySignature(envelope: Uint8Array, mediaType: string, options: VerifySignatureOptions): Promise<VerificationResult> {
  const statement = statementOf(options);
  const { policy: _policy, artifactReference: _reference, policyName: _name, statement: _statement, ...rest } = options as VerifySignatureOptions & {
    policy?: unknown;
    artifactReference?: unknown;
    policyName?: unknown;
    statement?: unknown;
  };
  return verifyWithPolicy({ ...rest, statement, integrity: () => verifyEnvelopeIntegrity(envelope, mediaType) });
}
