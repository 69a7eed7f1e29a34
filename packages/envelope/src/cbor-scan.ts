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
  if (major === MAJOR_SIMPLE && info === 24 && (argument as number) < 32) malformed(`${what} has a malformed simple value`);
  return { major, info, argument, end: offset + 1 + size };
}

/** A length or count that must fit in what is left of the input. */
function boundedCount(head: CborHead, available: number, what: string): number {
  if (typeof head.argument === 'bigint' || head.argument > available) malformed(`${what} declares ${String(head.argument)} items or bytes, more than the input holds`);
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

export interface ScanOptions {
  /** go-cose forbids tags in a COSE_Sign1 outside the protected header bytes. */
  allowTags: boolean;
  /** The nesting depth of the item itself, counted towards the limit. */
  depth?: number;
}

/**
 * Checks the one item at `offset` and returns the offset after it. Iterative,
 * one step per head: declared lengths and counts never exceed the input,
 * nesting and container sizes stay within {@link CBOR_LIMITS}, text is UTF-8,
 * and lengths are definite.
 */
export function skipItem(bytes: Uint8Array, offset: number, what: string, options: ScanOptions): number {
  // pending[d]: items still to read in the container at depth d.
  const pending: number[] = [1];
  const baseDepth = options.depth ?? 0;
  let position = offset;
  while (pending.length > 0) {
    if (pending[pending.length - 1] === 0) {
      pending.pop();
      continue;
    }
    pending[pending.length - 1]!--;
    const head = readHead(bytes, position, what);
    position = head.end;
    const available = bytes.length - position;
    switch (head.major) {
      case MAJOR_BYTES:
        position += boundedCount(head, available, what);
        break;
      case MAJOR_TEXT:
        readText(bytes, head, what);
        position += head.argument as number;
        break;
      case MAJOR_ARRAY:
      case MAJOR_MAP:
      case MAJOR_TAG: {
        if (head.major === MAJOR_TAG && !options.allowTags) malformed(`${what} holds a CBOR tag, which is not allowed here`);
        if (baseDepth + pending.length > CBOR_LIMITS.maxDepth) malformed(`${what} is nested deeper than ${CBOR_LIMITS.maxDepth} levels`);
        let items = 1;
        if (head.major === MAJOR_ARRAY) {
          items = boundedCount(head, available, what);
          if (items > CBOR_LIMITS.maxArrayElements) malformed(`${what} holds an array of more than ${CBOR_LIMITS.maxArrayElements} items`);
        } else if (head.major === MAJOR_MAP) {
          const pairs = boundedCount(head, Math.floor(available / 2), what);
          if (pairs > CBOR_LIMITS.maxMapPairs) malformed(`${what} holds a map of more than ${CBOR_LIMITS.maxMapPairs} pairs`);
          items = pairs * 2;
        }
        pending.push(items);
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
export function mapEntries(bytes: Uint8Array, offset: number, what: string, options: ScanOptions): { entries: MapEntry[]; end: number } {
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
