/**
 * Content digests (image-spec descriptor.md "Digests") and the check every
 * fetch makes: bytes must match the descriptor's size and digest before
 * anyone parses them (OCI-9: a manifest or envelope is only trusted after
 * this check). @noble/hashes is used because it is synchronous and runs
 * unchanged in Node, Deno and browsers; WebCrypto would force every caller
 * to be async for a few kilobytes of hashing.
 */
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { toHex } from '@x/notary-pki/foundation';
import type { Descriptor } from './descriptor.js';
import { OciError } from './errors.js';

/** The registered algorithms of image-spec: the only ones registries and notation accept. */
export type DigestAlgorithm = 'sha256' | 'sha512';

const HEX_LENGTH: Readonly<Record<DigestAlgorithm, number>> = { sha256: 64, sha512: 128 };
// The generic grammar of image-spec: algorithm ":" encoded.
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** The digest string (`sha256:<64 hex>`) of bytes. */
export function computeDigest(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  const hash = algorithm === 'sha256' ? sha256(bytes) : sha512(bytes);
  return `${algorithm}:${toHex(hash)}`;
}

/**
 * Splits and validates a digest. Only sha256 and sha512 are accepted, with
 * the lowercase hex length the registration requires; anything else is
 * ERR_OCI_REFERENCE_INVALID because digests arrive inside references and
 * descriptors that a peer controls.
 */
export function parseDigest(digest: string): { algorithm: DigestAlgorithm; hex: string } {
  if (typeof digest !== 'string' || !DIGEST_GRAMMAR.test(digest)) {
    throw new OciError(
      'ERR_OCI_REFERENCE_INVALID',
      `invalid digest ${JSON.stringify(digest)}: want <algorithm>:<encoded>`,
    );
  }
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new OciError(
      'ERR_OCI_REFERENCE_INVALID',
      `unsupported digest algorithm ${JSON.stringify(algorithm)}: want sha256 or sha512`,
    );
  }
  if (hex.length !== HEX_LENGTH[algorithm] || !/^[0-9a-f]+$/.test(hex)) {
    throw new OciError(
      'ERR_OCI_REFERENCE_INVALID',
      `invalid ${algorithm} digest ${JSON.stringify(digest)}: want ${HEX_LENGTH[algorithm]} lowercase hex digits`,
    );
  }
  return { algorithm, hex };
}

/** True when `digest` is a valid sha256/sha512 digest string. */
export function isDigest(digest: string): boolean {
  try {
    parseDigest(digest);
    return true;
  } catch {
    return false;
  }
}

/**
 * Throws ERR_OCI_DIGEST_MISMATCH unless `bytes` has exactly the expected
 * size and digest. The size is compared first: it is free, and it stops a
 * truncated or padded body without hashing it.
 */
export function verifyContent(bytes: Uint8Array, expected: Pick<Descriptor, 'digest' | 'size'>): void {
  const { algorithm } = parseDigest(expected.digest);
  if (bytes.length !== expected.size) {
    throw new OciError(
      'ERR_OCI_DIGEST_MISMATCH',
      `content of ${expected.digest}: got ${bytes.length} bytes, want ${expected.size}`,
    );
  }
  const actual = computeDigest(bytes, algorithm);
  if (actual !== expected.digest) {
    throw new OciError('ERR_OCI_DIGEST_MISMATCH', `content digest ${actual} does not match ${expected.digest}`);
  }
}

/** The plain descriptor (mediaType, digest, size) of bytes. */
export function descriptorFor(mediaType: string, bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): Descriptor {
  return { mediaType, digest: computeDigest(bytes, algorithm), size: bytes.length };
}
