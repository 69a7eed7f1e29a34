import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkValidityOverRange, validateTimestampingChain } from '../src/certificate-rules.js';
import { UnsupportedKeyError } from '../src/errors.js';
import { goQuote } from '../src/go-quote.js';
import {
  algorithmSuiteOf,
  type Certificate,
  checkValidityAt,
  isRootCertificate,
  isSignedBy,
  type KeySpec,
  keySpecOf,
  NotaryError,
  validateCodeSigningChain,
} from '../src/index.js';
import { certs, EXT, type Issued, type KeyType, OpensslFactory } from './fixtures/openssl-chain.js';

/** Awaits a rejection and checks its code (and message, when given). */
async function expectFailure(promise: Promise<unknown>, code: string, message?: string | RegExp): Promise<NotaryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a ${code} failure, but the call succeeded`).toBeInstanceOf(NotaryError);
  const notaryError = error as NotaryError;
  expect(notaryError.code, notaryError.message).toBe(code);
  if (typeof message === 'string') expect(notaryError.message).toBe(message);
  else if (message) expect(notaryError.message).toMatch(message);
  return notaryError;
}

function expectThrow(fn: () => void, code: string, message?: string | RegExp): NotaryError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a ${code} failure`).toBeInstanceOf(NotaryError);
  const notaryError = caught as NotaryError;
  expect(notaryError.code, notaryError.message).toBe(code);
  if (typeof message === 'string') expect(notaryError.message).toBe(message);
  else if (message) expect(notaryError.message).toMatch(message);
  return notaryError;
}

const q = (c: Issued | Certificate): string => goQuote('cert' in c ? c.cert.subject : c.subject);

let f: OpensslFactory;
/** A good code-signing chain with EC CAs: leaf, int1, root. */
let good: Issued[];
let root: Issued;
let int1: Issued;

/** Issues a leaf under the shared intermediate with the given extensions. */
function leafUnderInt(name: string, extensions: readonly string[], key: KeyType = 'ec256'): Issued {
  return f.cert(name, { key, issuer: int1, extensions });
}

beforeAll(() => {
  f = new OpensslFactory();
  good = f.chain('good');
  [, int1, root] = good as [Issued, Issued, Issued];
});

afterAll(() => f?.dispose());

describe('shared chain rules', () => {
  it('accepts a good three-certificate code-signing chain', async () => {
    await expect(validateCodeSigningChain(certs(...good))).resolves.toBeUndefined();
  });

  it('CERT-7: rejects an empty chain', async () => {
    await expectFailure(
      validateCodeSigningChain([]),
      'ERR_CERT_CHAIN',
      'certificate chain must contain at least one certificate',
    );
    await expectFailure(
      validateTimestampingChain([]),
      'ERR_CERT_CHAIN',
      'certificate chain must contain at least one certificate',
    );
  });
});

