/**
 * JSON text byte-compatible with Go's encoding/json, which notation-go uses to
 * write JWS headers and payloads (PAY-6, ENV-JWS-8) and OCI signature
 * manifests (OCI-6); this is the one writer for both (issue 14). It differs from
 * JSON.stringify in escaping `<`, `>`, `&`, U+2028 and U+2029, and in writing
 * invalid UTF-16 as U+FFFD.
 */

/** A JSON value whose objects are serialised in the order given. */
export type GoJsonValue = string | number | boolean | null | readonly GoJsonValue[] | GoJsonObject;
export type GoJsonObject = { readonly [key: string]: GoJsonValue | undefined };

const GO_EXTRA_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** A JSON string literal as Go's json.Marshal writes it. */
export function goJsonString(value: string): string {
  return (
    JSON.stringify(value)
      .replace(/[<>&\u2028\u2029]/g, (c) => GO_EXTRA_ESCAPES[c]!)
      // Only a real escape (after an even number of backslashes) is a lone surrogate.
      .replace(/(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g, '$1\\ufffd')
  );
}

/**
 * Serialises with object members in insertion order (or sorted, when
 * `sortKeys` is set, as Go does for maps). `undefined` members are omitted,
 * like Go's `omitempty`.
 */
export function goJson(value: GoJsonValue, sortKeys: boolean): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('JSON cannot represent a non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v: GoJsonValue) => goJson(v, sortKeys)).join(',')}]`;
  const object = value as GoJsonObject;
  let keys = Object.keys(object).filter((k) => object[k] !== undefined);
  if (sortKeys) keys = keys.sort(compareUtf8);
  return `{${keys.map((k) => `${goJsonString(k)}:${goJson(object[k]!, sortKeys)}`).join(',')}}`;
}

/** Go sorts map keys by their UTF-8 bytes; for UTF-16 this differs only above the BMP. */
export function compareUtf8(a: string, b: string): number {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) if (ea[i] !== eb[i]) return ea[i]! - eb[i]!;
  return ea.length - eb.length;
}
