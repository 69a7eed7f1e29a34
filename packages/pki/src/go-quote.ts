/**
 * Go `fmt` renderings that notation-go puts in its error messages. The
 * upstream test vectors quote those messages verbatim (`%q` strings, `%q`
 * slices, `%q` maps), so matching them needs the same rendering here. This
 * is the one implementation every package imports (issue 14 finding 2: a
 * second copy in pki left U+00A0 and zero-width characters unescaped).
 */
import { compareUtf8 } from './go-json.js';

/**
 * Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and
 * the ASCII space. [impl] JavaScript's Unicode tables may be newer than the Go
 * release notation was built with; a character assigned in between is
 * printed here and escaped there.
 */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  7: '\\a',
  8: '\\b',
  12: '\\f',
  10: '\\n',
  13: '\\r',
  9: '\\t',
  11: '\\v',
};

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** One code point as `strconv.Quote` writes it inside the quotes. */
function quoteRune(cp: number): string {
  if (cp === 0x22 || cp === 0x5c) return `\\${String.fromCharCode(cp)}`;
  const c = String.fromCodePoint(cp);
  if (PRINTABLE.test(c)) return c;
  const short = SHORT_ESCAPES[cp];
  if (short !== undefined) return short;
  if (cp < 0x20 || cp === 0x7f) return `\\x${hex(cp, 2)}`;
  if (cp < 0x10000) return `\\u${hex(cp, 4)}`;
  return `\\U${hex(cp, 8)}`;
}

/**
 * Go's `utf8.DecodeRune` at `i`: the code point and its width, or
 * `undefined` for a byte that does not start a valid encoding (overlong
 * forms, surrogates and values above U+10FFFF included).
 */
function decodeRune(bytes: Uint8Array, i: number): { cp: number; width: number } | undefined {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return { cp: b0, width: 1 };
  const width = b0 >= 0xc2 && b0 <= 0xdf ? 2 : b0 >= 0xe0 && b0 <= 0xef ? 3 : b0 >= 0xf0 && b0 <= 0xf4 ? 4 : 0;
  if (width === 0 || i + width > bytes.length) return undefined;
  let cp = b0 & (0xff >> (width + 1));
  for (let k = 1; k < width; k++) {
    const b = bytes[i + k]!;
    if ((b & 0xc0) !== 0x80) return undefined;
    cp = (cp << 6) | (b & 0x3f);
  }
  const min = width === 2 ? 0x80 : width === 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
  return { cp, width };
}

/**
 * Go's `strconv.Quote` (the `%q` verb on a string). A JavaScript string is
 * quoted as the UTF-8 Go would hold for it; a lone surrogate cannot come from
 * Go's decoders (JSON and ASN.1 BMPString both turn it into U+FFFD), so it is
 * quoted as U+FFFD. Raw bytes are quoted as a Go string of those bytes:
 * a byte that is not valid UTF-8 is written `\xNN`, as Go does.
 */
export function goQuote(value: string | Uint8Array): string {
  let out = '"';
  if (typeof value === 'string') {
    for (const char of value) {
      const cp = char.codePointAt(0)!;
      out += quoteRune(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp);
    }
  } else {
    for (let i = 0; i < value.length; ) {
      const rune = decodeRune(value, i);
      if (rune === undefined) {
        out += `\\x${hex(value[i]!, 2)}`;
        i += 1;
      } else {
        out += quoteRune(rune.cp);
        i += rune.width;
      }
    }
  }
  return `${out}"`;
}

/** `%q` on a `[]string`: `["a" "b"]`. */
export function goQuoteList(values: readonly string[]): string {
  return `[${values.map((v) => goQuote(v)).join(' ')}]`;
}

/** `%q` on a `map[string]string`: `map["C":"US" "O":"Org"]`, keys sorted by their UTF-8 bytes as Go sorts them. */
export function goQuoteMap(map: ReadonlyMap<string, string>): string {
  const keys = [...map.keys()].sort(compareUtf8);
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
