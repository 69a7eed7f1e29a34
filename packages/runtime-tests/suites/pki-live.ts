/**
 * Timestamp and revocation checks against the live loopback servers (a real
 * `openssl ts` TSA, `openssl ocsp` responder and CRL server), written once and
 * run by runtime-tests in Node, Deno and Chromium, on dist/ (registry.ts).
 * Each case is a name with its requirement IDs and an async function that
 * throws on failure; the runtime supplies the SDK module and a file reader.
 */
import type * as Pki from '@x/notary-pki';
import { selfSignedSigner } from '@x/notary-test-servers/certificates';
import type { PkiServers } from '@x/notary-test-servers/pki/global-setup';
import type { LeafName } from '@x/notary-test-servers/pki/pki-scenario';
import { check, equal, expectCode } from './types.ts';

export interface LiveEnvironment {
  pki: typeof Pki;
  servers: PkiServers;
  readFile(path: string): Promise<Uint8Array>;
}

export interface LiveCase {
  name: string;
  run(): Promise<void>;
}

export function liveCases(env: LiveEnvironment): LiveCase[] {
  const { pki, servers } = env;
  const s = servers.scenario;
  const certs = async (path: string): Promise<Pki.Certificate[]> => pki.parseCertificates(await env.readFile(path));
  const chainOf = async (leaf: LeafName): Promise<Pki.Certificate[]> => [
    ...(await certs(s.codeSigning.leaves[leaf].cert)),
    ...(await certs(s.codeSigning.intermediate.cert)),
    ...(await certs(s.codeSigning.root.cert)),
  ];
  const tsaRoots = async (): Promise<Pki.Certificate[]> => certs(s.tsa.root.cert);
  // The bytes a Notary TSA timestamps are a signature value; any bytes do for the TSA.
  const signature = new TextEncoder().encode(`primitive signature bytes ${Date.now()}`);
  const revocation = async (
    leaf: LeafName,
    options: Partial<Pki.RevocationOptions> = {},
  ): Promise<Pki.CertificateRevocationResult[]> =>
    pki.checkRevocation(await chainOf(leaf), { purpose: 'codeSigning', ...options });
  const leafStatus = async (
    leaf: LeafName,
    options: Partial<Pki.RevocationOptions> = {},
  ): Promise<Pki.CertificateRevocationResult> => (await revocation(leaf, options))[0]!;

  // A generous client timeout: the loopback TSA answers one request at a time, and a
  // busy CI machine must not turn a slow answer into a wrong verdict. The timeout
  // case below sets its own.
  const requestTimestamp: typeof pki.requestTimestamp = (message, hash, options) =>
    pki.requestTimestamp(message, hash, { timeoutMs: 30_000, ...options });

  const cases: LiveCase[] = [];
  const add = (name: string, run: () => Promise<void>): void => {
    cases.push({ name, run });
  };

  // --- Timestamps (TSA-1 … TSA-5) ---
  add('TSA-1 TSA-2 TSA-3: a token from the live TSA over the signature verifies against the TSA root', async () => {
    const token = await requestTimestamp(signature, 'SHA-256', { url: servers.tsa.routes.good });
    equal(token.tstInfo.hashAlgorithm, 'SHA-256', 'imprint hash');
    const verified = await pki.verifyTimestampToken({ token: token.der, signature, roots: await tsaRoots() });
    equal(verified.tsaChain.length, 2, 'TSA chain length (leaf, root)');
    equal(verified.range.accuracyMs, 1000, 'accuracy from the token');
    check(Math.abs(verified.range.genTime.getTime() - Date.now()) < 60_000, 'genTime is now');
  });
  add('TSA-1: the request hashes with the key spec hash (SHA-384 and SHA-512 imprints)', async () => {
    for (const hash of ['SHA-384', 'SHA-512'] as const) {
      const token = await requestTimestamp(signature, hash, { url: servers.tsa.routes.good });
      equal(token.tstInfo.hashAlgorithm, hash, 'imprint hash');
      await pki.verifyTimestampToken({ token, signature, roots: await tsaRoots() });
    }
  });
  add('TSA-2: a requested policy comes back in the token', async () => {
    const token = await requestTimestamp(signature, 'SHA-256', {
      url: servers.tsa.routes.good,
      policy: s.tsa.otherPolicy,
    });
    equal(token.tstInfo.policy, s.tsa.otherPolicy, 'policy');
  });
  add('TSA-3: a token over other bytes fails (message imprint mismatch)', async () => {
    const token = await requestTimestamp(signature, 'SHA-256', { url: servers.tsa.routes.good });
    await expectCode(
      async () =>
        pki.verifyTimestampToken({
          token,
          signature: new TextEncoder().encode('other bytes'),
          roots: await tsaRoots(),
        }),
      'ERR_TIMESTAMP_INVALID',
    );
  });
  add('TSA-3 AMB-11: a TSA that chains to no trusted root fails', async () => {
    const token = await requestTimestamp(signature, 'SHA-256', { url: servers.tsa.routes.good });
    await expectCode(
      async () => pki.verifyTimestampToken({ token, signature, roots: await certs(s.tsa.untrustedRoot.cert) }),
      'ERR_TIMESTAMP_UNTRUSTED',
    );
    const untrusted = await requestTimestamp(signature, 'SHA-256', { url: servers.tsa.routes.untrusted });
    await expectCode(
      async () => pki.verifyTimestampToken({ token: untrusted, signature, roots: await tsaRoots() }),
      'ERR_TIMESTAMP_UNTRUSTED',
    );
  });
  add('TSA-3 CERT-5: a token signed by a TSA certificate without the timeStamping EKU fails', async () => {
    const token = await requestTimestamp(signature, 'SHA-256', { url: servers.tsa.routes['no-eku'] });
    await expectCode(
      async () => pki.verifyTimestampToken({ token, signature, roots: await tsaRoots() }),
      'ERR_TIMESTAMP_UNTRUSTED',
    );
  });
  add('TSA-4: no accuracy under the baseline policy means 1 s; otherwise 0', async () => {
    const baseline = await requestTimestamp(signature, 'SHA-256', { url: servers.tsa.routes.baseline });
    equal(baseline.tstInfo.policy, s.tsa.baselinePolicy, 'baseline policy');
    equal(baseline.range().accuracyMs, 1000, 'baseline accuracy');
    const none = await requestTimestamp(signature, 'SHA-256', { url: servers.tsa.routes['no-accuracy'] });
    equal(none.range().accuracyMs, 0, 'no accuracy');
  });
  add('TSA-4: the timestamp range must lie inside every signing certificate', async () => {
    const token = await requestTimestamp(signature, 'SHA-256', { url: servers.tsa.routes.good });
    const inside = await chainOf('crl-good');
    await pki.verifyTimestampToken({ token, signature, roots: await tsaRoots(), signingChain: inside });
    const future = await selfSignedSigner(pki.Certificate.fromDer, {
      name: 'not yet valid',
      keySpec: 'EC-256',
      notBefore: new Date(Date.now() + 86_400_000),
    });
    await expectCode(
      async () =>
        pki.verifyTimestampToken({ token, signature, roots: await tsaRoots(), signingChain: [future.certificate] }),
      'ERR_TIMESTAMP_OUT_OF_RANGE',
    );
  });
  add('TSA-1: a TSA slower than the client timeout gives ERR_TIMESTAMP_REQUEST_FAILED', async () => {
    await expectCode(
      () => requestTimestamp(signature, 'SHA-256', { url: servers.tsa.routes.slow, timeoutMs: 500 }),
      'ERR_TIMESTAMP_REQUEST_FAILED',
    );
  });
  add('TSA-1: an unreachable TSA gives ERR_TIMESTAMP_REQUEST_FAILED', async () => {
    await expectCode(
      () => requestTimestamp(signature, 'SHA-256', { url: s.closedUrl }),
      'ERR_TIMESTAMP_REQUEST_FAILED',
    );
  });
  add(
    'TSA-5 REV-6: the TSA chain of a verified token is revocation-checked (timestamping purpose) and is ok',
    async () => {
      const token = await requestTimestamp(signature, 'SHA-256', { url: servers.tsa.routes.good });
      const { tsaChain } = await pki.verifyTimestampToken({ token, signature, roots: await tsaRoots() });
      const results = await pki.checkRevocation(tsaChain, { purpose: 'timestamping' });
      equal(results[0]!.status, 'ok', 'TSA leaf revocation');
      equal(results[0]!.method, 'crl', 'method');
    },
  );

  // --- OCSP (REV-3) ---
  add('REV-3: OCSP good → ok; the intermediate is checked too, the root is not (REV-2)', async () => {
    const results = await revocation('ocsp-good');
    equal(results.length, 2, 'results for leaf and intermediate (root skipped)');
    equal(results[0]!.status, 'ok', 'leaf');
    equal(results[0]!.method, 'ocsp', 'leaf method');
    equal(results[1]!.status, 'ok', 'intermediate');
  });
  add('REV-3: OCSP revoked → revoked', async () => {
    equal((await leafStatus('ocsp-revoked')).status, 'revoked', 'status');
  });
  add(
    'REV-3 AMB-14: an OCSP invalidityDate after the authentic signing time excuses revocation only for signingAuthority',
    async () => {
      const before = new Date(Date.parse(s.invalidityDate) - 3_600_000);
      equal(
        (await leafStatus('ocsp-revoked-invalidity-date', { signingTime: before, signingAuthority: true })).status,
        'ok',
        'signingAuthority',
      );
      equal(
        (await leafStatus('ocsp-revoked-invalidity-date', { signingTime: before })).status,
        'revoked',
        'notary.x509',
      );
    },
  );
  add('REV-3: OCSP unknown → unknown', async () => {
    equal((await leafStatus('ocsp-unknown')).status, 'unknown', 'status');
  });
  add('REV-3: a responder that is down → unknown with a reason', async () => {
    const result = await leafStatus('ocsp-down');
    equal(result.status, 'unknown', 'status');
    check(result.serverResults[0]?.reason, 'a reason is given');
  });
  add('REV-3: an answer slower than the 2 s timeout → unknown', async () => {
    // The responder answers 'good' after 3 s, so 'unknown' means the client gave up at its timeout.
    const result = await leafStatus('ocsp-slow');
    equal(result.status, 'unknown', 'status');
    check(
      /timed out/.test(result.serverResults[0]?.reason ?? ''),
      `a timeout reason, got ${result.serverResults[0]?.reason}`,
    );
  });
  add('REV-3: a response past its nextUpdate → unknown', async () => {
    equal((await leafStatus('ocsp-good', { now: new Date(Date.now() + 3 * 86_400_000) })).status, 'unknown', 'status');
  });
  add('REV-3: a response signed by an unrelated key → unknown', async () => {
    equal((await leafStatus('ocsp-unrelated-signer')).status, 'unknown', 'status');
  });
  add('REV-3: a delegated responder without OCSPSigning → unknown', async () => {
    equal((await leafStatus('ocsp-responder-no-eku')).status, 'unknown', 'status');
  });
  add('REV-3: AIA URLs are tried in order until one answers', async () => {
    equal((await leafStatus('ocsp-second-url')).status, 'ok', 'status');
  });

  // --- CRL (REV-4) ---
  add('REV-4: CRL good → ok', async () => {
    const result = await leafStatus('crl-good');
    equal(result.status, 'ok', 'status');
    equal(result.method, 'crl', 'method');
  });
  add('REV-4: CRL revoked → revoked', async () => {
    equal((await leafStatus('crl-revoked')).status, 'revoked', 'status');
  });
  add('REV-4: a delta CRL (FreshestCRL) revoking the certificate → revoked', async () => {
    equal((await leafStatus('crl-delta-revoked')).status, 'revoked', 'status');
  });
  add('REV-4: certificateHold in the base, removeFromCRL in the delta → ok', async () => {
    equal((await leafStatus('crl-hold-then-removed')).status, 'ok', 'status');
  });
  add(
    'REV-4: an invalidityDate after the signing time excuses the entry; without a signing time it is revoked',
    async () => {
      const before = new Date(Date.parse(s.invalidityDate) - 3_600_000);
      equal(
        (await leafStatus('crl-invalidity-date', { signingTime: before })).status,
        'ok',
        'signed before invalidity',
      );
      equal((await leafStatus('crl-invalidity-date')).status, 'revoked', 'no signing time');
    },
  );
  add('REV-4: a delta CRL that cannot be fetched → unknown', async () => {
    equal((await leafStatus('crl-delta-unavailable')).status, 'unknown', 'status');
  });
  add('REV-4: a CDP answering 404 → unknown; a hanging CDP → unknown at the timeout', async () => {
    equal((await leafStatus('crl-unavailable')).status, 'unknown', '404');
    equal((await leafStatus('crl-slow', { crlTimeoutMs: 500 })).status, 'unknown', 'hang');
  });
  add('REV-2: OCSP that cannot decide falls back to CRL (ocspFallbackCrl)', async () => {
    const good = await leafStatus('fallback-good');
    equal(good.status, 'ok', 'fallback-good');
    equal(good.method, 'ocspFallbackCrl', 'method');
    equal((await leafStatus('fallback-revoked')).status, 'revoked', 'fallback-revoked');
    equal((await leafStatus('fallback-ocsp-unknown')).status, 'ok', 'fallback-ocsp-unknown');
  });
  add('REV-2: a certificate with neither OCSP nor CDP is nonRevokable', async () => {
    equal((await leafStatus('no-revocation-info')).status, 'nonRevokable', 'status');
  });
  add('REV-5: a memory CRL cache answers a second check without the network', async () => {
    // A caller's own CrlCache (the interface is public; pki's MemoryCrlCache is internal).
    const stored = new Map<string, Pki.CrlBundle>();
    const cache: Pki.CrlCache = {
      get: async (url) => stored.get(url),
      set: async (url, bundle) => void stored.set(url, bundle),
    };
    equal((await leafStatus('crl-revoked', { crlCache: cache })).status, 'revoked', 'first');
    const offline: Pki.Fetcher = () => Promise.reject(new Error('offline'));
    const second = await leafStatus('crl-revoked', { crlCache: cache, fetcher: offline });
    equal(second.status, 'revoked', 'second, offline');
  });
  return cases;
}
