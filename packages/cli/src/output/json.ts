/**
 * JSON as notation writes it: Go's json.MarshalIndent with two spaces, whose
 * strings escape `<`, `>`, `&` and U+2028/U+2029 (the envelope package's
 * goJsonString). Byte-for-byte output lets scripts diff `notary` against
 * notation (issue 13).
 */
import { goJsonString } from '@x/notary-pki/foundation';

function indented(value: unknown, indent: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${inner}${indented(item, inner)}`).join(',\n')}\n${indent}]`;
  }
  // Members that are undefined are left out, as JSON.stringify and Go's omitempty do.
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([key, v]) => `${inner}${goJsonString(key)}: ${indented(v, inner)}`).join(',\n')}\n${indent}}`;
}

/** `value` as indented JSON plus a newline, as Go's json.MarshalIndent(value, "", "  ") writes it. */
export function formatGoJson(value: unknown): string {
  return `${indented(value, '')}\n`;
}
