/**
 * Go `fmt` renderings that notation-go puts in its error messages. The
 * upstream test vectors quote those messages verbatim (`%q` strings, `%q`
 * slices, `%q` maps), so matching them needs the same rendering here.
 */

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SHORT_ESCAPES: Readonly<Record<number, string>> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** Go's `strconv.Quote` (the `%q` verb on a string). */
export function goQuote(value: string): string {
  let out = '"';
  for (const char of value) {
    let cp = char.codePointAt(0)!;
    // A lone surrogate cannot come from Go's JSON decoder: it would be U+FFFD.
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    const c = String.fromCodePoint(cp);
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (PRINTABLE.test(c)) out += c;
    else if (SHORT_ESCAPES[cp] !== undefined) out += SHORT_ESCAPES[cp];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** `%q` on a `[]string`: `["a" "b"]`. */
export function goQuoteList(values: readonly string[]): string {
  return `[${values.map(goQuote).join(' ')}]`;
}

/** Go sorts map keys by bytes; compare UTF-8 encodings to do the same. */
function compareBytes(a: string, b: string): number {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** `%q` on a `map[string]string`: `map["C":"US" "O":"Org"]`, keys sorted. */
export function goQuoteMap(map: ReadonlyMap<string, string>): string {
  const keys = [...map.keys()].sort(compareBytes);
  return `map[${keys.map((k) => `${goQuote(k)}:${goQuote(map.get(k)!)}`).join(' ')}]`;
}

/** `%q` on a `[]map[string]string`. */
export function goQuoteMapList(maps: readonly ReadonlyMap<string, string>[]): string {
  return `[${maps.map(goQuoteMap).join(' ')}]`;
}

/** Go's `%#U` on an ASCII byte, as `encoding/hex` errors print it. */
export function goCharU(byte: number): string {
  const code = `U+${byte.toString(16).toUpperCase().padStart(4, '0')}`;
  return byte >= 0x20 && byte < 0x7f ? `${code} '${String.fromCharCode(byte)}'` : code;
}

/** Go's `time.RFC1123Z` layout in UTC, as notation prints certificate dates. */
export function goRfc1123z(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]}, ${p(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${p(date.getUTCHours())}:${p(
    date.getUTCMinutes(),
  )}:${p(date.getUTCSeconds())} +0000`;
}
