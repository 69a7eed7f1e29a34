import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCertificatePath } from '../src/certificate-path.js';
import { type Certificate, NotaryError } from '../src/index.js';
import { EXT, type Issued, OpensslFactory } from './fixtures/openssl-chain.js';

let f: OpensslFactory;
let root: Issued;
let int1: Issued;
let leaf: Issued;
const now = new Date();

beforeAll(() => {
  f = new OpensslFactory();
  [leaf, int1, root] = f.chain('p', { leafExtensions: EXT.tsaLeaf }) as [Issued, Issued, Issued];
});
afterAll(() => f?.dispose());

const subjects = (path: Certificate[]): string[] => path.map((c) => c.subject);

async function expectNoPath(promise: Promise<unknown>, message: RegExp, code = 'ERR_CERT_CHAIN'): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected path building to fail').toBeInstanceOf(NotaryError);
  expect((error as NotaryError).code).toBe(code);
  expect((error as NotaryError).message).toMatch(message);
}

describe('buildCertificatePath (TSA-3, AMB-11)', () => {
  it('TSA-3: builds leaf → intermediate → root', async () => {
    const path = await buildCertificatePath({
      leaf: leaf.cert,
      intermediates: [int1.cert],
      roots: [root.cert],
      at: now,
    });
    expect(subjects(path)).toEqual(subjects([leaf.cert, int1.cert, root.cert]));
    expect(path[2]).toBe(root.cert);
  });

  it('TSA-3: ignores unrelated and duplicate intermediates, whatever their order', async () => {
    const other = f.chain('p-other');
    const path = await buildCertificatePath({
      leaf: leaf.cert,
      intermediates: [other[1]!.cert, root.cert, int1.cert, other[0]!.cert, int1.cert],
      roots: [other[2]!.cert, root.cert],
      at: now,
    });
    expect(subjects(path)).toEqual(subjects([leaf.cert, int1.cert, root.cert]));
  });

  it('TSA-3: a root may be the direct issuer of the leaf', async () => {
    const direct = f.cert('p-direct-leaf', { issuer: root, extensions: EXT.tsaLeaf });
    const path = await buildCertificatePath({ leaf: direct.cert, intermediates: [], roots: [root.cert], at: now });
    expect(path).toEqual([direct.cert, root.cert]);
  });

  it('AMB-11: a leaf byte-equal to a root is a path of one', async () => {
    const path = await buildCertificatePath({ leaf: root.cert, intermediates: [], roots: [root.cert], at: now });
    expect(path).toEqual([root.cert]);
  });

  it('AMB-11: the path must end at one of the given roots', async () => {
    await expectNoPath(
      buildCertificatePath({ leaf: leaf.cert, intermediates: [int1.cert, root.cert], roots: [], at: now }),
      /no path to a trusted root/,
    );
    const otherRoot = f.cert('p-unrelated-root', { extensions: EXT.root });
    await expectNoPath(
      buildCertificatePath({ leaf: leaf.cert, intermediates: [int1.cert], roots: [otherRoot.cert], at: now }),
      /no path to a trusted root/,
    );
  });

  it('TSA-3: a root with the right name but another key is not an issuer', async () => {
    const fakeRoot = f.cert('p-root', { extensions: EXT.root });
    expect(fakeRoot.cert.subject).toBe(root.cert.subject);
    await expectNoPath(
      buildCertificatePath({ leaf: leaf.cert, intermediates: [int1.cert], roots: [fakeRoot.cert], at: now }),
      /is not signed by .*ECDSA verification failure/,
    );
  });

  it('TSA-3: every certificate must be valid at the given time (genTime)', async () => {
    const oldRoot = f.cert('p-old-root', {
      extensions: EXT.root,
      notBefore: '20200101000000Z',
      notAfter: '20250101000000Z',
    });
    const oldLeaf = f.cert('p-old-leaf', {
      issuer: oldRoot,
      extensions: EXT.tsaLeaf,
      notBefore: '20200101000000Z',
      notAfter: '20240101000000Z',
    });
    const inside = new Date('2023-06-01T00:00:00Z');
    expect(
      await buildCertificatePath({ leaf: oldLeaf.cert, intermediates: [], roots: [oldRoot.cert], at: inside }),
    ).toHaveLength(2);
    await expectNoPath(
      buildCertificatePath({
        leaf: oldLeaf.cert,
        intermediates: [],
        roots: [oldRoot.cert],
        at: new Date('2024-06-01T00:00:00Z'),
      }),
      /is not valid at/,
    );
    await expectNoPath(
      buildCertificatePath({
        leaf: oldLeaf.cert,
        intermediates: [],
        roots: [oldRoot.cert],
        at: new Date('2019-06-01T00:00:00Z'),
      }),
      /is not valid at/,
    );
    // Bounds are inclusive.
    expect(
      await buildCertificatePath({
        leaf: oldLeaf.cert,
        intermediates: [],
        roots: [oldRoot.cert],
        at: new Date('2024-01-01T00:00:00Z'),
      }),
    ).toHaveLength(2);
  });

  it('TSA-3: backtracks past an expired or impostor intermediate to a good one', async () => {
    const expired = f.cert('p-int1', {
      keyOf: int1,
      issuer: root,
      extensions: EXT.intermediate,
      notBefore: '20200101000000Z',
      notAfter: '20210101000000Z',
    });
    const impostor = f.cert('p-int1', { issuer: root, extensions: EXT.intermediate });
    expect(expired.cert.subject).toBe(int1.cert.subject);
    const path = await buildCertificatePath({
      leaf: leaf.cert,
      intermediates: [expired.cert, impostor.cert, int1.cert],
      roots: [root.cert],
      at: now,
    });
    expect(path[1]).toBe(int1.cert);
  });

  it('TSA-3: an intermediate that is not a CA cannot be on the path', async () => {
    const notCa = f.cert('p-not-ca', {
      issuer: root,
      extensions: ['basicConstraints=CA:FALSE', 'keyUsage=critical,keyCertSign'],
    });
    const under = f.cert('p-under-not-ca', { issuer: notCa, extensions: EXT.tsaLeaf });
    await expectNoPath(
      buildCertificatePath({ leaf: under.cert, intermediates: [notCa.cert], roots: [root.cert], at: now }),
      /is not a CA certificate/,
    );
    const noKeyCertSign = f.cert('p-no-certsign', {
      issuer: root,
      extensions: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature'],
    });
    const under2 = f.cert('p-under-no-certsign', { issuer: noKeyCertSign, extensions: EXT.tsaLeaf });
    await expectNoPath(
      buildCertificatePath({ leaf: under2.cert, intermediates: [noKeyCertSign.cert], roots: [root.cert], at: now }),
      /parent certificate cannot sign/,
    );
  });

  it('TSA-3: pathLenConstraint is honoured', async () => {
    const tightRoot = f.cert('p-root-pathlen0', {
      extensions: ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign'],
    });
    const mid = f.cert('p-mid', { issuer: tightRoot, extensions: EXT.intermediate });
    const deep = f.cert('p-deep-leaf', { issuer: mid, extensions: EXT.tsaLeaf });
    await expectNoPath(
      buildCertificatePath({ leaf: deep.cert, intermediates: [mid.cert], roots: [tightRoot.cert], at: now }),
      /allows 0 intermediate/,
    );
    const shallow = f.cert('p-shallow-leaf', { issuer: tightRoot, extensions: EXT.tsaLeaf });
    expect(
      await buildCertificatePath({ leaf: shallow.cert, intermediates: [], roots: [tightRoot.cert], at: now }),
    ).toHaveLength(2);
  });

  it('TSA-3: terminates on cross-signed loops', async () => {
    const b0 = f.cert('p-loop-b', { extensions: EXT.root });
    const a = f.cert('p-loop-a', { issuer: b0, extensions: EXT.intermediate });
    const b1 = f.cert('p-loop-b', { keyOf: b0, issuer: a, extensions: EXT.intermediate });
    const loopLeaf = f.cert('p-loop-leaf', { issuer: a, extensions: EXT.tsaLeaf });
    await expectNoPath(
      buildCertificatePath({
        leaf: loopLeaf.cert,
        intermediates: [a.cert, b1.cert, b0.cert],
        roots: [root.cert],
        at: now,
      }),
      /no path to a trusted root/,
    );
    // With b0 trusted, the same pool yields the short path.
    const path = await buildCertificatePath({
      leaf: loopLeaf.cert,
      intermediates: [a.cert, b1.cert],
      roots: [b0.cert],
      at: now,
    });
    expect(path).toEqual([loopLeaf.cert, a.cert, b0.cert]);
  });

  it('TSA-3: gives up on paths longer than the depth limit', async () => {
    const deepRoot = f.cert('p-deep-root', { extensions: EXT.root });
    const intermediates: Issued[] = [];
    let issuer = deepRoot;
    for (let i = 0; i < 11; i++) {
      issuer = f.cert(`p-deep-${i}`, { issuer, extensions: EXT.intermediate });
      intermediates.push(issuer);
    }
    const deepLeaf = f.cert('p-deeper-leaf', { issuer, extensions: EXT.tsaLeaf });
    await expectNoPath(
      buildCertificatePath({
        leaf: deepLeaf.cert,
        intermediates: intermediates.map((i) => i.cert),
        roots: [deepRoot.cert],
        at: now,
      }),
      /path longer than 10 certificates/,
    );
    // Eight intermediates fit (leaf + 8 + root = 10).
    const shortLeaf = f.cert('p-short-leaf', { issuer: intermediates[7]!, extensions: EXT.tsaLeaf });
    const path = await buildCertificatePath({
      leaf: shortLeaf.cert,
      intermediates: intermediates.map((i) => i.cert),
      roots: [deepRoot.cert],
      at: now,
    });
    expect(path).toHaveLength(10);
  });

  it('CERT-9: a SHA-1 signature on the path is reported as weak', async () => {
    const rsaRoot = f.cert('p-rsa-root', { key: 'rsa2048', extensions: EXT.root });
    const sha1Leaf = f.cert('p-sha1-leaf', { issuer: rsaRoot, extensions: EXT.tsaLeaf, digest: 'sha1' });
    await expectNoPath(
      buildCertificatePath({ leaf: sha1Leaf.cert, intermediates: [], roots: [rsaRoot.cert], at: now }),
      /SHA-1/,
      'ERR_CERT_WEAK_SIGNATURE',
    );
  });
});
