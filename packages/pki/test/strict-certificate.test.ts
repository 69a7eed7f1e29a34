/**
 * Issue 12: certificates read as strictly as Go's crypto/x509 (findings 3, 5,
 * 6, 8). Each certificate is built field by field and signed by a real key,
 * so a rejection is the parser's doing, not a broken signature.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesEqual } from '../src/bytes.js';
import { Certificate, parseCertificate } from '../src/certificate.js';
import { isSignedBy, verifyX509Signature } from '../src/certificate-signature.js';
import { longForm } from '../src/der-writer.js';
import { CertificateParseError } from '../src/errors.js';
import {
  caFields,
  certificateOf,
  ecSigner,
  element,
  extension,
  FALSE,
  integer,
  NULL,
  OIDS,
  oid,
  rsaSigner,
  type Signer,
  sequence,
  signatureOver,
  signed,
  type TbsFields,
  TRUE,
  tbsOf,
  text,
} from './fixtures/der-certificates.js';

const b = (...values: number[]): Uint8Array => new Uint8Array(values);

let ecRoot: Signer;
let rsaRoot: Signer;
let leafKey: Signer;

beforeAll(async () => {
  [ecRoot, rsaRoot, leafKey] = await Promise.all([ecSigner(), rsaSigner(), ecSigner()]);
}, 60_000);

/** A self-signed EC root with `edit` applied to its fields before signing. */
async function ecRootWith(edit: (f: TbsFields) => void): Promise<Uint8Array> {
  const fields = caFields(ecRoot, ecRoot);
  edit(fields);
  return signed(ecRoot, fields);
}

function parseError(der: Uint8Array): CertificateParseError {
  try {
    Certificate.fromDer(der);
  } catch (error) {
    expect(error).toBeInstanceOf(CertificateParseError);
    expect((error as CertificateParseError).code).toBe('ERR_CERT_PARSE');
    return error as CertificateParseError;
  }
  throw new Error('expected ERR_CERT_PARSE, but the certificate parsed');
}

