/**
 * JSON as notation writes it: Go's encoding/json with two-space indent,
 * which escapes `<`, `>`, `&` (HTML safety) and U+2028/U+2029 inside strings.
 * Byte-for-byte output lets scripts diff `notary` against notation (issue 13).
 */

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** `value` as indented JSON plus a newline, escaped as Go's json.MarshalIndent does. */
export function formatGoJson(value: unknown): string {
  // These characters can only occur inside JSON strings, so replacing them everywhere is exact.
  return `${JSON.stringify(value, null, 2).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]!)}\n`;
}
