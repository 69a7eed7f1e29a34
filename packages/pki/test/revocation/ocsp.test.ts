import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../src/base64.js';
import { children, type DerElement, readOnly, whole } from '../../src/der.js';
import { element, NULL } from '../../src/der-writer.js';
import {
  buildOcspRequest,
  type CertificateRevocationResult,
  checkRevocation,
  OCSP_MAX_RESPONSE_BYTES,
  ocspHttpRequest,
  RevocationError,
  type ServerResult,
} from '../../src/revocation/index.js';
import { aia, EXT, FakeNet, hangingHandler, type Issued, type OcspOptions, own, RevocationPki } from './fixtures.js';

const OCSP = 'http://ocsp.test/root';
const OCSP2 = 'http://ocsp2.test/root';

let pki: RevocationPki;
let root: Issued;
let leaf: Issued;
let twoUrlLeaf: Issued;
let responder: Issued;
let plainResponder: Issued;
let unrelated: Issued;

beforeAll(() => {
  pki = new RevocationPki();
  root = pki.issue('root', { extensions: EXT.root });
  leaf = pki.issue('leaf', { issuer: root, extensions: [...EXT.leaf, aia(OCSP)] });
  twoUrlLeaf = pki.issue('leaf2', { issuer: root, extensions: [...EXT.leaf, aia(OCSP, OCSP2)] });
  responder = pki.issue('responder', { issuer: root, extensions: EXT.ocspResponder });
  plainResponder = pki.issue('plain-responder', { issuer: root, extensions: EXT.plainResponder });
  unrelated = pki.issue('unrelated', { extensions: EXT.root });
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

function errorCode(result: ServerResult | undefined): string | undefined {
  return result?.error instanceof RevocationError ? result.error.code : undefined;
}

describe('REV-3 OCSP status', () => {
  it('REV-3: good → ok, over GET with the url-escaped base64 request appended to the responder URL', async () => {
    const net = new FakeNet().ocsp(pki, OCSP, { ca: root, entries: [{ cert: leaf }] });
    const result = await check(leaf, net);
    expect(result).toMatchObject({
      status: 'ok',
      method: 'ocsp',
      serverResults: [{ url: OCSP, status: 'ok', method: 'ocsp' }],
    });
    expect(net.requests).toHaveLength(1);
    const request = net.requests[0]!;
    expect(request.method).toBe('GET');
    const encoded = encodeURIComponent(encodeBase64(buildOcspRequest(leaf.cert, root.cert)));
    expect(request.url).toBe(`${OCSP}/${encoded}`);
  });

  it('REV-3 [impl]: the CertID uses SHA-1 with NULL parameters, issuer name/key hashes and the serial', async () => {
    const der = buildOcspRequest(leaf.cert, root.cert);
    const text = execOpenssl(['ocsp', '-reqin', '@input', '-req_text'], der).toString();
    expect(text).toContain('Hash Algorithm: sha1');
    expect(text).toContain(`Serial Number: ${leaf.cert.serialNumber.toUpperCase()}`);
    expect(text).not.toContain('Request Extensions');
  });

  it('REV-3: revoked → revoked, with the reason and time', async () => {
    const at = new Date(Date.now() - 7_200_000);
    at.setUTCMilliseconds(0);
    const net = new FakeNet().ocsp(pki, OCSP, {
      ca: root,
      entries: [{ cert: leaf, revoked: { at, reason: 'keyCompromise' } }],
    });
    const result = await check(leaf, net);
    expect(result.status).toBe('revoked');
    expect(result.method).toBe('ocsp');
    expect(result.serverResults[0]).toMatchObject({ status: 'revoked', crlReason: 1, revocationTime: at });
    expect(result.serverResults[0]!.reason).toMatch(/revoked via OCSP \(keyCompromise\)/);
  });

  it('REV-3: unknown status → unknown, and it is decisive (the next responder is not asked)', async () => {
    const net = new FakeNet()
      .ocsp(pki, OCSP, { ca: root, entries: [] })
      .ocsp(pki, OCSP2, { ca: root, entries: [{ cert: twoUrlLeaf }] });
    const result = await check(twoUrlLeaf, net);
    expect(result.status).toBe('unknown');
    expect(result.serverResults).toHaveLength(1);
    expect(errorCode(result.serverResults[0])).toBe('ERR_REVOCATION_UNKNOWN_STATUS');
    expect(net.count(OCSP2)).toBe(0);
  });

  it('REV-3: a response signed by an unrelated key → unknown', async () => {
    const net = new FakeNet().ocsp(pki, OCSP, { ca: root, signer: unrelated, entries: [{ cert: leaf }] });
    const result = await check(leaf, net);
    expect(result.status).toBe('unknown');
    expect(errorCode(result.serverResults[0])).toBe('ERR_REVOCATION_SIGNATURE');
    expect(result.serverResults[0]!.reason).toMatch(/not signed by the issuer/);
  });

  it('REV-3: a delegated responder with id-kp-OCSPSigning, issued by the CA → ok', async () => {
    const net = new FakeNet().ocsp(pki, OCSP, { ca: root, signer: responder, entries: [{ cert: leaf }] });
    expect((await check(leaf, net)).status).toBe('ok');
  });

  it('REV-3: a delegated responder without the OCSPSigning EKU → unknown', async () => {
    const net = new FakeNet().ocsp(pki, OCSP, { ca: root, signer: plainResponder, entries: [{ cert: leaf }] });
    const result = await check(leaf, net);
    expect(result.status).toBe('unknown');
    expect(errorCode(result.serverResults[0])).toBe('ERR_REVOCATION_SIGNATURE');
    expect(result.serverResults[0]!.reason).toMatch(/lacks the OCSPSigning extended key usage/);
  });

  it('REV-3: a delegated responder whose certificate is left out of the response → unknown', async () => {
    const net = new FakeNet().ocsp(pki, OCSP, {
      ca: root,
      signer: responder,
      entries: [{ cert: leaf }],
      noCerts: true,
    });
    const result = await check(leaf, net);
    expect(result.status).toBe('unknown');
    expect(errorCode(result.serverResults[0])).toBe('ERR_REVOCATION_SIGNATURE');
  });

  it('REV-3: a response whose nextUpdate has passed (now after nextUpdate) → unknown', async () => {
    const net = new FakeNet().ocsp(pki, OCSP, { ca: root, entries: [{ cert: leaf }], nextUpdateMinutes: 1 });
    const result = await check(leaf, net, { now: new Date(Date.now() + 10 * 60_000) });
    expect(result.status).toBe('unknown');
    expect(errorCode(result.serverResults[0])).toBe('ERR_REVOCATION_STALE');
    expect(result.serverResults[0]!.reason).toMatch(/expired OCSP response/);
    // The same response is fine before its nextUpdate.
    expect((await check(leaf, net)).status).toBe('ok');
  });

  it('REV-3 [impl]: a response without nextUpdate is treated as expired, as notation does → unknown', async () => {
    const net = new FakeNet().ocsp(pki, OCSP, { ca: root, entries: [{ cert: leaf }], nextUpdateMinutes: null });
    const result = await check(leaf, net);
    expect(result.status).toBe('unknown');
    expect(result.serverResults[0]!.reason).toMatch(/nextUpdate is not set/);
  });

  it('REV-3: a response whose thisUpdate is in the future (beyond the 5-minute skew) → unknown', async () => {
    const net = new FakeNet().ocsp(pki, OCSP, { ca: root, entries: [{ cert: leaf }] });
    const result = await check(leaf, net, { now: new Date(Date.now() - 3_600_000) });
    expect(result.status).toBe('unknown');
    expect(result.serverResults[0]!.reason).toMatch(/thisUpdate .* is in the future/);
    expect((await check(leaf, net, { now: new Date(Date.now() - 60_000) })).status).toBe('ok');
  });

  it('REV-3: a response about another certificate (CertID mismatch) → unknown', async () => {
    const other = buildOcspRequest(twoUrlLeaf.cert, root.cert);
    const net = new FakeNet().route(
      OCSP,
      () => new Response(pki.ocspResponse(other, { ca: root, entries: [{ cert: twoUrlLeaf }] })),
    );
    const result = await check(leaf, net);
    expect(result.status).toBe('unknown');
    expect(errorCode(result.serverResults[0])).toBe('ERR_REVOCATION_CERT_ID');
  });

  it('REV-3: a responder error status (tryLater) or garbage → unknown', async () => {
    const tryLater = new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x03]);
    let result = await check(
      leaf,
      new FakeNet().route(OCSP, () => new Response(own(tryLater))),
    );
    expect(result.status).toBe('unknown');
    expect(errorCode(result.serverResults[0])).toBe('ERR_REVOCATION_RESPONDER_STATUS');
    expect(result.serverResults[0]!.reason).toMatch(/tryLater/);
    result = await check(
      leaf,
      new FakeNet().route(OCSP, () => new Response(new Uint8Array([1, 2, 3]))),
    );
    expect(result.status).toBe('unknown');
    expect(errorCode(result.serverResults[0])).toBe('ERR_REVOCATION_MALFORMED');
  });
});

