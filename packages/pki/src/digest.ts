import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashAlgorithm } from './algorithm.js';

const HASHES = { 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;

/**
 * Synchronous SHA-2 digest. Timestamp and revocation checks hash small inputs
 * (certificates, a signature), where a sync call keeps the code plain.
 */
export function digest(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
  return HASHES[algorithm](data);
}
