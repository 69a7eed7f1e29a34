import { describe, expect, it } from 'vitest';
import { OciError } from '../../src/errors.js';
import { digestOf, verifyFetchedContent } from '../../src/remote/digest.js';
import {
  assertTransportAllowed,
  backoffDelay,
  DEFAULT_RETRY,
  isLoopbackHost,
  isRetryableStatus,
  parseNextLink,
  parseRegistryErrors,
  readBodyCapped,
  registryError,
  resolveUploadLocation,
} from '../../src/remote/http.js';

const D = `sha256:${'b'.repeat(64)}`;

describe('upload Location resolution', () => {
  const post = new URL('https://reg.example/v2/a/b/blobs/uploads/');
  const cases: Array<[string, string]> = [
    ['/v2/a/b/blobs/uploads/uuid-1', `https://reg.example/v2/a/b/blobs/uploads/uuid-1?digest=${encodeURIComponent(D)}`],
    [
      '/v2/a/b/blobs/uploads/uuid-1?_state=xyz%3D',
      `https://reg.example/v2/a/b/blobs/uploads/uuid-1?_state=xyz%3D&digest=${encodeURIComponent(D)}`,
    ],
    ['uuid-2?x=1', `https://reg.example/v2/a/b/blobs/uploads/uuid-2?x=1&digest=${encodeURIComponent(D)}`],
    [
      'https://upload.example:8443/u/1?sig=a%2Bb',
      `https://upload.example:8443/u/1?sig=a%2Bb&digest=${encodeURIComponent(D)}`,
    ],
    [
      'https://reg.example:443/v2/a/b/blobs/uploads/3',
      `https://reg.example/v2/a/b/blobs/uploads/3?digest=${encodeURIComponent(D)}`,
    ],
    ['http://127.0.0.1:5000/v2/x?digest=sha256:old', `http://127.0.0.1:5000/v2/x?digest=${encodeURIComponent(D)}`],
  ];
  for (const [location, expected] of cases) {
    it(`resolves ${location}`, () => {
      expect(resolveUploadLocation(post, location, D).href).toBe(expected);
    });
  }
  it('keeps a Location query untouched when no digest is added', () => {
    expect(resolveUploadLocation(post, '/u?a=1&b=2').href).toBe('https://reg.example/u?a=1&b=2');
  });
  it('an empty Location is a registry error', () => {
    expect(() => resolveUploadLocation(post, '  ', D)).toThrow(expect.objectContaining({ code: 'ERR_OCI_REGISTRY' }));
  });
});

describe('Link header parsing (tags and referrers pagination)', () => {
  const base = new URL('https://reg.example/v2/a/tags/list?n=2');
  it('resolves a relative next link', () => {
    expect(parseNextLink('</v2/a/tags/list?last=b&n=2>; rel="next"', base)?.href).toBe(
      'https://reg.example/v2/a/tags/list?last=b&n=2',
    );
  });
  it('accepts an unquoted rel and extra params, and absolute targets', () => {
    expect(parseNextLink('<https://other.example/p?x=1,2>; title="t"; rel=next', base)?.href).toBe(
      'https://other.example/p?x=1,2',
    );
  });
  it('picks next among several links', () => {
    expect(parseNextLink('</first>; rel="first", </v2/a/tags/list?last=z>; rel="next"', base)?.pathname).toBe(
      '/v2/a/tags/list',
    );
    expect(parseNextLink('</first>; rel="first", </v2/a/tags/list?last=z>; rel="next"', base)?.search).toBe('?last=z');
  });
  it('a rel list containing next counts', () => {
    expect(parseNextLink('</p2>; rel="prefetch next"', base)?.pathname).toBe('/p2');
  });
  it('no header, no next link, or another rel → undefined', () => {
    expect(parseNextLink(null, base)).toBeUndefined();
    expect(parseNextLink('', base)).toBeUndefined();
    expect(parseNextLink('</prev>; rel="prev"', base)).toBeUndefined();
    expect(parseNextLink('garbage', base)).toBeUndefined();
  });
});

