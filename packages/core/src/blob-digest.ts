import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashAlgorithm } from '@x/notary-pki';
import { toHex } from '@x/notary-pki/foundation';

/** Blob content as the workflows take it: bytes, a web stream, or any async iterable of chunks (a Node stream). */
export type BlobSource = Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

const HASHERS = { 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;
const PREFIX: Readonly<Record<HashAlgorithm, string>> = {
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

async function* chunksOf(source: BlobSource): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  yield* source as AsyncIterable<Uint8Array>;
}

/** An incremental hash; `@noble/hashes` by default, `node:crypto`'s createHash where a runtime has it (4-10x faster). */
export interface IncrementalHash {
  update(chunk: Uint8Array): unknown;
  digest(): Uint8Array;
}

/** Makes an {@link IncrementalHash} for one of the Notary hashes. */
export type HashFactory = (hash: HashAlgorithm) => IncrementalHash;

/** The portable default: noble's SHA-2, which runs in every runtime. */
export const nobleHash: HashFactory = (hash) => HASHERS[hash].create();

/**
 * Digests a blob in one streaming pass, in constant memory (SIGN-3, WF-4):
 * a 1 GiB file is never held whole. `onProgress` reports bytes read so far.
 */
export async function digestBlob(
  source: BlobSource,
  hash: HashAlgorithm,
  onProgress?: (bytesRead: number) => void,
  createHash: HashFactory = nobleHash,
): Promise<{ digest: string; size: number }> {
  const hasher = createHash(hash);
  let size = 0;
  for await (const chunk of chunksOf(source)) {
    hasher.update(chunk);
    size += chunk.length;
    onProgress?.(size);
  }
  return { digest: `${PREFIX[hash]}:${toHex(hasher.digest())}`, size };
}

/** The hash a digest string names (`sha256:…` → SHA-256), or undefined. */
export function hashOfDigest(digest: string): HashAlgorithm | undefined {
  const prefix = digest.split(':')[0];
  return (Object.keys(PREFIX) as HashAlgorithm[]).find((h) => PREFIX[h] === prefix);
}