describe('REV-3 invalidityDate (signingAuthority only)', () => {
  const invalidityDate = new Date(Date.now() - 86_400_000 / 2);
  invalidityDate.setUTCMilliseconds(0);
  const entries = (): OcspOptions => ({ ca: root, entries: [{ cert: leaf, revoked: { invalidityDate } }] });

  it('REV-3 [impl]: revoked with an invalidityDate after the signing time → ok for a signingAuthority signature', async () => {
    const net = new FakeNet().ocsp(pki, OCSP, entries);
    const signingTime = new Date(invalidityDate.getTime() - 3_600_000);
    const result = await check(leaf, net, { signingTime, signingAuthority: true });
    expect(result.status).toBe('ok');
    expect(result.serverResults[0]!.reason).toMatch(/invalidity date .* is after the signing time/);
  });

  it('REV-3 [impl]: the same response is revoked without signingAuthority, or when signed after the invalidityDate', async () => {
    const net = new FakeNet().ocsp(pki, OCSP, entries);
    expect((await check(leaf, net, { signingTime: new Date(invalidityDate.getTime() - 3_600_000) })).status).toBe(
      'revoked',
    );
    expect(
      (await check(leaf, net, { signingTime: new Date(invalidityDate.getTime() + 1000), signingAuthority: true }))
        .status,
    ).toBe('revoked');
    expect((await check(leaf, net)).status).toBe('revoked');
  });
});

