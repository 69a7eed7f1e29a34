/**
 * The strict DER reader (issue 12): every negative case Go's encoding/asn1 and
 * cryptobyte reject, and the few places where we are stricter on purpose.
 */
import { describe, expect, it } from 'vitest';
import {
  bitStringValue,
  booleanValue,
  DerError,
  ecdsaSignatureToRaw,
  integerBytes,
  oidText,
  readElement,
  readOnly,
  stringValue,
  timeValue,
} from '../src/der.js';
import { element, integer, sequence } from '../src/der-writer.js';

const b = (...values: number[]): Uint8Array => new Uint8Array(values);
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const time = (tag: number, s: string): Date => {
  const der = element(tag, ascii(s));
  return timeValue(der, readOnly(der));
};

describe('issue 12: strict DER lengths and tags', () => {
  it.each([
    ['non-minimal long form for a short length', b(0x04, 0x81, 0x05, 1, 2, 3, 4, 5), /non-minimal length/],
    [
      'long form with a leading zero octet',
      b(0x04, 0x82, 0x00, 0x80, ...new Array<number>(128).fill(0)),
      /non-minimal length/,
    ],
    ['indefinite length', b(0x30, 0x80, 0x00, 0x00), /indefinite length/],
    ['five length octets', b(0x04, 0x85, 1, 0, 0, 0, 0), /length too large/],
    ['high tag number', b(0x1f, 0x81, 0x01, 0x00), /high tag/],
    ['header cut short', b(0x30), /truncated element/],
  ])('rejects %s', (_, der, message) => {
    expect(() => readElement(der, 0)).toThrow(message);
    expect(() => readElement(der, 0)).toThrow(DerError);
  });

  it('fails fast on a declared length beyond the input (4 GiB declared, 6 bytes given)', () => {
    const der = b(0x30, 0x84, 0xff, 0xff, 0xff, 0xff);
    expect(() => readElement(der, 0)).toThrow(/declared length exceeds the input/);
  });

  it('refuses trailing bytes after the one element', () => {
    expect(() => readOnly(b(0x05, 0x00, 0x00))).toThrow(/trailing data/);
  });

  it('every DerError carries a string code', () => {
    try {
      readElement(b(0x30, 0x80), 0);
      expect.unreachable();
    } catch (error) {
      expect((error as DerError).code).toBe('ERR_DER_MALFORMED');
    }
  });
});

describe('issue 12: INTEGER, BOOLEAN, OID and BIT STRING', () => {
  const int = (...content: number[]) => {
    const der = element(0x02, b(...content));
    return () => integerBytes(der, readOnly(der));
  };
  it('INTEGER: rejects empty and non-minimal encodings (leading 00 or FF), as cryptobyte does', () => {
    expect(int()).toThrow(/empty INTEGER/);
    expect(int(0x00, 0x05)).toThrow(/non-minimal INTEGER/);
    expect(int(0xff, 0x85)).toThrow(/non-minimal INTEGER/);
    expect(int(0x00, 0x85)()).toEqual(b(0x00, 0x85));
    expect(int(0xff, 0x05)()).toEqual(b(0xff, 0x05));
  });

  it('BOOLEAN: only 00 and FF (issue 12 finding 5: 0x01 was read as TRUE)', () => {
    const bool = (...content: number[]) => {
      const der = element(0x01, b(...content));
      return () => booleanValue(der, readOnly(der));
    };
    expect(bool(0xff)()).toBe(true);
    expect(bool(0x00)()).toBe(false);
    expect(bool(0x01)).toThrow(/BOOLEAN must be 00 or FF/);
    expect(bool(0xff, 0xff)).toThrow(/BOOLEAN must be 00 or FF/);
    expect(bool()).toThrow(/BOOLEAN must be 00 or FF/);
  });

  it('OBJECT IDENTIFIER: rejects non-minimal arcs, arcs of 2^31 and more, truncation and emptiness', () => {
    expect(oidText(b(0x2b, 0x06, 0x01))).toBe('1.3.6.1');
    expect(oidText(b(0x88, 0x37))).toBe('2.999');
    expect(() => oidText(b(0x2b, 0x80, 0x06))).toThrow(/non-minimal object identifier arc/);
    expect(() => oidText(b(0x80, 0x2b))).toThrow(/non-minimal object identifier arc/);
    expect(() => oidText(b(0x2b, 0x88, 0x80, 0x80, 0x80, 0x00))).toThrow(/arc too large/);
    expect(oidText(b(0x2b, 0x87, 0xff, 0xff, 0xff, 0x7f))).toBe('1.3.2147483647');
    expect(() => oidText(b(0x2b, 0x86))).toThrow(/truncated/);
    expect(() => oidText(b())).toThrow(/empty/);
  });

  it('BIT STRING: at most 7 unused bits, none in an empty string, and the padding bits zero', () => {
    const bits = (...content: number[]) => {
      const der = element(0x03, b(...content));
      return () => bitStringValue(der, readOnly(der));
    };
    expect(bits(7, 0x80)()).toEqual({ unusedBits: 7, bytes: b(0x80) });
    expect(bits(8, 0x00)).toThrow(/unused-bit count/);
    expect(bits(1)).toThrow(/unused-bit count/);
    expect(bits()).toThrow(/empty BIT STRING/);
    // keyCertSign (bit 5) hidden in the three padding bits of 0x84 (issue 12 finding 5).
    expect(bits(3, 0x84)).toThrow(/unused bits must be zero/);
  });
});

