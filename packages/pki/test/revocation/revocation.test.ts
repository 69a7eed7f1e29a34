import { selfSignedSigner } from '@x/notary-test-servers/certificates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Certificate, CertificateRuleError } from '../../src/index.js';
import { checkRevocation, RevocationError } from '../../src/revocation/index.js';
import { aia, cdp, EXT, FakeNet, type Issued, RevocationPki } from './fixtures.js';

const ROOT_OCSP = 'http://ocsp.test/root';
const ROOT_CRL = 'http://crl.test/root.crl';
const INT_OCSP = 'http://ocsp.test/int';
const INT_CRL = 'http://crl.test/int.crl';
const SELF_CRL = 'http://crl.test/self.crl';

let pki: RevocationPki;
let root: Issued;
let intermediate: Issued;
let leaf: Issued;
let bare: Issued;
let crlOnly: Issued;
let tsaRoot: Issued;
let tsaLeaf: Issued;

beforeAll(() => {
  pki = new RevocationPki();
  // The root names a CRL of its own: it must still never be fetched (REV-2 [impl]).
  root = pki.issue('root', { extensions: [...EXT.root, cdp(SELF_CRL)] });
  intermediate = pki.issue('int', { issuer: root, extensions: [...EXT.intermediate, aia(ROOT_OCSP), cdp(ROOT_CRL)] });
  leaf = pki.issue('leaf', { issuer: intermediate, extensions: [...EXT.leaf, aia(INT_OCSP), cdp(INT_CRL)] });
  bare = pki.issue('bare', { issuer: intermediate, extensions: EXT.leaf });
  crlOnly = pki.issue('crl-only', { issuer: intermediate, extensions: [...EXT.leaf, cdp(INT_CRL)] });
  tsaRoot = pki.issue('tsa-root', { extensions: EXT.root });
  tsaLeaf = pki.issue('tsa', { issuer: tsaRoot, extensions: [...EXT.tsaLeaf, aia('http://ocsp.test/tsa')] });
});
afterAll(() => pki.dispose());

const code = (e: unknown): string | undefined => (e instanceof RevocationError ? e.code : undefined);

