import { encodeBase64 } from '@x/notary-pki/foundation';
import ky, { HTTPError, TimeoutError } from 'ky';
import type { Credential, CredentialProvider } from '../credentials.js';
import { OciError } from '../errors.js';
import { cleanScopes, parseChallenge, TokenCache } from './auth.js';
import {
  assertTransportAllowed,
  backoffDelay,
  DEFAULT_RETRY,
  errorText,
  isLoopbackHost,
  isRetryableStatus,
  networkFailureReason,
  parseRegistryErrors,
  type RetryPolicy,
  readBodyCapped,
  registryError,
  registryHostname,
} from './http.js';

/*
 * The HTTP layer of the remote client: one registry exchange with retries
 * and timeouts (ky), redirects followed by hand so credentials never reach
 * another origin, and the Basic/Bearer authentication flow of the
 * distribution token spec (the behaviour of oras-go's auth.Client).
 */

export interface RegistryClientOptions {
  /** Credentials per registry host; none = anonymous. */
  credentials?: CredentialProvider;
  /**
   * Scheme choice. Unset: http for loopback registries (localhost,
   * 127.0.0.0/8, ::1), https elsewhere. true: plain http for every registry
   * (notation's insecure-registry option). false: https even for loopback.
   */
  plainHttp?: boolean;
  /** Per-attempt timeout of a request (to the response headers, then again for the body), ms. Default 30 000. */
  timeoutMs?: number;
  /** Retries on 408, 429, 5xx, network errors and timeouts. */
  retry?: RetryPolicy;
  /** The fetch to use (tests, proxies, custom agents). Default globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
  /** Shared token cache; default a cache owned by this client. */
  authCache?: TokenCache;
  /** OAuth2 client_id sent to token endpoints. Default "notary-ts". */
  clientId?: string;
  /** Use the OAuth2 password grant (POST) even without a refresh token. */
  forceOAuth2?: boolean;
  /** A User-Agent header (ignored by browsers). */
  userAgent?: string;
}

export interface RegistryRequest {
  /** `host[:port]` of the registry: the credentials key and the only origin that gets them. */
  registry: string;
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  url: URL;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Token scopes this request needs (`repository:<name>:pull,push`). */
  scopes: readonly string[];
  signal?: AbortSignal | undefined;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;
/** Token responses are small; anything bigger is not a token (oras-go: 128 KiB). */
const MAX_TOKEN_RESPONSE_BYTES = 128 * 1024;
/** Error bodies are read only to report the registry's codes. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export class RegistryClient {
  readonly #options: RegistryClientOptions;
  readonly #retry: Required<RetryPolicy>;
  readonly #timeoutMs: number;
  readonly #cache: TokenCache;
  readonly #referrersCapability = new Map<string, boolean>();
  readonly #learning = new Map<string, Promise<unknown>>();

  constructor(options: RegistryClientOptions = {}) {
    this.#options = { ...options };
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    if (!Number.isInteger(this.#retry.attempts) || this.#retry.attempts < 1) {
      throw new RangeError('retry.attempts must be an integer >= 1');
    }
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#cache = options.authCache ?? new TokenCache();
  }

  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  get authCache(): TokenCache {
    return this.#cache;
  }

  /** `http(s)://host[:port]` of a registry, by the plain-HTTP rule. */
  baseUrl(registry: string): URL {
    const loopback = isLoopbackHost(registryHostname(registry));
    const plain = this.#options.plainHttp ?? loopback;
    return new URL(`${plain ? 'http' : 'https'}://${registry}`);
  }

  /**
   * Whether the registry has the Referrers API (OCI-7), once known. Kept per
   * registry host so that after one probe, later calls go straight to the
   * API or to the tag schema (OCI-8).
   */
  referrersCapability(registry: string): boolean | undefined {
    return this.#referrersCapability.get(registry);
  }

  setReferrersCapability(registry: string, capable: boolean): void {
    this.#referrersCapability.set(registry, capable);
  }

