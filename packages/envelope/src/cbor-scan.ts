import { malformed } from './errors.js';

/**
 * A linear pass over untrusted CBOR before cbor2 decodes any of it (issue 12
 * findings 1 and 7). cbor2 trusts declared lengths and counts (an array head
 * claiming 2^32 items over a 32 MiB input runs for seconds), checks duplicate
 * keys in quadratic time, and decodes everything it is given. This module
 * reads heads only: it checks well-formedness and go-cose's limits, and hands
 * out the byte spans of items, so that the COSE parser decodes only the few
 * values it reads.
 *
 * The limits are fxamacker/cbor's defaults, which go-cose decodes with.
 */
export const CBOR_LIMITS = {
  /** fxamacker/cbor MaxNestedLevels: arrays, maps and tags. */
  maxDepth: 32,
  /** fxamacker/cbor MaxArrayElements. */
  maxArrayElements: 131_072,
  /** fxamacker/cbor MaxMapPairs. */
  maxMapPairs: 131_072,
} as const;

export const MAJOR_UNSIGNED = 0;
export const MAJOR_NEGATIVE = 1;
export const MAJOR_BYTES = 2;
export const MAJOR_TEXT = 3;
export const MAJOR_ARRAY = 4;
export const MAJOR_MAP = 5;
export const MAJOR_TAG = 6;
export const MAJOR_SIMPLE = 7;

/** One CBOR head: major type, additional information and argument. */
export interface CborHead {
  major: number;
  info: number;
  /** The argument; a bigint only when it exceeds 2^53 - 1. */
  argument: number | bigint;
  /** Offset just after the head. */
  end: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads one head at `offset`; indefinite lengths and reserved values are errors (ENV-COSE-1 [impl]). */
export function readHead(bytes: Uint8Array, offset: number, what: string): CborHead {
  if (offset >= bytes.length) malformed(`${what} ends early`);
  const initial = bytes[offset]!;
  const major = initial >> 5;
  const info = initial & 0x1f;
  if (info < 24) return { major, info, argument: info, end: offset + 1 };
  if (info === 31) malformed(`${what} uses an indefinite length, which is not allowed`);
  if (info > 27) malformed(`${what} has a reserved head (0x${initial.toString(16)})`);
  const size = 1 << (info - 24);
  if (offset + 1 + size > bytes.length) malformed(`${what} ends early`);
  let argument: number | bigint = 0;
  if (size === 8) {
    const big = new DataView(bytes.buffer, bytes.byteOffset + offset + 1, 8).getBigUint64(0);
    argument = big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  } else {
    for (let i = 0; i < size; i++) argument = (argument as number) * 256 + bytes[offset + 1 + i]!;
  }
  // RFC 8949 §3.3: a one-byte simple value below 32 is not well-formed.
  if (major === MAJOR_SIMPLE && info === 24 && (argument as number) < 32)
    malformed(`${what} has a malformed simple value`);
  return { major, info, argument, end: offset + 1 + size };
}

/** A length or count that must fit in what is left of the input. */
function boundedCount(head: CborHead, available: number, what: string): number {
  if (typeof head.argument === 'bigint' || head.argument > available)
    malformed(`${what} declares ${String(head.argument)} items or bytes, more than the input holds`);
  return head.argument;
}

/** The text of a text string whose head is `head`, rejecting invalid UTF-8 (as fxamacker/cbor does). */
export function readText(bytes: Uint8Array, head: CborHead, what: string): string {
  const length = boundedCount(head, bytes.length - head.end, what);
  try {
    return utf8.decode(bytes.subarray(head.end, head.end + length));
  } catch (error) {
    malformed(`${what} holds a text string that is not UTF-8`, error);
  }
}

/** The span of the byte string at `offset`, or undefined when the item there is not one. */
export function byteStringAt(
  bytes: Uint8Array,
  offset: number,
  what: string,
): { start: number; end: number } | undefined {
  const head = readHead(bytes, offset, what);
  if (head.major !== MAJOR_BYTES) return undefined;
  const length = boundedCount(head, bytes.length - head.end, what);
  return { start: head.end, end: head.end + length };
}

export interface ScanOptions {
  /** go-cose forbids tags in a COSE_Sign1 outside the protected header bytes. */
  allowTags: boolean;
  /** The nesting depth of the item itself, counted towards the limit. */
  depth?: number;
}

/** Whether bytes[start, end) is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or values above U+10FFFF). */
function isUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let code: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min, code] = [1, 0x80, b & 0x1f];
    else if (b >= 0xe0 && b <= 0xef) [need, min, code] = [2, 0x800, b & 0x0f];
    else if (b >= 0xf0 && b <= 0xf4) [need, min, code] = [3, 0x10000, b & 0x07];
    else return false;
    if (i + need >= end) return false;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return false;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

