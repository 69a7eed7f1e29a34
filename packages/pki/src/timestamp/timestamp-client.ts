import type { HashAlgorithm } from '../algorithm.js';
import { TimestampError } from '../errors.js';
import { readBoundedBody } from '../http/bounded-body.js';
import { createTimestampRequest } from './timestamp-request.js';
import { parseTimestampResponse } from './timestamp-response.js';
import type { TimestampToken } from './timestamp-token.js';

/** A fetch-compatible function; `globalThis.fetch` by default, so it runs in browsers and Deno too. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TimestampClientOptions {
  /** The TSA URL (http or https). */
  url: string;
  /** Default 5 s (TSA-1 [impl]). */
  timeoutMs?: number;
  /** Default 1 MiB (TSA-1 [impl]). */
  maxResponseBytes?: number;
  /** Requested TSA policy OID, if any. */
  policy?: string;
  fetch?: FetchLike;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

function failed(message: string, cause?: unknown): never {
  throw new TimestampError('ERR_TIMESTAMP_REQUEST_FAILED', message, cause === undefined ? undefined : { cause });
}

/**
 * Asks a TSA to timestamp `message` (TSA-1) and validates the response
 * against the request (TSA-2). The returned token is not yet trusted: verify
 * it with verifyTimestampToken and the caller's TSA roots before embedding
 * it, as SIGN-2 and TSA-2 require.
 */
export async function requestTimestamp(
  message: Uint8Array,
  hashAlgorithm: HashAlgorithm,
  options: TimestampClientOptions,
): Promise<TimestampToken> {
  const request = createTimestampRequest(
    message,
    hashAlgorithm,
    options.policy ? { policy: options.policy } : undefined,
  );
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetchImpl(options.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/timestamp-query', Accept: 'application/timestamp-reply' },
      body: request.der as Uint8Array<ArrayBuffer>,
      signal,
    });
  } catch (error) {
    failed(
      `failed to reach the timestamp authority at ${options.url}: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => {});
    failed(`the timestamp authority at ${options.url} answered HTTP ${response.status}`);
  }
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/timestamp-reply') {
    await response.body?.cancel().catch(() => {});
    failed(
      `the timestamp authority at ${options.url} answered with content type "${contentType}", not application/timestamp-reply`,
    );
  }
  let body: Uint8Array | undefined;
  try {
    body = await readBoundedBody(response, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
  } catch (error) {
    failed(
      `failed to read the timestamp response from ${options.url}: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
  if (!body)
    failed(
      `the timestamp response from ${options.url} exceeds ${options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES} bytes`,
    );
  return parseTimestampResponse(body, request);
}