describe('ALG-1 / ALG-2 / CERT-6 / AMB-12: key specs', () => {
  const cases: [KeyType, KeySpec, string][] = [
    ['rsa2048', 'RSA-2048', 'RSASSA-PSS-SHA-256'],
    ['rsa3072', 'RSA-3072', 'RSASSA-PSS-SHA-384'],
    ['rsa4096', 'RSA-4096', 'RSASSA-PSS-SHA-512'],
    ['ec256', 'EC-256', 'ECDSA-SHA-256'],
    ['ec384', 'EC-384', 'ECDSA-SHA-384'],
    ['ec521', 'EC-521', 'ECDSA-SHA-512'],
  ];
  it.each(cases)('ALG-2: a %s leaf is accepted and maps to %s / %s', async (key, spec, algorithm) => {
    const leaf = leafUnderInt(`spec-${key}`, EXT.leaf, key);
    await validateCodeSigningChain([leaf.cert, int1.cert, root.cert]);
    expect(keySpecOf(leaf.cert.publicKey)).toBe(spec);
    expect(algorithmSuiteOf(keySpecOf(leaf.cert.publicKey)).signatureAlgorithm).toBe(algorithm);
  });

  it.each(['ec256', 'ec384', 'ec521'] as const)(
    'ALG-1: verifies an all-%s chain (ECDSA certificate signatures)',
    async (key) => {
      const chain = f.chain(`all-${key}`, { key });
      await validateCodeSigningChain(certs(...chain));
      expect(await isSignedBy(chain[0]!.cert, chain[1]!.cert)).toBe(true);
      expect(await isSignedBy(chain[0]!.cert, chain[2]!.cert)).toBe(false);
    },
  );

  it.each(['sha256', 'sha384', 'sha512'] as const)(
    'ALG-1: verifies RSASSA-PSS certificate signatures with %s',
    async (digest) => {
      const pssRoot = f.cert(`pss-root-${digest}`, { key: 'rsa2048', extensions: EXT.root, digest, pss: {} });
      const pssLeaf = f.cert(`pss-leaf-${digest}`, {
        key: 'ec256',
        issuer: pssRoot,
        extensions: EXT.leaf,
        digest,
        pss: {},
      });
      expect(pssLeaf.cert.signatureAlgorithm).toBe('1.2.840.113549.1.1.10');
      await validateCodeSigningChain([pssLeaf.cert, pssRoot.cert]);
      expect(await isSignedBy(pssLeaf.cert, pssRoot.cert)).toBe(true);
    },
  );

  it('issue 12 finding 3: an RSA-PSS certificate signature with a salt shorter than the hash is an unknown algorithm, as in Go', async () => {
    // Go's getSignatureAlgorithmFromAI accepts PSS only with salt length == hash length,
    // MGF1 over the same hash and trailer 1; anything else cannot be verified.
    const pssRoot = f.cert('pss-root-salt', { key: 'rsa2048', extensions: EXT.root, pss: { saltLength: 20 } });
    const leaf = f.cert('pss-leaf-salt', { issuer: pssRoot, extensions: EXT.leaf, pss: { saltLength: 20 } }).cert;
    await expect(validateCodeSigningChain([leaf, pssRoot.cert])).rejects.toMatchObject({
      code: 'ERR_CERT_CHAIN',
      message: /unsupported signature algorithm 1\.2\.840\.113549\.1\.1\.10/,
    });
  });

  it.each([
    ['rsa1024', /rsa key size 1024 bits is not supported/i],
    ['rsa1536', /rsa key size 1536 bits is not supported/i],
    ['ec224', /EC curve 1\.3\.132\.0\.33 is not supported/],
    ['ed25519', /1\.3\.101\.112 is not supported/],
  ] as const)('AMB-12 / CERT-6: rejects a %s leaf as ERR_CERT_UNSUPPORTED_KEY', async (key, message) => {
    const leaf = leafUnderInt(`weak-${key}`, EXT.leaf, key);
    const error = await expectFailure(
      validateCodeSigningChain([leaf.cert, int1.cert, root.cert]),
      'ERR_CERT_UNSUPPORTED_KEY',
      message,
    );
    expect(error).toBeInstanceOf(UnsupportedKeyError);
    expect(error.message.startsWith(`certificate with subject ${q(leaf)}: `)).toBe(true);
  });

  it('CERT-6: the exact key spec applies to TSA leaves too', async () => {
    const leaf = leafUnderInt('tsa-rsa1024', EXT.tsaLeaf, 'rsa1024');
    await expectFailure(validateTimestampingChain([leaf.cert, int1.cert, root.cert]), 'ERR_CERT_UNSUPPORTED_KEY');
  });

  it('CERT-6: only the leaf key is restricted, not CA keys (an RSA-1536 intermediate is fine)', async () => {
    const weakInt = f.cert('int-rsa1536', { key: 'rsa1536', issuer: root, extensions: EXT.intermediate });
    const leaf = f.cert('leaf-under-1536', { issuer: weakInt, extensions: EXT.leaf });
    await validateCodeSigningChain([leaf.cert, weakInt.cert, root.cert]);
  });
});

