import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS } from '@x/notary-envelope';
import {
  ARTIFACT_TYPE_NOTARY_SIGNATURE,
  type Descriptor,
  MAX_ENVELOPE_BYTES,
  parseSignatureManifest,
  type Repository,
} from '@x/notary-oci';
import {
  isSkipLevel,
  type OciTrustPolicyDocument,
  selectOciStatement,
  type TrustPolicyStatement,
} from '@x/notary-trust-policy';
import { WorkflowError } from './errors.js';
import { resolveTarget } from './target.js';
import { VerificationError, type VerificationResult } from './verifier/verification-result.js';
import {
  type SignatureVerificationOptions,
  skippedVerification,
  verifySignatureEnvelope,
} from './verifier/verify-signature-envelope.js';

/** notation's CLI default for --max-signatures (WF-3). */
export const DEFAULT_MAX_SIGNATURE_ATTEMPTS = 100;

export type VerifyOptions = Omit<SignatureVerificationOptions, 'target'> & {
  repository: Repository;
  /**
   * A digest, or a tag to resolve; with `@digest` the resolved digest must
   * match (WF-1 step 2). A descriptor is a target the caller has already
   * resolved (the CLI does, to print it): it is used as is, which saves the
   * second HEAD of the subject (issue 13 item 9: four requests a verify).
   */
  reference: string | Descriptor;
  /** Scope for statement selection: defaults to `<repository.name>@<digest>` (TP-9). */
  artifactReference?: string;
  /** > 0 (WF-3); default 100. */
  maxSignatureAttempts?: number;
  onWarning?: (message: string) => void;
  /**
   * Called before each signature is verified (for progress over many
   * signatures). `listed` counts the signatures listed so far: the listing
   * is lazy, so more pages may follow.
   */
  onSignature?: (index: number, listed: number, signatureManifest: Descriptor) => void;
} & ({ policy: OciTrustPolicyDocument } | { statement: TrustPolicyStatement });

export interface VerifyOutcome {
  /** The artifact verified. */
  target: Descriptor;
  /** The signature manifest that verified; undefined when the policy level is skip (TP-13). */
  signatureManifest?: Descriptor;
  /** The successful signature's result. */
  result: VerificationResult;
  /** Every signature tried, in order, the successful one last (WF-1). */
  results: VerificationResult[];
  /** The same, each with the signature manifest it came from. */
  attempts: SignatureAttempt[];
}

/** One signature tried by {@link verify}. */
export interface SignatureAttempt {
  signatureManifest: Descriptor;
  result: VerificationResult;
}

/**
 * Verifies an OCI artifact (WF-1 … WF-3): pick the statement (TP-9; a skip
 * statement returns at once), resolve the reference, list the Notary
 * signature referrers (OCI-7, OCI-8), and verify them in order until the
 * first success. One valid signature is enough; there is no n-of-m.
 */