  /**
   * Runs `learn` as the one call that finds out the registry's Referrers API
   * capability; a concurrent caller gets undefined once that call has
   * settled, and reads the capability it left (issue 13 item 9: eight
   * verifies starting at once on a new client sent eight probes, and a
   * tag-schema registry answered each with a 404). A caller that finds no
   * learner runs `learn` itself.
   */
  async learnReferrersCapability<T>(registry: string, learn: () => Promise<T>): Promise<{ learned: T } | undefined> {
    const pending = this.#learning.get(registry);
    if (pending !== undefined) {
      await pending.catch(() => undefined);
      return undefined;
    }
    const running = learn();
    this.#learning.set(registry, running);
    try {
      return { learned: await running };
    } finally {
      this.#learning.delete(registry);
    }
  }

  /**
   * Sends a request with authentication: credentials the registry asked for
   * before (the cached scheme and a cached token for these scopes) go up
   * front; a 401 challenge is answered once (Basic, or a Bearer token for the
   * challenge's scopes merged with ours). The final response is returned
   * whatever its status, except retryable statuses that stayed failing
   * (ERR_OCI_NETWORK) and transport failures (ERR_OCI_NETWORK/REFUSED).
   */
  async request(req: RegistryRequest): Promise<Response> {
    const registry = req.registry;
    const origin = this.baseUrl(registry).origin;
    const scopes = cleanScopes(req.scopes);
    const scopeKey = scopes.join(' ');
    let authorization: string | undefined;
    let attemptedKey: string | undefined;
    switch (this.#cache.scheme(registry)) {
      case 'basic': {
        // The registry asked for Basic before: send it up front. The encoded
        // credentials are cached too, so a credential helper is not run per request.
        let cached = this.#cache.get(registry, 'basic', '');
        if (cached === undefined) {
          const basic = await this.#basicCredentials(registry);
          if (basic !== undefined)
            cached = await this.#cache.fetch(registry, 'basic', '', async () => ({ token: basic }));
        }
        authorization = cached === undefined ? undefined : `Basic ${cached}`;
        break;
      }
      case 'bearer': {
        const token = this.#cache.get(registry, 'bearer', scopeKey);
        if (token !== undefined) {
          authorization = `Bearer ${token}`;
          attemptedKey = scopeKey;
        }
        break;
      }
      default:
        break;
    }
    const send = (auth: string | undefined) => this.#send(req.url, req, auth, origin, req.signal);
    let response = await send(authorization);
    if (response.status !== 401) return response;

    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    if (challenge?.scheme === 'basic') {
      if (authorization !== undefined) {
        // Cached credentials were refused: ask the provider again, once.
        this.#cache.delete(registry, 'basic', '');
      }
      const basic = await this.#basicCredentials(registry);
      if (basic === undefined || `Basic ${basic}` === authorization) return response;
      await discard(response);
      const token = await this.#cache.fetch(registry, 'basic', '', async () => ({ token: basic }));
      return send(`Basic ${token}`);
    }
    if (challenge?.scheme !== 'bearer') return response;
    await discard(response);

    const challengeScopes = challenge.params.scope ? challenge.params.scope.split(' ') : [];
    const merged = cleanScopes([...scopes, ...challengeScopes]);
    const key = merged.join(' ');
    if (attemptedKey !== undefined) this.#cache.delete(registry, 'bearer', attemptedKey);
    if (key !== attemptedKey) {
      // Another request may already hold a token for exactly these scopes.
      const cached = this.#cache.get(registry, 'bearer', key);
      if (cached !== undefined) {
        response = await send(`Bearer ${cached}`);
        if (response.status !== 401) return response;
        await discard(response);
        this.#cache.delete(registry, 'bearer', key);
      }
    }
    const realm = challenge.params.realm;
    if (!realm) {
      throw new OciError(
        'ERR_OCI_UNAUTHORIZED',
        `${req.method} ${req.url.pathname}: the registry asked for a Bearer token without a realm`,
        { status: 401 },
      );
    }
    const token = await this.#cache.fetch(registry, 'bearer', key, () =>
      this.#fetchToken(registry, realm, challenge.params.service, merged, req.signal),
    );
    return send(`Bearer ${token}`);
  }

  /** Reads an error answer and turns it into a typed OciError. */
  async failure(response: Response, what: string, signal?: AbortSignal): Promise<OciError> {
    let text = '';
    if (response.body !== null) {
      try {
        text = new TextDecoder().decode(
          await readBodyCapped(response, MAX_ERROR_BODY_BYTES, {
            what,
            timeoutMs: this.#timeoutMs,
            ...(signal ? { signal } : {}),
          }),
        );
      } catch {
        // An unreadable error body still leaves the status to report.
      }
    }
    return registryError(response.status, parseRegistryErrors(text), what);
  }

  /** base64(user:password) for Basic, or undefined without a username and password. */
  async #basicCredentials(registry: string): Promise<string | undefined> {
    const credential = await this.#credential(registry);
    if (credential?.username === undefined || credential.password === undefined || credential.username === '')
      return undefined;
    return encodeBase64(new TextEncoder().encode(`${credential.username}:${credential.password}`));
  }

  async #credential(registry: string): Promise<Credential | undefined> {
    if (this.#options.credentials === undefined) return undefined;
    try {
      return await this.#options.credentials(registry);
    } catch (error) {
      throw new OciError('ERR_OCI_UNAUTHORIZED', `credentials for ${registry} could not be read: ${errorText(error)}`, {
        cause: error,
      });
    }
  }

  /**
   * Gets a token from the challenge's realm: an access token given outright;
   * the distribution GET (Basic credentials, or anonymous); or the OAuth2
   * POST form with a refresh token (or the password grant when forced).
   */
  async #fetchToken(
    registry: string,
    realm: string,
    service: string | undefined,
    scopes: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<{ token: string; expiresInSeconds?: number | undefined }> {
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm);
    } catch (error) {
      throw new OciError(
        'ERR_OCI_UNAUTHORIZED',
        `the token realm ${JSON.stringify(realm)} of ${registry} is not an absolute URL`,
        { cause: error },
      );
    }
    const credential = await this.#credential(registry);
    if (credential?.accessToken) return { token: credential.accessToken };
    const what = `token for ${registry} from ${realmUrl.origin}`;
    let response: Response;
    if (!credential?.refreshToken && !this.#options.forceOAuth2) {
      const url = new URL(realmUrl);
      if (service) url.searchParams.set('service', service);
      for (const scope of scopes) url.searchParams.append('scope', scope);
      const basic =
        credential?.username || credential?.password
          ? `Basic ${encodeBase64(new TextEncoder().encode(`${credential.username ?? ''}:${credential.password ?? ''}`))}`
          : undefined;
      // The realm is where the credentials are meant to go (it is often
      // another host than the registry); redirects away from it drop them.
      response = await this.#send(url, { method: 'GET' }, basic, realmUrl.origin, signal);
    } else {
      const form = new URLSearchParams();
      if (credential?.refreshToken) {
        form.set('grant_type', 'refresh_token');
        form.set('refresh_token', credential.refreshToken);
      } else if (credential?.username && credential.password) {
        form.set('grant_type', 'password');
        form.set('username', credential.username);
        form.set('password', credential.password);
      } else {
        throw new OciError('ERR_OCI_UNAUTHORIZED', `${what}: OAuth2 needs a refresh token or a username and password`);
      }
      if (service) form.set('service', service);
      form.set('client_id', this.#options.clientId ?? 'notary-ts');
      if (scopes.length > 0) form.set('scope', scopes.join(' '));
      response = await this.#send(
        realmUrl,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new TextEncoder().encode(form.toString()),
        },
        undefined,
        realmUrl.origin,
        signal,
      );
    }
    if (response.status !== 200) {
      const error = await this.failure(response, what, signal);
      // The token service refusing our credentials is an authorization failure whatever its status code.
      throw response.status === 401 || response.status === 403
        ? new OciError('ERR_OCI_UNAUTHORIZED', error.message, {
            status: error.status ?? response.status,
            registryErrors: error.registryErrors,
          })
        : error;
    }
    const bytes = await readBodyCapped(response, MAX_TOKEN_RESPONSE_BYTES, {
      what,
      timeoutMs: this.#timeoutMs,
      ...(signal ? { signal } : {}),
    });
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(new TextDecoder().decode(bytes)) as typeof body;
    } catch (error) {
      throw new OciError('ERR_OCI_UNAUTHORIZED', `${what}: the answer is not JSON`, { cause: error });
    }
    const token = typeof body.access_token === 'string' && body.access_token !== '' ? body.access_token : body.token;
    if (typeof token !== 'string' || token === '')
      throw new OciError('ERR_OCI_UNAUTHORIZED', `${what}: the answer has no token`);
    const expiresInSeconds = typeof body.expires_in === 'number' ? body.expires_in : undefined;
    return { token, expiresInSeconds };
  }

  /**
   * One exchange, redirects followed by hand: `authorization` is attached
   * only while the URL is on `authOrigin`, so credentials never follow a
   * redirect to another host (blob storage, a hostile mirror). Each hop's
   * scheme passes the plain-HTTP rule.
   */
  async #send(
    url: URL,
    init: { method: string; headers?: Record<string, string>; body?: Uint8Array },
    authorization: string | undefined,
    authOrigin: string,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    let method = init.method;
    let body = init.body;
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      assertTransportAllowed(current, this.#options.plainHttp === true);
      const headers = new Headers(init.headers);
      if (body === undefined) headers.delete('content-type');
      if (this.#options.userAgent) headers.set('user-agent', this.#options.userAgent);
      if (authorization !== undefined && current.origin === authOrigin) headers.set('authorization', authorization);
      let response = await this.#exchange(current, method, headers, body, 'manual', signal);
      if (response.type === 'opaqueredirect') {
        // Browsers hide manual redirects; let the browser follow instead: the
        // Fetch standard drops Authorization on a cross-origin redirect.
        response = await this.#exchange(current, method, headers, body, 'follow', signal);
        return response;
      }
      if (!REDIRECT_STATUSES.has(response.status)) return response;
      const location = response.headers.get('location');
      if (location === null) return response;
      await discard(response);
      current = new URL(location, current);
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
      }
    }
    throw new OciError('ERR_OCI_NETWORK', `${init.method} ${url.href}: more than ${MAX_REDIRECTS} redirects`);
  }

  async #exchange(
    url: URL,
    method: string,
    headers: Headers,
    body: Uint8Array | undefined,
    redirect: RequestRedirect,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const retry = this.#retry;
    try {
      return await ky(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: body as BodyInit }),
        redirect,
        ...(signal ? { signal } : {}),
        timeout: this.#timeoutMs,
        // Retryable statuses are "errors" to ky so that its retry loop sees
        // them; every other status comes back as a response for us to map.
        throwHttpErrors: isRetryableStatus,
        retry: {
          limit: retry.attempts - 1,
          methods: ['get', 'head', 'put', 'post', 'delete', 'patch'],
          statusCodes: [408, 429, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 599],
          afterStatusCodes: [429, 503],
          maxRetryAfter: retry.maxDelayMs,
          backoffLimit: retry.maxDelayMs,
          delay: (attempt) => backoffDelay(attempt, retry),
          retryOnTimeout: true,
        },
        ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
      });
    } catch (error) {
      if (error instanceof OciError) throw error;
      if (error instanceof HTTPError) {
        const data: unknown = error.data;
        const registryErrors = parseRegistryErrors(data);
        const status = error.response.status;
        const base = registryError(status, registryErrors, `${method} ${url.pathname}`);
        throw new OciError(
          'ERR_OCI_NETWORK',
          `${base.message} (after ${retry.attempts} attempt${retry.attempts === 1 ? '' : 's'})`,
          {
            status,
            registryErrors,
            cause: error,
          },
        );
      }
      if (error instanceof TimeoutError) {
        throw new OciError(
          'ERR_OCI_NETWORK',
          `${method} ${url.origin}${url.pathname}: no answer within ${this.#timeoutMs} ms (${retry.attempts} attempts)`,
          { cause: error },
        );
      }
      if (signal?.aborted) {
        throw new OciError('ERR_OCI_NETWORK', `${method} ${url.origin}${url.pathname}: aborted`, {
          cause: signal.reason ?? error,
        });
      }
      // The cause named once and the URL once (issue 13 item 5); ky retries the network errors it recognises.
      const attempts =
        error instanceof Error && error.name === 'NetworkError'
          ? ` (${retry.attempts} attempt${retry.attempts === 1 ? '' : 's'})`
          : '';
      throw new OciError(
        'ERR_OCI_NETWORK',
        `${method} ${url.origin}${url.pathname}: ${networkFailureReason(error)}${attempts}`,
        { cause: error },
      );
    }
  }
}

/** Drops a response body we will not read, so the connection can be reused. */
export async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Already consumed or locked: nothing to release.
  }
}