describe('CERT-1: CA certificates', () => {
  it('CERT-1: a v3 intermediate without basicConstraints cannot sign (ERR_CERT_CHAIN, Go CheckSignatureFrom)', async () => {
    const noBc = f.cert('int-no-bc', { issuer: root, extensions: ['keyUsage=critical,keyCertSign'] });
    const leaf = f.cert('leaf-under-no-bc', { issuer: noBc, extensions: EXT.leaf });
    await expectFailure(
      validateCodeSigningChain([leaf.cert, noBc.cert, root.cert]),
      'ERR_CERT_CHAIN',
      `invalid certificates or certificate with subject ${q(leaf)} is not issued by ${q(noBc)}. Error: x509: invalid signature: parent certificate cannot sign this kind of certificate`,
    );
  });

  it('CERT-1: an intermediate with cA=false cannot sign', async () => {
    const notCa = f.cert('int-ca-false', {
      issuer: root,
      extensions: ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,keyCertSign'],
    });
    const leaf = f.cert('leaf-under-ca-false', { issuer: notCa, extensions: EXT.leaf });
    await expectFailure(
      validateCodeSigningChain([leaf.cert, notCa.cert, root.cert]),
      'ERR_CERT_CHAIN',
      /parent certificate cannot sign/,
    );
  });

  it('CERT-1: a v1 root (no basicConstraints) fails the CA basicConstraints rule', async () => {
    const v1Root = f.cert('root-v1', { extensions: [] });
    expect(v1Root.cert.version).toBe(0);
    const leaf = f.cert('leaf-under-v1', { issuer: v1Root, extensions: EXT.leaf });
    await expectFailure(
      validateCodeSigningChain([leaf.cert, v1Root.cert]),
      'ERR_CERT_BASIC_CONSTRAINTS',
      `certificate with subject ${q(v1Root)}: ca field in basic constraints must be present, critical, and set to true`,
    );
  });

  it('CERT-1: basicConstraints criticality is not checked ([impl])', async () => {
    const softInt = f.cert('int-bc-noncritical', {
      issuer: root,
      extensions: ['basicConstraints=CA:TRUE', 'keyUsage=critical,keyCertSign'],
    });
    await validateCodeSigningChain([
      f.cert('leaf-under-soft', { issuer: softInt, extensions: EXT.leaf }).cert,
      softInt.cert,
      root.cert,
    ]);
  });

  it('CERT-1: pathLen 0 on an intermediate with another intermediate below it fails', async () => {
    const intA = f.cert('int-pathlen0', {
      issuer: root,
      extensions: ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign'],
    });
    const intB = f.cert('int-below-pathlen0', { issuer: intA, extensions: EXT.intermediate });
    const leaf = f.cert('leaf-pathlen', { issuer: intB, extensions: EXT.leaf });
    await expectFailure(
      validateCodeSigningChain([leaf.cert, intB.cert, intA.cert, root.cert]),
      'ERR_CERT_PATH_LEN',
      `certificate with subject ${q(intA)}: expected path length of 1 but certificate has path length 0 instead`,
    );
    // pathLen 0 directly above the leaf is fine, and so is pathLen 1 with one CA below.
    await validateCodeSigningChain([
      f.cert('leaf-pathlen-ok', { issuer: intA, extensions: EXT.leaf }).cert,
      intA.cert,
      root.cert,
    ]);
  });

  it('CERT-1: pathLen on the root counts every CA below it', async () => {
    const tightRoot = f.cert('root-pathlen1', {
      extensions: ['basicConstraints=critical,CA:TRUE,pathlen:1', 'keyUsage=critical,keyCertSign'],
    });
    const a = f.cert('pl-a', { issuer: tightRoot, extensions: EXT.intermediate });
    const b = f.cert('pl-b', { issuer: a, extensions: EXT.intermediate });
    const leafB = f.cert('pl-leaf-b', { issuer: b, extensions: EXT.leaf });
    await expectFailure(
      validateCodeSigningChain([leafB.cert, b.cert, a.cert, tightRoot.cert]),
      'ERR_CERT_PATH_LEN',
      /expected path length of 2 but certificate has path length 1/,
    );
    await validateCodeSigningChain([
      f.cert('pl-leaf-a', { issuer: a, extensions: EXT.leaf }).cert,
      a.cert,
      tightRoot.cert,
    ]);
  });

  it('CERT-1: a CA without keyUsage fails', async () => {
    const noKu = f.cert('int-no-ku', { issuer: root, extensions: ['basicConstraints=critical,CA:TRUE'] });
    const leaf = f.cert('leaf-under-no-ku', { issuer: noKu, extensions: EXT.leaf });
    const chain = [leaf.cert, noKu.cert, root.cert];
    await expectFailure(
      validateCodeSigningChain(chain),
      'ERR_CERT_KEY_USAGE',
      `certificate with subject ${q(noKu)}: key usage extension must be present`,
    );
    // Timestamping CAs need keyUsage too.
    const tsaLeaf = f.cert('tsa-leaf-under-no-ku', { issuer: noKu, extensions: EXT.tsaLeaf });
    await expectFailure(
      validateTimestampingChain([tsaLeaf.cert, noKu.cert, root.cert]),
      'ERR_CERT_KEY_USAGE',
      /key usage extension must be present/,
    );
  });

  it('CERT-1: a code-signing CA keyUsage must be critical; a TSA CA keyUsage need not be', async () => {
    const softKu = f.cert('int-ku-noncritical', {
      issuer: root,
      extensions: ['basicConstraints=critical,CA:TRUE', 'keyUsage=keyCertSign'],
    });
    const leaf = f.cert('leaf-under-soft-ku', { issuer: softKu, extensions: EXT.leaf });
    await expectFailure(
      validateCodeSigningChain([leaf.cert, softKu.cert, root.cert]),
      'ERR_CERT_KEY_USAGE',
      `certificate with subject ${q(softKu)}: key usage extension must be marked critical`,
    );
    const tsaLeaf = f.cert('tsa-leaf-under-soft-ku', { issuer: softKu, extensions: EXT.tsaLeaf });
    await validateTimestampingChain([tsaLeaf.cert, softKu.cert, root.cert]);
  });

  it('CERT-1: a CA whose keyUsage lacks keyCertSign cannot sign (ERR_CERT_CHAIN)', async () => {
    const noCertSign = f.cert('int-no-certsign', {
      issuer: root,
      extensions: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,cRLSign,digitalSignature'],
    });
    const leaf = f.cert('leaf-under-no-certsign', { issuer: noCertSign, extensions: EXT.leaf });
    await expectFailure(
      validateCodeSigningChain([leaf.cert, noCertSign.cert, root.cert]),
      'ERR_CERT_CHAIN',
      /parent certificate cannot sign/,
    );
  });

  it('CERT-1: a CA with an empty keyUsage bit string fails the keyCertSign rule', async () => {
    const emptyKu = f.cert('int-empty-ku', {
      issuer: root,
      extensions: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,DER:03:01:00'],
    });
    expect(emptyKu.cert.keyUsage?.usages.size).toBe(0);
    const leaf = f.cert('leaf-under-empty-ku', { issuer: emptyKu, extensions: EXT.leaf });
    await expectFailure(
      validateCodeSigningChain([leaf.cert, emptyKu.cert, root.cert]),
      'ERR_CERT_KEY_USAGE',
      `certificate with subject ${q(emptyKu)}: key usage must have the bit positions for key cert sign set`,
    );
  });

  it('CERT-1: a root whose keyUsage lacks keyCertSign cannot sign (the first link below it fails, as in notation)', async () => {
    const badRoot = f.cert('root-no-certsign', {
      extensions: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature'],
    });
    const leaf = f.cert('leaf-under-bad-root', { issuer: badRoot, extensions: EXT.leaf });
    await expectFailure(
      validateCodeSigningChain([leaf.cert, badRoot.cert]),
      'ERR_CERT_CHAIN',
      `invalid certificates or certificate with subject ${q(leaf)} is not issued by ${q(badRoot)}. Error: x509: invalid signature: parent certificate cannot sign this kind of certificate`,
    );
    await expectFailure(isRootCertificate(badRoot.cert), 'ERR_CERT_CHAIN', /parent certificate cannot sign/);
  });
});

