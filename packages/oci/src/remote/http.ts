import { readBoundedBody } from '@x/notary-pki/foundation';
import { OciError, type OciErrorCode, type RegistryErrorDetail } from '../errors.js';

/*
 * Pure HTTP helpers of the remote client: the plain-HTTP policy, Location and
 * Link resolution, the retry backoff, error bodies and capped body reading.
 * They take no I/O so they are unit-tested directly.
 */

/** Is `hostname` (as URL.hostname gives it) a loopback address: localhost, 127.0.0.0/8 or ::1? */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return v4 !== null && v4.slice(1).every((octet) => Number(octet) <= 255);
}

/** `host[:port]` of a registry to the host name part (IPv6 keeps no brackets). */
export function registryHostname(registry: string): string {
  return new URL(`http://${registry}`).hostname;
}

/**
 * Plain HTTP is allowed to loopback registries, or anywhere when the caller
 * explicitly opted in (notation's insecure-registry option). Everything else
 * must be https: a URL given by a registry (Location, Link, a redirect, a
 * token realm) that downgrades to http is refused.
 */
export function assertTransportAllowed(url: URL, allowPlainHttp: boolean): void {
  if (url.protocol === 'https:') return;
  if (url.protocol !== 'http:') {
    throw new OciError('ERR_OCI_REFUSED', `refusing ${url.protocol} URL ${url.origin}: only http(s) is spoken`);
  }
  if (allowPlainHttp || isLoopbackHost(url.hostname)) return;
  throw new OciError(
    'ERR_OCI_REFUSED',
    `refusing plain HTTP to ${url.host}: only loopback registries or an explicit plainHttp option may use http`,
  );
}

/**
 * Resolves an upload `Location` (relative or absolute, with or without a
 * query) against the URL of the request that returned it, and sets the
 * `digest` query parameter the monolithic PUT needs while keeping the
 * registry's own parameters (distribution puts `_state` there).
 */
export function resolveUploadLocation(requestUrl: URL | string, location: string, digest?: string): URL {
  if (location.trim() === '')
    throw new OciError('ERR_OCI_REGISTRY', 'the registry answered an upload without a Location header');
  const url = new URL(location.trim(), requestUrl);
  if (digest !== undefined) url.searchParams.set('digest', digest);
  return url;
}

/**
 * The `rel="next"` target of an RFC 8288 Link header, resolved against the
 * request URL (the distribution spec returns it relative: `</v2/...?last=x>`),
 * or undefined when there is no next page.
 */
