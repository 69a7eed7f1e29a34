/**
 * Reading JSON as strictly as Go's encoding/json reads notation's JWS
 * envelopes and payloads (issue 12 findings 1 and 7), in linear time on any
 * input. JSON.parse alone is laxer in three ways that matter here:
 * TextDecoder drops a UTF-8 BOM, which Go rejects; JSON.parse turns `512.0e0`
 * into 512, where Go refuses to store a non-integer literal in an int64 field;
 * and JSON.parse takes seconds on a 32 MiB document nested a million deep.
 * And JSON.parse keeps the last of two members with one name, as Go does,
 * where we refuse the document (issue 12, RFC 7515 §4: see {@link GoStruct}).
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
 * An object that Go decodes into a struct: at `path` (member names from the
 * root, matched as Go matches struct fields), the struct's JSON field names.
 *
 * [impl] issue 12: a member name twice in one object is an error, in every
 * object of the document. RFC 7515 §4 lets a JWS parser either reject
 * duplicate header names or keep the last; notation (Go's encoding/json, like
 * JSON.parse) keeps the last, we reject: a verifier and a tool that read
 * different copies would disagree about signed content. Go matches struct
 * fields case-insensitively, so in such an object `size` and `Size` are the
 * same field twice and also rejected; in a map (annotations, the extended
 * attributes of a header) they stay two distinct keys, as in Go.
 */
export interface GoStruct {
  readonly path: readonly string[];
  readonly fields: readonly string[];
}

/** How duplicate member names are checked: the structs of the document, and the caller's error for a duplicate, if not `fail`'s. */
export interface MemberRules {
  readonly structs?: readonly GoStruct[];
  readonly failDuplicate?: JsonFailure;
}

/**
 * Decodes UTF-8 JSON text. `integerMembers` lists member paths that Go decodes
 * into an integer type: a number there must be written as an integer (Go's
 * json rejects `512.0`, `5e2` and `512.0e0` for an int64). Paths match keys
 * the way Go matches struct fields, case-insensitively.
 */
export function decodeGoJson(
  bytes: Uint8Array,
  fail: JsonFailure,
  integerMembers: readonly (readonly string[])[] = [],
  members: MemberRules = {},
): unknown {
  // Go's decoder treats a byte order mark as an invalid character.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) fail('starts with a UTF-8 byte order mark');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    fail('is not valid UTF-8', error);
  }
  scanJson(
    text,
    fail,
    integerMembers.map((path) => path.map(goFold)),
    (members.structs ?? []).map((s) => ({ path: s.path.map(goFold), fields: new Set(s.fields.map(goFold)) })),
    members.failDuplicate ?? fail,
  );
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

interface FoldedStruct {
  readonly path: readonly string[];
  readonly fields: ReadonlySet<string>;
}

/**
 * One pass over the text before JSON.parse sees it: nesting depth, value count,
 * duplicate member names ({@link GoStruct}) and the form of numbers at the
 * integer paths. It does not validate the syntax (JSON.parse does); on any
 * input it ends after one pass. The names kept for the duplicate check are
 * those of the open objects only, at most {@link MAX_JSON_VALUES} in all.
 */
function scanJson(
  text: string,
  fail: JsonFailure,
  integerPaths: readonly (readonly string[])[],
  structs: readonly FoldedStruct[],
  failDuplicate: JsonFailure,
): void {
  const isObject: boolean[] = [];
  const names: (string | undefined)[] = [];
  // Per open object, the member names seen so far: "=" + the exact name, or
  // "~" + the folded name where Go folds it onto a struct field.
  const seen: (Set<string> | undefined)[] = [];
  let depth = 0;
  let values = 0;
  let memberNames = 0;
  let expectName = false;
  const countValue = (): void => {
    if (++values > MAX_JSON_VALUES) fail(`holds more than ${MAX_JSON_VALUES} values`);
  };
  const addName = (name: string): void => {
    // Every member of valid JSON has a value, so this cap only bites text that is not JSON.
    if (++memberNames > MAX_JSON_VALUES) fail(`holds more than ${MAX_JSON_VALUES} member names`);
    const folded = goFold(name);
    names[depth - 1] = folded;
    const struct = structs.find((s) => pathMatches(s.path, depth - 1, isObject, names));
    const isField = struct !== undefined && struct.fields.has(folded);
    const key = isField ? `~${folded}` : `=${name}`;
    const members = (seen[depth - 1] ??= new Set());
    if (members.has(key)) {
      const shown = JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
      failDuplicate(
        isField
          ? `has the member ${shown} twice (Go matches member names case-insensitively)`
          : `has the member ${shown} twice`,
      );
    }
    members.add(key);
  };
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = stringEnd(text, i);
      if (expectName && depth > 0) addName(memberName(text.slice(i, end)));
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
        seen[depth - 1] = undefined;
        expectName = c === 0x7b;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        if (depth > 0) seen[--depth] = undefined;
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

function pathMatches(
  path: readonly string[],
  depth: number,
  isObject: readonly boolean[],
  names: readonly (string | undefined)[],
): boolean {
  if (path.length !== depth) return false;
  for (let d = 0; d < depth; d++) if (!isObject[d] || names[d] !== path[d]) return false;
  return true;
}
