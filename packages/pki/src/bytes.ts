/** Byte-array helpers for the few places that compare or join raw bytes. */

/** Constant-shape equality of two byte arrays. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Joins byte arrays into one. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return concatChunks(parts);
}

/** Joins a list of chunks (a stream's, which may be too many to spread as arguments). */
export function concatChunks(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex, one table lookup a byte (an RSA modulus is converted this way too). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b]!;
  return s;
}

/**
 * Copies a view into a fresh ArrayBuffer-backed Uint8Array. WebCrypto and
 * pkijs take BufferSource and some runtimes reject views over shared or
 * offset buffers, so we hand them exact copies.
 */
export function exactBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}
