import { formatRfc3339 } from '@x/notary-pki/foundation';
import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from '../src/index.js';
import { truncateToSeconds } from '../src/time.js';

describe('time', () => {
  it('ATTR-6: parseRfc3339 reads UTC times, with or without fractional seconds', () => {
    expect(parseRfc3339('2025-01-01T00:00:00Z')?.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(parseRfc3339('2025-01-01T00:00:00.5Z')?.toISOString()).toBe('2025-01-01T00:00:00.500Z');
    expect(parseRfc3339('2024-02-29T23:59:59Z')?.toISOString()).toBe('2024-02-29T23:59:59.000Z');
  });

  it("ENV-JWS-8 AMB-15: parseRfc3339 accepts any ±hh:mm offset, as notation writes the signer's local offset", () => {
    expect(parseRfc3339('2025-01-01T08:00:00+08:00')?.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(parseRfc3339('2024-12-31T18:30:00-05:30')?.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(parseRfc3339('2025-01-01T00:00:00+00:00')?.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(parseRfc3339('2025-01-01T00:00:00-00:00')?.toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });

  it.each([
    ['no offset', '2025-01-01T00:00:00'],
    ['a space separator', '2025-01-01 00:00:00Z'],
    ['lower-case t', '2025-01-01t00:00:00Z'],
    ['month 13', '2025-13-01T00:00:00Z'],
    ['February 30', '2025-02-30T00:00:00Z'],
    ['February 29 of a common year', '2025-02-29T00:00:00Z'],
    ['hour 24', '2025-01-01T24:00:00Z'],
    ['second 60', '2025-01-01T00:00:60Z'],
    ['offset hour 24', '2025-01-01T00:00:00+24:00'],
    ['offset minute 60', '2025-01-01T00:00:00+23:60'],
    ['lower-case z', '2025-01-01T00:00:00z'],
    ['a one-digit month', '2025-1-01T00:00:00Z'],
    ['a five-digit year', '12025-01-01T00:00:00Z'],
    ['a negative year', '-001-01-01T00:00:00Z'],
    ['offset without colon', '2025-01-01T00:00:00+0800'],
    ['a date only', '2025-01-01'],
    ['an epoch number as text', '1735689600'],
  ])('ATTR-6: parseRfc3339 rejects %s', (_what, value) => {
    expect(parseRfc3339(value)).toBeUndefined();
  });

  it("ATTR-6 issue 12 finding 8: years 0000–0099 come out as themselves, as Go's time.Parse reads them", () => {
    expect(parseRfc3339('0000-01-01T00:00:00Z')?.getTime()).toBe(-62_167_219_200_000); // Go: Unix() = -62167219200
    expect(parseRfc3339('0099-12-31T23:59:59Z')?.getTime()).toBe(-59_011_459_201_000); // Go: Unix() = -59011459201
    expect(parseRfc3339('0050-06-15T12:00:00+01:00')?.toISOString()).toBe('0050-06-15T11:00:00.000Z');
    expect(parseRfc3339('0000-01-01T00:30:00+01:00')?.toISOString()).toBe('-000001-12-31T23:30:00.000Z');
    expect(parseRfc3339('0004-02-29T00:00:00Z')?.toISOString()).toBe('0004-02-29T00:00:00.000Z');
    expect(parseRfc3339('0100-02-29T00:00:00Z')).toBeUndefined(); // 100 is not a leap year
  });

  it('ATTR-6: a fraction of any length is read (truncated to milliseconds), as Go accepts up to nanoseconds and beyond', () => {
    expect(parseRfc3339('2025-01-01T00:00:00.123456789Z')?.toISOString()).toBe('2025-01-01T00:00:00.123Z');
    expect(parseRfc3339(`2025-01-01T00:00:00.9${'9'.repeat(100_000)}Z`)?.toISOString()).toBe(
      '2025-01-01T00:00:00.999Z',
    );
    expect(parseRfc3339('2025-01-01T00:00:00.Z')).toBeUndefined();
    expect(parseRfc3339('2025-01-01T00:00:00,5Z')).toBeUndefined();
  });

  it('ATTR-6 AMB-15: formatRfc3339 writes UTC with Z and whole seconds (fraction truncated, not rounded)', () => {
    expect(formatRfc3339(new Date('2025-06-01T12:34:56.999Z'))).toBe('2025-06-01T12:34:56Z');
    expect(formatRfc3339(new Date('2025-06-01T12:34:56Z'))).toBe('2025-06-01T12:34:56Z');
    expect(formatRfc3339(parseRfc3339('2025-06-01T20:34:56+08:00')!)).toBe('2025-06-01T12:34:56Z');
  });

  it('ATTR-6: truncateToSeconds floors to the second, also before 1970', () => {
    expect(truncateToSeconds(new Date(1_735_689_600_999)).getTime()).toBe(1_735_689_600_000);
    expect(truncateToSeconds(new Date(-1)).getTime()).toBe(-1000);
  });
});
