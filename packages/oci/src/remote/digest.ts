import { computeDigest } from '../digest.js';
import { OciError } from '../errors.js';
import { digestProblem } from '../reference.js';

/** `alg:hex` of `bytes`; sha256 unless another supported algorithm is asked for. */
export function digestOf(bytes: Uint8Array, algorithm = 'sha256'): string {
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new OciError('ERR_OCI_REFERENCE_INVALID', `unsupported digest algorithm ${JSON.stringify(algorithm)}`);
  }
  return computeDigest(bytes, algorithm);
}

/** The algorithm part of a digest already validated by `digestProblem`. */
export function digestAlgorithm(digest: string): string {
  return digest.slice(0, digest.indexOf(':'));
}

/**
 * Checks content against the digest and size it was fetched by (OCI-9: every
 * fetched manifest and blob is verified), and against the registry's
 * Docker-Content-Digest when that header was present.
 */
export function verifyFetchedContent(
  bytes: Uint8Array,
  expected: { digest?: string | undefined; size?: number | undefined },
  headerDigest: string | undefined,
  what: string,
): string {
  if (expected.size !== undefined && bytes.byteLength !== expected.size) {
    throw new OciError(
      'ERR_OCI_DIGEST_MISMATCH',
      `${what}: size ${bytes.byteLength} differs from the expected ${expected.size}`,
    );
  }
  let computed: string | undefined;
  if (expected.digest !== undefined) {
    computed = digestOf(bytes, digestAlgorithm(expected.digest));
    if (computed !== expected.digest) {
      throw new OciError(
        'ERR_OCI_DIGEST_MISMATCH',
        `${what}: content digest ${computed} differs from the expected ${expected.digest}`,
      );
    }
  }
  if (headerDigest !== undefined) {
    if (digestProblem(headerDigest) !== undefined) {
      throw new OciError(
        'ERR_OCI_DIGEST_MISMATCH',
        `${what}: invalid Docker-Content-Digest ${JSON.stringify(headerDigest)}: ${digestProblem(headerDigest)}`,
      );
    }
    const byHeader =
      computed !== undefined && digestAlgorithm(computed) === digestAlgorithm(headerDigest)
        ? computed
        : digestOf(bytes, digestAlgorithm(headerDigest));
    if (byHeader !== headerDigest) {
      throw new OciError(
        'ERR_OCI_DIGEST_MISMATCH',
        `${what}: content digest ${byHeader} differs from Docker-Content-Digest ${headerDigest}`,
      );
    }
    computed ??= byHeader;
  }
  return computed ?? digestOf(bytes);
}
