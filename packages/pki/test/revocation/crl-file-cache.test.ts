/**
 * What only Node has: the notation-format CRL file cache of the ./node entry,
 * against the live loopback CRL server the global setup started. The
 * runtime-neutral live TSA/OCSP/CRL suite runs in runtime-tests (Node, Deno,
 * Chromium), not here.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The `inject('pkiServers')` type: the global setup's ProvidedContext declaration.
import type {} from '@x/notary-test-servers/pki/global-setup';
import { afterAll, describe, expect, inject, it } from 'vitest';
import * as pki from '../../src/index.js';
import { FileCrlCache } from '../../src/node/index.js';

const servers = inject('pkiServers');

describe('REV-5: the CRL file cache against the live CRL server', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  const s = servers.scenario;
  const chain = async (): Promise<pki.Certificate[]> => {
    const paths = [s.codeSigning.leaves['crl-revoked'].cert, s.codeSigning.intermediate.cert, s.codeSigning.root.cert];
    return (await Promise.all(paths.map(async (p) => pki.parseCertificates(new Uint8Array(await readFile(p)))))).flat();
  };
  const offline: pki.Fetcher = () => Promise.reject(new Error('no server'));
  const cacheDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'crl-cache-'));
    dirs.push(dir);
    return dir;
  };

  it('REV-5: a second run with no server reuses the cache files of the first', async () => {
    const dir = await cacheDir();
    const first = await pki.checkRevocation(await chain(), { purpose: 'codeSigning', crlCache: new FileCrlCache(dir) });
    expect(first[0]!.status).toBe('revoked');
    const names = await readdir(dir);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect(name).toMatch(/^[0-9a-f]{64}$/);
      const entry = JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, unknown>;
      expect(typeof entry.baseCRL).toBe('string');
    }
    // A new cache object over the same folder (in effect a second process), with the network gone.
    const second = await pki.checkRevocation(await chain(), {
      purpose: 'codeSigning',
      crlCache: new FileCrlCache(dir),
      fetcher: offline,
    });
    expect(second[0]!.status).toBe('revoked');
  });

  it('REV-5: a corrupt cache file is a miss that gets replaced, never a crash', async () => {
    const dir = await cacheDir();
    await pki.checkRevocation(await chain(), { purpose: 'codeSigning', crlCache: new FileCrlCache(dir) });
    const names = await readdir(dir);
    for (const name of names) await writeFile(join(dir, name), '{"baseCRL": "not base64!!');
    const offlineResult = await pki.checkRevocation(await chain(), {
      purpose: 'codeSigning',
      crlCache: new FileCrlCache(dir),
      fetcher: offline,
    });
    expect(offlineResult[0]!.status).toBe('unknown');
    const online = await pki.checkRevocation(await chain(), {
      purpose: 'codeSigning',
      crlCache: new FileCrlCache(dir),
    });
    expect(online[0]!.status).toBe('revoked');
    for (const name of names) {
      const entry = JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, unknown>;
      expect(typeof entry.baseCRL).toBe('string');
    }
  });
});
