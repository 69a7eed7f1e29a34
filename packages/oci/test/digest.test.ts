import { describe, expect, it } from 'vitest';
import { computeDigest, descriptorFor, isDigest, parseDigest, verifyContent } from '../src/digest.js';
import { OciError } from '../src/errors.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OciError);
    return (error as OciError).code;
  }
  return undefined;
}

describe('digest helpers', () => {
  it('computes sha256 and sha512 digests (FIPS 180-4 test vectors, and the empty JSON of OCI-2)', () => {
    expect(computeDigest(new Uint8Array())).toBe(
      'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(computeDigest(utf8('{}'))).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(computeDigest(utf8('abc'), 'sha512')).toBe(
      'sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });

  it('parses valid digests and refuses malformed ones, unknown algorithms and wrong lengths/case', () => {
    const hex = 'a'.repeat(64);
    expect(parseDigest(`sha256:${hex}`)).toEqual({ algorithm: 'sha256', hex });
    expect(parseDigest(`sha512:${'b'.repeat(128)}`).algorithm).toBe('sha512');
    for (const bad of [
      '',
      'sha256',
      `sha256:${'a'.repeat(63)}`,
      `sha256:${'A'.repeat(64)}`,
      `md5:${'a'.repeat(32)}`,
      `sha384:${'a'.repeat(96)}`,
      `sha256:${'a'.repeat(64)}/..`,
      `SHA256:${hex}`,
      `sha512:${hex}`,
    ]) {
      expect(
        codeOf(() => parseDigest(bad)),
        bad,
      ).toBe('ERR_OCI_REFERENCE_INVALID');
      expect(isDigest(bad)).toBe(false);
    }
    expect(isDigest(`sha256:${hex}`)).toBe(true);
  });

  it('OCI-9: verifyContent accepts exact content and reports size and digest mismatches as ERR_OCI_DIGEST_MISMATCH', () => {
    const bytes = utf8('hello');
    const d = descriptorFor('text/plain', bytes);
    expect(d).toEqual({ mediaType: 'text/plain', digest: computeDigest(bytes), size: 5 });
    expect(() => verifyContent(bytes, d)).not.toThrow();
    expect(codeOf(() => verifyContent(utf8('hell'), d))).toBe('ERR_OCI_DIGEST_MISMATCH');
    expect(codeOf(() => verifyContent(utf8('hellO'), d))).toBe('ERR_OCI_DIGEST_MISMATCH');
    expect(codeOf(() => verifyContent(bytes, { ...d, digest: 'nonsense' }))).toBe('ERR_OCI_REFERENCE_INVALID');
    const d512 = descriptorFor('text/plain', bytes, 'sha512');
    expect(() => verifyContent(bytes, d512)).not.toThrow();
    expect(codeOf(() => verifyContent(utf8('jello'), d512))).toBe('ERR_OCI_DIGEST_MISMATCH');
  });
});
