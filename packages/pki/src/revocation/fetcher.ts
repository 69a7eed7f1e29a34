/**
 * HTTP for revocation checks: a pluggable {@link Fetcher}, a per-URL timeout
 * and a bounded body reader. Nothing here throws for network conditions to
 * the caller of `checkRevocation`: failures become {@link RevocationError}s
 * that the OCSP and CRL code turn into `unknown` server results.
 */
import { exactBytes } from '../bytes.js';
import { discardBody, raceAbort, readBoundedBody } from '../http/bounded-body.js';
import { RevocationError } from './result.js';

/**
 * The HTTP primitive revocation checks use; `globalThis.fetch` by default.
 * A test or an application can pass its own (proxy, offline fixture, …).
 * It must honour `signal` or at least tolerate being abandoned: a request
 * still pending when the signal aborts is reported as a timeout regardless.
 */
export type Fetcher = (
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: Uint8Array; signal: AbortSignal },
) => Promise<Response>;

/** `globalThis.fetch` behind the {@link Fetcher} signature; redirects are followed, as Go's http.Client does. */
export const defaultFetcher: Fetcher = (url, init) => {
  if (typeof globalThis.fetch !== 'function') {
    return Promise.reject(new TypeError('globalThis.fetch is not available; pass a fetcher'));
  }
  return globalThis.fetch(url, {
    method: init.method,
    headers: init.headers,
    body: init.body === undefined ? undefined : exactBytes(init.body),
    signal: init.signal,
    redirect: 'follow',
  });
};

/** Whether `url` is an absolute `http:` URL (REV-3/REV-4 [impl]: https and others are not supported). */
export function checkHttpUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch (error) {
    throw new RevocationError('ERR_REVOCATION_UNSUPPORTED_URL', `invalid URL ${JSON.stringify(url)}`, { cause: error });
  }
  if (protocol !== 'http:') {
    throw new RevocationError(
      'ERR_REVOCATION_UNSUPPORTED_URL',
      `unsupported URL scheme ${protocol.replace(/:$/, '')}: only http is supported (${url})`,
    );
  }
}

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Uint8Array;
  timeoutMs: number;
  maxBytes: number;
  /** For messages: "OCSP response" or "CRL". */
  what: string;
}

/**
 * One HTTP exchange under a single deadline covering headers and body (like
 * Go's http.Client.Timeout): status must be 200, body at most `maxBytes`.
 * Every failure is a {@link RevocationError}.
 */
export async function httpGetBytes(fetcher: Fetcher, request: HttpRequest): Promise<Uint8Array> {
  checkHttpUrl(request.url);
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    let pending: Promise<Response>;
    try {
      pending = Promise.resolve(
        fetcher(request.url, {
          method: request.method,
          ...(request.headers ? { headers: request.headers } : {}),
          ...(request.body ? { body: request.body } : {}),
          signal,
        }),
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    const response = await raceAbort(pending, signal);
    if (response.status !== 200) {
      discardBody(response);
      throw new RevocationError(
        'ERR_REVOCATION_HTTP_STATUS',
        `failed to retrieve ${request.what} from ${request.url}: response had status code ${response.status}`,
      );
    }
    const body = await readBoundedBody(response, request.maxBytes, signal);
    if (!body)
      throw new RevocationError(
        'ERR_REVOCATION_TOO_LARGE',
        `${request.what} from ${request.url} exceeds the ${request.maxBytes}-byte limit`,
      );
    return body;
  } catch (error) {
    if (error instanceof RevocationError) throw error;
    if (signal.aborted) {
      throw new RevocationError(
        'ERR_REVOCATION_TIMEOUT',
        `${request.what} request to ${request.url} timed out after ${request.timeoutMs} ms`,
        { cause: error },
      );
    }
    throw new RevocationError(
      'ERR_REVOCATION_NETWORK',
      `${request.what} request to ${request.url} failed: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}
