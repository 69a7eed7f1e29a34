import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeBase64Url, encodeBase64, encodeBase64Url } from '../src/base64.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

// RFC 4648 §10 test vectors.
const RFC4648: [string, string][] = [
  ['', ''],
  ['f', 'Zg=='],
  ['fo', 'Zm8='],
  ['foo', 'Zm9v'],
  ['foob', 'Zm9vYg=='],
  ['fooba', 'Zm9vYmE='],
  ['foobar', 'Zm9vYmFy'],
];

describe('standard base64 (ENV-JWS-5: x5c)', () => {
  it.each(RFC4648)('ENV-JWS-5: encodes and decodes %j as %j', (plain, encoded) => {
    expect(encodeBase64(bytes(plain))).toBe(encoded);
    expect(decodeBase64(encoded)).toEqual(bytes(plain));
  });

  it('ENV-JWS-5: round-trips every byte value, matching Node', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let n = 0; n <= 256; n += 37) {
      const slice = all.subarray(0, n);
      const expected = Buffer.from(slice).toString('base64');
      expect(encodeBase64(slice)).toBe(expected);
      expect(decodeBase64(expected)).toEqual(slice);
    }
  });

  it('ENV-JWS-5: rejects missing padding, the url alphabet, whitespace and non-canonical bits', () => {
    expect(() => decodeBase64('Zg')).toThrow(SyntaxError);
    expect(() => decodeBase64('Zm9v_w==')).toThrow(SyntaxError);
    expect(() => decodeBase64('Zm9v\nYmFy')).toThrow(SyntaxError);
    expect(() => decodeBase64('Zh==')).toThrow(/non-canonical/);
    expect(() => decodeBase64('Zm9=')).toThrow(/non-canonical/);
    expect(() => decodeBase64('Z===')).toThrow(SyntaxError);
    expect(() => decodeBase64('Zm9vé===')).toThrow(SyntaxError);
  });
});

describe('base64url without padding (ENV-JWS-7)', () => {
  it.each(RFC4648)('ENV-JWS-7: encodes %j without padding', (plain, encoded) => {
    const unpadded = encoded.replace(/=+$/, '');
    expect(encodeBase64Url(bytes(plain))).toBe(unpadded);
    expect(decodeBase64Url(unpadded)).toEqual(bytes(plain));
  });

  it('ENV-JWS-7: uses - and _ and matches Node', () => {
    const data = new Uint8Array([0xfb, 0xff, 0xfe, 0x3e, 0x3f]);
    expect(encodeBase64Url(data)).toBe(Buffer.from(data).toString('base64url'));
    expect(encodeBase64Url(data)).toBe('-__-Pj8');
    expect(decodeBase64Url('-__-Pj8')).toEqual(data);
  });

  it('ENV-JWS-7: rejects padding, the standard alphabet and impossible lengths', () => {
    expect(() => decodeBase64Url('Zg==')).toThrow(SyntaxError);
    expect(() => decodeBase64Url('+/8')).toThrow(SyntaxError);
    expect(() => decodeBase64Url('Zm9vY')).toThrow(/invalid length/);
    expect(() => decodeBase64Url('Zh')).toThrow(/non-canonical/);
  });
});
