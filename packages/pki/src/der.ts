/**
 * The strict DER reader. Every structure whose bytes a signature or a trust
 * decision depends on is read through it: certificates, SubjectPublicKeyInfo,
 * signature AlgorithmIdentifiers and ECDSA signature values (issue 12).
 *
 * It rejects what Go's `crypto/x509` (through `cryptobyte`) and
 * `encoding/asn1` reject: indefinite and non-minimal lengths, high tag
 * numbers, non-minimal or empty INTEGERs, BOOLEANs other than `00`/`FF`,
 * non-minimal OID arcs, BIT STRINGs with more than 7 unused bits or non-zero
 * padding, invalid dates (month 13, Feb 30, hour 24, second 60), fractional
 * seconds, odd-length BMPStrings and declared lengths beyond the input. Where
 * we are stricter than Go the check says `[impl]` and names the rule.
 *
 * Speed matters (bench/profile.mjs): a general ASN.1 library costs about a
 * millisecond per certificate, walking the TLVs directly a few microseconds.
 * Every loop is bounded by the input length.
 */

import { toHex } from './bytes.js';
import { NotaryError } from './errors.js';

/** One TLV element: its tag byte, and where its header and contents lie in `bytes`. */
export interface DerElement {
  /** The whole identifier octet (class, constructed bit and tag number < 31). */
  tag: number;
  /** Offset of the element's first byte. */
  start: number;
  /** Offset of the contents. */
  contentStart: number;
  /** Offset just past the element. */
  end: number;
}

/**
 * Bytes that are not the DER they should be. Callers turn it into their own
 * typed error (ERR_CERT_PARSE, ERR_REVOCATION_MALFORMED, …) with this as the
 * cause; it carries a code itself so that nothing untyped ever escapes.
 */
export class DerError extends NotaryError<'ERR_DER_MALFORMED'> {
  constructor(message: string) {
    super('ERR_DER_MALFORMED', message);
  }
}

/** Universal tags used by the readers. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8String: 0x0c,
  PrintableString: 0x13,
  T61String: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  BMPString: 0x1e,
  NumericString: 0x12,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/**
 * Marker in the message of checks where we are deliberately stricter than
 * Go's parser: trailing elements Go skips inside a SEQUENCE (X.690 §8.9 and
 * RFC 5280's ASN.1 have no extension marker there). The differential fuzzer
 * classifies a disagreement by this marker.
 */
export const IMPL_TRAILING = '[impl:trailing]';

/** Reads the element at `offset` of `bytes`, within `limit`. Fails fast on a declared length beyond `limit`. */
export function readElement(bytes: Uint8Array, offset: number, limit = bytes.length, minimalLength = true): DerElement {
  if (offset + 2 > limit) throw new DerError('truncated element');
  const tag = bytes[offset]!;
  // cryptobyte refuses high tag numbers; no structure we read uses them.
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not supported');
  const first = bytes[offset + 1]!;
  let length: number;
  let header = 2;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    if (count === 0) throw new DerError('indefinite length is not DER');
    if (count > 4) throw new DerError('length too large');
    if (offset + 2 + count > limit) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!;
    if (minimalLength && (length < 0x80 || bytes[offset + 2] === 0))
      throw new DerError('non-minimal length is not DER');
    header += count;
  }
  const end = offset + header + length;
  if (end > limit) throw new DerError('truncated contents: declared length exceeds the input');
  return { tag, start: offset, contentStart: offset + header, end };
}

/** The one element `bytes` holds; trailing bytes are an error. */
export function readOnly(bytes: Uint8Array, tag?: number, what = 'element'): DerElement {
  const element = readElement(bytes, 0);
  if (element.end !== bytes.length) throw new DerError(`trailing data after ${what}`);
  if (tag !== undefined && element.tag !== tag) throw new DerError(`${what} has the wrong tag`);
  return element;
}