export async function verify(options: VerifyOptions): Promise<VerifyOutcome> {
  const { repository } = options;
  const max = options.maxSignatureAttempts ?? DEFAULT_MAX_SIGNATURE_ATTEMPTS;
  if (!Number.isInteger(max) || max <= 0)
    throw new WorkflowError('ERR_INVALID_REQUEST', 'maxSignatureAttempts must be an integer greater than 0 (WF-3)');
  const target =
    typeof options.reference === 'string'
      ? await resolveTarget(repository, options.reference, options.onWarning)
      : options.reference;
  const artifactReference = options.artifactReference ?? `${repository.name}@${target.digest}`;
  const statement = 'statement' in options ? options.statement : selectOciStatement(options.policy, artifactReference);
  if (isSkipLevel(statement.signatureVerification)) {
    // TP-13, WF-1 step 1: nothing is verified, not even that a signature exists.
    return { target, result: skippedVerification(statement), results: [], attempts: [] };
  }

  const attempts: SignatureAttempt[] = [];
  const results = (): VerificationResult[] => attempts.map((a) => a.result);
  let lastError: unknown;
  const decidingChecks: (string | undefined)[] = [];
  // The listing is lazy (issue 12 finding 2): pages are fetched as the loop
  // asks for them, and the loop stops at the limit, so a registry that keeps
  // sending `Link: rel="next"` costs at most the pages up to signature max + 1.
  const listing = repository
    .referrerPages(target, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE })
    [Symbol.asyncIterator]();
  const nextPage = async (): Promise<Descriptor[] | undefined> => {
    try {
      const page = await listing.next();
      return page.done ? undefined : page.value;
    } catch (error) {
      throw new WorkflowError(
        'ERR_SIGNATURE_FETCH_FAILED',
        `failed to list the signatures of ${target.digest}: ${(error as Error).message}`,
        {
          cause: error,
          results: results(),
          attempts,
        },
      );
    }
  };

  let index = 0;
  let listed = 0;
  try {
    for (let page = await nextPage(); page !== undefined; page = await nextPage()) {
      listed += page.length;
      for (const referrer of page) {
        if (index >= max) {
          throw new WorkflowError(
            'ERR_VERIFICATION_INCONCLUSIVE',
            `signature evaluation stopped. The configured limit of ${max} signatures to verify per artifact exceeded`,
            { results: results(), attempts, cause: lastError },
          );
        }
        options.onSignature?.(index, listed, referrer);
        index++;
        const outcome = await verifyOne(referrer);
        if (outcome !== undefined) return outcome;
      }
    }
  } finally {
    // Stops the listing where it is: no further page is fetched.
    await listing.return?.();
  }
  if (index === 0)
    throw new WorkflowError(
      'ERR_NO_SIGNATURE',
      `no signature is associated with "${artifactReference}", make sure the artifact was signed successfully`,
    );

  async function verifyOne(referrer: Descriptor): Promise<VerifyOutcome | undefined> {
    let envelope: Uint8Array;
    let envelopeMediaType: string;
    try {
      const manifest = await repository.fetchManifest(referrer);
      const parsed = parseSignatureManifest(manifest.bytes, manifest.descriptor.mediaType);
      envelopeMediaType = parsed.envelopeMediaType;
      if (envelopeMediaType !== MEDIA_TYPE_JWS && envelopeMediaType !== MEDIA_TYPE_COSE) return undefined; // WF-1 step 4: unsupported envelope types are passed over
      envelope = await repository.fetchBlob(parsed.envelopeDescriptor, { maxBytes: MAX_ENVELOPE_BYTES });
    } catch (error) {
      // WF-3 [impl]: a signature that cannot be fetched stops the whole verification.
      throw new WorkflowError(
        'ERR_SIGNATURE_FETCH_FAILED',
        `failed to fetch signature ${referrer.digest}: ${(error as Error).message}`,
        {
          cause: error,
          results: results(),
          attempts,
        },
      );
    }
    try {
      const result = await verifySignatureEnvelope(envelope, envelopeMediaType, {
        ...baseOptions(options),
        statement,
        target,
      });
      attempts.push({ signatureManifest: referrer, result });
      return { target, signatureManifest: referrer, result, results: results(), attempts };
    } catch (error) {
      if (!(error instanceof VerificationError)) throw error;
      // A failed signature, user metadata included, moves on to the next, as notation-go does.
      attempts.push({ signatureManifest: referrer, result: error.result });
      decidingChecks.push(error.check);
      lastError = error;
      return undefined;
    }
  }
  const metadataOnly = decidingChecks.length > 0 && decidingChecks.every((check) => check === 'userMetadata');
  throw new WorkflowError(
    metadataOnly ? 'ERR_USER_METADATA_MISMATCH' : 'ERR_VERIFICATION_FAILED',
    metadataOnly
      ? 'signature verification failed: unable to find specified metadata in the signature'
      : `signature verification failed for all the signatures associated with ${artifactReference}`,
    { cause: lastError, results: results(), attempts },
  );
}

function baseOptions(options: VerifyOptions): Omit<SignatureVerificationOptions, 'target'> {
  const {
    repository: _repository,
    reference: _reference,
    artifactReference: _artifactReference,
    maxSignatureAttempts: _max,
    onWarning: _onWarning,
    policy: _policy,
    statement: _statement,
    ...rest
  } = options as VerifyOptions & { policy?: unknown; statement?: unknown };
  return rest as Omit<SignatureVerificationOptions, 'target'>;
}