describe('retry backoff bounds', () => {
  it('grows exponentially around the nominal delay within ±jitter', () => {
    const p = { baseDelayMs: 100, factor: 2, jitter: 0.2, minDelayMs: 0, maxDelayMs: 1e9 };
    for (let retry = 1; retry <= 6; retry++) {
      const nominal = 100 * 2 ** (retry - 1);
      expect(backoffDelay(retry, p, () => 0)).toBeCloseTo(nominal * 0.8, 6);
      expect(backoffDelay(retry, p, () => 0.5)).toBeCloseTo(nominal, 6);
      expect(backoffDelay(retry, p, () => 0.999999)).toBeLessThanOrEqual(nominal * 1.2);
      expect(backoffDelay(retry, p, () => 0.999999)).toBeGreaterThan(nominal * 1.19);
    }
  });
  it('is clamped to [minDelayMs, maxDelayMs]', () => {
    expect(backoffDelay(1, { baseDelayMs: 1, minDelayMs: 50 }, () => 0)).toBe(50);
    expect(backoffDelay(30, { maxDelayMs: 3000 }, () => 1)).toBe(3000);
  });
  it('stays within the default bounds for random draws', () => {
    for (let i = 0; i < 500; i++) {
      const retry = 1 + (i % 8);
      const d = backoffDelay(retry);
      expect(d).toBeGreaterThanOrEqual(DEFAULT_RETRY.minDelayMs);
      expect(d).toBeLessThanOrEqual(DEFAULT_RETRY.maxDelayMs);
    }
    // The first retry is 250 ms ± 10 % by default.
    expect(backoffDelay(1, {}, () => 0)).toBeCloseTo(225, 6);
    expect(backoffDelay(1, {}, () => 1)).toBeCloseTo(275, 6);
  });
  it('retries 408, 429 and 5xx only', () => {
    expect([408, 429, 500, 502, 503, 504, 599].every(isRetryableStatus)).toBe(true);
    expect([200, 201, 202, 301, 400, 401, 403, 404, 405, 409, 412, 413].some(isRetryableStatus)).toBe(false);
  });
});

describe('plain HTTP policy', () => {
  it('knows loopback hosts', () => {
    for (const h of ['localhost', 'LOCALHOST', 'a.localhost', '127.0.0.1', '127.255.3.4', '[::1]', '::1'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of [
      '128.0.0.1',
      '127.0.0.256',
      'example.com',
      'localhost.example.com',
      '10.0.0.1',
      '[::2]',
      '127.0.0.1.nip.io',
    ])
      expect(isLoopbackHost(h), h).toBe(false);
  });
  it('refuses http to a non-loopback host unless explicitly allowed (ERR_OCI_REFUSED)', () => {
    expect(() => assertTransportAllowed(new URL('http://registry.example/v2/'), false)).toThrow(
      expect.objectContaining({ code: 'ERR_OCI_REFUSED' }),
    );
    expect(() => assertTransportAllowed(new URL('http://registry.example/v2/'), true)).not.toThrow();
    expect(() => assertTransportAllowed(new URL('http://127.0.0.1:5000/v2/'), false)).not.toThrow();
    expect(() => assertTransportAllowed(new URL('https://registry.example/v2/'), false)).not.toThrow();
    expect(() => assertTransportAllowed(new URL('ftp://registry.example/'), true)).toThrow(/only http/);
  });
});

describe('registry error bodies → typed errors', () => {
  it('parses {"errors":[…]} and ignores junk entries', () => {
    const body = {
      errors: [
        { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'x' } },
        { nope: 1 },
        { code: 'DENIED' },
      ],
    };
    expect(parseRegistryErrors(JSON.stringify(body))).toEqual([
      { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'x' } },
      { code: 'DENIED' },
    ]);
    expect(parseRegistryErrors('404 page not found')).toEqual([]);
    expect(parseRegistryErrors({ errors: 'x' })).toEqual([]);
  });
  const table: Array<[number, string[], string]> = [
    [404, ['MANIFEST_UNKNOWN'], 'ERR_OCI_NOT_FOUND'],
    [404, ['BLOB_UNKNOWN'], 'ERR_OCI_NOT_FOUND'],
    [404, ['NAME_UNKNOWN'], 'ERR_OCI_NOT_FOUND'],
    [404, [], 'ERR_OCI_NOT_FOUND'],
    [401, ['UNAUTHORIZED'], 'ERR_OCI_UNAUTHORIZED'],
    [403, ['DENIED'], 'ERR_OCI_UNAUTHORIZED'],
    [403, [], 'ERR_OCI_UNAUTHORIZED'],
    [400, ['MANIFEST_INVALID'], 'ERR_OCI_REGISTRY'],
    [405, ['UNSUPPORTED'], 'ERR_OCI_REGISTRY'],
    [400, ['DIGEST_INVALID'], 'ERR_OCI_REGISTRY'],
  ];
  for (const [status, codes, expected] of table) {
    it(`${status} ${codes.join(',') || '(no body)'} → ${expected}`, () => {
      const error = registryError(
        status,
        codes.map((code) => ({ code, message: code.toLowerCase() })),
        'op',
      );
      expect(error).toBeInstanceOf(OciError);
      expect(error.code).toBe(expected);
      expect(error.status).toBe(status);
      expect(error.registryErrors.map((e) => e.code)).toEqual(codes);
    });
  }
});

