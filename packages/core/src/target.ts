import type { Descriptor, Repository } from '@x/notary-oci';
import { WorkflowError } from './errors.js';

const DIGEST_REFERENCE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * Resolves what a reference names (SIGN-1 step 1, WF-1 step 2): a digest must
 * match what the repository holds; a tag is resolved, with a warning, since
 * a tag can move after the signature is made.
 */
export async function resolveTarget(
  repository: Repository,
  reference: string,
  onWarning?: (message: string) => void,
): Promise<Descriptor> {
  const digest = reference.includes('@')
    ? reference.slice(reference.lastIndexOf('@') + 1)
    : DIGEST_REFERENCE.test(reference)
      ? reference
      : undefined;
  const descriptor = await repository.resolve(digest ?? reference);
  if (digest !== undefined && descriptor.digest !== digest) {
    throw new WorkflowError(
      'ERR_REFERENCE_DIGEST_MISMATCH',
      `the reference names ${digest}, but it resolves to ${descriptor.digest}`,
    );
  }
  if (digest === undefined)
    onWarning?.(
      `Always sign the artifact using digest(@sha256:...) rather than a tag(:${reference}) because tags are mutable and a tag reference can point to a different artifact than the one signed.`,
    );
  return descriptor;
}
