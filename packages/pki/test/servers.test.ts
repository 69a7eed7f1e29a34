/**
 * Proves the loopback TSA, OCSP and CRL servers (test/servers/) are real: the
 * openssl CLI is the client, and what it reads back is what the timestamp and
 * revocation tests will rely on.
 *
 * Uses the servers of `globalSetup: ['test/servers/global-setup.ts']`, or its own without it.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PkiServers, startAll } from '@x/notary-test-servers/pki/global-setup';
import type { LeafName } from '@x/notary-test-servers/pki/pki-scenario';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/**
 * The servers of the global setup; until vitest.config.ts names it, this file
 * starts (and stops) its own, so it never depends on the config to run.
 */
async function pkiServers(): Promise<PkiServers> {
  const provided = inject('pkiServers') as PkiServers | undefined;
  if (provided) return provided;
  const own = await startAll();
  afterAll(own.stop);
  return own.servers;
}

const servers = await pkiServers();
const { scenario } = servers;
const { leaves } = scenario.codeSigning;

let work: string;
let scratchCount = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'notary-servers-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A file path of its own for each use, so concurrent tests never share one. */
function scratch(name: string): string {
  return join(work, `${++scratchCount}-${name}`);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs openssl (bounded) and returns its exit code and output, without throwing on failure. */
function openssl(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('openssl', args, { cwd: work, timeout: 20_000, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
    });
  });
}

async function opensslOk(...args: string[]): Promise<string> {
  const run = await openssl(...args);
  expect(run.code, `openssl ${args.join(' ')}\n${run.stderr}`).toBe(0);
  return run.stdout + run.stderr;
}

/** Writes the bytes of an HTTP answer to a scratch file, checking status and content type. */
async function fetchToFile(url: string, init: RequestInit, contentType: string, name: string): Promise<string> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get('content-type')).toBe(contentType);
  const path = scratch(name);
  await writeFile(path, new Uint8Array(await response.arrayBuffer()));
  return path;
}

/** `openssl ts -query` for some fresh data, sha256, certReq = TRUE, with a nonce. */
async function timestampQuery(extra: string[] = []): Promise<string> {
  const data = scratch('data.bin');
  await writeFile(data, `signature bytes ${Math.random()}`);
  const query = scratch('req.tsq');
  await opensslOk('ts', '-query', '-data', data, '-sha256', '-cert', ...extra, '-out', query);
  return query;
}

async function postTimestampQuery(url: string, query: string): Promise<string> {
  const body = await readFile(query);
  return fetchToFile(
    url,
    { method: 'POST', headers: { 'Content-Type': 'application/timestamp-query' }, body },
    'application/timestamp-reply',
    'resp.tsr',
  );
}

async function tokenOf(response: string): Promise<string> {
  const token = scratch('token.der');
  await opensslOk('ts', '-reply', '-in', response, '-token_out', '-out', token);
  return token;
}