describe('CERT-2 / CERT-3: leaf basicConstraints and keyUsage', () => {
  it('CERT-2: rejects a leaf with cA=true', async () => {
    const leaf = leafUnderInt('leaf-ca-true', [
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,digitalSignature',
    ]);
    await expectFailure(
      validateCodeSigningChain([leaf.cert, int1.cert, root.cert]),
      'ERR_CERT_BASIC_CONSTRAINTS',
      `certificate with subject ${q(leaf)}: if the basic constraints extension is present, the ca field must be set to false`,
    );
    await expectFailure(
      validateTimestampingChain([
        leafUnderInt('tsa-leaf-ca-true', [
          'basicConstraints=CA:TRUE',
          'keyUsage=critical,digitalSignature',
          'extendedKeyUsage=critical,timeStamping',
        ]).cert,
        int1.cert,
        root.cert,
      ]),
      'ERR_CERT_BASIC_CONSTRAINTS',
    );
  });

  it('CERT-2: a leaf without basicConstraints is accepted', async () => {
    const leaf = leafUnderInt('leaf-no-bc', ['keyUsage=critical,digitalSignature']);
    await validateCodeSigningChain([leaf.cert, int1.cert, root.cert]);
  });

  it('CERT-3: rejects a leaf without keyUsage', async () => {
    const leaf = leafUnderInt('leaf-no-ku', ['basicConstraints=CA:FALSE']);
    await expectFailure(
      validateCodeSigningChain([leaf.cert, int1.cert, root.cert]),
      'ERR_CERT_KEY_USAGE',
      `certificate with subject ${q(leaf)}: key usage extension must be present`,
    );
    const tsaLeaf = leafUnderInt('tsa-leaf-no-ku', ['extendedKeyUsage=critical,timeStamping']);
    await expectFailure(
      validateTimestampingChain([tsaLeaf.cert, int1.cert, root.cert]),
      'ERR_CERT_KEY_USAGE',
      /key usage extension must be present/,
    );
  });

  it('CERT-3: rejects a code-signing leaf whose keyUsage is not critical; accepts it for TSA ([impl])', async () => {
    const leaf = leafUnderInt('leaf-ku-noncritical', ['keyUsage=digitalSignature']);
    await expectFailure(
      validateCodeSigningChain([leaf.cert, int1.cert, root.cert]),
      'ERR_CERT_KEY_USAGE',
      `certificate with subject ${q(leaf)}: key usage extension must be marked critical`,
    );
    const tsaLeaf = leafUnderInt('tsa-leaf-ku-noncritical', [
      'keyUsage=digitalSignature',
      'extendedKeyUsage=critical,timeStamping',
    ]);
    await validateTimestampingChain([tsaLeaf.cert, int1.cert, root.cert]);
  });

  it('CERT-3: rejects a leaf without digitalSignature', async () => {
    const leaf = leafUnderInt('leaf-ku-nonrep', ['keyUsage=critical,nonRepudiation']);
    await expectFailure(
      validateCodeSigningChain([leaf.cert, int1.cert, root.cert]),
      'ERR_CERT_KEY_USAGE',
      `the certificate with subject ${q(leaf)} is invalid. The key usage must have the bit positions for "Digital Signature" set`,
    );
  });

  it('CERT-3: digitalSignature plus nonRepudiation is allowed', async () => {
    await validateCodeSigningChain([
      leafUnderInt('leaf-ku-ds-nr', ['keyUsage=critical,digitalSignature,nonRepudiation']).cert,
      int1.cert,
      root.cert,
    ]);
  });

  it.each([
    ['keyEncipherment', '"KeyEncipherment"'],
    ['dataEncipherment', '"DataEncipherment"'],
    ['keyAgreement', '"KeyAgreement"'],
    ['keyCertSign', '"CertSign"'],
    ['cRLSign', '"CRLSign"'],
    ['keyAgreement,encipherOnly', '"KeyAgreement", "EncipherOnly"'],
    ['keyAgreement,decipherOnly', '"KeyAgreement", "DecipherOnly"'],
  ])('CERT-3: rejects a leaf keyUsage with %s', async (extra, found) => {
    const leaf = leafUnderInt(`leaf-ku-${extra.replace(',', '-')}`, [`keyUsage=critical,digitalSignature,${extra}`]);
    const message = `the certificate with subject ${q(leaf)} is invalid. The key usage must be "Digital Signature" only, but found ${found}`;
    await expectFailure(validateCodeSigningChain([leaf.cert, int1.cert, root.cert]), 'ERR_CERT_KEY_USAGE', message);
    const tsaLeaf = leafUnderInt(`tsa-leaf-ku-${extra.replace(',', '-')}`, [
      `keyUsage=critical,digitalSignature,${extra}`,
      'extendedKeyUsage=critical,timeStamping',
    ]);
    await expectFailure(
      validateTimestampingChain([tsaLeaf.cert, int1.cert, root.cert]),
      'ERR_CERT_KEY_USAGE',
      /must be "Digital Signature" only/,
    );
  });
});

