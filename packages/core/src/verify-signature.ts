import { verifyEnvelopeIntegrity } from '@x/notary-envelope';
import { verifyWithPolicy, type PolicyVerificationOptions, type VerificationResult } from '@x/notary-trust-policy';

/** Options of {@link verifySignature}: everything the policy verifier takes but the integrity step. */
export type VerifySignatureOptions = Omit<PolicyVerificationOptions, 'integrity'>;

/**
 * Verifies one signature envelope under one trust-policy statement: the
 * envelope's integrity (VER-2, `@x/notary-envelope`), then authenticity,
 * expiry, authentic timestamp, revocation, payload and user metadata
 * (`@x/notary-trust-policy`), with the statement's level deciding what is
 * enforced, logged or skipped.
 *
 * ```ts
 * const result = await verifySignature(envelope, 'application/jose+json', {
 *   statement: selectOciStatement(policy, 'registry.example/app@sha256:…'),
 *   trustStore: new MemoryTrustStore({ 'ca:acme': rootPem }),
 *   target: { digest: 'sha256:…', size: 1234, mediaType: 'application/vnd.oci.image.manifest.v1+json' },
 * });
 * result.checks.revocation.outcome; // 'passed' | 'failed-enforced' | 'failed-logged' | 'skipped'
 * ```
 *
 * Returns the full result; a failure throws a `VerificationError` whose
 * `result` is the same object and whose `cause` says why.
 */
export function verifySignature(envelope: Uint8Array, mediaType: string, options: VerifySignatureOptions): Promise<VerificationResult> {
  return verifyWithPolicy({ ...options, integrity: () => verifyEnvelopeIntegrity(envelope, mediaType) });
}