describe('issue 12: UTCTime and GeneralizedTime', () => {
  it.each([
    ['month 13', 0x17, '251301000000Z'],
    ['February 30', 0x17, '250230000000Z'],
    ['February 29 of a common year', 0x17, '250229000000Z'],
    ['hour 24', 0x17, '250101240000Z'],
    ['second 60', 0x17, '250101235960Z'],
    ['day 0', 0x18, '20250100000000Z'],
    ['fractional seconds', 0x18, '20250101000000.5Z'],
    ['a missing Z', 0x17, '250101000000'],
    ['a missing Z (GeneralizedTime)', 0x18, '20250101000000'],
    ['a two-digit year in a GeneralizedTime', 0x18, '250101000000Z'],
    ['non-digits', 0x17, '25010100000AZ'],
  ])('rejects %s', (_, tag, value) => {
    expect(() => time(tag, value)).toThrow(DerError);
  });

  it('[impl:time-zulu] refuses offsets and UTCTime without seconds, which Go accepts (RFC 5280 §4.1.2.5)', () => {
    expect(() => time(0x17, '250101000000+0100')).toThrow(/\[impl:time-zulu\]/);
    expect(() => time(0x17, '2501010000Z')).toThrow(/\[impl:time-zulu\]/);
    expect(() => time(0x18, '20250101000000-0500')).toThrow(/\[impl:time-zulu\]/);
  });

  it('reads February 29 of a leap year, and UTCTime 49 as 2049, 50 as 1950', () => {
    expect(time(0x17, '240229235959Z').toISOString()).toBe('2024-02-29T23:59:59.000Z');
    expect(time(0x17, '491231235959Z').getUTCFullYear()).toBe(2049);
    expect(time(0x17, '500101000000Z').getUTCFullYear()).toBe(1950);
  });

  it('issue 12 finding 8: GeneralizedTime years 0000–0099 are those years, not 1900–1999', () => {
    expect(time(0x18, '00500101000000Z').toISOString()).toBe('0050-01-01T00:00:00.000Z');
    expect(time(0x18, '00000101000000Z').getUTCFullYear()).toBe(0);
    expect(time(0x18, '00991231235959Z').toISOString()).toBe('0099-12-31T23:59:59.000Z');
    expect(time(0x18, '00040229000000Z').toISOString()).toBe('0004-02-29T00:00:00.000Z');
  });
});

describe('issue 12: directory strings as Go reads them', () => {
  const str = (tag: number, ...content: number[]) => {
    const der = element(tag, b(...content));
    return () => stringValue(der, readOnly(der));
  };
  it('issue 12 finding 5: an odd-length BMPString is malformed, not truncated', () => {
    expect(str(0x1e, 0x00, 0x41, 0x00)).toThrow(/odd length/);
    expect(str(0x1e, 0x00, 0x41, 0x00, 0x42)()).toBe('AB');
    expect(str(0x1e, 0x00, 0x41, 0x00, 0x00)()).toBe('A');
    expect(str(0x1e, 0xd8, 0x00, 0xdc, 0x00)).toThrow(/surrogate/);
  });

  it("validates PrintableString (with Go's * and &), UTF8String, IA5String and NumericString", () => {
    expect(str(0x13, ...ascii('a@b'))).toThrow(/PrintableString/);
    expect(str(0x13, ...ascii('*.a&b'))()).toBe('*.a&b');
    expect(str(0x0c, 0xc3, 0x28)).toThrow(/UTF8String/);
    expect(str(0x16, 0x41, 0xe9)).toThrow(/IA5String/);
    expect(str(0x12, ...ascii('12a'))).toThrow(/NumericString/);
    expect(str(0x14, 0x41, 0xe9)()).toBe('Aé');
    expect(str(0x1c, 0, 0, 0, 0x41)()).toBeUndefined();
  });
});

describe('issue 12 finding 3: ECDSA signature values are strict DER', () => {
  const r = b(0x7f, ...new Array<number>(31).fill(1));
  const s = b(0x01, ...new Array<number>(31).fill(2));
  const good = sequence(integer(r), integer(s));

  it('reads a minimal SEQUENCE of two positive INTEGERs', () => {
    const raw = ecdsaSignatureToRaw(good, 32)!;
    expect(raw.subarray(0, 32)).toEqual(r);
    expect(raw.subarray(32)).toEqual(s);
  });

  it.each([
    ['the SEQUENCE length one short', () => b(0x30, good[1]! - 1, ...good.subarray(2))],
    ['a leading 00 on r', () => sequence(integer(b(0, ...r)), integer(s))],
    ['a long-form SEQUENCE length', () => b(0x30, 0x81, good[1]!, ...good.subarray(2))],
    ['a long-form INTEGER length', () => sequence(b(0x02, 0x81, 0x20, ...r), integer(s))],
    ['a "negative" r', () => sequence(integer(b(0x80, ...r.subarray(1))), integer(s))],
    ['a trailing byte', () => b(...good, 0)],
    ['a third INTEGER', () => sequence(integer(r), integer(s), integer(1))],
    ['an r longer than the curve', () => sequence(integer(b(0x01, ...r)), integer(s))],
  ])('rejects %s', (_, make) => {
    expect(ecdsaSignatureToRaw(make(), 32)).toBeUndefined();
  });
});