describe('CERT-4: code-signing extended key usage', () => {
  it.each([
    ['serverAuth', 'ServerAuth'],
    ['clientAuth', 'ClientAuth'],
    ['emailProtection', 'EmailProtection'],
    ['timeStamping', 'Timestamping'],
    ['OCSPSigning', 'OCSPSigning'],
    ['anyExtendedKeyUsage', 'Any'],
  ])('CERT-4: rejects a leaf with EKU %s', async (eku, goName) => {
    const leaf = leafUnderInt(`leaf-eku-${eku}`, [
      'keyUsage=critical,digitalSignature',
      `extendedKeyUsage=codeSigning,${eku}`,
    ]);
    await expectFailure(
      validateCodeSigningChain([leaf.cert, int1.cert, root.cert]),
      'ERR_CERT_EKU',
      `certificate with subject ${q(leaf)}: extended key usage must not contain ${goName} eku`,
    );
  });

  it('CERT-4: accepts no EKU, codeSigning, and codeSigning with an unknown purpose', async () => {
    for (const [name, ext] of [
      ['leaf-eku-none', ['keyUsage=critical,digitalSignature']],
      ['leaf-eku-cs', ['keyUsage=critical,digitalSignature', 'extendedKeyUsage=critical,codeSigning']],
      [
        'leaf-eku-unknown',
        ['keyUsage=critical,digitalSignature', 'extendedKeyUsage=codeSigning,1.3.6.1.4.1.311.10.3.13'],
      ],
    ] as const) {
      await validateCodeSigningChain([leafUnderInt(name, ext).cert, int1.cert, root.cert]);
    }
  });
});

describe('CERT-5: timestamping chains', () => {
  it('CERT-5: accepts a TSA leaf with a critical EKU of exactly timeStamping', async () => {
    await validateTimestampingChain([leafUnderInt('tsa-good', EXT.tsaLeaf).cert, int1.cert, root.cert]);
  });

  it('CERT-5: rejects a TSA leaf whose EKU is not critical', async () => {
    const leaf = leafUnderInt('tsa-eku-noncritical', [
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=timeStamping',
    ]);
    await expectFailure(
      validateTimestampingChain([leaf.cert, int1.cert, root.cert]),
      'ERR_CERT_EKU',
      `timestamp signing certificate with subject ${q(leaf)} must have extended key usage extension marked as critical`,
    );
  });

  it.each([
    ['an extra purpose', ['keyUsage=critical,digitalSignature', 'extendedKeyUsage=critical,timeStamping,codeSigning']],
    [
      'an unknown extra purpose',
      ['keyUsage=critical,digitalSignature', 'extendedKeyUsage=critical,timeStamping,1.2.3.4'],
    ],
    ['no EKU', ['keyUsage=critical,digitalSignature']],
    ['a codeSigning-only EKU', EXT.leaf],
  ])('CERT-5: rejects a TSA leaf with %s', async (label, ext) => {
    const leaf = leafUnderInt(`tsa-eku-${label.replace(/ /g, '-')}`, ext);
    await expectFailure(
      validateTimestampingChain([leaf.cert, int1.cert, root.cert]),
      'ERR_CERT_EKU',
      `timestamp signing certificate with subject ${q(leaf)} must have and only have Timestamping as extended key usage`,
    );
  });
});

