import { describe, expect, it } from 'vitest';
import { cleanScopes, parseChallenge, repositoryScope, TokenCache } from '../../src/remote/auth.js';

describe('WWW-Authenticate challenge parsing', () => {
  it('parses a distribution Bearer challenge', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
    });
  });
  it('is case-insensitive on the scheme and keys, tolerant of spaces and token values', () => {
    expect(parseChallenge('  BEARER  Realm = "https://a/t" ,  Service=svc ,error="invalid_token"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://a/t', service: 'svc', error: 'invalid_token' },
    });
  });
  it('unescapes quoted-pair characters and keeps commas inside quotes', () => {
    expect(
      parseChallenge('Bearer realm="https://a/t?x=\\"1\\"",scope="repository:a:pull repository:b:pull,push"')?.params,
    ).toEqual({
      realm: 'https://a/t?x="1"',
      scope: 'repository:a:pull repository:b:pull,push',
    });
  });
  it('parses Basic with a realm', () => {
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({
      scheme: 'basic',
      params: { realm: 'Registry Realm' },
    });
  });
  it('keeps what was read before a malformed param', () => {
    expect(parseChallenge('Bearer realm="https://a/t",service')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://a/t' },
    });
    expect(parseChallenge('Bearer realm="unterminated')).toEqual({ scheme: 'bearer', params: {} });
  });
  it('returns undefined for an empty header', () => {
    expect(parseChallenge('')).toBeUndefined();
    expect(parseChallenge(null)).toBeUndefined();
    expect(parseChallenge('   ')).toBeUndefined();
  });
});

describe('token scopes', () => {
  it('merges actions per resource, sorted', () => {
    expect(
      cleanScopes([
        repositoryScope('a', 'push'),
        repositoryScope('a', 'pull'),
        repositoryScope('b', 'pull'),
        'repository:a:pull',
      ]),
    ).toEqual(['repository:a:pull,push', 'repository:b:pull']);
  });
  it('splits space-separated challenge scopes, keeps opaque ones, lets * absorb', () => {
    expect(cleanScopes(['repository:a:pull repository:a:*', 'registry:catalog:*', 'opaque', 'repository:c:'])).toEqual([
      'opaque',
      'registry:catalog:*',
      'repository:a:*',
    ]);
  });
  it('handles repositories with a port-like registry part', () => {
    expect(cleanScopes(['repository:host:5000/a:pull', 'repository:host:5000/a:push'])).toEqual([
      'repository:host:5000/a:pull,push',
    ]);
  });
});

describe('TokenCache', () => {
  it('shares one fetch between concurrent callers and reuses the token', async () => {
    const cache = new TokenCache();
    let fetches = 0;
    const fetchToken = async () => {
      fetches++;
      await new Promise((r) => setTimeout(r, 10));
      return { token: `t${fetches}` };
    };
    const [a, b] = await Promise.all([
      cache.fetch('r', 'bearer', 's', fetchToken),
      cache.fetch('r', 'bearer', 's', fetchToken),
    ]);
    expect([a, b, fetches]).toEqual(['t1', 't1', 1]);
    expect(cache.get('r', 'bearer', 's')).toBe('t1');
    expect(cache.scheme('r')).toBe('bearer');
    expect(cache.get('r', 'bearer', 'other')).toBeUndefined();
    expect(cache.get('other', 'bearer', 's')).toBeUndefined();
  });
  it('drops a token after expires_in (less a safety margin)', async () => {
    let now = 1_000_000;
    const cache = new TokenCache({ now: () => now });
    await cache.fetch('r', 'bearer', 's', async () => ({ token: 't', expiresInSeconds: 60 }));
    now += 49_000;
    expect(cache.get('r', 'bearer', 's')).toBe('t');
    now += 2_000;
    expect(cache.get('r', 'bearer', 's')).toBeUndefined();
  });
  it('does not cache a failed fetch', async () => {
    const cache = new TokenCache();
    await expect(cache.fetch('r', 'bearer', 's', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(cache.get('r', 'bearer', 's')).toBeUndefined();
    expect(await cache.fetch('r', 'bearer', 's', async () => ({ token: 'ok' }))).toBe('ok');
  });
});
