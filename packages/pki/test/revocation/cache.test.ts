import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../src/base64.js';
import { crlCacheFileName } from '../../src/node/file-crl-cache.js';
import { FileCrlCache } from '../../src/node/index.js';
import { type CrlCache, checkRevocation, type Fetcher, MemoryCrlCache } from '../../src/revocation/index.js';
import { cdp, EXT, FakeNet, freshest, type Issued, RevocationPki } from './fixtures.js';

const CRL = 'http://crl.test/root.crl';
const DELTA = 'http://crl.test/delta.crl';

let pki: RevocationPki;
let root: Issued;
let leaf: Issued;
const dirs: string[] = [];

beforeAll(() => {
  pki = new RevocationPki();
  root = pki.issue('root', { extensions: EXT.root });
  leaf = pki.issue('leaf', { issuer: root, extensions: [...EXT.leaf, cdp(CRL)] });
});
afterAll(() => {
  pki.dispose();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'notary-crl-cache-'));
  dirs.push(dir);
  return join(dir, 'crl');
}

const offline: Fetcher = async () => {
  throw new TypeError('fetch failed: network is down');
};

async function run(fetcher: Fetcher, crlCache: CrlCache, now?: Date): Promise<string> {
  const [result] = await checkRevocation([leaf.cert, root.cert], {
    purpose: 'codeSigning',
    fetcher,
    crlCache,
    ...(now ? { now } : {}),
  });
  return result!.status;
}