describe('CERT-7 / CERT-8: chain shape', () => {
  let selfSignedLeaf: Issued;
  beforeAll(() => {
    selfSignedLeaf = f.cert('self-signed-leaf', {
      key: 'rsa2048',
      extensions: ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=codeSigning'],
    });
  });

  it('CERT-7: accepts a single self-signed, self-issued leaf', async () => {
    await validateCodeSigningChain([selfSignedLeaf.cert]);
    const tsaSelf = f.cert('self-signed-tsa', { extensions: EXT.tsaLeaf });
    await validateTimestampingChain([tsaSelf.cert]);
  });

  it('CERT-7: a chain of only a root gets leaf rules (and fails them), not CA rules', async () => {
    const error = await expectFailure(
      validateCodeSigningChain([root.cert]),
      'ERR_CERT_BASIC_CONSTRAINTS',
      `invalid self-signed certificate. Error: certificate with subject ${q(root)}: if the basic constraints extension is present, the ca field must be set to false`,
    );
    expect((error.cause as NotaryError).code).toBe('ERR_CERT_BASIC_CONSTRAINTS');
  });

  it('CERT-7: a single certificate must verify its own signature', async () => {
    const leaf = good[0]!;
    const error = await expectFailure(
      validateCodeSigningChain([leaf.cert]),
      'ERR_CERT_CHAIN',
      `invalid self-signed certificate. subject: ${q(leaf)}. Error: x509: ECDSA verification failure`,
    );
    expect((error.cause as Error).message).toBe('x509: ECDSA verification failure');
  });

  it('CERT-7: a single certificate signed by its own key must also be self-issued', async () => {
    const shared = f.cert('shared-key-ca', { extensions: EXT.root });
    const sameKey = f.cert('same-key-other-name', { keyOf: shared, issuer: shared, extensions: EXT.leaf });
    await expectFailure(
      validateCodeSigningChain([sameKey.cert]),
      'ERR_CERT_CHAIN',
      `invalid self-signed certificate. subject: ${q(sameKey)}. Error: issuer(${shared.cert.subject}) and subject(${sameKey.cert.subject}) are not the same`,
    );
    await expectFailure(
      validateTimestampingChain([sameKey.cert]),
      'ERR_CERT_CHAIN',
      /Error: issuer \(.*\) and subject \(.*\) are not the same$/,
    );
  });

  it('CERT-7: the chain must end in a self-signed root', async () => {
    await expectFailure(
      validateCodeSigningChain([good[0]!.cert, int1.cert]),
      'ERR_CERT_CHAIN',
      `root certificate with subject ${q(int1)} is invalid or not self-signed. Certificate chain must end with a valid self-signed root certificate. Error: x509: ECDSA verification failure`,
    );
  });

  it('CERT-7: a last certificate signed by its own key but not self-issued is not a root', async () => {
    const shared = f.cert('shared-key-root', { extensions: EXT.root });
    const notSelfIssued = f.cert('not-self-issued-ca', { keyOf: shared, issuer: shared, extensions: EXT.intermediate });
    const leaf = f.cert('leaf-under-nsi', { issuer: notSelfIssued, extensions: EXT.leaf });
    await expectFailure(
      validateCodeSigningChain([leaf.cert, notSelfIssued.cert]),
      'ERR_CERT_CHAIN',
      `root certificate with subject ${q(notSelfIssued)} is not self-signed. Certificate chain must end with a valid self-signed root certificate`,
    );
  });

  it('CERT-8: rejects a chain out of order', async () => {
    await expectFailure(validateCodeSigningChain([good[0]!.cert, root.cert, int1.cert]), 'ERR_CERT_CHAIN');
    await expectFailure(validateCodeSigningChain([int1.cert, good[0]!.cert, root.cert]), 'ERR_CERT_CHAIN');
  });

  it('CERT-8: rejects an unrelated certificate in the chain', async () => {
    const other = f.chain('other');
    await expectFailure(
      validateCodeSigningChain([good[0]!.cert, other[1]!.cert, root.cert]),
      'ERR_CERT_CHAIN',
      `invalid certificates or certificate with subject ${q(good[0]!)} is not issued by ${q(other[1]!)}. Error: x509: ECDSA verification failure`,
    );
    await expectFailure(
      validateCodeSigningChain([good[0]!.cert, int1.cert, root.cert, other[2]!.cert]),
      'ERR_CERT_CHAIN',
      /intermediate certificate with subject .* is self-signed/,
    );
  });

  it('CERT-8: rejects a chain that branches to two roots', async () => {
    await expectFailure(
      validateCodeSigningChain([good[0]!.cert, int1.cert, root.cert, root.cert]),
      'ERR_CERT_CHAIN',
      `intermediate certificate with subject ${q(root)} is self-signed. Certificate chain must not contain self-signed intermediate certificate`,
    );
  });

  it('CERT-8: rejects a self-signed leaf in a longer chain', async () => {
    await expectFailure(
      validateCodeSigningChain([root.cert, root.cert]),
      'ERR_CERT_CHAIN',
      `leaf certificate with subject ${q(root)} is self-signed. Certificate chain must not contain self-signed leaf certificate`,
    );
    await expectFailure(
      validateCodeSigningChain([selfSignedLeaf.cert, int1.cert, root.cert]),
      'ERR_CERT_CHAIN',
      /is not issued by/,
    );
  });

  it('CERT-8: matching names are not enough: the signature must come from the next certificate', async () => {
    const impostor = f.cert('good-int1', { issuer: root, extensions: EXT.intermediate });
    expect(impostor.cert.subject).toBe(int1.cert.subject);
    await expectFailure(
      validateCodeSigningChain([good[0]!.cert, impostor.cert, root.cert]),
      'ERR_CERT_CHAIN',
      `invalid certificates or certificate with subject ${q(good[0]!)} is not issued by ${q(impostor)}. Error: x509: ECDSA verification failure`,
    );
  });

  it('CERT-8: a valid signature is not enough: raw issuer must equal the parent raw subject', async () => {
    const twin = f.cert('int1-twin-name', { keyOf: int1, issuer: root, extensions: EXT.intermediate });
    const leaf = f.cert('leaf-of-twin', { issuer: twin, extensions: EXT.leaf });
    expect(await isSignedBy(leaf.cert, int1.cert)).toBe(true);
    await expectFailure(
      validateCodeSigningChain([leaf.cert, int1.cert, root.cert]),
      'ERR_CERT_CHAIN',
      `certificate with subject ${q(leaf)} is not issued by ${q(int1)}`,
    );
  });
});