/**
 * Checks the one item at `offset` and returns the offset after it. Iterative,
 * one step per head, no allocation per item: declared lengths and counts
 * never exceed the input, nesting and container sizes stay within
 * {@link CBOR_LIMITS}, text is UTF-8, and lengths are definite.
 */
export function skipItem(bytes: Uint8Array, offset: number, what: string, options: ScanOptions): number {
  const baseDepth = options.depth ?? 0;
  // pending[d]: items still to read in the container at depth d (d = 0: the item itself).
  const pending = new Float64Array(CBOR_LIMITS.maxDepth + 2);
  pending[0] = 1;
  let top = 0;
  let position = offset;
  const length = bytes.length;
  while (top >= 0) {
    let left = pending[top]!;
    // Runs of one-byte ints and simple values (0x00–0x17, 0x20–0x37, 0xe0–0xf7), whole in their first byte.
    while (left > 0 && position < length) {
      const initial = bytes[position]!;
      if ((initial & 0x1f) >= 24 || (initial >= 0x40 && initial < 0xe0)) break;
      position++;
      left--;
    }
    if (left === 0) {
      top--;
      continue;
    }
    pending[top] = left - 1;
    if (position >= length) malformed(`${what} ends early`);
    const initial = bytes[position]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    let argument: number;
    if (info < 24) {
      argument = info;
      position += 1;
    } else if (info <= 27) {
      const size = 1 << (info - 24);
      if (position + 1 + size > length) malformed(`${what} ends early`);
      argument = 0;
      // An 8-byte argument beyond 2^53 loses precision here, but only as a length or count, where it exceeds any input anyway.
      for (let k = 1; k <= size; k++) argument = argument * 256 + bytes[position + k]!;
      if (major === MAJOR_SIMPLE && info === 24 && argument < 32) malformed(`${what} has a malformed simple value`);
      position += 1 + size;
    } else if (info === 31) {
      malformed(`${what} uses an indefinite length, which is not allowed`);
    } else {
      malformed(`${what} has a reserved head (0x${initial.toString(16)})`);
    }
    const available = length - position;
    switch (major) {
      case MAJOR_BYTES:
      case MAJOR_TEXT:
        if (argument > available) malformed(`${what} declares ${argument} bytes, more than the input holds`);
        if (major === MAJOR_TEXT && !isUtf8(bytes, position, position + argument))
          malformed(`${what} holds a text string that is not UTF-8`);
        position += argument;
        break;
      case MAJOR_ARRAY:
      case MAJOR_MAP:
      case MAJOR_TAG: {
        if (major === MAJOR_TAG && !options.allowTags) malformed(`${what} holds a CBOR tag, which is not allowed here`);
        if (baseDepth + top + 1 > CBOR_LIMITS.maxDepth)
          malformed(`${what} is nested deeper than ${CBOR_LIMITS.maxDepth} levels`);
        let items = 1;
        if (major === MAJOR_ARRAY) {
          if (argument > available) malformed(`${what} declares ${argument} items, more than the input holds`);
          if (argument > CBOR_LIMITS.maxArrayElements)
            malformed(`${what} holds an array of more than ${CBOR_LIMITS.maxArrayElements} items`);
          items = argument;
        } else if (major === MAJOR_MAP) {
          if (argument > available / 2) malformed(`${what} declares ${argument} pairs, more than the input holds`);
          if (argument > CBOR_LIMITS.maxMapPairs)
            malformed(`${what} holds a map of more than ${CBOR_LIMITS.maxMapPairs} pairs`);
          items = argument * 2;
        }
        pending[++top] = items;
        break;
      }
      default:
        break; // integers and simple values: the head is the whole item
    }
  }
  return position;
}

/** One entry of a CBOR map: its key head and the byte spans of key and value. */
export interface MapEntry {
  key: CborHead;
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

/**
 * The entries of the map whose head is at `offset`, each item checked with
 * {@link skipItem}. Returns the entries and the offset after the map.
 */
export function mapEntries(
  bytes: Uint8Array,
  offset: number,
  what: string,
  options: ScanOptions,
): { entries: MapEntry[]; end: number } {
  const head = readHead(bytes, offset, what);
  if (head.major !== MAJOR_MAP) malformed(`${what} must be a map`);
  const pairs = boundedCount(head, Math.floor((bytes.length - head.end) / 2), what);
  if (pairs > CBOR_LIMITS.maxMapPairs) malformed(`${what} holds more than ${CBOR_LIMITS.maxMapPairs} entries`);
  const inner = { ...options, depth: (options.depth ?? 0) + 1 };
  const entries: MapEntry[] = [];
  let position = head.end;
  for (let i = 0; i < pairs; i++) {
    const keyStart = position;
    const valueStart = skipItem(bytes, keyStart, what, inner);
    const valueEnd = skipItem(bytes, valueStart, what, inner);
    entries.push({ key: readHead(bytes, keyStart, what), keyStart, valueStart, valueEnd });
    position = valueEnd;
  }
  return { entries, end: position };
}
