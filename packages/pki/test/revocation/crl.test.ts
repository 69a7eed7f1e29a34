import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { children, readOnly } from '../../src/der.js';
import {
  type CertificateRevocationResult,
  CRL_MAX_BYTES,
  checkRevocation,
  RevocationError,
  type ServerResult,
} from '../../src/revocation/index.js';
import {
  cdp,
  EXT,
  FakeNet,
  freshest,
  hangingHandler,
  type IndexEntry,
  type Issued,
  RevocationPki,
} from './fixtures.js';

const CRL = 'http://crl.test/root.crl';
const CRL2 = 'http://crl2.test/root.crl';
const DELTA = 'http://crl.test/delta.crl';
const DELTA2 = 'http://crl2.test/delta.crl';

let pki: RevocationPki;
let root: Issued;
let impostor: Issued;
let leaf: Issued;
let twoCdpLeaf: Issued;
let freshestLeaf: Issued;

beforeAll(() => {
  pki = new RevocationPki();
  root = pki.issue('root', { extensions: EXT.root });
  // Same name as root, different key: what a forged CRL would be signed with.
  impostor = pki.issue('impostor', { subject: '/O=Notary Test/CN=root', extensions: EXT.root });
  leaf = pki.issue('leaf', { issuer: root, extensions: [...EXT.leaf, cdp(CRL)] });
  twoCdpLeaf = pki.issue('leaf2', { issuer: root, extensions: [...EXT.leaf, cdp(CRL, CRL2)] });
  freshestLeaf = pki.issue('leaf3', { issuer: root, extensions: [...EXT.leaf, cdp(CRL), freshest(DELTA)] });
});
afterAll(() => pki.dispose());

async function check(
  cert: Issued,
  net: FakeNet,
  options: Partial<Parameters<typeof checkRevocation>[1]> = {},
): Promise<CertificateRevocationResult> {
  const results = await checkRevocation([cert.cert, root.cert], {
    purpose: 'codeSigning',
    fetcher: net.fetcher,
    ...options,
  });
  expect(results).toHaveLength(1);
  return results[0]!;
}

const code = (r: ServerResult | undefined): string | undefined =>
  r?.error instanceof RevocationError ? r.error.code : undefined;
const hoursAgo = (h: number): Date => {
  const d = new Date(Date.now() - h * 3_600_000);
  d.setUTCMilliseconds(0);
  return d;
};

async function resign(
  der: Uint8Array,
  signer: Issued,
  mutate: (crl: pkijs.CertificateRevocationList) => void,
): Promise<Uint8Array> {
  const crl = new pkijs.CertificateRevocationList({ schema: asn1js.fromBER(der).result });
  mutate(crl);
  const key = await crypto.subtle.importKey('pkcs8', pki.pkcs8(signer), { name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
  ]);
  await crl.sign(key, 'SHA-256');
  return new Uint8Array(crl.toSchema(true).toBER());
}

