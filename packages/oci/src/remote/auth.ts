/*
 * Registry authentication pieces: WWW-Authenticate challenge parsing, token
 * scopes, and the token cache. The request flow that uses them lives in
 * registry-client.ts.
 */

export type AuthScheme = 'basic' | 'bearer';

export interface Challenge {
  /** `basic`, `bearer`, or the raw (lowercased) scheme name when unknown. */
  scheme: string;
  /** Auth-params, keys lowercased (`realm`, `service`, `scope`, `error`…). */
  params: Record<string, string>;
}

const TOKEN_CHARS = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses a `WWW-Authenticate` header (RFC 7235): the first challenge's
 * scheme and its auth-params, quoted-string values unescaped. Parsing stops
 * at the first malformed param, keeping what was read (as oras-go does), so a
 * garbled header degrades to "no realm" instead of throwing.
 */
export function parseChallenge(header: string | null | undefined): Challenge | undefined {
  if (!header) return undefined;
  let i = 0;
  const s = header;
  const skipSpace = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const token = () => {
    const start = i;
    while (i < s.length && TOKEN_CHARS.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  skipSpace();
  const scheme = token().toLowerCase();
  if (scheme === '') return undefined;
  const params: Record<string, string> = {};
  for (;;) {
    skipSpace();
    const key = token().toLowerCase();
    if (key === '') break;
    skipSpace();
    if (s[i] !== '=') break;
    i++;
    skipSpace();
    let value: string;
    if (s[i] === '"') {
      i++;
      let out = '';
      let closed = false;
      while (i < s.length) {
        const c = s[i]!;
        if (c === '\\' && i + 1 < s.length) {
          out += s[i + 1];
          i += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        out += c;
        i++;
      }
      if (!closed) break;
      value = out;
    } else {
      value = token();
      if (value === '') break;
    }
    params[key] = value;
    skipSpace();
    if (s[i] !== ',') break;
    i++;
  }
  return { scheme, params };
}

/** `repository:<name>:<actions>`, the distribution token scope of a repository. */
export function repositoryScope(repository: string, ...actions: string[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

/**
 * Merges scopes per resource (`repository:a:pull` + `repository:a:push` →
 * `repository:a:pull,push`), sorted, so equal needs give equal cache keys.
 * `*` absorbs the other actions of its resource.
 */
export function cleanScopes(scopes: readonly string[]): string[] {
  const byResource = new Map<string, Set<string>>();
  const opaque = new Set<string>();
  for (const scope of scopes) {
    for (const single of scope.split(' ')) {
      if (single === '') continue;
      const first = single.indexOf(':');
      const last = single.lastIndexOf(':');
      if (first < 0 || first === last) {
        opaque.add(single);
        continue;
      }
      const resource = single.slice(0, last);
      const actions = single
        .slice(last + 1)
        .split(',')
        .filter((a) => a !== '');
      if (actions.length === 0) continue;
      let set = byResource.get(resource);
      if (set === undefined) byResource.set(resource, (set = new Set()));
      for (const action of actions) set.add(action);
    }
  }
  const out = [...opaque];
  for (const [resource, actions] of byResource) {
    const list = actions.has('*') ? ['*'] : [...actions].sort();
    out.push(`${resource}:${list.join(',')}`);
  }
  return out.sort();
}

interface CachedToken {
  token: string;
  /** Epoch ms after which the token is not used; undefined = until the registry rejects it. */
  expiresAt: number | undefined;
}

/**
 * Tokens per (registry, scope set), so repeated calls with the same needs
 * reuse one token instead of asking the token service again; and the scheme
 * each registry challenged with, so the next request carries credentials
 * up front. Concurrent fetches of the same token share one request.
 * One cache may be shared by several clients (pass it as `authCache`).
 */
export class TokenCache {
  readonly #schemes = new Map<string, AuthScheme>();
  readonly #tokens = new Map<string, CachedToken>();
  readonly #inflight = new Map<string, Promise<string>>();
  readonly #now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  scheme(registry: string): AuthScheme | undefined {
    return this.#schemes.get(registry);
  }

  setScheme(registry: string, scheme: AuthScheme): void {
    this.#schemes.set(registry, scheme);
  }

  #key(registry: string, scheme: AuthScheme, scopeKey: string): string {
    return `${registry}\n${scheme}\n${scopeKey}`;
  }

  get(registry: string, scheme: AuthScheme, scopeKey: string): string | undefined {
    const key = this.#key(registry, scheme, scopeKey);
    const entry = this.#tokens.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && this.#now() >= entry.expiresAt) {
      this.#tokens.delete(key);
      return undefined;
    }
    return entry.token;
  }

  /** Fetches (once, even when called concurrently) and stores a token. */
  async fetch(
    registry: string,
    scheme: AuthScheme,
    scopeKey: string,
    fetchToken: () => Promise<{ token: string; expiresInSeconds?: number | undefined }>,
  ): Promise<string> {
    const key = this.#key(registry, scheme, scopeKey);
    const running = this.#inflight.get(key);
    if (running !== undefined) return running;
    const promise = (async () => {
      try {
        const { token, expiresInSeconds } = await fetchToken();
        // Renew a little early so a token does not expire in flight.
        const expiresAt =
          expiresInSeconds !== undefined && expiresInSeconds > 0
            ? this.#now() + Math.max(0, expiresInSeconds - 10) * 1000
            : undefined;
        this.#tokens.set(key, { token, expiresAt });
        this.#schemes.set(registry, scheme);
        return token;
      } finally {
        this.#inflight.delete(key);
      }
    })();
    this.#inflight.set(key, promise);
    return promise;
  }

  /** Forgets a token the registry rejected. */
  delete(registry: string, scheme: AuthScheme, scopeKey: string): void {
    this.#tokens.delete(this.#key(registry, scheme, scopeKey));
  }
}
