import type { EnvelopeErrorCode } from '@x/notary-envelope';
import type { Descriptor, OciErrorCode } from '@x/notary-oci';
import type { PkiErrorCode } from '@x/notary-pki';
import { NotaryError } from '@x/notary-pki';
import type { PluginPackageErrorCode } from '@x/notary-plugin';
import type { TrustPolicyErrorCode } from '@x/notary-trust-policy';
import type { VerificationPluginErrorCode } from './verifier/verification-plugin.js';
import type { VerificationCheckErrorCode, VerificationResult } from './verifier/verification-result.js';

/** Codes of {@link WorkflowError}: the sign and verify workflows' own failures. */
export type WorkflowErrorCode =
  /** WF-1 step 6: the artifact has no signature to verify. */
  | 'ERR_NO_SIGNATURE'
  /** SIGN-1, WF-1 step 2: a digest in the reference differs from what it resolves to. */
  | 'ERR_REFERENCE_DIGEST_MISMATCH'
  /** WF-3: a signature manifest or envelope could not be fetched; the whole verification stops. */
  | 'ERR_SIGNATURE_FETCH_FAILED'
  /** WF-1: every signature tried failed; `results` holds each one's full outcome. */
  | 'ERR_VERIFICATION_FAILED'
  /** WF-3: maxSignatureAttempts signatures were tried without success, and more remain. */
  | 'ERR_VERIFICATION_INCONCLUSIVE'
  /** VER-9: a verified signature lacks the caller's metadata. */
  | 'ERR_USER_METADATA_MISMATCH'
  /** SIGN-1 step 6: pushing the envelope or the signature manifest failed. */
  | 'ERR_PUSH_FAILED'
  /** A request the workflow refuses: bad options, a blob signature file of an unknown type (AMB-5), … */
  | 'ERR_INVALID_REQUEST';

/** A failed sign or verify workflow. Verification failures carry every signature's result. */
export class WorkflowError extends NotaryError<WorkflowErrorCode> {
  /** One result per signature tried, in order (WF-1), when verification ran. */
  readonly results: readonly VerificationResult[];
  /** The same, each with its signature manifest. */
  readonly attempts: readonly { signatureManifest: Descriptor; result: VerificationResult }[];

  constructor(
    code: WorkflowErrorCode,
    message: string,
    options?: {
      cause?: unknown;
      results?: readonly VerificationResult[];
      attempts?: readonly { signatureManifest: Descriptor; result: VerificationResult }[];
    },
  ) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.results = options?.results ?? [];
    this.attempts = options?.attempts ?? [];
  }
}

/**
 * Every `code` a {@link NotaryError} of the SDK can carry: the union of each
 * package's codes (like jose's `AnyJOSEError`), for an exhaustive `switch`.
 * Each code is described in docs/errors.md.
 */
export type NotaryErrorCode =
  | PkiErrorCode
  | EnvelopeErrorCode
  | TrustPolicyErrorCode
  | VerificationCheckErrorCode
  | VerificationPluginErrorCode
  | OciErrorCode
  | PluginPackageErrorCode
  | WorkflowErrorCode;