export function parseNextLink(header: string | null | undefined, requestUrl: URL | string): URL | undefined {
  if (!header) return undefined;
  // Link values are `<uri-reference>; param=value; ...`, comma separated; the
  // URI itself may contain commas, so scan by the angle brackets.
  const linkRe = /<([^>]*)>((?:\s*;\s*[^;,]+(?:=(?:"[^"]*"|[^;,]*))?)*)/g;
  for (let match = linkRe.exec(header); match !== null; match = linkRe.exec(header)) {
    const params = match[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(params);
    const relValue = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (relValue.includes('next')) return new URL(match[1] ?? '', requestUrl);
  }
  return undefined;
}

/** Retry settings: `attempts` counts the first try (3 = one try and two retries). */
export interface RetryPolicy {
  /** Total attempts per request, including the first; 1 disables retries. Default 3. */
  attempts?: number;
  /** Base delay of the exponential backoff, in ms. Default 250 (oras-go's). */
  baseDelayMs?: number;
  /** Growth factor per attempt. Default 2. */
  factor?: number;
  /** Relative jitter: the delay is spread over ±jitter of its value. Default 0.1. */
  jitter?: number;
  /** Floor of a delay, in ms. Default 100. */
  minDelayMs?: number;
  /** Ceiling of a delay, also of a server's Retry-After, in ms. Default 3000 (oras-go's MaxWait). */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryPolicy> = {
  attempts: 3,
  baseDelayMs: 250,
  factor: 2,
  jitter: 0.1,
  minDelayMs: 100,
  maxDelayMs: 3000,
};

/** HTTP statuses worth retrying: the request may succeed later (408, 429, 5xx). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Delay before retry number `retry` (1 for the first retry): exponential with
 * jitter so that many clients failing together do not retry in lockstep,
 * clamped to [minDelayMs, maxDelayMs].
 */
export function backoffDelay(retry: number, policy: RetryPolicy = {}, random: () => number = Math.random): number {
  const p = { ...DEFAULT_RETRY, ...policy };
  const nominal = p.baseDelayMs * p.factor ** Math.max(0, retry - 1);
  const jittered = nominal * (1 - p.jitter) + random() * 2 * p.jitter * nominal;
  return Math.min(p.maxDelayMs, Math.max(p.minDelayMs, jittered));
}

/** Parses a distribution error body `{"errors":[{code,message,detail}]}`; [] for anything else. */
export function parseRegistryErrors(body: unknown): RegistryErrorDetail[] {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (typeof value !== 'object' || value === null) return [];
  const errors = (value as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  const out: RegistryErrorDetail[] = [];
  for (const entry of errors) {
    if (typeof entry !== 'object' || entry === null || typeof (entry as { code?: unknown }).code !== 'string') continue;
    const { code, message, detail } = entry as { code: string; message?: unknown; detail?: unknown };
    out.push({
      code,
      ...(typeof message === 'string' ? { message } : {}),
      ...(detail === undefined ? {} : { detail }),
    });
  }
  return out;
}

const NOT_FOUND_CODES = new Set(['MANIFEST_UNKNOWN', 'BLOB_UNKNOWN', 'NAME_UNKNOWN', 'BLOB_UPLOAD_UNKNOWN']);
const UNAUTHORIZED_CODES = new Set(['UNAUTHORIZED', 'DENIED']);

/** Maps a registry's error answer to a typed OciError, keeping the registry's codes. */
export function registryError(
  status: number,
  errors: readonly RegistryErrorDetail[],
  what: string,
  options?: { code?: OciErrorCode; cause?: unknown },
): OciError {
  let code: OciErrorCode = options?.code ?? 'ERR_OCI_REGISTRY';
  if (options?.code === undefined) {
    if (status === 401 || status === 403 || errors.some((e) => UNAUTHORIZED_CODES.has(e.code)))
      code = 'ERR_OCI_UNAUTHORIZED';
    else if (status === 404 || errors.some((e) => NOT_FOUND_CODES.has(e.code))) code = 'ERR_OCI_NOT_FOUND';
  }
  const detail =
    errors.length > 0
      ? errors.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join('; ')
      : `HTTP ${status}`;
  return new OciError(code, `${what}: ${detail}`, {
    status,
    registryErrors: errors,
    ...(options?.cause === undefined ? {} : { cause: options.cause }),
  });
}

/** The media type of a Content-Type value, without parameters, lowercased. */
export function mediaTypeOf(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/**
 * Reads a response body with a cap: a Content-Length above the cap fails
 * before reading, and reading stops as soon as the cap is passed (OCI-9), so
 * an oversized or endless body costs at most `maxBytes` + one chunk. The read
 * is also bounded in time, since fetch's own timeouts stop at the headers.
 * The reading is the foundation's `readBoundedBody` (issue 14: one bounded
 * reader); this adds the timer, the OCI error codes and the length check.
 */
export async function readBodyCapped(
  response: Response,
  maxBytes: number,
  options: { what: string; timeoutMs?: number; signal?: AbortSignal; tooLarge?: OciErrorCode },
): Promise<Uint8Array> {
  const declared = response.headers.get('content-length');
  const declaredBytes = declared !== null && /^\d+$/.test(declared) ? Number(declared) : undefined;
  // The timer and the caller's signal become one signal, whose reason is the OciError to report.
  const stop = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = (): void =>
    stop.abort(new OciError('ERR_OCI_NETWORK', `${options.what}: aborted`, { cause: options.signal?.reason }));
  if (options.timeoutMs !== undefined && options.timeoutMs > 0 && Number.isFinite(options.timeoutMs)) {
    timer = setTimeout(
      () =>
        stop.abort(
          new OciError('ERR_OCI_NETWORK', `${options.what}: reading the body took longer than ${options.timeoutMs} ms`),
        ),
      options.timeoutMs,
    );
  }
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  let body: Uint8Array | undefined;
  try {
    body = await readBoundedBody(response, maxBytes, stop.signal);
  } catch (error) {
    if (error instanceof OciError) throw error;
    throw new OciError('ERR_OCI_NETWORK', `${options.what}: the body could not be read (${errorText(error)})`, {
      cause: error,
    });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (body === undefined) {
    const size = declaredBytes !== undefined && declaredBytes > maxBytes ? declared! : `more than ${maxBytes}`;
    throw new OciError(
      options.tooLarge ?? 'ERR_OCI_TOO_LARGE',
      `${options.what}: ${size} bytes is more than the ${maxBytes}-byte limit`,
    );
  }
  // A decoded (gzip, br) body has another length than the encoded Content-Length.
  const encoded = (response.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
  if (!encoded && declaredBytes !== undefined && declaredBytes !== body.length) {
    throw new OciError(
      'ERR_OCI_NETWORK',
      `${options.what}: body of ${body.length} bytes is shorter than its Content-Length ${declared}`,
    );
  }
  return body;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** How deep a cause chain is followed, and how many errors of an AggregateError are named. */
const MAX_CAUSE_DEPTH = 8;
const MAX_AGGREGATED = 4;

/**
 * Errors that only say that something failed: ky's NetworkError ("Request
 * failed due to a network error: <method> <url>", which repeats the URL) and
 * undici's "fetch failed" TypeError. The reason is in their causes.
 */
function isBareWrapper(error: Error): boolean {
  return error.name === 'NetworkError' || (error instanceof TypeError && error.message === 'fetch failed');
}

/** One error as text: its message, with its `code` (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, …) when the message lacks it. */
function describeOne(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const errors = (error as { errors?: unknown }).errors;
  // Node's AggregateError for a host with several addresses has an empty message; its parts say what failed.
  if (error.message === '' && Array.isArray(errors) && errors.length > 0) {
    const parts = [...new Set(errors.slice(0, MAX_AGGREGATED).map(describeOne))];
    return parts.join('; ');
  }
  const code = (error as { code?: unknown }).code;
  const text = error.message || error.name;
  return typeof code === 'string' && code !== '' && !text.includes(code) ? `${text} (${code})` : text;
}

/**
 * Why a request got no answer, from the innermost cause of a fetch failure
 * (issue 13 item 5): undici hides ECONNREFUSED, a DNS failure (ENOTFOUND,
 * EAI_AGAIN) or a certificate error two levels down, under ky's NetworkError
 * and its own "fetch failed". Those wrappers are left out, so the text names
 * the cause once and no URL at all: the caller prints the URL.
 */
export function networkFailureReason(error: unknown): string {
  let current: unknown = error;
  let innermost: unknown;
  let deepest: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current !== undefined && current !== null; depth += 1) {
    deepest = current;
    if (!(current instanceof Error)) {
      innermost = current;
      break;
    }
    if (!isBareWrapper(current)) innermost = current;
    current = current.cause;
  }
  if (innermost !== undefined) return describeOne(innermost);
  // Nothing but wrappers: a runtime that gives no reason (a browser's fetch says only "Failed to fetch").
  return deepest instanceof Error && deepest.name === 'NetworkError' ? 'network error' : describeOne(deepest);
}
