import type { Signer } from '@x/notary-envelope';
import {
  algorithmSuiteOf,
  type Certificate,
  type FetchLike,
  requestTimestamp,
  verifyTimestampToken,
} from '@x/notary-pki';

/** RFC 3161 timestamping for signing: the TSA and the roots its tokens must chain to, always together (SIGN-2). */
export interface TimestampingOptions {
  url: string;
  /** The TSA roots; the token is verified against them before it is embedded (TSA-2). */
  roots: readonly Certificate[];
  timeoutMs?: number;
  fetch?: FetchLike;
}

/**
 * The timestamp step of signing (TSA-1, TSA-2): ask the TSA for a token over
 * the primitive signature with the key's hash, and refuse to embed it unless
 * it verifies against the given roots and its range fits the signing chain.
 */
export function timestamper(
  options: TimestampingOptions,
  signer: Signer,
): (signature: Uint8Array) => Promise<Uint8Array> {
  if (!options.url || options.roots.length === 0) {
    throw new TypeError('timestamping needs both a TSA URL and its root certificates (SIGN-2)');
  }
  return async (signature) => {
    const hash = algorithmSuiteOf(signer.keySpec).hash;
    const token = await requestTimestamp(signature, hash, {
      url: options.url,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    await verifyTimestampToken({ token, signature, roots: options.roots, signingChain: signer.certificateChain });
    return token.der;
  };
}
