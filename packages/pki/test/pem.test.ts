import { describe, expect, it } from 'vitest';
import { toHex } from '../src/bytes.js';
import { CertificateParseError, PemError } from '../src/errors.js';
import { decodePem, encodePem, NotaryError, parseCertificates } from '../src/index.js';

const bytes = Uint8Array.from({ length: 100 }, (_, i) => (i * 7) & 0xff);
const block = encodePem('THING', bytes);

function expectPemError(action: () => unknown): PemError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PemError);
  expect((caught as PemError).code).toBe('ERR_PEM_MALFORMED');
  return caught as PemError;
}

describe('decodePem (Go encoding/pem.Decode semantics)', () => {
  it('TS-2: reads every block in order, ignoring text before, between and after blocks', () => {
    const text = `preamble: not a header\n${block}between\n${encodePem('OTHER', Uint8Array.of(1, 2, 3))}trailer`;
    const blocks = decodePem(text);
    expect(blocks.map((b) => b.label)).toEqual(['THING', 'OTHER']);
    expect(toHex(blocks[0]!.bytes)).toBe(toHex(bytes));
    expect(Array.from(blocks[1]!.bytes)).toEqual([1, 2, 3]);
  });

  it('TS-2: accepts CRLF line ends, trailing blanks on the marker lines and blanks inside the body', () => {
    const body = encodePem('THING', bytes).split('\n').slice(1, -2);
    const text = [
      '-----BEGIN THING----- \t',
      ...body.map((l) => ` ${l.slice(0, 10)}\t${l.slice(10)} `),
      '-----END THING-----  ',
    ].join('\r\n');
    expect(toHex(decodePem(text)[0]!.bytes)).toBe(toHex(bytes));
  });

  it('TS-2: RFC 1421 headers at the top of a block are returned as headers, not decoded as body', () => {
    const lines = block.split('\n');
    const text = [lines[0], 'Proc-Type: 4,ENCRYPTED', 'DEK-Info: AES-128-CBC,00', ...lines.slice(1)].join('\n');
    const [decoded] = decodePem(text);
    expect(decoded!.headers).toEqual({ 'Proc-Type': '4,ENCRYPTED', 'DEK-Info': 'AES-128-CBC,00' });
    expect(toHex(decoded!.bytes)).toBe(toHex(bytes));
  });

  it('TS-2: a block whose END label differs from its BEGIN label is skipped, as in Go', () => {
    const mismatched = block.replace('-----END THING-----', '-----END OTHER-----');
    expect(decodePem(mismatched)).toEqual([]);
    // The search resumes after the skipped BEGIN line, so a later good block is still found.
    expect(decodePem(mismatched + block).map((b) => b.label)).toEqual(['THING']);
  });

  it('TS-2: markers must start a line, and an END line must end after its dashes', () => {
    expect(decodePem(` ${block}`)).toEqual([]);
    expect(decodePem(block.replace('-----END THING-----', '-----END THING----- junk'))).toEqual([]);
    expect(decodePem(block.replace('-----BEGIN THING-----', '-----BEGIN THING----'))).toEqual([]);
  });

  it('issue 12 finding 1: a body that is not base64 is a typed PemError, not a SyntaxError', () => {
    const error = expectPemError(() => decodePem('-----BEGIN THING-----\nnot*base64\n-----END THING-----\n'));
    expect(error).toBeInstanceOf(NotaryError);
    expectPemError(() => decodePem('-----BEGIN THING-----\nAAA\n-----END THING-----\n')); // bad length
  });

  it('issue 12 finding 1: a multi-megabyte flood of BEGIN lines completes and yields no block', () => {
    // The former lazy, back-referencing regex took ~20 s on 1.44 MB of this, 82 s on 2.88 MB.
    const flood = '-----BEGIN CERTIFICATE-----\n'.repeat(150_000); // 4.2 MB
    expect(flood.length).toBeGreaterThan(4_000_000);
    expect(decodePem(flood)).toEqual([]);
    // With a matching END at the bottom: the first BEGIN's body holds the other BEGIN lines, which are not base64.
    expectPemError(() => decodePem(`${flood}-----END CERTIFICATE-----\n`));
  });

  it('issue 12 finding 1: floods of colon-labelled BEGIN lines and of END lines complete', () => {
    const colons = '-----BEGIN A:B-----\n'.repeat(150_000);
    expect(decodePem(`${colons}x\n`)).toEqual([]);
    const ends = '-----END CERTIFICATE-----\n'.repeat(150_000);
    expect(decodePem(`-----BEGIN X-----\n${ends}`)).toEqual([]);
    // A good block after the flood is still read.
    expect(decodePem(`${colons}x\n${block}`).map((b) => b.label)).toEqual(['THING']);
  });

  it('issue 12 finding 1: parseCertificates turns a BEGIN flood into a typed CertificateParseError', () => {
    const flood = '-----BEGIN CERTIFICATE-----\n'.repeat(150_000);
    expect(() => parseCertificates(flood)).toThrow(CertificateParseError);
    expect(() => parseCertificates(`${flood}-----END CERTIFICATE-----\n`)).toThrow(CertificateParseError);
    expect(() => parseCertificates(new TextEncoder().encode(flood))).toThrow(CertificateParseError);
  });
});