describe('CERT-9: SHA-1 signatures', () => {
  it('CERT-9: rejects a SHA-1 signed intermediate with ERR_CERT_WEAK_SIGNATURE', async () => {
    const sha1Int = f.cert('int-sha1', { issuer: root, key: 'rsa2048', extensions: EXT.intermediate, digest: 'sha1' });
    expect(sha1Int.cert.signatureAlgorithm).toBe('1.2.840.10045.4.1');
    const leaf = f.cert('leaf-under-sha1', { issuer: sha1Int, extensions: EXT.leaf });
    await expectFailure(
      validateCodeSigningChain([leaf.cert, sha1Int.cert, root.cert]),
      'ERR_CERT_WEAK_SIGNATURE',
      /SHA-1/,
    );
    await expectFailure(
      validateTimestampingChain([
        f.cert('tsa-under-sha1', { issuer: sha1Int, extensions: EXT.tsaLeaf }).cert,
        sha1Int.cert,
        root.cert,
      ]),
      'ERR_CERT_WEAK_SIGNATURE',
    );
  });

  it('CERT-9: rejects sha1WithRSAEncryption on a leaf, a root and a single self-signed certificate', async () => {
    const rsaRoot = f.cert('rsa-root', { key: 'rsa2048', extensions: EXT.root });
    const sha1Leaf = f.cert('leaf-sha1-rsa', { issuer: rsaRoot, extensions: EXT.leaf, digest: 'sha1' });
    expect(sha1Leaf.cert.signatureAlgorithm).toBe('1.2.840.113549.1.1.5');
    await expectFailure(validateCodeSigningChain([sha1Leaf.cert, rsaRoot.cert]), 'ERR_CERT_WEAK_SIGNATURE');
    const sha1Root = f.cert('root-sha1', { key: 'rsa2048', extensions: EXT.root, digest: 'sha1' });
    await expectFailure(
      validateCodeSigningChain([
        f.cert('leaf-under-sha1-root', { issuer: sha1Root, extensions: EXT.leaf }).cert,
        sha1Root.cert,
      ]),
      'ERR_CERT_WEAK_SIGNATURE',
    );
    const sha1Self = f.cert('self-sha1', { key: 'rsa2048', extensions: EXT.leaf, digest: 'sha1' });
    await expectFailure(validateCodeSigningChain([sha1Self.cert]), 'ERR_CERT_WEAK_SIGNATURE');
  });
});

describe('CERT-10: other extensions', () => {
  it('CERT-10: ignores unknown extensions, even critical ones, on every certificate', async () => {
    const unknown = '1.3.6.1.4.1.99999.1=critical,DER:05:00';
    const r = f.cert('crit-root', { extensions: [...EXT.root, unknown] });
    const i = f.cert('crit-int', {
      issuer: r,
      extensions: [...EXT.intermediate, unknown, 'nameConstraints=critical,permitted;DNS:example.com'],
    });
    const l = f.cert('crit-leaf', {
      issuer: i,
      extensions: [...EXT.leaf, unknown, 'certificatePolicies=critical,1.2.3.4'],
    });
    expect(l.cert.extension('1.3.6.1.4.1.99999.1')?.critical).toBe(true);
    await validateCodeSigningChain([l.cert, i.cert, r.cert]);
    const t = f.cert('crit-tsa', { issuer: i, extensions: [...EXT.tsaLeaf, unknown] });
    await validateTimestampingChain([t.cert, i.cert, r.cert]);
  });
});