describe('REV-3 [impl] transport', () => {
  it('GET when the base64 request is < 255 characters, also after URL escaping; POST otherwise', () => {
    expect(ocspHttpRequest('http://o.test', new Uint8Array(189))).toEqual({
      method: 'GET',
      url: `http://o.test/${'A'.repeat(252)}`,
    });
    expect(ocspHttpRequest('http://o.test/x/', new Uint8Array(3))).toEqual({
      method: 'GET',
      url: 'http://o.test/x/AAAA',
    });
    // 192 bytes → 256 base64 characters.
    expect(ocspHttpRequest('http://o.test', new Uint8Array(192)).method).toBe('POST');
    // 189 bytes of 0xFB 0xEF 0xBE → 252 '+' characters → 756 once escaped.
    const plus = new Uint8Array(189).map((_, i) => [0xfb, 0xef, 0xbe][i % 3]!);
    expect(encodeBase64(plus)).toBe('+'.repeat(252));
    expect(ocspHttpRequest('http://o.test', plus)).toEqual({ method: 'POST', url: 'http://o.test' });
  });

  it('a certificate with a huge serial is queried with POST application/ocsp-request', async () => {
    const serial = `7F${'AB'.repeat(150)}`;
    const big = pki.issue('big-serial', { issuer: root, serial, extensions: [...EXT.leaf, aia(OCSP)] });
    expect(big.cert.serialNumber).toBe(serial.toLowerCase());
    const net = new FakeNet().ocsp(pki, OCSP, { ca: root, entries: [{ cert: big }] });
    const result = await check(big, net);
    expect(result.status).toBe('ok');
    expect(net.requests).toHaveLength(1);
    expect(net.requests[0]).toMatchObject({
      method: 'POST',
      url: OCSP,
      headers: { 'Content-Type': 'application/ocsp-request' },
    });
    expect(net.requests[0]!.body).toEqual(buildOcspRequest(big.cert, root.cert));
  });

  it('an oversized response (> 20480 bytes) → unknown, with or without Content-Length', async () => {
    const big = new Uint8Array(OCSP_MAX_RESPONSE_BYTES + 1);
    let result = await check(
      leaf,
      new FakeNet().route(OCSP, () => new Response(big)),
    );
    expect(result.status).toBe('unknown');
    expect(errorCode(result.serverResults[0])).toBe('ERR_REVOCATION_TOO_LARGE');
    expect(result.serverResults[0]!.reason).toMatch(/20480-byte limit/);
    let pulled = 0;
    const stream = (): ReadableStream<Uint8Array> =>
      new ReadableStream({
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(4096));
          if (pulled > 1000) controller.close();
        },
      });
    result = await check(
      leaf,
      new FakeNet().route(OCSP, () => new Response(stream())),
    );
    expect(errorCode(result.serverResults[0])).toBe('ERR_REVOCATION_TOO_LARGE');
    expect(pulled).toBeLessThan(10);
  });

  it('a non-200 answer moves on to the next URL', async () => {
    const net = new FakeNet()
      .route(OCSP, () => new Response('busy', { status: 503 }))
      .ocsp(pki, OCSP2, { ca: root, entries: [{ cert: twoUrlLeaf }] });
    const result = await check(twoUrlLeaf, net);
    expect(result.status).toBe('ok');
    expect(result.serverResults.map((r) => [r.url, r.status])).toEqual([
      [OCSP, 'unknown'],
      [OCSP2, 'ok'],
    ]);
    expect(errorCode(result.serverResults[0])).toBe('ERR_REVOCATION_HTTP_STATUS');
    expect(result.serverResults[0]!.reason).toMatch(/status code 503/);
  });

  it('all URLs failing → unknown with one server result per URL (unreachable, https)', async () => {
    const mixed = pki.issue('mixed-urls', {
      issuer: root,
      extensions: [...EXT.leaf, aia('https://ocsp.test/secure', OCSP)],
    });
    const result = await check(mixed, new FakeNet());
    expect(result.status).toBe('unknown');
    expect(result.serverResults.map(errorCode)).toEqual(['ERR_REVOCATION_UNSUPPORTED_URL', 'ERR_REVOCATION_NETWORK']);
  });

  it('a responder that never answers times out per URL and the next URL is tried', async () => {
    const net = new FakeNet()
      .route(OCSP, hangingHandler)
      .ocsp(pki, OCSP2, { ca: root, entries: [{ cert: twoUrlLeaf }] });
    const started = Date.now();
    const result = await check(twoUrlLeaf, net, { ocspTimeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.status).toBe('ok');
    expect(errorCode(result.serverResults[0])).toBe('ERR_REVOCATION_TIMEOUT');
    expect(result.serverResults[0]!.reason).toMatch(/timed out after 300 ms/);
  });

  it('a fetcher that ignores the abort signal still times out → unknown within the timeout', async () => {
    const net = new FakeNet().route(OCSP, () => new Promise<Response>(() => undefined));
    const started = Date.now();
    const result = await check(leaf, net, { ocspTimeoutMs: 200 });
    const elapsed = Date.now() - started;
    expect(result.status).toBe('unknown');
    expect(errorCode(result.serverResults[0])).toBe('ERR_REVOCATION_TIMEOUT');
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(2000);
  });

  it('a body that stalls after the headers also times out', async () => {
    const net = new FakeNet().route(OCSP, () => new Response(new ReadableStream({ start: () => undefined })));
    const result = await check(leaf, net, { ocspTimeoutMs: 200 });
    expect(errorCode(result.serverResults[0])).toBe('ERR_REVOCATION_TIMEOUT');
  });
});

