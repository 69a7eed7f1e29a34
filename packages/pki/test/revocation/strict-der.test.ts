/**
 * Issue 12: the CRL and OCSP fields we read ourselves go through the strict
 * DER reader, and BER is refused before pkijs sees it (as Go's parsers do).
 */
import { describe, expect, it } from 'vitest';
import { element, integer, oid, sequence } from '../../src/der-writer.js';
import {
  decodeEnumeratedExtension,
  decodeGeneralizedTimeExtension,
  decodeIntegerExtension,
  distributionPointUrls,
  parseDer,
} from '../../src/revocation/asn1.js';
import { parseCrl } from '../../src/revocation/crl.js';

const b = (...values: number[]): Uint8Array => new Uint8Array(values);
const malformed = { code: 'ERR_REVOCATION_MALFORMED' };

describe('issue 12: strict DER for revocation data', () => {
  it('REV-1: a BER (indefinite-length) or non-minimal-length structure is refused before pkijs parses it', () => {
    expect(() => parseDer(b(0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00), 'CRL')).toThrow(
      expect.objectContaining(malformed),
    );
    expect(() => parseDer(b(0x30, 0x03, 0x02, 0x81, 0x01), 'CRL')).toThrow(/malformed CRL/);
    expect(() => parseDer(b(0x30, 0x04, 0x04, 0x81, 0x01, 0x00), 'CRL')).toThrow(/non-minimal length/);
    expect(parseDer(sequence(integer(1)), 'CRL')).toBeDefined();
  });

  it('REV-1: CRLNumber must be a minimal INTEGER', () => {
    expect(decodeIntegerExtension(integer(300), 'CRLNumber')).toBe(300n);
    expect(() => decodeIntegerExtension(b(0x02, 0x02, 0x00, 0x05), 'CRLNumber')).toThrow(/non-minimal INTEGER/);
    expect(() => decodeIntegerExtension(b(0x02, 0x00), 'CRLNumber')).toThrow(expect.objectContaining(malformed));
    expect(() => decodeIntegerExtension(b(0x02, 0x01, 0x05, 0x00), 'CRLNumber')).toThrow(/trailing data/);
  });

  it('REV-1: CRLReason must be a minimal ENUMERATED', () => {
    expect(decodeEnumeratedExtension(b(0x0a, 0x01, 0x01), 'CRLReason')).toBe(1);
    expect(() => decodeEnumeratedExtension(b(0x0a, 0x02, 0x00, 0x01), 'CRLReason')).toThrow(/non-minimal/);
    expect(() => decodeEnumeratedExtension(b(0x02, 0x01, 0x01), 'CRLReason')).toThrow(/not an ENUMERATED/);
  });

  it('REV-1: invalidityDate is a GeneralizedTime without fractions, with valid dates (finding 8: year 0050 stays 50)', () => {
    const time = (s: string) => element(0x18, new TextEncoder().encode(s));
    expect(decodeGeneralizedTimeExtension(time('20250101000000Z'), 'invalidityDate').toISOString()).toBe(
      '2025-01-01T00:00:00.000Z',
    );
    expect(decodeGeneralizedTimeExtension(time('00500101000000Z'), 'invalidityDate').getUTCFullYear()).toBe(50);
    expect(() => decodeGeneralizedTimeExtension(time('20250101000000.5Z'), 'invalidityDate')).toThrow(
      expect.objectContaining(malformed),
    );
    expect(() => decodeGeneralizedTimeExtension(time('20251301000000Z'), 'invalidityDate')).toThrow(
      expect.objectContaining(malformed),
    );
  });

  it('REV-4: distribution point URLs are read strictly; an empty DistributionPointName is malformed', () => {
    const uri = (s: string) => element(0x86, new TextEncoder().encode(s));
    const dp = (...names: Uint8Array[]) => sequence(element(0xa0, element(0xa0, ...names)));
    expect(
      distributionPointUrls(sequence(dp(uri('http://a/crl'), element(0x82, b(0x61))), dp(uri('http://b/crl')))),
    ).toEqual(['http://a/crl', 'http://b/crl']);
    expect(() => distributionPointUrls(sequence(sequence(element(0xa0))))).toThrow(/invalid CRL distribution point/);
    expect(() => distributionPointUrls(b(0x30, 0x81, 0x00))).toThrow(expect.objectContaining(malformed));
    expect(distributionPointUrls(sequence(sequence(oid('1.2.3'))))).toEqual([]);
  });

  it('REV-4 issue 12: a CertificateList with an element after signatureValue (der-append-null@root) is malformed', () => {
    const list = sequence(
      sequence(integer(1)),
      sequence(oid('1.2.840.113549.1.1.11')),
      element(0x03, b(0x00, 0x01)),
      element(0x05, b()),
    );
    expect(() => parseCrl(list)).toThrow(
      expect.objectContaining({ ...malformed, message: expect.stringMatching(/exactly three fields/) }),
    );
  });
});