describe('REV-5 CRL cache', () => {
  it('REV-5: MemoryCrlCache: a fresh cached CRL is reused when the network is down', async () => {
    const cache = new MemoryCrlCache();
    const net = new FakeNet().serve(CRL, pki.crl(root, []));
    expect(await run(net.fetcher, cache)).toBe('ok');
    expect(cache.size).toBe(1);
    expect(await run(offline, cache)).toBe('ok');
    expect(await run(offline, new MemoryCrlCache())).toBe('unknown');
  });

  it('REV-5 [impl]: FileCrlCache writes {NOTATION_CACHE}/crl/<hex sha256(url)> as {"baseCRL": std base64}, reused by a second run', async () => {
    const dir = tempDir();
    const der = pki.crl(root, []);
    const net = new FakeNet().serve(CRL, der);
    expect(await run(net.fetcher, new FileCrlCache(dir))).toBe('ok');
    const name = createHash('sha256').update(CRL).digest('hex');
    expect(crlCacheFileName(CRL)).toBe(name);
    expect(readdirSync(dir)).toEqual([name]);
    const content = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    expect(Object.keys(content)).toEqual(['baseCRL']);
    expect(decodeBase64(content.baseCRL)).toEqual(der);
    // A second "run": a new cache instance on the same directory, and no network.
    expect(await run(offline, new FileCrlCache(dir))).toBe('ok');
    expect(net.requests).toHaveLength(1);
  });

  it('REV-5 [impl]: the delta CRL is cached with its base as "deltaCRL"', async () => {
    const dir = tempDir();
    const base = pki.crl(root, [], { number: 3, extensions: [freshest(DELTA)] });
    const delta = pki.crl(root, [{ cert: leaf, revoked: {} }], {
      number: 4,
      extensions: ['2.5.29.27=critical,ASN1:INTEGER:3'],
    });
    expect(await run(new FakeNet().serve(CRL, base).serve(DELTA, delta).fetcher, new FileCrlCache(dir))).toBe(
      'revoked',
    );
    const content = JSON.parse(readFileSync(join(dir, crlCacheFileName(CRL)), 'utf8'));
    expect(Object.keys(content)).toEqual(['baseCRL', 'deltaCRL']);
    expect(decodeBase64(content.deltaCRL)).toEqual(delta);
    expect(await run(offline, new FileCrlCache(dir))).toBe('revoked');
  });

  it('REV-5: reads a cache file written in notation’s format', async () => {
    const dir = tempDir();
    const der = pki.crl(root, [{ cert: leaf, revoked: {} }]);
    await new FileCrlCache(dir).set('http://warmup.test', { baseCrl: new Uint8Array([1]) }); // creates the directory
    writeFileSync(join(dir, crlCacheFileName(CRL)), `{"baseCRL":"${encodeBase64(der)}"}`);
    expect(await run(offline, new FileCrlCache(dir))).toBe('revoked');
  });

  it('REV-5: a corrupt cache file is a miss, never a crash, and is replaced by the next fetch', async () => {
    const dir = tempDir();
    const cache = new FileCrlCache(dir);
    const der = pki.crl(root, []);
    await cache.set(CRL, { baseCrl: der });
    const file = join(dir, crlCacheFileName(CRL));
    for (const garbage of [
      '{not json',
      '[]',
      '{"baseCRL": 42}',
      '{"baseCRL": "!!!"}',
      '{"baseCRL":"AAAA"}',
      '{"baseCRL":"MAA=","deltaCRL":"%%"}',
    ]) {
      writeFileSync(file, garbage);
      const hit = await cache.get(CRL);
      // Undecodable content is a miss at once; decodable-but-not-a-CRL bytes are rejected by the checker.
      if (hit) expect(() => hit.baseCrl).not.toThrow();
      expect(await run(offline, cache)).toBe('unknown');
    }
    writeFileSync(file, '{not json');
    const net = new FakeNet().serve(CRL, der);
    expect(await run(net.fetcher, cache)).toBe('ok');
    expect(net.requests).toHaveLength(1);
    expect(decodeBase64(JSON.parse(readFileSync(file, 'utf8')).baseCRL)).toEqual(der);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('REV-5: a stale entry (now after its nextUpdate) is refetched and replaced', async () => {
    const dir = tempDir();
    const cache = new FileCrlCache(dir);
    const shortLived = pki.crl(root, [], { hours: 1 });
    expect(await run(new FakeNet().serve(CRL, shortLived).fetcher, cache)).toBe('ok');
    const later = new Date(Date.now() + 2 * 3_600_000);
    // Offline, the stale entry is not used.
    expect(await run(offline, cache, later)).toBe('unknown');
    const fresh = pki.crl(root, [], { hours: 48 });
    const net = new FakeNet().serve(CRL, fresh);
    expect(await run(net.fetcher, cache, later)).toBe('ok');
    expect(net.requests).toHaveLength(1);
    expect((await cache.get(CRL))!.baseCrl).toEqual(fresh);
  });

  it('REV-5: a cached CRL that no longer verifies (tampered on disk) is refetched', async () => {
    const dir = tempDir();
    const cache = new FileCrlCache(dir);
    const impostor = pki.issue('impostor', { subject: '/O=Notary Test/CN=root', extensions: EXT.root });
    await cache.set(CRL, { baseCrl: pki.crl(root, [], { signer: impostor }) });
    const net = new FakeNet().serve(CRL, pki.crl(root, []));
    expect(await run(net.fetcher, cache)).toBe('ok');
    expect(net.requests).toHaveLength(1);
  });

  it('REV-5: an invalid downloaded CRL is not cached', async () => {
    const cache = new MemoryCrlCache();
    expect(
      await run(
        new FakeNet().serve(CRL, pki.crl(root, [], { extensions: ['1.2.3.4=critical,ASN1:NULL'] })).fetcher,
        cache,
      ),
    ).toBe('unknown');
    expect(cache.size).toBe(0);
  });

  it('a cache that throws is ignored', async () => {
    const broken: CrlCache = {
      get: async () => {
        throw new Error('disk on fire');
      },
      set: async () => {
        throw new Error('disk on fire');
      },
    };
    expect(await run(new FakeNet().serve(CRL, pki.crl(root, [])).fetcher, broken)).toBe('ok');
  });

  it('FileCrlCache writes atomically through a temporary file in the same directory', async () => {
    const dir = tempDir();
    const cache = new FileCrlCache(dir);
    await Promise.all(Array.from({ length: 8 }, (_, i) => cache.set(CRL, { baseCrl: new Uint8Array([0x30, i]) })));
    const names = readdirSync(dir);
    expect(names).toEqual([crlCacheFileName(CRL)]);
    expect((await cache.get(CRL))!.baseCrl[0]).toBe(0x30);
    expect(existsSync(join(dir, crlCacheFileName('http://other.test')))).toBe(false);
    expect(await cache.get('http://other.test')).toBeUndefined();
  });
});