/** The child elements of a constructed element. */
export function children(bytes: Uint8Array, parent: DerElement): DerElement[] {
  if ((parent.tag & 0x20) === 0) throw new DerError('a primitive element has no children');
  const out: DerElement[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readElement(bytes, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/**
 * Reads a constructed element's children one by one, as cryptobyte does, so
 * that bytes Go would never look at are not parsed either: {@link DerCursor.end}
 * refuses whatever is left with the `[impl:trailing]` marker.
 */
export class DerCursor {
  #offset: number;
  readonly #end: number;
  readonly #bytes: Uint8Array;
  readonly #what: string;
  readonly #minimalLengths: boolean;

  /** `minimalLengths: false` reads BER long-form lengths too (timestamp tokens: {@link assertDefiniteLengthBer}). */
  constructor(
    bytes: Uint8Array,
    parent: DerElement | undefined,
    what: string,
    tag: number = TAG.SEQUENCE,
    minimalLengths = true,
  ) {
    if (!parent || parent.tag !== tag) throw new DerError(`malformed ${what}`);
    this.#bytes = bytes;
    this.#offset = parent.contentStart;
    this.#end = parent.end;
    this.#what = what;
    this.#minimalLengths = minimalLengths;
  }

  get empty(): boolean {
    return this.#offset >= this.#end;
  }

  /** The tag of the next element, without reading it. */
  peek(): number | undefined {
    return this.empty ? undefined : this.#bytes[this.#offset];
  }

  /** The next element; `what` names it in the error when there is none. */
  next(what = this.#what): DerElement {
    if (this.empty) throw new DerError(`malformed ${what}`);
    const element = readElement(this.#bytes, this.#offset, this.#end, this.#minimalLengths);
    this.#offset = element.end;
    return element;
  }

  /** The next element if it has `tag`. */
  optional(tag: number): DerElement | undefined {
    return this.peek() === tag ? this.next() : undefined;
  }

  /** [impl] Go skips what follows; DER structures we read have nothing there, so it is refused. */
  end(): void {
    if (!this.empty) throw new DerError(`malformed ${this.#what}: trailing data ${IMPL_TRAILING}`);
  }
}

/**
 * Checks that `bytes` is exactly one DER element whose constructed elements,
 * at every depth, hold well-formed DER: definite, minimal lengths and nothing
 * left over. Used before a structure is handed to a BER-tolerant library
 * (pkijs for CRLs and OCSP), as Go's parsers would refuse BER. Depth is
 * bounded, and the walk is linear in the input.
 */
export function assertDer(bytes: Uint8Array, maxDepth = 48, minimalLengths = true): void {
  const walk = (start: number, end: number, depth: number): void => {
    if (depth > maxDepth) throw new DerError('nesting too deep');
    for (let offset = start; offset < end; ) {
      const element = readElement(bytes, offset, end, minimalLengths);
      if ((element.tag & 0x20) !== 0) walk(element.contentStart, element.end, depth + 1);
      offset = element.end;
    }
  };
  const top = readElement(bytes, 0, bytes.length, minimalLengths);
  if (top.end !== bytes.length) throw new DerError('trailing data after element');
  if ((top.tag & 0x20) !== 0) walk(top.contentStart, top.end, 1);
}

/**
 * The BER that Go's timestamp parser takes (tspclient-go's
 * internal/encoding/asn1/ber decodeLength): {@link assertDer} without the
 * minimal-length rule, so long-form lengths pass but indefinite lengths,
 * lengths over 4 octets and trailing or overrunning data do not.
 */
export function assertDefiniteLengthBer(bytes: Uint8Array, maxDepth = 48): void {
  assertDer(bytes, maxDepth, false);
}

/** The children of a SEQUENCE (or `tag`), failing with `what` otherwise. */
export function sequence(
  bytes: Uint8Array,
  element: DerElement | undefined,
  what: string,
  tag: number = TAG.SEQUENCE,
): DerElement[] {
  if (!element || element.tag !== tag) throw new DerError(`malformed ${what}`);
  return children(bytes, element);
}

/** The contents of an element. */
export function contents(bytes: Uint8Array, element: DerElement): Uint8Array {
  return bytes.subarray(element.contentStart, element.end);
}

/** The whole element, header included. */
export function whole(bytes: Uint8Array, element: DerElement): Uint8Array {
  return bytes.subarray(element.start, element.end);
}

function expectTag(element: DerElement | undefined, tag: number, what: string): DerElement {
  if (!element || element.tag !== tag) throw new DerError(`malformed ${what}`);
  return element;
}

/** Content octets of a minimal INTEGER (X.690 §8.3.2; cryptobyte's checkASN1Integer). */
export function integerBytes(
  bytes: Uint8Array,
  element: DerElement | undefined,
  what = 'INTEGER',
  tag: number = TAG.INTEGER,
): Uint8Array {
  const value = contents(bytes, expectTag(element, tag, what));
  if (value.length === 0) throw new DerError(`malformed ${what}: empty INTEGER`);
  if (value.length > 1 && ((value[0] === 0 && value[1]! < 0x80) || (value[0] === 0xff && value[1]! >= 0x80))) {
    throw new DerError(`malformed ${what}: non-minimal INTEGER`);
  }
  return value;
}

/** A minimal INTEGER as a bigint (two's complement). */
export function integerValue(
  bytes: Uint8Array,
  element: DerElement | undefined,
  what = 'INTEGER',
  tag: number = TAG.INTEGER,
): bigint {
  return signedBigInt(integerBytes(bytes, element, what, tag));
}

/** Two's complement content octets as a bigint. */
export function signedBigInt(value: Uint8Array): bigint {
  if (value.length === 0) return 0n;
  // One BigInt from hex: shifting byte by byte is quadratic for an RSA modulus.
  const n = BigInt(`0x${toHex(value)}`);
  return (value[0]! & 0x80) !== 0 ? n - (1n << BigInt(value.length * 8)) : n;
}

/** A minimal INTEGER that must fit in a 64-bit signed integer (Go's `int`), as a number. */
export function smallIntegerValue(
  bytes: Uint8Array,
  element: DerElement | undefined,
  what = 'INTEGER',
  tag: number = TAG.INTEGER,
): number {
  const value = integerBytes(bytes, element, what, tag);
  if (value.length > 8) throw new DerError(`malformed ${what}: INTEGER too large`);
  return Number(signedBigInt(value));
}

/** A BOOLEAN: exactly one octet, `00` or `FF` (X.690 §11.1; Go's ReadASN1Boolean). */
export function booleanValue(bytes: Uint8Array, element: DerElement | undefined, what = 'BOOLEAN'): boolean {
  const value = contents(bytes, expectTag(element, TAG.BOOLEAN, what));
  if (value.length !== 1 || (value[0] !== 0x00 && value[0] !== 0xff))
    throw new DerError(`malformed ${what}: BOOLEAN must be 00 or FF`);
  return value[0] === 0xff;
}

/** Dotted text of an OBJECT IDENTIFIER's contents: non-empty, minimal base-128 arcs below 2^31 (cryptobyte). */
export function oidText(value: Uint8Array): string {
  if (value.length === 0) throw new DerError('empty object identifier');
  const arcs: number[] = [];
  let arc = 0;
  let fresh = true;
  for (const byte of value) {
    if (fresh && byte === 0x80) throw new DerError('non-minimal object identifier arc');
    if (arc >= 1 << 24) throw new DerError('object identifier arc too large');
    arc = arc * 128 + (byte & 0x7f);
    fresh = (byte & 0x80) === 0;
    if (fresh) {
      arcs.push(arc);
      arc = 0;
    }
  }
  if (!fresh) throw new DerError('truncated object identifier');
  const head = arcs[0]!;
  const first = head < 80 ? Math.floor(head / 40) : 2;
  return [first, head - first * 40, ...arcs.slice(1)].join('.');
}

/** The dotted OID of an OBJECT IDENTIFIER element. */
export function oidValue(bytes: Uint8Array, element: DerElement | undefined, what = 'OBJECT IDENTIFIER'): string {
  return oidText(contents(bytes, expectTag(element, TAG.OID, what)));
}

/** A BIT STRING's unused-bit count and octets (Go's ReadASN1BitString: at most 7 unused bits, all zero). */
export function bitStringValue(
  bytes: Uint8Array,
  element: DerElement | undefined,
  what = 'BIT STRING',
): { unusedBits: number; bytes: Uint8Array } {
  const value = contents(bytes, expectTag(element, TAG.BIT_STRING, what));
  if (value.length === 0) throw new DerError(`malformed ${what}: empty BIT STRING`);
  const unusedBits = value[0]!;
  if (unusedBits > 7 || (value.length === 1 && unusedBits > 0))
    throw new DerError(`malformed ${what}: invalid unused-bit count`);
  if ((value[value.length - 1]! & ((1 << unusedBits) - 1)) !== 0)
    throw new DerError(`malformed ${what}: unused bits must be zero`);
  return { unusedBits, bytes: value.subarray(1) };
}

/** The bits of a BIT STRING shifted right by its unused bits (Go's BitString.RightAlign). */
export function rightAligned(bits: { unusedBits: number; bytes: Uint8Array }): Uint8Array {
  if (bits.unusedBits === 0) return bits.bytes;
  const shift = bits.unusedBits;
  const out = new Uint8Array(bits.bytes.length);
  out[0] = bits.bytes[0]! >> shift;
  for (let i = 1; i < bits.bytes.length; i++)
    out[i] = ((bits.bytes[i - 1]! << (8 - shift)) | (bits.bytes[i]! >> shift)) & 0xff;
  return out;
}

/**
 * The signatureValue of a SIGNED{…} structure, SEQUENCE { to-be-signed, AlgorithmIdentifier,
 * BIT STRING }: CRLs and BasicOCSPResponses, read as Go reads them (and as certificates are
 * read here): a strict BIT STRING, right-aligned. Taking the octets and ignoring the unused-bit
 * count would accept a signature Go refuses (issue 12 finding 3).
 */
export function signedStructureSignature(der: Uint8Array, what: string): Uint8Array {
  const fields = children(der, readOnly(der, TAG.SEQUENCE, what));
  return rightAligned(bitStringValue(der, fields[2], `${what} signature`));
}

/** An AlgorithmIdentifier: its OID and the DER of its parameters (undefined when absent). */
export interface AlgorithmIdentifier {
  oid: string;
  parameters: Uint8Array | undefined;
}

/** Reads an AlgorithmIdentifier SEQUENCE { OID, ANY OPTIONAL }. */
export function algorithmIdentifier(
  bytes: Uint8Array,
  element: DerElement | undefined,
  what = 'AlgorithmIdentifier',
): AlgorithmIdentifier {
  const cursor = new DerCursor(bytes, element, what);
  const oid = oidValue(bytes, cursor.next(), what);
  const parameters = cursor.empty ? undefined : whole(bytes, cursor.next()).slice();
  // [impl] Go's parseAI skips elements after the parameters; we refuse them.
  cursor.end();
  return { oid, parameters };
}

/** Reads a whole DER AlgorithmIdentifier. */
export function parseAlgorithmIdentifier(der: Uint8Array, what = 'AlgorithmIdentifier'): AlgorithmIdentifier {
  return algorithmIdentifier(der, readOnly(der, TAG.SEQUENCE, what), what);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * A UTCTime or GeneralizedTime. Go rejects invalid calendar values (month 13,
 * Feb 30, hour 24, second 60), fractional seconds and a missing zone.
 * [impl] RFC 5280 §4.1.2.5.1–2: times are Zulu and include seconds. Go also
 * accepts a `+hhmm` offset and a UTCTime without seconds; we refuse both
 * (`[impl:time-zulu]`). Years 0000–0099 of a GeneralizedTime are those years,
 * not 1900–1999 (issue 12 finding 8).
 */
export function timeValue(bytes: Uint8Array, element: DerElement): Date {
  const raw = contents(bytes, element);
  if (raw.length > 32) throw new DerError('time too long');
  const text = String.fromCharCode(...raw);
  const utc = element.tag === TAG.UTCTime;
  if (!utc && element.tag !== TAG.GeneralizedTime) throw new DerError('unsupported time format');
  const what = utc ? 'UTCTime' : 'GeneralizedTime';
  const match = utc
    ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
    : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) {
    const lax = utc ? /^\d{10}(\d{2})?([+-]\d{4}|Z)$/.test(text) : /^\d{14}[+-]\d{4}$/.test(text);
    throw new DerError(`invalid ${what} ${JSON.stringify(text)}${lax ? ' [impl:time-zulu]' : ''}`);
  }
  let year = Number(match[1]);
  // RFC 5280: UTCTime years 50–99 are 19xx, 00–49 are 20xx.
  if (utc) year += year >= 50 ? 1900 : 2000;
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  const monthDays = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (monthDays === undefined || day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) {
    throw new DerError(`invalid ${what} ${JSON.stringify(text)}: no such date or time`);
  }
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  // Date.UTC maps years 0–99 to 1900–1999; set the full year explicitly.
  date.setUTCFullYear(year, month - 1, day);
  return date;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const isPrintable = (b: number): boolean =>
  (b >= 0x61 && b <= 0x7a) ||
  (b >= 0x41 && b <= 0x5a) ||
  (b >= 0x30 && b <= 0x39) ||
  (b >= 0x27 && b <= 0x29) ||
  (b >= 0x2b && b <= 0x2f) ||
  b === 0x20 ||
  b === 0x3a ||
  b === 0x3d ||
  b === 0x3f ||
  // Go accepts '*' and '&' in PrintableString, as real CAs use them.
  b === 0x2a ||
  b === 0x26;

function latin1(value: Uint8Array): string {
  let text = '';
  for (const b of value) text += String.fromCharCode(b);
  return text;
}

/**
 * The text of a directory string, validated as Go's parseASN1String does
 * (Go ≥ 1.23), or undefined for a value that is not one of Go's string types.
 */
export function stringValue(bytes: Uint8Array, element: DerElement): string | undefined {
  const value = contents(bytes, element);
  switch (element.tag) {
    case TAG.UTF8String:
      try {
        return utf8.decode(value);
      } catch {
        throw new DerError('invalid UTF8String');
      }
    case TAG.PrintableString:
      for (const b of value) if (!isPrintable(b)) throw new DerError('invalid PrintableString');
      return latin1(value);
    case TAG.T61String:
      // Read as Latin-1, as Go (≥ 1.21) and BoringSSL do.
      return latin1(value);
    case TAG.IA5String:
      for (const b of value) if (b >= 0x80) throw new DerError('invalid IA5String');
      return latin1(value);
    case TAG.NumericString:
      for (const b of value) if (!((b >= 0x30 && b <= 0x39) || b === 0x20)) throw new DerError('invalid NumericString');
      return latin1(value);
    case TAG.BMPString: {
      // UCS-2: an odd length is malformed, not truncated (issue 12 finding 5).
      if (value.length % 2 !== 0) throw new DerError('invalid BMPString: odd length');
      let end = value.length;
      if (end >= 2 && value[end - 1] === 0 && value[end - 2] === 0) end -= 2; // Go strips one terminator
      let text = '';
      for (let i = 0; i < end; i += 2) {
        const unit = (value[i]! << 8) | value[i + 1]!;
        if (
          unit === 0xfffe ||
          unit === 0xffff ||
          (unit >= 0xfdd0 && unit <= 0xfdef) ||
          (unit >= 0xd800 && unit <= 0xdfff)
        ) {
          throw new DerError('invalid BMPString: surrogate or non-character');
        }
        text += String.fromCharCode(unit);
      }
      return text;
    }
    default:
      return undefined;
  }
}

/**
 * Converts a DER ECDSA-Sig-Value to raw r‖s of the given half size, or
 * undefined if it is not exactly the DER Go's ecdsa.VerifyASN1 accepts:
 * one SEQUENCE of two minimal, non-negative INTEGERs, nothing after it
 * (issue 12 finding 3: a re-encoded signature must not verify).
 */
export function ecdsaSignatureToRaw(der: Uint8Array, size: number): Uint8Array | undefined {
  try {
    const [r, s, ...extra] = sequence(der, readOnly(der, TAG.SEQUENCE, 'ECDSA signature'), 'ECDSA signature');
    if (extra.length > 0) return undefined;
    const out = new Uint8Array(2 * size);
    let index = 0;
    for (const element of [r, s]) {
      let value = integerBytes(der, element, 'ECDSA signature');
      if ((value[0]! & 0x80) !== 0) return undefined; // negative
      if (value.length > 1 && value[0] === 0) value = value.subarray(1);
      if (value.length > size) return undefined;
      index++;
      out.set(value, index * size - value.length);
    }
    return out;
  } catch (error) {
    if (error instanceof DerError) return undefined;
    throw error;
  }
}