describe('REV-3 request encoding', () => {
  it('the GET path decodes back to the DER request', async () => {
    const net = new FakeNet().ocsp(pki, OCSP, { ca: root, entries: [{ cert: leaf }] });
    await check(leaf, net);
    const path = net.requests[0]!.url.slice(OCSP.length + 1);
    const der = decodeBase64(decodeURIComponent(path));
    expect(asn1js.fromBER(der).offset).toBe(der.length);
    expect(der).toEqual(buildOcspRequest(leaf.cert, root.cert));
  });
});

function execOpenssl(args: string[], input: Uint8Array): Buffer {
  const file = pki.path(`input.${Math.random().toString(36).slice(2)}.der`);
  writeFileSync(file, input);
  return execFileSync(
    'openssl',
    args.map((a) => (a === '@input' ? file : a)),
    { cwd: pki.dir, stdio: ['pipe', 'pipe', 'pipe'] },
  );
}

describe('issue 12: OCSPResponse and ResponseBytes have no room for extra elements (RFC 6960 §4.2.1)', () => {
  /** Re-encodes the response with `change` applied to the children of the element at `path`. */
  function reshape(
    der: Uint8Array,
    path: readonly number[],
    change: (children: Uint8Array[]) => Uint8Array[],
  ): Uint8Array {
    const walk = (el: DerElement, rest: readonly number[]): Uint8Array => {
      const kids = children(der, el);
      const parts =
        rest.length === 0
          ? change(kids.map((k) => whole(der, k)))
          : kids.map((k, i) => (i === rest[0] ? walk(k, rest.slice(1)) : whole(der, k)));
      return element(el.tag, ...parts);
    };
    return walk(readOnly(der), path);
  }

  function mutatedResponder(path: readonly number[], change: (children: Uint8Array[]) => Uint8Array[]): FakeNet {
    return new FakeNet().route(OCSP, ({ url }) => {
      const request = decodeBase64(decodeURIComponent(url.slice(url.lastIndexOf('/') + 1)));
      const response = reshape(pki.ocspResponse(request, { ca: root, entries: [{ cert: leaf }] }), path, change);
      return new Response(own(response), { status: 200, headers: { 'content-type': 'application/ocsp-response' } });
    });
  }

  it('issue 12: REV-3 the response re-assembled unchanged by the test helper is still good (control)', async () => {
    const result = await check(
      leaf,
      mutatedResponder([], (kids) => kids),
    );
    expect(result.status).toBe('ok');
  });

  const cases: Array<[string, readonly number[], (children: Uint8Array[]) => Uint8Array[], RegExp?]> = [
    ['a NULL after responseBytes (der-append-null@root)', [], (kids) => [...kids, NULL]],
    ['a duplicated responseBytes (der-duplicate-child 1@root)', [], (kids) => [...kids, kids[1]!]],
    ['a NULL after ResponseBytes inside [0] (der-append-null@1)', [1], (kids) => [...kids, NULL]],
    ['a NULL after the response OCTET STRING (der-append-null@1.0)', [1, 0], (kids) => [...kids, NULL]],
    ['a duplicated response OCTET STRING (der-duplicate-child 1@1.0)', [1, 0], (kids) => [...kids, kids[1]!]],
    [
      'a responseStatus padded with a zero octet (der-append-zero-octet@0)',
      [],
      ([, ...rest]) => [Uint8Array.of(0x0a, 0x02, 0x00, 0x00), ...rest],
      /non-minimal INTEGER/,
    ],
    [
      'an empty responseStatus (der-empty@0)',
      [],
      ([, ...rest]) => [Uint8Array.of(0x0a, 0x00), ...rest],
      /empty INTEGER/,
    ],
  ];
  for (const [name, path, change, message = /trailing data/] of cases) {
    it(`issue 12: REV-3 ${name} is malformed, not good`, async () => {
      const result = await check(leaf, mutatedResponder(path, change));
      expect(result.status).not.toBe('ok');
      expect(errorCode(result.serverResults[0])).toBe('ERR_REVOCATION_MALFORMED');
      expect((result.serverResults[0]!.error as Error).message).toMatch(message);
    });
  }
});