describe.concurrent('TSA server (real openssl ts -reply)', () => {
  const { tsa } = scenario;

  it('TSA-1: answers an application/timestamp-query POST with a granted, verifiable reply carrying signing-certificate-v2', async () => {
    const query = await timestampQuery();
    const response = await postTimestampQuery(servers.tsa.routes.good, query);
    const text = await opensslOk('ts', '-reply', '-in', response, '-text');
    expect(text).toContain('Status: Granted');
    expect(text).toContain(`Policy OID: ${tsa.policy}`);
    expect(text).toContain('Accuracy: 0x01 seconds');
    expect(text).toMatch(/Nonce: 0x[0-9A-F]+/);
    expect(await opensslOk('ts', '-verify', '-in', response, '-queryfile', query, '-CAfile', tsa.root.cert)).toContain(
      'Verification: OK',
    );
    const cms = await opensslOk('cms', '-cmsout', '-print', '-inform', 'DER', '-in', await tokenOf(response));
    expect(cms).toContain('id-smime-aa-signingCertificateV2');
    expect(cms).toContain('CN=Notary Test TSA');
  });

  it('TSA-1: refuses a request without Content-Type application/timestamp-query', async () => {
    const body = await readFile(await timestampQuery());
    const response = await fetch(servers.tsa.routes.good, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body,
    });
    expect(response.status).toBe(415);
  });

  it('TSA-2: grants a requested policy the TSA accepts', async () => {
    const response = await postTimestampQuery(
      servers.tsa.routes.good,
      await timestampQuery(['-tspolicy', tsa.otherPolicy]),
    );
    expect(await opensslOk('ts', '-reply', '-in', response, '-text')).toContain(`Policy OID: ${tsa.otherPolicy}`);
  });

  it('TSA-4: the baseline path issues the baseline policy without accuracy; no-accuracy omits it under the test policy', async () => {
    const baseline = await opensslOk(
      'ts',
      '-reply',
      '-in',
      await postTimestampQuery(servers.tsa.routes.baseline, await timestampQuery()),
      '-text',
    );
    expect(baseline).toContain(`Policy OID: ${tsa.baselinePolicy}`);
    expect(baseline).toContain('Accuracy: unspecified');
    const none = await opensslOk(
      'ts',
      '-reply',
      '-in',
      await postTimestampQuery(servers.tsa.routes['no-accuracy'], await timestampQuery()),
      '-text',
    );
    expect(none).toContain(`Policy OID: ${tsa.policy}`);
    expect(none).toContain('Accuracy: unspecified');
  });

  it('TSA-3: the no-eku path answers a validly signed token whose signer lacks the timeStamping EKU', async () => {
    const query = await timestampQuery();
    const response = await postTimestampQuery(servers.tsa.routes['no-eku'], query);
    expect(await opensslOk('ts', '-reply', '-in', response, '-text')).toContain('Status: Granted');
    const token = await tokenOf(response);
    // The CMS signature and messageDigest hold (chain checks off) …
    expect(
      await opensslOk('cms', '-verify', '-noverify', '-inform', 'DER', '-in', token, '-out', scratch('tstinfo.der')),
    ).toContain('Verification successful');
    // … signing-certificate-v2 names the no-EKU certificate …
    const tokenBytes = await readFile(token);
    const certHash = createHash('sha256')
      .update(await readFile(tsa.leafNoEku.certDer))
      .digest();
    expect(tokenBytes.includes(certHash)).toBe(true);
    // … and only the EKU is wrong: openssl's own verifier rejects the signer's purpose.
    const verify = await openssl('ts', '-verify', '-in', response, '-queryfile', query, '-CAfile', tsa.root.cert);
    expect(verify.code).not.toBe(0);
    expect(verify.stdout + verify.stderr).toMatch(/unsuitable certificate purpose/i);
  });

  it('TSA-3: the untrusted path signs under a root other than the TSA root', async () => {
    const query = await timestampQuery();
    const response = await postTimestampQuery(servers.tsa.routes.untrusted, query);
    expect(
      (await openssl('ts', '-verify', '-in', response, '-queryfile', query, '-CAfile', tsa.root.cert)).code,
    ).not.toBe(0);
    expect(
      await opensslOk('ts', '-verify', '-in', response, '-queryfile', query, '-CAfile', tsa.untrustedRoot.cert),
    ).toContain('Verification: OK');
  });

  it('TSA-1: serialises concurrent requests (distinct serial numbers, all granted)', async () => {
    const texts = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const response = await postTimestampQuery(servers.tsa.routes.good, await timestampQuery());
        return opensslOk('ts', '-reply', '-in', response, '-text');
      }),
    );
    const serials = texts.map((text) => /Serial number: (\S+)/.exec(text)?.[1]);
    expect(texts.every((text) => text.includes('Status: Granted'))).toBe(true);
    expect(new Set(serials).size).toBe(5);
  });

  it('TSA-1: the slow path outlasts the 5 s client timeout', async () => {
    const body = await readFile(await timestampQuery());
    const started = Date.now();
    const request = fetch(servers.tsa.routes.slow, {
      method: 'POST',
      headers: { 'Content-Type': 'application/timestamp-query' },
      body,
      signal: AbortSignal.timeout(5_000),
    });
    await expect(request).rejects.toThrow(/timeout|abort/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
  });
});

/** `openssl ocsp` as the client for one leaf, against the URL in its own AIA. */
function ocspQuery(leaf: LeafName, ...extra: string[]): Promise<Run> {
  return openssl(
    'ocsp',
    '-issuer',
    scenario.codeSigning.intermediate.cert,
    '-cert',
    leaves[leaf].cert,
    '-url',
    leaves[leaf].ocspUrls.at(-1)!,
    '-CAfile',
    scenario.codeSigning.caBundle,
    '-timeout',
    '10',
    ...extra,
  );
}

