/**
 * A minimal DER reader for the structures the verify path walks on every
 * call (certificates). A general ASN.1 library costs about a millisecond per
 * certificate here (see bench/profile.mjs); walking the TLVs directly costs a
 * few microseconds. It accepts definite lengths only, as DER requires.
 */

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

export class DerError extends Error {}

/** Reads the element at `offset` of `bytes`, within `limit`. */
export function readElement(bytes: Uint8Array, offset: number, limit = bytes.length): DerElement {
  if (offset + 2 > limit) throw new DerError('truncated element');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used in certificates');
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
    if (length < 0x80 || (count > 1 && bytes[offset + 2] === 0)) throw new DerError('non-minimal length is not DER');
    header += count;
  }
  const end = offset + header + length;
  if (end > limit) throw new DerError('truncated contents');
  return { tag, start: offset, contentStart: offset + header, end };
}

/** The child elements of a constructed element. */
export function children(bytes: Uint8Array, parent: DerElement): DerElement[] {
  const out: DerElement[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readElement(bytes, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** The contents of an element. */
export function contents(bytes: Uint8Array, element: DerElement): Uint8Array {
  return bytes.subarray(element.contentStart, element.end);
}

/** The whole element, header included. */
export function whole(bytes: Uint8Array, element: DerElement): Uint8Array {
  return bytes.subarray(element.start, element.end);
}

/** Dotted text of an OBJECT IDENTIFIER's contents. */
export function oidText(value: Uint8Array): string {
  if (value.length === 0) throw new DerError('empty object identifier');
  const arcs: number[] = [];
  let arc = 0;
  for (const byte of value) {
    arc = arc * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(arc);
      arc = 0;
    }
  }
  if ((value[value.length - 1]! & 0x80) !== 0) throw new DerError('truncated object identifier');
  const head = arcs[0]!;
  const first = head < 40 ? 0 : head < 80 ? 1 : 2;
  return [first, head - first * 40, ...arcs.slice(1)].join('.');
}

/** A UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5: UTC, `Z`). */
export function timeValue(bytes: Uint8Array, element: DerElement): Date {
  const text = String.fromCharCode(...contents(bytes, element));
  const utc = element.tag === 0x17;
  const match = utc ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/.exec(text);
  if (!match) throw new DerError(`invalid ${utc ? 'UTCTime' : 'GeneralizedTime'} ${JSON.stringify(text)}`);
  let year = Number(match[1]);
  // RFC 5280: UTCTime years 50–99 are 19xx, 00–49 are 20xx.
  if (utc) year += year >= 50 ? 1900 : 2000;
  const millis = match[7] ? Math.floor(Number(`0${match[7]}`) * 1000) : 0;
  return new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6]), millis));
}

const utf8 = new TextDecoder('utf-8');

/** The text of a directory string, or undefined for a non-string value. */
export function stringValue(bytes: Uint8Array, element: DerElement): string | undefined {
  const value = contents(bytes, element);
  switch (element.tag) {
    case 0x0c: // UTF8String
      return utf8.decode(value);
    case 0x12: // NumericString
    case 0x13: // PrintableString
    case 0x14: // TeletexString (read byte for byte, as Go does)
    case 0x16: // IA5String
    case 0x1a: // VisibleString
      return String.fromCharCode(...value);
    case 0x1e: {
      // BMPString: UTF-16BE
      let text = '';
      for (let i = 0; i + 1 < value.length; i += 2) text += String.fromCharCode((value[i]! << 8) | value[i + 1]!);
      return text;
    }
    case 0x1c: {
      // UniversalString: UTF-32BE
      let text = '';
      for (let i = 0; i + 3 < value.length; i += 4) text += String.fromCodePoint(((value[i]! << 24) | (value[i + 1]! << 16) | (value[i + 2]! << 8) | value[i + 3]!) >>> 0);
      return text;
    }
    default:
      return undefined;
  }
}