describe('CERT-11 / CERT-12 / TSA-4: validity periods', () => {
  let dated: Issued[];
  const notBefore = new Date('2021-01-01T00:00:00Z');
  const notAfter = new Date('2030-01-01T00:00:00Z');
  const leafNotAfter = new Date('2026-06-01T12:00:00Z');
  beforeAll(() => {
    const r = f.cert('dated-root', { extensions: EXT.root, notBefore: '20210101000000Z', notAfter: '20300101000000Z' });
    // The leaf outlives nothing but starts later; periods need not nest (CERT-11).
    const l = f.cert('dated-leaf', {
      issuer: r,
      extensions: EXT.leaf,
      notBefore: '20220101000000Z',
      notAfter: '20260601120000Z',
    });
    dated = [l, r];
  });

  it('CERT-11: accepts a signing time inside every validity period, bounds included', async () => {
    const chain = certs(...dated);
    await validateCodeSigningChain(chain, { signingTime: new Date('2024-05-05T00:00:00Z') });
    await validateCodeSigningChain(chain, { signingTime: leafNotAfter });
    await validateCodeSigningChain(chain, { signingTime: new Date('2022-01-01T00:00:00Z') });
  });

  it('CERT-11: rejects a signing time before notBefore or after notAfter', async () => {
    const chain = certs(...dated);
    const leaf = dated[0]!;
    await expectFailure(
      validateCodeSigningChain(chain, { signingTime: new Date(leafNotAfter.getTime() + 1000) }),
      'ERR_CERT_VALIDITY',
      `certificate with subject ${q(leaf)} was invalid at signing time of 2026-06-01 12:00:01 +0000 UTC. Certificate is valid from [2022-01-01 00:00:00 +0000 UTC] to [2026-06-01 12:00:00 +0000 UTC]`,
    );
    await expectFailure(
      validateCodeSigningChain(chain, { signingTime: new Date('2021-06-01T00:00:00.250Z') }),
      'ERR_CERT_VALIDITY',
      /signing time of 2021-06-01 00:00:00\.25 \+0000 UTC/,
    );
    await expectFailure(
      validateCodeSigningChain([dated[1]!.cert], { signingTime: new Date('2031-01-01T00:00:00Z') }),
      'ERR_CERT_VALIDITY',
    );
  });

  it('CERT-11 / VER-2: without a signing time, an expired chain still passes the CERT rules', async () => {
    const oldRoot = f.cert('expired-root', {
      extensions: EXT.root,
      notBefore: '20100101000000Z',
      notAfter: '20110101000000Z',
    });
    const oldLeaf = f.cert('expired-leaf', {
      issuer: oldRoot,
      extensions: EXT.leaf,
      notBefore: '20100101000000Z',
      notAfter: '20110101000000Z',
    });
    await validateCodeSigningChain([oldLeaf.cert, oldRoot.cert]);
    await expectFailure(
      validateCodeSigningChain([oldLeaf.cert, oldRoot.cert], { signingTime: new Date() }),
      'ERR_CERT_VALIDITY',
    );
  });

  it('CERT-12: checkValidityAt accepts instants inside every period, bounds included', () => {
    const chain = certs(...dated);
    expect(() => checkValidityAt(chain, new Date('2024-01-01T00:00:00Z'))).not.toThrow();
    expect(() => checkValidityAt(chain, leafNotAfter)).not.toThrow();
    expect(() => checkValidityAt(chain, new Date('2022-01-01T00:00:00Z'))).not.toThrow();
  });

  it('CERT-12: checkValidityAt rejects an expired or not-yet-valid certificate', () => {
    const chain = certs(...dated);
    const leaf = dated[0]!;
    expectThrow(
      () => checkValidityAt(chain, new Date(leafNotAfter.getTime() + 1)),
      'ERR_CERT_VALIDITY',
      `verification time is after certificate ${q(leaf)} validity period, it was expired at "Mon, 01 Jun 2026 12:00:00 +0000"`,
    );
    expectThrow(
      () => checkValidityAt(chain, new Date('2021-12-31T23:59:59Z')),
      'ERR_CERT_VALIDITY',
      `verification time is before certificate ${q(leaf)} validity period, it will be valid from "Sat, 01 Jan 2022 00:00:00 +0000"`,
    );
    // The root (notBefore 2021) is fine then, but the leaf is not: every certificate counts.
    expect(dated[1]!.cert.isValidAt(new Date('2021-12-31T23:59:59Z'))).toBe(true);
    expectThrow(() => checkValidityAt(chain, new Date(notAfter.getTime() + 1)), 'ERR_CERT_VALIDITY');
    expect(notBefore.getTime()).toBe(dated[1]!.cert.notBefore.getTime());
  });

  it('TSA-4: checkValidityOverRange accepts a range inside every period, bounds included', () => {
    const chain = certs(...dated);
    expect(() =>
      checkValidityOverRange(chain, new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T00:00:02Z')),
    ).not.toThrow();
    expect(() => checkValidityOverRange(chain, new Date(leafNotAfter.getTime() - 1000), leafNotAfter)).not.toThrow();
    expect(() =>
      checkValidityOverRange(chain, new Date('2022-01-01T00:00:00Z'), new Date('2022-01-01T00:00:01Z')),
    ).not.toThrow();
  });

  it('TSA-4: checkValidityOverRange rejects a range that leaves any period', () => {
    const chain = certs(...dated);
    const leaf = dated[0]!;
    expectThrow(
      () =>
        checkValidityOverRange(chain, new Date(leafNotAfter.getTime() - 1000), new Date(leafNotAfter.getTime() + 1)),
      'ERR_CERT_VALIDITY',
      `timestamp can be after certificate ${q(leaf)} validity period, it was expired at "Mon, 01 Jun 2026 12:00:00 +0000"`,
    );
    expectThrow(
      () => checkValidityOverRange(chain, new Date('2021-12-31T23:59:59Z'), new Date('2022-01-01T00:00:01Z')),
      'ERR_CERT_VALIDITY',
      `timestamp can be before certificate ${q(leaf)} validity period, it will be valid from "Sat, 01 Jan 2022 00:00:00 +0000"`,
    );
    expect(() =>
      checkValidityOverRange(chain, new Date('2024-01-02T00:00:00Z'), new Date('2024-01-01T00:00:00Z')),
    ).toThrow(RangeError);
  });
});

describe('isRootCertificate (TS-5)', () => {
  it('TS-5: a self-signed, self-issued CA is a root', async () => {
    expect(await isRootCertificate(root.cert)).toBe(true);
  });

  it('TS-5: a certificate signed by its own key with a different issuer name is not a root', async () => {
    const shared = f.cert('shared-key-for-root-test', { extensions: EXT.root });
    const other = f.cert('same-key-ca', { keyOf: shared, issuer: shared, extensions: EXT.intermediate });
    expect(await isRootCertificate(other.cert)).toBe(false);
  });

  it('TS-5: an intermediate or a self-signed non-CA leaf makes isRootCertificate throw', async () => {
    const error = await expectFailure(
      isRootCertificate(int1.cert),
      'ERR_CERT_CHAIN',
      /not a root certificate: x509: ECDSA verification failure/,
    );
    expect((error.cause as Error).message).toBe('x509: ECDSA verification failure');
    const leaf = f.cert('self-signed-leaf-root-test', { extensions: EXT.leaf });
    const leafError = await expectFailure(isRootCertificate(leaf.cert), 'ERR_CERT_CHAIN');
    expect((leafError.cause as Error).message).toBe(
      'x509: invalid signature: parent certificate cannot sign this kind of certificate',
    );
  });
});