describe('REV-2 chain walk', () => {
  it('REV-2 [impl]: every certificate but the root is checked against its issuer; results in chain order', async () => {
    const net = new FakeNet()
      .ocsp(pki, INT_OCSP, { ca: intermediate, entries: [{ cert: leaf }] })
      .ocsp(pki, ROOT_OCSP, { ca: root, entries: [{ cert: intermediate }] });
    const chain = [leaf.cert, intermediate.cert, root.cert];
    const results = await checkRevocation(chain, { purpose: 'codeSigning', fetcher: net.fetcher });
    expect(results).toHaveLength(2);
    expect(results[0]!.certificate).toBe(leaf.cert);
    expect(results[1]!.certificate).toBe(intermediate.cert);
    expect(results.map((r) => [r.status, r.method])).toEqual([
      ['ok', 'ocsp'],
      ['ok', 'ocsp'],
    ]);
    expect(net.count(SELF_CRL)).toBe(0);
    expect(net.count(INT_CRL) + net.count(ROOT_CRL)).toBe(0);
  });

  it('REV-2 [impl]: a single self-signed certificate is the root: nothing is checked', async () => {
    const { certificate } = await selfSignedSigner(Certificate.fromDer, { name: 'self', keySpec: 'EC-256' });
    expect(await checkRevocation([certificate], { purpose: 'codeSigning', fetcher: new FakeNet().fetcher })).toEqual(
      [],
    );
  });

  it('REV-2: a certificate with neither OCSP nor CDP → nonRevokable (method none)', async () => {
    const net = new FakeNet().ocsp(pki, ROOT_OCSP, { ca: root, entries: [{ cert: intermediate }] });
    const [result] = await checkRevocation([bare.cert, intermediate.cert, root.cert], {
      purpose: 'codeSigning',
      fetcher: net.fetcher,
    });
    expect(result).toMatchObject({
      status: 'nonRevokable',
      method: 'none',
      serverResults: [{ url: '', status: 'nonRevokable' }],
    });
    expect(result!.serverResults[0]!.reason).toMatch(/neither an OCSP responder nor a CRL distribution point/);
  });

  it('REV-2: only CDPs → CRL', async () => {
    const net = new FakeNet()
      .serve(INT_CRL, pki.crl(intermediate, []))
      .ocsp(pki, ROOT_OCSP, { ca: root, entries: [{ cert: intermediate }] });
    const [result] = await checkRevocation([crlOnly.cert, intermediate.cert, root.cert], {
      purpose: 'codeSigning',
      fetcher: net.fetcher,
    });
    expect(result).toMatchObject({ status: 'ok', method: 'crl' });
  });

  it('REV-2: OCSP undecided (responder down) → CRL decides, method ocspFallbackCrl, both server results kept', async () => {
    const net = new FakeNet()
      .route(INT_OCSP, () => new Response('', { status: 500 }))
      .serve(INT_CRL, pki.crl(intermediate, []))
      .ocsp(pki, ROOT_OCSP, { ca: root, entries: [{ cert: intermediate }] });
    const [result] = await checkRevocation([leaf.cert, intermediate.cert, root.cert], {
      purpose: 'codeSigning',
      fetcher: net.fetcher,
    });
    expect(result!.status).toBe('ok');
    expect(result!.method).toBe('ocspFallbackCrl');
    expect(result!.serverResults.map((r) => [r.method, r.url, r.status])).toEqual([
      ['ocsp', INT_OCSP, 'unknown'],
      ['crl', INT_CRL, 'ok'],
    ]);
  });

  it('REV-2: OCSP status unknown → CRL; the CRL listing the certificate makes it revoked', async () => {
    const net = new FakeNet()
      .ocsp(pki, INT_OCSP, { ca: intermediate, entries: [] })
      .serve(INT_CRL, pki.crl(intermediate, [{ cert: leaf, revoked: { reason: 'keyCompromise' } }]))
      .ocsp(pki, ROOT_OCSP, { ca: root, entries: [{ cert: intermediate }] });
    const [result] = await checkRevocation([leaf.cert, intermediate.cert, root.cert], {
      purpose: 'codeSigning',
      fetcher: net.fetcher,
    });
    expect(result).toMatchObject({ status: 'revoked', method: 'ocspFallbackCrl' });
  });

  it('REV-2: OCSP decisive (good or revoked) → the CRL is not fetched', async () => {
    const net = new FakeNet()
      .ocsp(pki, INT_OCSP, { ca: intermediate, entries: [{ cert: leaf, revoked: {} }] })
      .serve(INT_CRL, pki.crl(intermediate, []))
      .ocsp(pki, ROOT_OCSP, { ca: root, entries: [{ cert: intermediate }] });
    const results = await checkRevocation([leaf.cert, intermediate.cert, root.cert], {
      purpose: 'codeSigning',
      fetcher: net.fetcher,
    });
    expect(results.map((r) => [r.status, r.method])).toEqual([
      ['revoked', 'ocsp'],
      ['ok', 'ocsp'],
    ]);
    expect(net.count(INT_CRL)).toBe(0);
  });

  it('REV-2: OCSP and CRL both failing → unknown; a revoked intermediate is reported on its own result', async () => {
    const net = new FakeNet().ocsp(pki, ROOT_OCSP, { ca: root, entries: [{ cert: intermediate, revoked: {} }] });
    const results = await checkRevocation([leaf.cert, intermediate.cert, root.cert], {
      purpose: 'codeSigning',
      fetcher: net.fetcher,
    });
    expect(results.map((r) => r.status)).toEqual(['unknown', 'revoked']);
    expect(results[0]!.method).toBe('ocspFallbackCrl');
    for (const server of results[0]!.serverResults) {
      expect(server.reason).toBeTruthy();
      expect(code(server.error)).toBe('ERR_REVOCATION_NETWORK');
    }
  });

  it('REV-2 [impl]: the chain is validated first; an invalid chain throws', async () => {
    const net = new FakeNet();
    // Out of order.
    await expect(
      checkRevocation([intermediate.cert, leaf.cert, root.cert], { purpose: 'codeSigning', fetcher: net.fetcher }),
    ).rejects.toBeInstanceOf(CertificateRuleError);
    // Not ending in a root.
    await expect(
      checkRevocation([leaf.cert, intermediate.cert], { purpose: 'codeSigning', fetcher: net.fetcher }),
    ).rejects.toBeInstanceOf(CertificateRuleError);
    await expect(checkRevocation([], { purpose: 'codeSigning', fetcher: net.fetcher })).rejects.toThrow();
    expect(net.requests).toEqual([]);
  });

  it('programmer errors throw: bad purpose, bad timeouts, invalid dates', async () => {
    const chain = [leaf.cert, intermediate.cert, root.cert];
    await expect(checkRevocation(chain, { purpose: 'signing' as never })).rejects.toBeInstanceOf(TypeError);
    await expect(checkRevocation(chain, { purpose: 'codeSigning', ocspTimeoutMs: 0 })).rejects.toBeInstanceOf(
      RangeError,
    );
    await expect(checkRevocation(chain, { purpose: 'codeSigning', crlTimeoutMs: Number.NaN })).rejects.toBeInstanceOf(
      RangeError,
    );
    await expect(checkRevocation(chain, { purpose: 'codeSigning', now: new Date('x') })).rejects.toBeInstanceOf(
      RangeError,
    );
  });
});

describe('REV-6 timestamping purpose', () => {
  it('REV-6: purpose timestamping validates the TSA chain with the TSA rules, then checks it', async () => {
    const net = new FakeNet().ocsp(pki, 'http://ocsp.test/tsa', {
      ca: tsaRoot,
      entries: [{ cert: tsaLeaf, revoked: {} }],
    });
    const [result] = await checkRevocation([tsaLeaf.cert, tsaRoot.cert], {
      purpose: 'timestamping',
      fetcher: net.fetcher,
    });
    expect(result).toMatchObject({ status: 'revoked', method: 'ocsp' });
  });

  it('REV-6: a TSA chain is refused under codeSigning rules, and a code-signing chain under timestamping rules', async () => {
    const fetcher = new FakeNet().fetcher;
    await expect(
      checkRevocation([tsaLeaf.cert, tsaRoot.cert], { purpose: 'codeSigning', fetcher }),
    ).rejects.toMatchObject({ code: 'ERR_CERT_EKU' });
    await expect(
      checkRevocation([leaf.cert, intermediate.cert, root.cert], { purpose: 'timestamping', fetcher }),
    ).rejects.toMatchObject({ code: 'ERR_CERT_EKU' });
  });
});

describe('REV-1 results never throw for network conditions', () => {
  it('a fetcher that throws synchronously is an unknown result, not an exception', async () => {
    const results = await checkRevocation([leaf.cert, intermediate.cert, root.cert], {
      purpose: 'codeSigning',
      fetcher: () => {
        throw new Error('boom');
      },
    });
    expect(results.map((r) => r.status)).toEqual(['unknown', 'unknown']);
    expect(results[0]!.serverResults[0]!.reason).toMatch(/boom/);
  });
});
