/**
 * A small DER writer: test certificates and the fuzzer build certificates
 * field by field with it, so that a field can be re-encoded exactly (long-form
 * lengths, leading zeros, BOOLEAN 0x01, …) before it is signed. Production
 * code reads DER with der.ts; this writer does not validate what it is given.
 */
import { concatBytes } from './bytes.js';

function lengthOctets(n: number): Uint8Array {
  if (n < 0x80) return new Uint8Array([n]);
  const digits: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) digits.unshift(v % 256);
  return new Uint8Array([0x80 | digits.length, ...digits]);
}

/** One TLV with a minimal length. */
export function element(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concatBytes(...content);
  return concatBytes(new Uint8Array([tag]), lengthOctets(body.length), body);
}

export const sequence = (...items: Uint8Array[]): Uint8Array => element(0x30, ...items);
export const set = (...items: Uint8Array[]): Uint8Array => element(0x31, ...items);
export const NULL: Uint8Array = new Uint8Array([0x05, 0x00]);
export const TRUE: Uint8Array = new Uint8Array([0x01, 0x01, 0xff]);
export const FALSE: Uint8Array = new Uint8Array([0x01, 0x01, 0x00]);

/** An OBJECT IDENTIFIER from dotted text. */
export function oid(text: string): Uint8Array {
  const arcs = text.split('.').map(Number);
  const out: number[] = [];
  const push = (arc: number): void => {
    const digits: number[] = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) digits.unshift((v % 128) | 0x80);
    out.push(...digits);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  arcs.slice(2).forEach(push);
  return element(0x06, new Uint8Array(out));
}

/** A minimal INTEGER for a non-negative number, or the given content octets as they are. */
export function integer(value: number | Uint8Array): Uint8Array {
  if (value instanceof Uint8Array) return element(0x02, value);
  const out: number[] = [];
  let v = value;
  do {
    out.unshift(v % 256);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (out[0]! & 0x80) out.unshift(0);
  return element(0x02, new Uint8Array(out));
}

/** A minimal positive INTEGER from unsigned big-endian bytes (an ECDSA r or s). */
export function unsignedInteger(value: Uint8Array): Uint8Array {
  let v = value;
  while (v.length > 1 && v[0] === 0) v = v.subarray(1);
  return element(0x02, v[0]! & 0x80 ? concatBytes(new Uint8Array([0]), v) : v);
}

/** A string type with its UTF-8 (or ASCII) bytes. */
export const text = (tag: number, value: string): Uint8Array => element(tag, new TextEncoder().encode(value));

/** The same (well-formed) element with its length in non-minimal long form, optionally with a leading zero octet. */
export function longForm(encoded: Uint8Array, extraZero = false): Uint8Array {
  const first = encoded[1]!;
  const count = first < 0x80 ? 0 : first & 0x7f;
  let length = first < 0x80 ? first : 0;
  for (let i = 0; i < count; i++) length = length * 256 + encoded[2 + i]!;
  const digits: number[] = [];
  for (let v = length; v > 0; v = Math.floor(v / 256)) digits.unshift(v % 256);
  if (digits.length === 0 || extraZero || count === digits.length) digits.unshift(0);
  return concatBytes(new Uint8Array([encoded[0]!, 0x80 | digits.length, ...digits]), encoded.subarray(2 + count));
}
