/**
 * Reading JSON as strictly as Go's encoding/json reads notation's JWS
 * envelopes and payloads (issue 12 findings 1 and 7), in linear time on any
 * input. JSON.parse alone is laxer in three ways that matter here:
 * TextDecoder drops a UTF-8 BOM, which Go rejects; JSON.parse turns `512.0e0`
 * into 512, where Go refuses to store a non-integer literal in an int64 field;
 * and JSON.parse takes seconds on a 32 MiB document nested a million deep.
 */

/** Go's encoding/json refuses documents nested deeper than this (maxNestingDepth). */
export const MAX_JSON_DEPTH = 10_000;
/**
 * [impl] At most this many JSON values in one document. Go has no such cap; a
 * Notary envelope or payload holds a few dozen values, and millions of them
 * only cost seconds in JSON.parse. It is the per-container cap go-cose's CBOR
 * decoder applies (fxamacker/cbor MaxArrayElements), applied here to the total.
 */
export const MAX_JSON_VALUES = 131_072;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** How a caller turns a rejection into its own typed error. */
export type JsonFailure = (message: string, cause?: unknown) => never;

/**
 * Decodes UTF-8 JSON text. `integerMembers` lists member paths that Go decodes
 * into an integer type: a number there must be written as an integer (Go's
 * json rejects `512.0`, `5e2` and `512.0e0` for an int64). Paths match keys
 * the way Go matches struct fields, case-insensitively.
 */
export function decodeGoJson(bytes: Uint8Array, fail: JsonFailure, integerMembers: readonly (readonly string[])[] = []): unknown {
  // Go's decoder treats a byte order mark as an invalid character.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) fail('starts with a UTF-8 byte order mark');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    fail('is not valid UTF-8', error);
  }
  scanJson(text, fail, integerMembers.map((path) => path.map(goFold)));
  try {
    return JSON.parse(text);
  } catch (error) {
    fail('is not valid JSON', error);
  }
}

/** Go's case folding of JSON member names (encoding/json foldName), closely enough for ASCII names. */
function goFold(name: string): string {
  return name.replace(/\u017f/g, 's').toLowerCase();
}

/** The index after the closing quote of the string starting at `start`, or the text length. */
function stringEnd(text: string, start: number): number {
  for (let from = start + 1; ; ) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    let backslashes = 0;
    while (quote - backslashes - 1 > start && text.charCodeAt(quote - backslashes - 1) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

function memberName(literal: string): string {
  if (!literal.includes('\\')) return literal.slice(1, -1);
  try {
    return String(JSON.parse(literal));
  } catch {
    return literal; // JSON.parse reports the syntax error afterwards
  }
}

const INTEGER = /^-?\d+$/;

/**
 * One pass over the text before JSON.parse sees it: nesting depth, value count
 * and the form of numbers at the integer paths. It does not validate the
 * syntax (JSON.parse does); on any input it ends after one pass.
 */
function scanJson(text: string, fail: JsonFailure, integerPaths: readonly (readonly string[])[]): void {
  const isObject: boolean[] = [];
  const names: (string | undefined)[] = [];
  let depth = 0;
  let values = 0;
  let expectName = false;
  const countValue = (): void => {
    if (++values > MAX_JSON_VALUES) fail(`holds more than ${MAX_JSON_VALUES} values`);
  };
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = stringEnd(text, i);
      if (expectName && depth > 0) names[depth - 1] = goFold(memberName(text.slice(i, end)));
      else countValue();
      expectName = false;
      i = end;
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      for (; end < text.length; end++) {
        const d = text.charCodeAt(end);
        if (!((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d)) break;
      }
      countValue();
      const literal = text.slice(i, end);
      if (!INTEGER.test(literal) && integerPaths.some((path) => pathMatches(path, depth, isObject, names))) {
        fail(`has the number ${literal.slice(0, 32)} where an integer is required`);
      }
      i = end;
      continue;
    }
    switch (c) {
      case 0x7b: // {
      case 0x5b: // [
        countValue();
        if (++depth > MAX_JSON_DEPTH) fail(`is nested deeper than ${MAX_JSON_DEPTH} levels`);
        isObject[depth - 1] = c === 0x7b;
        names[depth - 1] = undefined;
        expectName = c === 0x7b;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        if (depth > 0) depth--;
        expectName = false;
        break;
      case 0x2c: // ,
        expectName = depth > 0 && isObject[depth - 1]!;
        break;
      case 0x74: // true
      case 0x66: // false
      case 0x6e: // null
        countValue();
        while (i + 1 < text.length && text.charCodeAt(i + 1) >= 0x61 && text.charCodeAt(i + 1) <= 0x7a) i++;
        break;
      default:
        break;
    }
    i++;
  }
}

function pathMatches(path: readonly string[], depth: number, isObject: readonly boolean[], names: readonly (string | undefined)[]): boolean {
  if (path.length !== depth) return false;
  for (let d = 0; d < depth; d++) if (!isObject[d] || names[d] !== path[d]) return false;
  return true;
}