function streamResponse(chunks: Uint8Array[], headers: Record<string, string> = {}, delayMs = 0): Response {
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      if (i < chunks.length) controller.enqueue(chunks[i++]!);
      else controller.close();
    },
  });
  return new Response(stream, { headers });
}

describe('capped body reading (OCI-9 limits)', () => {
  it('reads a body within the cap', async () => {
    const bytes = await readBodyCapped(streamResponse([new Uint8Array([1, 2]), new Uint8Array([3])]), 3, { what: 'x' });
    expect([...bytes]).toEqual([1, 2, 3]);
  });
  it('fails before reading when Content-Length is over the cap', async () => {
    await expect(
      readBodyCapped(new Response('12345', { headers: { 'content-length': '5' } }), 4, { what: 'x' }),
    ).rejects.toMatchObject({ code: 'ERR_OCI_TOO_LARGE' });
  });
  it('stops reading an undeclared body past the cap', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(1024));
      },
    });
    await expect(readBodyCapped(new Response(endless), 4096, { what: 'x' })).rejects.toMatchObject({
      code: 'ERR_OCI_TOO_LARGE',
    });
    expect(pulled).toBeLessThan(10);
  });
  it('a body shorter than its Content-Length is a network error', async () => {
    await expect(
      readBodyCapped(streamResponse([new Uint8Array(3)], { 'content-length': '10' }), 100, { what: 'x' }),
    ).rejects.toMatchObject({ code: 'ERR_OCI_NETWORK' });
  });
  it('a body slower than the timeout is a network error', async () => {
    await expect(
      readBodyCapped(streamResponse([new Uint8Array(1), new Uint8Array(1)], {}, 200), 100, {
        what: 'x',
        timeoutMs: 50,
      }),
    ).rejects.toMatchObject({
      code: 'ERR_OCI_NETWORK',
      message: expect.stringMatching(/longer than 50 ms/),
    });
  });
});

describe('content verification', () => {
  const bytes = new TextEncoder().encode('{}');
  const digest = digestOf(bytes);
  it('computes sha256 and sha512 digests', () => {
    expect(digest).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(digestOf(bytes, 'sha512')).toMatch(/^sha512:[0-9a-f]{128}$/);
  });
  it('accepts matching digest, size and Docker-Content-Digest', () => {
    expect(verifyFetchedContent(bytes, { digest, size: 2 }, digest, 'x')).toBe(digest);
  });
  it('rejects a size, digest or header mismatch (ERR_OCI_DIGEST_MISMATCH)', () => {
    expect(() => verifyFetchedContent(bytes, { digest, size: 3 }, undefined, 'x')).toThrow(
      expect.objectContaining({ code: 'ERR_OCI_DIGEST_MISMATCH' }),
    );
    expect(() => verifyFetchedContent(bytes, { digest: D }, undefined, 'x')).toThrow(/differs from the expected/);
    expect(() => verifyFetchedContent(bytes, {}, D, 'x')).toThrow(/differs from Docker-Content-Digest/);
    expect(() => verifyFetchedContent(bytes, {}, 'sha256:zz', 'x')).toThrow(/invalid Docker-Content-Digest/);
  });
});