describe('REV-4 CRL status', () => {
  it('REV-4: a CRL that does not list the certificate → ok', async () => {
    const net = new FakeNet().serve(CRL, pki.crl(root, [{ cert: twoCdpLeaf, revoked: {} }]));
    const result = await check(leaf, net);
    expect(result).toMatchObject({
      status: 'ok',
      method: 'crl',
      serverResults: [{ url: CRL, status: 'ok', method: 'crl' }],
    });
    expect(net.requests).toEqual([{ url: CRL, method: 'GET' }]);
  });

  it('REV-4: a listed serial → revoked, with reason and time', async () => {
    const at = hoursAgo(3);
    const net = new FakeNet().serve(CRL, pki.crl(root, [{ cert: leaf, revoked: { at, reason: 'keyCompromise' } }]));
    const result = await check(leaf, net);
    expect(result.status).toBe('revoked');
    expect(result.serverResults[0]).toMatchObject({ status: 'revoked', crlReason: 1, revocationTime: at });
    expect(result.serverResults[0]!.reason).toMatch(/revoked via CRL \(keyCompromise\)/);
  });

  it('REV-4: a listed serial without a reason code → revoked', async () => {
    const net = new FakeNet().serve(CRL, pki.crl(root, [{ cert: leaf, revoked: {} }]));
    const result = await check(leaf, net);
    expect(result.status).toBe('revoked');
    expect(result.serverResults[0]!.crlReason).toBeUndefined();
  });

  it('REV-4 [impl]: an unknown critical CRL extension → unknown', async () => {
    const net = new FakeNet().serve(CRL, pki.crl(root, [], { extensions: ['1.2.3.4=critical,ASN1:NULL'] }));
    const result = await check(leaf, net);
    expect(result.status).toBe('unknown');
    expect(code(result.serverResults[0])).toBe('ERR_REVOCATION_CRITICAL_EXTENSION');
    // The same extension, not critical, is ignored.
    expect(
      (await check(leaf, new FakeNet().serve(CRL, pki.crl(root, [], { extensions: ['1.2.3.4=ASN1:NULL'] })))).status,
    ).toBe('ok');
  });

  it('REV-4 [impl]: IssuingDistributionPoint may be critical', async () => {
    const net = new FakeNet().serve(
      CRL,
      pki.crl(root, [], { extensions: [`issuingDistributionPoint=critical,@idp`, '[idp]', `fullname=URI:${CRL}`] }),
    );
    expect((await check(leaf, net)).status).toBe('ok');
  });

  it('REV-4 [impl]: a CRL without nextUpdate → unknown', async () => {
    const der = await resign(pki.crl(root, []), root, (crl) => {
      delete crl.nextUpdate;
    });
    const result = await check(leaf, new FakeNet().serve(CRL, der));
    expect(result.status).toBe('unknown');
    expect(code(result.serverResults[0])).toBe('ERR_REVOCATION_STALE');
    expect(result.serverResults[0]!.reason).toMatch(/NextUpdate is not set/);
  });

  it('REV-4: an expired CRL (now after nextUpdate) → unknown', async () => {
    const net = new FakeNet().serve(CRL, pki.crl(root, [], { hours: 1 }));
    const result = await check(leaf, net, { now: new Date(Date.now() + 2 * 3_600_000) });
    expect(result.status).toBe('unknown');
    expect(result.serverResults[0]!.reason).toMatch(/expired CRL/);
    expect((await check(leaf, net)).status).toBe('ok');
  });

  it('REV-4: a CRL signed by the wrong key (same issuer name) → unknown', async () => {
    const net = new FakeNet().serve(CRL, pki.crl(root, [], { signer: impostor }));
    const result = await check(leaf, net);
    expect(result.status).toBe('unknown');
    expect(code(result.serverResults[0])).toBe('ERR_REVOCATION_SIGNATURE');
    expect(result.serverResults[0]!.reason).toMatch(/not signed by CA/);
  });

  it('REV-4: a tampered CRL (signature no longer matches) → unknown', async () => {
    const der = pki.crl(root, [{ cert: leaf, revoked: {} }]);
    const tampered = await resign(der, root, (crl) => {
      crl.revokedCertificates = [];
    });
    // Swap in the original signature over the altered TBS.
    const original = new pkijs.CertificateRevocationList({ schema: asn1js.fromBER(der).result });
    const forged = new pkijs.CertificateRevocationList({ schema: asn1js.fromBER(tampered).result });
    forged.signatureValue = original.signatureValue;
    const result = await check(leaf, new FakeNet().serve(CRL, new Uint8Array(forged.toSchema().toBER())));
    expect(result.status).toBe('unknown');
    expect(code(result.serverResults[0])).toBe('ERR_REVOCATION_SIGNATURE');
  });

  it('REV-4 issue 12 finding 3: a signature BIT STRING that claims unused bits is read as Go reads it → unknown', async () => {
    // Fuzz seed 20261207 crl#2427: the octets were taken as the signature whatever the unused-bit
    // count said, so a CRL Go refuses verified. Now the count is checked and the bits right-aligned.
    const der = pki.crl(root, []);
    expect((await check(leaf, new FakeNet().serve(CRL, der))).status).toBe('ok');
    const signatureField = children(der, readOnly(der))[2]!;
    const mutated = der.slice();
    mutated[signatureField.contentStart] = 4;
    const result = await check(leaf, new FakeNet().serve(CRL, mutated));
    expect(result.status).toBe('unknown');
    expect(code(result.serverResults[0])).toMatch(/^ERR_REVOCATION_(MALFORMED|SIGNATURE)$/);
  });

  it('REV-4: unreachable, non-200, timed-out and oversized CRLs → unknown with a reason', async () => {
    let result = await check(leaf, new FakeNet());
    expect(code(result.serverResults[0])).toBe('ERR_REVOCATION_NETWORK');
    result = await check(
      leaf,
      new FakeNet().route(CRL, () => new Response('nope', { status: 404 })),
    );
    expect(code(result.serverResults[0])).toBe('ERR_REVOCATION_HTTP_STATUS');
    const started = Date.now();
    result = await check(leaf, new FakeNet().route(CRL, hangingHandler), { crlTimeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(code(result.serverResults[0])).toBe('ERR_REVOCATION_TIMEOUT');
    let sent = 0;
    const chunk = new Uint8Array(1024 * 1024);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    result = await check(
      leaf,
      new FakeNet().route(CRL, () => new Response(endless)),
    );
    expect(code(result.serverResults[0])).toBe('ERR_REVOCATION_TOO_LARGE');
    expect(sent).toBeLessThanOrEqual(CRL_MAX_BYTES + 2 * chunk.length);
    result = await check(
      leaf,
      new FakeNet().route(CRL, () => new Response(new Uint8Array([0x30, 0x00]))),
    );
    expect(code(result.serverResults[0])).toBe('ERR_REVOCATION_MALFORMED');
    expect(result.status).toBe('unknown');
  });

  it('REV-4 [impl]: only http distribution points are used', async () => {
    const httpsLeaf = pki.issue('https-leaf', {
      issuer: root,
      extensions: [...EXT.leaf, cdp('https://crl.test/root.crl')],
    });
    const result = await check(httpsLeaf, new FakeNet());
    expect(result.status).toBe('unknown');
    expect(code(result.serverResults[0])).toBe('ERR_REVOCATION_UNSUPPORTED_URL');
  });
});

describe('REV-4 entries: hold, removeFromCRL, invalidityDate', () => {
  it('REV-4 [impl]: certificateHold → revoked', async () => {
    const net = new FakeNet().serve(CRL, pki.crl(root, [{ cert: leaf, revoked: { reason: 'certificateHold' } }]));
    const result = await check(leaf, net);
    expect(result.status).toBe('revoked');
    expect(result.serverResults[0]!.crlReason).toBe(6);
  });

  it('REV-4 [impl]: certificateHold in the base lifted by a later removeFromCRL in the delta → ok', async () => {
    const base = pki.crl(root, [{ cert: freshestLeaf, revoked: { at: hoursAgo(5), reason: 'certificateHold' } }], {
      number: 1,
      extensions: [freshest(DELTA)],
    });
    const delta = pki.crl(root, [{ cert: freshestLeaf, revoked: { at: hoursAgo(1), reason: 'removeFromCRL' } }], {
      number: 2,
      extensions: ['2.5.29.27=critical,ASN1:INTEGER:1'],
    });
    const result = await check(freshestLeaf, new FakeNet().serve(CRL, base).serve(DELTA, delta));
    expect(result.status).toBe('ok');
    expect(result.serverResults[0]!.reason).toMatch(/hold was removed/);
  });

  it('REV-4 [impl]: a removeFromCRL older than the hold does not lift it → revoked', async () => {
    const base = pki.crl(root, [{ cert: freshestLeaf, revoked: { at: hoursAgo(1), reason: 'certificateHold' } }], {
      number: 1,
      extensions: [freshest(DELTA)],
    });
    const delta = pki.crl(root, [{ cert: freshestLeaf, revoked: { at: hoursAgo(5), reason: 'removeFromCRL' } }], {
      number: 2,
      extensions: ['2.5.29.27=critical,ASN1:INTEGER:1'],
    });
    expect((await check(freshestLeaf, new FakeNet().serve(CRL, base).serve(DELTA, delta))).status).toBe('revoked');
  });

  const invalidityDate = hoursAgo(12);
  const compromised = (): IndexEntry[] => [{ cert: leaf, revoked: { at: hoursAgo(1), invalidityDate } }];

  it('REV-4: signed before the entry’s invalidityDate → ok', async () => {
    const net = new FakeNet().serve(CRL, pki.crl(root, compromised()));
    const result = await check(leaf, net, { signingTime: new Date(invalidityDate.getTime() - 3_600_000) });
    expect(result.status).toBe('ok');
    expect(result.serverResults[0]!.reason).toMatch(/invalidity date .* is after the signing time/);
  });

  it('REV-4: signed after the invalidityDate, or no signing time → revoked', async () => {
    const net = new FakeNet().serve(CRL, pki.crl(root, compromised()));
    expect((await check(leaf, net, { signingTime: new Date(invalidityDate.getTime() + 1000) })).status).toBe('revoked');
    expect((await check(leaf, net)).status).toBe('revoked');
  });

  it('REV-4: an entry without invalidityDate is revoked whatever the signing time', async () => {
    const net = new FakeNet().serve(CRL, pki.crl(root, [{ cert: leaf, revoked: { reason: 'superseded' } }]));
    const result = await check(leaf, net, { signingTime: new Date(0) });
    expect(result.status).toBe('revoked');
    expect(result.serverResults[0]!.crlReason).toBe(4);
  });
});

describe('REV-4 delta CRLs', () => {
  const deltaExt = (indicator: number): string => `2.5.29.27=critical,ASN1:INTEGER:${indicator}`;

  it('REV-4: a serial listed only in the delta CRL → revoked; the delta comes from the base CRL’s FreshestCRL', async () => {
    const net = new FakeNet()
      .serve(CRL, pki.crl(root, [], { number: 5, extensions: [freshest(DELTA)] }))
      .serve(
        DELTA,
        pki.crl(root, [{ cert: leaf, revoked: { reason: 'keyCompromise' } }], { number: 6, extensions: [deltaExt(5)] }),
      );
    const result = await check(leaf, net);
    expect(result.status).toBe('revoked');
    expect(net.requests.map((r) => r.url)).toEqual([CRL, DELTA]);
  });

  it('REV-4: base + delta not listing the certificate → ok; the delta URLs are tried in order', async () => {
    const net = new FakeNet()
      .serve(CRL, pki.crl(root, [], { number: 5, extensions: [freshest(DELTA, DELTA2)] }))
      .route(DELTA, () => new Response('', { status: 500 }))
      .serve(DELTA2, pki.crl(root, [], { number: 6, extensions: [deltaExt(4)] }));
    expect((await check(leaf, net)).status).toBe('ok');
    expect(net.requests.map((r) => r.url)).toEqual([CRL, DELTA, DELTA2]);
  });

  it('REV-4: a delta CRL that cannot be fetched → unknown', async () => {
    const net = new FakeNet().serve(CRL, pki.crl(root, [], { number: 5, extensions: [freshest(DELTA)] }));
    const result = await check(leaf, net);
    expect(result.status).toBe('unknown');
    expect(code(result.serverResults[0])).toBe('ERR_REVOCATION_DELTA_CRL');
  });

  it('REV-4 [impl]: delta CRL number not greater than the base number → unknown', async () => {
    const net = new FakeNet()
      .serve(CRL, pki.crl(root, [], { number: 5, extensions: [freshest(DELTA)] }))
      .serve(DELTA, pki.crl(root, [], { number: 5, extensions: [deltaExt(5)] }));
    const result = await check(leaf, net);
    expect(result.status).toBe('unknown');
    expect(result.serverResults[0]!.reason).toMatch(/delta CRL number 5 is not greater than the base CRL number 5/);
  });

  it('REV-4 [impl]: delta CRL indicator above the base number (delta of a newer base) → unknown', async () => {
    const net = new FakeNet()
      .serve(CRL, pki.crl(root, [], { number: 5, extensions: [freshest(DELTA)] }))
      .serve(DELTA, pki.crl(root, [], { number: 7, extensions: [deltaExt(6)] }));
    const result = await check(leaf, net);
    expect(result.status).toBe('unknown');
    expect(result.serverResults[0]!.reason).toMatch(
      /delta CRL indicator 6 is not less than or equal to the base CRL number 5/,
    );
  });

  it('REV-4: a "delta" without DeltaCRLIndicator, or a base that is a delta → unknown', async () => {
    let net = new FakeNet()
      .serve(CRL, pki.crl(root, [], { number: 5, extensions: [freshest(DELTA)] }))
      .serve(DELTA, pki.crl(root, [], { number: 6 }));
    expect((await check(leaf, net)).serverResults[0]!.reason).toMatch(/delta CRL indicator extension is not found/);
    net = new FakeNet().serve(CRL, pki.crl(root, [], { number: 6, extensions: [deltaExt(5)] }));
    const result = await check(leaf, net);
    expect(result.status).toBe('unknown');
    expect(code(result.serverResults[0])).toBe('ERR_REVOCATION_DELTA_CRL');
  });

  it('REV-4: an expired delta CRL → unknown', async () => {
    const net = new FakeNet()
      .serve(CRL, pki.crl(root, [], { number: 5, hours: 48, extensions: [freshest(DELTA)] }))
      .serve(DELTA, pki.crl(root, [], { number: 6, hours: 1, extensions: [deltaExt(5)] }));
    const result = await check(leaf, net, { now: new Date(Date.now() + 2 * 3_600_000) });
    expect(result.status).toBe('unknown');
    expect(result.serverResults[0]!.reason).toMatch(/expired delta CRL/);
  });

  it('REV-4 [impl]: the certificate has FreshestCRL but the base CRL names no delta → unknown', async () => {
    const net = new FakeNet()
      .serve(CRL, pki.crl(root, [], { number: 5 }))
      .serve(DELTA, pki.crl(root, [], { number: 6, extensions: [deltaExt(5)] }));
    const result = await check(freshestLeaf, net);
    expect(result.status).toBe('unknown');
    expect(result.serverResults[0]!.reason).toMatch(/FreshestCRL extension but the base CRL names no delta/);
    expect(net.count(DELTA)).toBe(0);
  });
});

describe('AMB-14 every distribution point', () => {
  it('AMB-14: every CDP is fetched; one listing the certificate → revoked', async () => {
    const net = new FakeNet()
      .serve(CRL, pki.crl(root, []))
      .serve(CRL2, pki.crl(root, [{ cert: twoCdpLeaf, revoked: {} }]));
    const result = await check(twoCdpLeaf, net);
    expect(result.status).toBe('revoked');
    expect(net.requests.map((r) => r.url).sort()).toEqual([CRL, CRL2]);
    expect(result.serverResults.map((r) => r.status)).toEqual(['ok', 'revoked']);
  });

  it('AMB-14: every CDP must answer; one failing → unknown (even though another says ok)', async () => {
    const net = new FakeNet().serve(CRL, pki.crl(root, [])).route(CRL2, () => new Response('', { status: 500 }));
    const result = await check(twoCdpLeaf, net);
    expect(result.status).toBe('unknown');
    expect(result.serverResults.map((r) => r.status)).toEqual(['ok', 'unknown']);
  });

  it('AMB-14: a revoked answer is not hidden by an earlier failing CDP (revoked outranks unknown)', async () => {
    const net = new FakeNet()
      .route(CRL, () => new Response('', { status: 500 }))
      .serve(CRL2, pki.crl(root, [{ cert: twoCdpLeaf, revoked: {} }]));
    expect((await check(twoCdpLeaf, net)).status).toBe('revoked');
  });

  it('AMB-14: both CDPs fine → ok', async () => {
    const net = new FakeNet().serve(CRL, pki.crl(root, [])).serve(CRL2, pki.crl(root, []));
    expect((await check(twoCdpLeaf, net)).status).toBe('ok');
  });
});