describe.concurrent('OCSP server (real openssl ocsp per request)', () => {
  it.each([
    ['ocsp-good', 'good'],
    ['ocsp-revoked', 'revoked'],
    ['ocsp-unknown', 'unknown'],
  ] as const)('REV-3: %s is reported %s (POST, delegated responder verified)', async (leaf, status) => {
    const run = await ocspQuery(leaf);
    expect(run.stderr).toContain('Response verify OK');
    expect(run.stdout).toContain(`${leaves[leaf].cert}: ${status}`);
    if (status === 'revoked') expect(run.stdout).toContain('Reason: keyCompromise');
  });

  it('REV-3: a revocation with a compromise time carries invalidityDate = scenario.invalidityDate', async () => {
    const run = await ocspQuery('ocsp-revoked-invalidity-date', '-resp_text');
    expect(run.stdout).toContain(`${leaves['ocsp-revoked-invalidity-date'].cert}: revoked`);
    expect(run.stdout).toContain('Invalidity Date');
    expect(run.stdout).toContain(opensslDate(scenario.invalidityDate));
  });

  it('REV-3: answers the GET form (url-encoded base64 request in the path)', async () => {
    const request = scratch('req.der');
    const { intermediate, caBundle } = scenario.codeSigning;
    await opensslOk(
      'ocsp',
      '-issuer',
      intermediate.cert,
      '-cert',
      leaves['ocsp-good'].cert,
      '-no_nonce',
      '-reqout',
      request,
    );
    const encoded = encodeURIComponent((await readFile(request)).toString('base64'));
    expect(encoded.length).toBeLessThan(255);
    const response = await fetchToFile(
      `${servers.ocsp.routes.good}/${encoded}`,
      {},
      'application/ocsp-response',
      'resp.der',
    );
    const text = await opensslOk(
      'ocsp',
      '-respin',
      response,
      '-issuer',
      intermediate.cert,
      '-cert',
      leaves['ocsp-good'].cert,
      '-CAfile',
      caBundle,
    );
    expect(text).toContain(`${leaves['ocsp-good'].cert}: good`);
    expect(text).toContain('Response verify OK');
  });

  it('REV-3: the root answers for the intermediate, signing with the CA key itself', async () => {
    const { root, intermediate } = scenario.codeSigning;
    expect(intermediate.ocspUrls).toEqual([servers.ocsp.routes.root]);
    const run = await openssl(
      'ocsp',
      '-issuer',
      root.cert,
      '-cert',
      intermediate.cert,
      '-url',
      servers.ocsp.routes.root,
      '-CAfile',
      root.cert,
    );
    expect(run.stderr).toContain('Response verify OK');
    expect(run.stdout).toContain(`${intermediate.cert}: good`);
  });

  it.each([
    ['ocsp-unrelated-signer', 'Unrelated OCSP Signer'],
    ['ocsp-responder-no-eku', 'Notary Test OCSP Responder No EKU'],
  ] as const)('REV-3: %s gets a "good" response that fails verification (signed by %s)', async (leaf, signer) => {
    const unchecked = await ocspQuery(leaf, '-noverify', '-resp_text');
    expect(unchecked.stdout).toContain(`${leaves[leaf].cert}: good`);
    expect(unchecked.stdout).toContain(`CN = ${signer}`);
    const checked = await ocspQuery(leaf);
    expect(checked.stderr).toContain('Response Verify Failure');
  });

  it('REV-3: the slow path answers after more than the 2 s OCSP timeout', async () => {
    const started = Date.now();
    const run = await ocspQuery('ocsp-slow');
    expect(Date.now() - started).toBeGreaterThan(2_000);
    expect(run.stdout).toContain(`${leaves['ocsp-slow'].cert}: good`);
  });

  it('REV-3: ocsp-down names a refused loopback port; ocsp-second-url names it first, then /good', async () => {
    expect(leaves['ocsp-down'].ocspUrls).toEqual([`${scenario.closedUrl}/down`]);
    expect(leaves['ocsp-second-url'].ocspUrls).toEqual([`${scenario.closedUrl}/down`, servers.ocsp.routes.good]);
    await expect(fetch(leaves['ocsp-down'].ocspUrls[0]!, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow(
      /fetch failed/,
    );
    expect((await ocspQuery('ocsp-second-url')).stdout).toContain(`${leaves['ocsp-second-url'].cert}: good`);
  });

  it('REV-2: fallback leaves carry both AIA and CDP; no-revocation-info carries neither', async () => {
    expect(leaves['fallback-good'].ocspUrls).toEqual([`${scenario.closedUrl}/down`]);
    expect(leaves['fallback-ocsp-unknown'].ocspUrls).toEqual([servers.ocsp.routes.unknown]);
    expect(leaves['fallback-revoked'].crlUrls).toEqual([scenario.crls.base.url]);
    expect((await ocspQuery('fallback-ocsp-unknown')).stdout).toContain(
      `${leaves['fallback-ocsp-unknown'].cert}: unknown`,
    );
    const text = await opensslOk('x509', '-in', leaves['no-revocation-info'].cert, '-noout', '-text');
    expect(text).not.toContain('Authority Information Access');
    expect(text).not.toContain('CRL Distribution Points');
  });
});

/** `Nov 26 16:11:47 2026 GMT`, the way openssl prints an ISO date. */
function opensslDate(iso: string): string {
  const d = new Date(iso);
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const time = d.toISOString().slice(11, 19);
  return `${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${d.getUTCFullYear()} GMT`;
}

/** Fetches a CRL from the server and returns `openssl crl -inform DER -text` of it, after checking its signature. */
async function fetchCrl(url: string, issuer: string): Promise<string> {
  const der = await fetchToFile(url, {}, 'application/pkix-crl', 'fetched.crl');
  return opensslOk('crl', '-inform', 'DER', '-in', der, '-text', '-noout', '-CAfile', issuer);
}

/** The CRL entry block of one serial in `openssl crl -text` output, or undefined. */
function entry(text: string, serial: string): string | undefined {
  return new RegExp(`Serial Number: ${serial}\\n([\\s\\S]*?)(?=\\n    Serial Number:|\\n    Signature Algorithm)`).exec(
    text,
  )?.[1];
}

describe.concurrent('CRL server (openssl ca -gencrl output)', () => {
  const { crls } = scenario;
  const { intermediate, caBundle, root } = scenario.codeSigning;

  it('REV-4: the base CRL lists the revoked serials with their reasons and points at the delta', async () => {
    const text = await fetchCrl(leaves['crl-revoked'].crlUrls[0]!, caBundle);
    expect(text).toContain('verify OK');
    expect(text).toContain(`Issuer: O = Notary Test, CN = Notary Test Intermediate`);
    expect(text).toContain(`URI:${crls.delta.url}`);
    expect(entry(text, leaves['crl-revoked'].serial)).toContain('Key Compromise');
    expect(entry(text, leaves['crl-hold-then-removed'].serial)).toContain('Certificate Hold');
    const withDate = entry(text, leaves['crl-invalidity-date'].serial);
    expect(withDate).toContain('Invalidity Date');
    expect(withDate).toContain(opensslDate(scenario.invalidityDate));
    expect(entry(text, leaves['fallback-revoked'].serial)).toContain('Key Compromise');
    for (const name of ['crl-good', 'crl-delta-revoked', 'fallback-good', 'no-revocation-info'] as const) {
      expect(entry(text, leaves[name].serial), name).toBeUndefined();
    }
    expect(parseInt(/CRL Number: \n\s*(\d+)/.exec(text)![1]!, 10)).toBe(parseInt(crls.base.number, 16));
  });

  it('REV-4: the delta CRL carries the delta indicator (= base number, critical) and only the changes', async () => {
    const text = await fetchCrl(crls.delta.url, caBundle);
    expect(text).toContain('verify OK');
    expect(text).toMatch(new RegExp(`Delta CRL Indicator: critical\\n\\s*${parseInt(crls.base.number, 16)}\\n`));
    expect(crls.delta.deltaIndicator).toBe(crls.base.number);
    expect(parseInt(crls.delta.number, 16)).toBeGreaterThan(parseInt(crls.base.number, 16));
    expect(entry(text, leaves['crl-delta-revoked'].serial)).toContain('Key Compromise');
    expect(entry(text, leaves['crl-hold-then-removed'].serial)).toContain('Remove From CRL');
    expect(entry(text, leaves['crl-revoked'].serial)).toBeUndefined();
    expect(text).not.toContain('Freshest CRL');
  });

  it('REV-4: the root CRL (the intermediate CDP) is signed by the root and lists nothing', async () => {
    expect(intermediate.crlUrls).toEqual([crls.root.url]);
    const text = await fetchCrl(crls.root.url, root.cert);
    expect(text).toContain('verify OK');
    expect(text).toContain('No Revoked Certificates');
    expect(text).toMatch(/Next Update: /);
  });

  it('REV-4: crl-delta-unavailable points at a base whose FreshestCRL answers 404', async () => {
    const text = await fetchCrl(leaves['crl-delta-unavailable'].crlUrls[0]!, caBundle);
    const freshest = /Freshest CRL:[\s\S]*?URI:(\S+)/.exec(text)![1]!;
    expect((await fetch(freshest)).status).toBe(404);
  });

  it('REV-4: TSA chain CRLs are served for the TSA leaves', async () => {
    const { tsa } = scenario;
    expect(await opensslOk('x509', '-in', tsa.leaf.cert, '-noout', '-ext', 'crlDistributionPoints')).toContain(
      scenario.crls.tsaRoot.url,
    );
    expect(await fetchCrl(scenario.crls.tsaRoot.url, tsa.root.cert)).toContain('verify OK');
    expect(await fetchCrl(scenario.crls.tsaUntrustedRoot.url, tsa.untrustedRoot.cert)).toContain('verify OK');
  });

  it('REV-4: missing paths answer 404, /hang/ never answers, /delay/<ms>/ answers late', async () => {
    expect((await fetch(leaves['crl-unavailable'].crlUrls[0]!)).status).toBe(404);
    const hang = fetch(leaves['crl-slow'].crlUrls[0]!, { signal: AbortSignal.timeout(500) });
    await expect(hang).rejects.toThrow(/timeout|abort/i);
    const started = Date.now();
    const late = await fetch(`${servers.crl.url}/delay/300/inter.crl`);
    expect(late.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('REV-5: counts requests per path and can switch a path to 404 and back', async () => {
    const path = '/tsa-untrusted-root.crl';
    const counts = async () =>
      ((await (await fetch(servers.crl.requestsUrl)).json()) as Record<string, number>)[path] ?? 0;
    const setBehavior = (behavior: 'serve' | 404) =>
      fetch(servers.crl.behaviorUrl, { method: 'POST', body: JSON.stringify({ path, behavior }) }).then((r) =>
        expect(r.status).toBe(204),
      );
    const before = await counts();
    expect((await fetch(servers.crl.url + path)).status).toBe(200);
    await setBehavior(404);
    expect((await fetch(servers.crl.url + path)).status).toBe(404);
    await setBehavior('serve');
    expect((await fetch(servers.crl.url + path)).status).toBe(200);
    expect(await counts()).toBe(before + 3);
  });
});

describe.concurrent('scenario certificates', () => {
  const { root, intermediate } = scenario.codeSigning;

  it('every code-signing leaf chains to the root through the intermediate', async () => {
    const untrusted = intermediate.cert;
    for (const leaf of Object.values(leaves)) {
      expect(await opensslOk('verify', '-CAfile', root.cert, '-untrusted', untrusted, leaf.cert)).toContain(': OK');
    }
  });

  it('the root, intermediate and leaf carry the CERT extensions, AIA and CDP on loopback', async () => {
    const rootText = await opensslOk('x509', '-in', root.cert, '-noout', '-text');
    expect(rootText).toMatch(/Basic Constraints: critical\n\s*CA:TRUE/);
    expect(rootText).toMatch(/Key Usage: critical\n\s*Certificate Sign, CRL Sign/);
    const leafText = await opensslOk('x509', '-in', leaves['crl-good'].cert, '-noout', '-text');
    expect(leafText).toMatch(/Key Usage: critical\n\s*Digital Signature/);
    expect(leafText).toMatch(/Extended Key Usage: \n\s*Code Signing/);
    expect(leafText).toContain(`URI:${scenario.crls.base.url}`);
    expect(await opensslOk('x509', '-in', leaves['ocsp-good'].cert, '-noout', '-text')).toContain(
      `OCSP - URI:${servers.ocsp.routes.good}`,
    );
    const interText = await opensslOk('x509', '-in', intermediate.cert, '-noout', '-text');
    expect(interText).toContain(`OCSP - URI:${servers.ocsp.routes.root}`);
    expect(interText).toContain(`URI:${scenario.crls.root.url}`);
  });

  it('the TSA leaf has a critical timeStamping-only EKU; the no-EKU leaf has none', async () => {
    const { tsa } = scenario;
    expect(await opensslOk('x509', '-in', tsa.leaf.cert, '-noout', '-ext', 'extendedKeyUsage,keyUsage')).toMatch(
      /Extended Key Usage: critical\n\s*Time Stamping\n/,
    );
    expect(await opensslOk('verify', '-purpose', 'timestampsign', '-CAfile', tsa.root.cert, tsa.leaf.cert)).toContain(
      ': OK',
    );
    expect(await opensslOk('x509', '-in', tsa.leafNoEku.cert, '-noout', '-text')).not.toContain('Extended Key Usage');
    expect(
      await opensslOk('verify', '-purpose', 'timestampsign', '-CAfile', tsa.untrustedRoot.cert, tsa.untrustedLeaf.cert),
    ).toContain(': OK');
  });

  it('every address the scenario names is loopback', () => {
    const urls = JSON.stringify(servers).match(/https?:\/\/[^/"]+/g) ?? [];
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(new URL(url).hostname).toBe('127.0.0.1');
  });
});