describe('issue 12 finding 3: a certificate cannot be changed without the key and still verify', () => {
  it('the unchanged EC and RSA roots parse and verify (the baseline the variants break)', async () => {
    const ec = Certificate.fromDer(await ecRootWith(() => {}));
    const rsa = Certificate.fromDer(await signed(rsaRoot, caFields(rsaRoot, rsaRoot)));
    expect(await isSignedBy(ec, ec)).toBe(true);
    expect(await isSignedBy(rsa, rsa)).toBe(true);
  });

  it.each([
    [
      'the SEQUENCE length one short (last byte dropped)',
      (sig: Uint8Array) => b(0x30, sig[1]! - 1, ...sig.subarray(2, sig.length - 1)),
    ],
    [
      'a leading 00 on r',
      (sig: Uint8Array) => {
        const rLength = sig[3]!;
        const r = sig.subarray(4, 4 + rLength);
        return sequence(element(0x02, b(0, ...r)), sig.subarray(4 + rLength));
      },
    ],
    ['a long-form SEQUENCE length', (sig: Uint8Array) => longForm(sig)],
    ['a trailing zero byte', (sig: Uint8Array) => b(...sig, 0)],
  ])('an ECDSA signature re-encoded with %s does not verify', async (_, reencode) => {
    const tbs = tbsOf(caFields(ecRoot, ecRoot));
    const signature = await signatureOver(ecRoot, tbs);
    const original = Certificate.fromDer(certificateOf(tbs, ecRoot.algorithm, signature));
    const variant = Certificate.fromDer(certificateOf(tbs, ecRoot.algorithm, reencode(signature)));
    expect(bytesEqual(variant.der, original.der)).toBe(false);
    expect(await isSignedBy(original, original)).toBe(true);
    expect(await isSignedBy(variant, original)).toBe(false);
  });

  it('a "negative" r (its 00 guard dropped) does not verify', async () => {
    // Sign until r has its top bit set, so that it carries a 00 guard octet.
    const tbs = tbsOf(caFields(ecRoot, ecRoot));
    let signature = await signatureOver(ecRoot, tbs);
    for (let i = 0; i < 64 && signature[4] !== 0; i++) signature = await signatureOver(ecRoot, tbs);
    expect(signature[4]).toBe(0);
    const r = signature.subarray(5, 4 + signature[3]!);
    const negative = sequence(element(0x02, r), signature.subarray(4 + signature[3]!));
    const original = Certificate.fromDer(certificateOf(tbs, ecRoot.algorithm, signature));
    expect(await isSignedBy(Certificate.fromDer(certificateOf(tbs, ecRoot.algorithm, negative)), original)).toBe(false);
  });

  it('NULL added to the outer ECDSA AlgorithmIdentifier: inner and outer do not match', async () => {
    const tbs = tbsOf(caFields(ecRoot, ecRoot));
    const der = certificateOf(tbs, sequence(oid(OIDS.ecdsaSha256), NULL), await signatureOver(ecRoot, tbs));
    expect(parseError(der).message).toMatch(/inner and outer signature algorithm identifiers don't match/);
  });

  it.each([
    ['dropped', sequence(oid(OIDS.sha256WithRSA))],
    ['garbled', sequence(oid(OIDS.sha256WithRSA), b(0x05, 0x01, 0x00))],
  ])("RSA's outer NULL %s: inner and outer do not match", async (_, outer) => {
    const tbs = tbsOf(caFields(rsaRoot, rsaRoot));
    const der = certificateOf(tbs, outer, await signatureOver(rsaRoot, tbs));
    expect(parseError(der).message).toMatch(/don't match/);
  });

  it('[impl:alg-params] ECDSA with NULL parameters in both places is refused by the signature check (RFC 5758 §3.2)', async () => {
    const fields = caFields(ecRoot, ecRoot);
    fields.signature = sequence(oid(OIDS.ecdsaSha256), NULL);
    const cert = Certificate.fromDer(await signed(ecRoot, fields));
    await expect(isSignedBy(cert, cert)).rejects.toMatchObject({
      code: 'ERR_CERT_CHAIN',
      message: /invalid parameters/,
    });
  });

  it('RSA PKCS#1 v1.5 with absent parameters in both places verifies (RFC 4055 §5: absent MUST be accepted)', async () => {
    const fields = caFields(rsaRoot, rsaRoot);
    fields.signature = sequence(oid(OIDS.sha256WithRSA));
    const cert = Certificate.fromDer(await signed(rsaRoot, fields));
    expect(await isSignedBy(cert, cert)).toBe(true);
  });

  it('the same check serves CRLs, OCSP and timestamp tokens: verifyX509Signature refuses a re-encoded ECDSA value', async () => {
    const cert = Certificate.fromDer(await ecRootWith(() => {}));
    const data = new TextEncoder().encode('a CRL, an OCSP response or signed attributes');
    const signature = await signatureOver(ecRoot, data);
    const algorithm = { oid: OIDS.ecdsaSha256, parameters: undefined };
    expect(await verifyX509Signature(cert, algorithm, signature, data, 'x')).toBe(true);
    expect(await verifyX509Signature(cert, algorithm, longForm(signature), data, 'x')).toBe(false);
    await expect(
      verifyX509Signature(cert, { oid: OIDS.ecdsaSha256, parameters: NULL }, signature, data, 'x'),
    ).rejects.toMatchObject({ code: 'ERR_CERT_CHAIN' });
  });
});

describe('issue 12 finding 5: malformed certificates a CA signed are read as Go reads them, or refused', () => {
  const bc =
    (...items: Uint8Array[]) =>
    (f: TbsFields) => {
      f.extensions![0] = extension(OIDS.basicConstraints, true, sequence(...items));
    };

  it('CERT-1 / CERT-2: {INTEGER 0, BOOLEAN TRUE} is not read as CA=true (Go: isCA=false; we refuse it, [impl:trailing])', async () => {
    expect(parseError(await ecRootWith(bc(integer(0), TRUE))).message).toMatch(/basic constraints.*\[impl:trailing\]/);
  });

  it('CERT-1 / CERT-2: {FALSE, TRUE} is not read as CA=true', async () => {
    expect(parseError(await ecRootWith(bc(FALSE, TRUE))).message).toMatch(/basic constraints.*\[impl:trailing\]/);
  });

  it('CERT-1: basicConstraints {TRUE, 0} and {} read as Go reads them', async () => {
    const withPathLen = Certificate.fromDer(await ecRootWith(bc(TRUE, integer(0))));
    expect(withPathLen.basicConstraints).toEqual({ critical: true, ca: true, pathLen: 0 });
    const empty = Certificate.fromDer(await ecRootWith(bc()));
    expect(empty.basicConstraints).toEqual({ critical: true, ca: false, pathLen: undefined });
  });

  it('CERT-1: a negative pathLenConstraint is refused (Go ≥ 1.23 reads it as unsigned)', async () => {
    expect(parseError(await ecRootWith(bc(TRUE, b(0x02, 0x01, 0xff)))).message).toMatch(/negative pathLenConstraint/);
  });

  it('a BOOLEAN encoded as 0x01 is refused (cA and critical)', async () => {
    expect(parseError(await ecRootWith(bc(b(0x01, 0x01, 0x01)))).message).toMatch(/BOOLEAN must be 00 or FF/);
    const critical = await ecRootWith((f) => {
      f.extensions![0] = sequence(oid(OIDS.basicConstraints), b(0x01, 0x01, 0x01), element(0x04, sequence(TRUE)));
    });
    expect(parseError(critical).message).toMatch(/BOOLEAN must be 00 or FF/);
  });

  it.each([
    ['absent (v1)', undefined],
    ['explicitly 0 (v1)', element(0xa0, integer(0))],
    ['1 (v2)', element(0xa0, integer(1))],
  ])(
    '[impl:ext-version] a certificate whose version is %s carrying extensions is refused (Go ignores the extensions)',
    async (_, version) => {
      expect(parseError(await ecRootWith((f) => (f.version = version))).message).toMatch(/\[impl:ext-version\]/);
    },
  );

  it('a v1 certificate without extensions parses, with no basicConstraints', async () => {
    const cert = Certificate.fromDer(
      await ecRootWith((f) => {
        f.version = undefined;
        f.extensions = undefined;
      }),
    );
    expect(cert.version).toBe(0);
    expect(cert.basicConstraints).toBeUndefined();
  });

  it.each([
    ['4', integer(3)],
    ['5', integer(4)],
    ['-1', b(0x02, 0x01, 0xff)],
  ])('version %s is refused, as in Go', async (_, version) => {
    expect(parseError(await ecRootWith((f) => (f.version = element(0xa0, version)))).message).toMatch(
      /invalid version|non-minimal/,
    );
  });

  it("CERT-3: keyCertSign set only in keyUsage's padding bits is refused", async () => {
    const der = await ecRootWith((f) => {
      f.extensions![1] = extension(OIDS.keyUsage, true, element(0x03, b(3, 0x84)));
    });
    expect(parseError(der).message).toMatch(/unused bits must be zero/);
  });

  it.each([
    ['a redundant leading zero', element(0x02, b(0x00, 0x12, 0x34)), /non-minimal INTEGER/],
    ['a negative value (Go ≥ 1.23)', element(0x02, b(0x92, 0x34)), /negative serial number/],
    ['no octets', element(0x02, b()), /empty INTEGER/],
  ])('a serial number with %s is refused', async (_, serial, message) => {
    expect(parseError(await ecRootWith((f) => (f.serial = serial))).message).toMatch(message);
  });

  it('an odd-length BMPString in the subject is refused, not truncated', async () => {
    const der = await ecRootWith((f) => {
      f.subject = sequence(element(0x31, sequence(oid('2.5.4.3'), element(0x1e, b(0, 0x41, 0)))));
    });
    expect(parseError(der).message).toMatch(/odd length/);
  });

  it('a non-minimal OID arc is refused (X.690 §8.19.2)', async () => {
    const der = await ecRootWith((f) => {
      f.extensions!.push(
        extension(
          OIDS.extKeyUsage,
          false,
          sequence(element(0x06, b(0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x80, 0x03))),
        ),
      );
    });
    expect(parseError(der).message).toMatch(/non-minimal object identifier arc/);
  });

  it.each([
    ['month 13', '251301000000Z'],
    ['Feb 30', '250230000000Z'],
    ['hour 24', '250101240000Z'],
    ['no Z', '250101000000'],
  ])('a UTCTime notBefore with %s is refused', async (_, value) => {
    const der = await ecRootWith((f) => (f.validity = sequence(text(0x17, value), text(0x18, '20991231235959Z'))));
    parseError(der);
  });

  it('a fractional-second GeneralizedTime is refused', async () => {
    parseError(
      await ecRootWith((f) => (f.validity = sequence(text(0x18, '20250101000000.5Z'), text(0x18, '20991231235959Z')))),
    );
  });

  it('[impl:trailing] an element after the signature, inside the certificate, is refused', async () => {
    const der = await ecRootWith(() => {});
    const inner = der.subarray(der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2);
    expect(parseError(sequence(inner, NULL)).message).toMatch(/\[impl:trailing\]/);
  });

  it('a subjectKeyIdentifier that is not an OCTET STRING is refused, as Go refuses it', async () => {
    const der = await ecRootWith((f) => f.extensions!.push(extension('2.5.29.14', false, element(0x03, b(0, 1)))));
    expect(parseError(der).message).toMatch(/invalid subject key identifier/);
    const ok = Certificate.fromDer(
      await ecRootWith((f) => f.extensions!.push(extension('2.5.29.14', false, element(0x04, b(1, 2))))),
    );
    expect(ok.extension('2.5.29.14')).toBeDefined();
  });

  it('a duplicate extension is refused (RFC 5280 §4.2)', async () => {
    const der = await ecRootWith((f) => f.extensions!.push(f.extensions![0]!));
    expect(parseError(der).message).toMatch(/duplicate extension/);
  });
});

describe('issue 12 finding 6: a malformed SubjectPublicKeyInfo is a typed ERR_CERT_PARSE', () => {
  const spkiCases: [string, (spki: Uint8Array) => Uint8Array][] = [
    ['an empty SEQUENCE', () => sequence()],
    ['a missing key BIT STRING', (spki) => sequence(spki.subarray(2, 2 + 2 + spki[3]!))],
    ['an INTEGER for the algorithm', () => sequence(integer(1), element(0x03, b(0, 4)))],
    [
      'EC with NULL parameters',
      (spki) => sequence(sequence(oid('1.2.840.10045.2.1'), NULL), spki.subarray(2 + 2 + spki[3]!)),
    ],
    [
      'EC with an unknown curve',
      (spki) => sequence(sequence(oid('1.2.840.10045.2.1'), oid('1.2.3.4')), spki.subarray(2 + 2 + spki[3]!)),
    ],
    [
      'EC with a point off the curve',
      (spki) => {
        const out = spki.slice();
        out[out.length - 1]! ^= 1;
        return out;
      },
    ],
    ['a truncated key BIT STRING length', (spki) => spki.subarray(0, spki.length - 1)],
  ];

  it.each(spkiCases)(
    'parseCertificate and Certificate.fromDer throw CertificateParseError for %s (not TypeError)',
    async (_, edit) => {
      const der = await ecRootWith((f) => (f.spki = edit(f.spki)));
      const error = parseError(der);
      expect(error).not.toBeInstanceOf(TypeError);
      expect(() => parseCertificate(der)).toThrow(CertificateParseError);
    },
  );

  it('an RSA key without NULL parameters is refused (RFC 3279 §2.3.1, Go)', async () => {
    const rsaSpki = rsaRoot.spki;
    const algorithmLength = rsaSpki[5]! + 2;
    const key = rsaSpki.subarray(4 + algorithmLength);
    const der = await ecRootWith((f) => (f.spki = sequence(sequence(oid('1.2.840.113549.1.1.1')), key)));
    expect(parseError(der).message).toMatch(/RSA key missing NULL parameters/);
  });
});

describe('issue 12 finding 8: GeneralizedTime years 0000–0099', () => {
  it('a notBefore of 0050-01-01 is year 50, not 1950', async () => {
    const cert = Certificate.fromDer(
      await ecRootWith((f) => (f.validity = sequence(text(0x18, '00500101000000Z'), text(0x18, '20991231235959Z')))),
    );
    expect(cert.notBefore.toISOString()).toBe('0050-01-01T00:00:00.000Z');
    expect(cert.notBefore.getUTCFullYear()).toBe(50);
  });
});

describe('issue 12: what Go accepts and we accept too', () => {
  it('a v2 certificate with unique identifiers, an explicit critical FALSE and an empty EKU parse', async () => {
    const v2 = Certificate.fromDer(
      await ecRootWith((f) => {
        f.version = element(0xa0, integer(1));
        f.extensions = undefined;
        f.tail = [element(0x81, b(0, 1)), element(0x82, b(0, 2))];
      }),
    );
    expect(v2.version).toBe(1);
    const v3 = Certificate.fromDer(
      await ecRootWith((f) => {
        f.extensions![0] = sequence(oid(OIDS.basicConstraints), FALSE, element(0x04, sequence(TRUE)));
        f.extensions!.push(extension(OIDS.extKeyUsage, false, sequence()));
      }),
    );
    expect(v3.basicConstraints).toEqual({ critical: false, ca: true, pathLen: undefined });
    expect(v3.extendedKeyUsage?.purposes).toEqual([]);
  });

  it('a leaf with an EC key signed by an RSA root verifies', async () => {
    const fields = caFields(rsaRoot, leafKey, 'Strict Root', 'Strict Leaf');
    fields.extensions = [
      extension(OIDS.basicConstraints, false, sequence()),
      extension(OIDS.extKeyUsage, false, sequence(oid(OIDS.codeSigning))),
    ];
    const leaf = Certificate.fromDer(await signed(rsaRoot, fields));
    const root = Certificate.fromDer(await signed(rsaRoot, caFields(rsaRoot, rsaRoot)));
    expect(await isSignedBy(leaf, root)).toBe(true);
  });
});

describe('issue 12: junk behind a 0x30 is refused before the parse-cache hash', () => {
  const size = 32 * 1024 * 1024;
  it('issue 12: a 32 MiB "certificate" whose declared length is not its size is ERR_CERT_PARSE', () => {
    const junk = new Uint8Array(size).fill(0x41);
    junk.set([0x30, 0x82, 0x01, 0x00]);
    expect(() => Certificate.fromDer(junk)).toThrow(
      expect.objectContaining({
        code: 'ERR_CERT_PARSE',
        message: expect.stringMatching(/trailing data after Certificate/),
      }),
    );
  });
  it('issue 12: a 32 MiB SEQUENCE of the right length holding junk instead of a tbsCertificate is ERR_CERT_PARSE', () => {
    const junk = new Uint8Array(size).fill(0x41);
    const length = size - 6;
    junk.set([0x30, 0x84, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]);
    expect(() => Certificate.fromDer(junk)).toThrow(
      expect.objectContaining({ code: 'ERR_CERT_PARSE', message: expect.stringMatching(/malformed tbsCertificate/) }),
    );
  });
});
