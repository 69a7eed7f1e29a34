/**
 * Reading HTTP response bodies with a byte cap, so that a hostile or broken
 * server cannot make a verifier buffer unbounded data (TSA 1 MiB, OCSP
 * 20480 B, CRL 32 MiB: §17 of the spec digest).
 */

import { concatChunks } from '../bytes.js';

/** Rejects as soon as `signal` aborts, even if `promise` never settles (a fetcher that ignores its signal). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Drops a body we will not read, without waiting for it. */
export function discardBody(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

/**
 * Reads a Response body of at most `maxBytes`. A Content-Length above the cap
 * fails before reading, and a body that grows past it is cancelled
 * mid-stream; either way the result is `undefined`. With `signal`, an abort
 * interrupts a stalled read (the read rejects with the abort reason).
 */
export async function readBoundedBody(
  response: Response,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array | undefined> {
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    discardBody(response);
    return undefined;
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await (signal ? raceAbort(reader.read(), signal) : reader.read());
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    try {
      reader.releaseLock();
    } catch {
      // Older stream implementations refuse to release a lock while a read is pending (an aborted read).
    }
  }
  return concatChunks(chunks);
}
