#!/usr/bin/env node
/**
 * `node bench/hostile-input.mjs`: how long the parsers take to reject the
 * hostile inputs of issue 12 (findings 1, 4, 7), one run per case, one JSON
 * object per case on stdout. The PEM cases repeat the sizes the issue
 * measured (0.36 MB took 1.3 s, 1.44 MB about 20 s, 2.88 MB 82 s before the
 * linear decoder), and every envelope case is 32 MiB, the envelope cap.
 * A benchmark, not a test: nothing here passes or fails.
 *
 * Needs the packages built (`pnpm exec turbo run build --filter=@x/notary-envelope...`).
 */
import { decodePem, encodeBase64 } from '@x/notary-pki';
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS, parseEnvelope } from '@x/notary-envelope';

const MiB = 1024 * 1024;
const utf8 = (text) => new TextEncoder().encode(text);
const BEGIN_LINE = '-----BEGIN CERTIFICATE-----\n';
const beginFlood = (bytes) => BEGIN_LINE.repeat(Math.ceil(bytes / BEGIN_LINE.length));

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A CBOR head (major type, argument) in its shortest form. */
function head(major, n) {
  if (n < 24) return Uint8Array.of((major << 5) | n);
  if (n < 0x100) return Uint8Array.of((major << 5) | 24, n);
  if (n < 0x10000) return Uint8Array.of((major << 5) | 25, n >> 8, n & 0xff);
  return Uint8Array.of((major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}
const bstr = (bytes) => concat(head(2, bytes.length), bytes);
const tstr = (text) => bstr(utf8(text)).map((b, i) => (i === 0 ? b + 0x20 : b));

/** COSE_Sign1 with a one-entry protected map and the given unprotected map entries, payload and signature. */
function cose(unprotectedEntries, count, tail = concat(bstr(utf8('{}')), bstr(new Uint8Array(64)))) {
  return concat(Uint8Array.of(0xd2, 0x84), bstr(Uint8Array.of(0xa1, 0x01, 0x26)), head(5, count), ...unprotectedEntries, tail);
}

function time(name, bytes, action) {
  const start = performance.now();
  let outcome = 'returned';
  let message;
  try {
    action();
  } catch (error) {
    outcome = error?.code ?? error?.name ?? 'threw';
    message = error?.message;
  }
  const ms = Math.round((performance.now() - start) * 10) / 10;
  process.stdout.write(`${JSON.stringify({ case: name, bytes, ms, outcome, message })}\n`);
}

for (const size of [0.36e6, 1.44e6, 2.88e6, 32 * MiB]) {
  const text = beginFlood(size);
  time(`pem: BEGIN flood, ${(size / 1e6).toFixed(2)} MB`, text.length, () => decodePem(text));
  const ended = `${text}-----END CERTIFICATE-----\n`;
  time(`pem: BEGIN flood with one END, ${(size / 1e6).toFixed(2)} MB`, ended.length, () => decodePem(ended));
}

{
  // 84 bytes of BEGIN lines are 112 base64 characters, so the flood's base64 is one unit repeated.
  const x5c = encodeBase64(utf8(beginFlood(84))).repeat(Math.ceil((24 * MiB) / 84));
  const bytes = utf8(`{"payload":"e30","protected":"e30","header":{"x5c":["${x5c}"]},"signature":""}`);
  time('jws: PEM flood in x5c, 32 MiB', bytes.length, () => parseEnvelope(bytes, MEDIA_TYPE_JWS));
}
{
  const depth = 16 * MiB;
  const bytes = utf8(`{"payload":"e30","protected":"e30","header":{"x5c":[],"x":${'['.repeat(depth)}${']'.repeat(depth)}},"signature":""}`);
  time('jws: nested 16 Mi deep, 32 MiB', bytes.length, () => parseEnvelope(bytes, MEDIA_TYPE_JWS));
}
{
  const bytes = utf8(`{"payload":"e30","protected":"e30","header":{"x5c":[],"x":[${'0,'.repeat(16 * MiB)}0]},"signature":""}`);
  time('jws: 16 Mi array items, 32 MiB', bytes.length, () => parseEnvelope(bytes, MEDIA_TYPE_JWS));
}
{
  const entry = concat(head(0, 33), head(4, 1), bstr(utf8(beginFlood(32 * MiB))));
  const bytes = cose([entry], 1);
  time('cose: PEM flood in x5chain, 32 MiB', bytes.length, () => parseEnvelope(bytes, MEDIA_TYPE_COSE));
}
{
  const deep = new Uint8Array(32 * MiB).fill(0x81);
  deep[deep.length - 1] = 0;
  const bytes = cose([concat(tstr('x'), deep)], 1);
  time('cose: nested 32 Mi deep, 32 MiB', bytes.length, () => parseEnvelope(bytes, MEDIA_TYPE_COSE));
}
{
  const long = concat(Uint8Array.of(0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), new Uint8Array(32 * MiB));
  const bytes = cose([], 0, long);
  time('cose: payload declaring 2^64-1 bytes, 32 MiB', bytes.length, () => parseEnvelope(bytes, MEDIA_TYPE_COSE));
}
{
  const flood = concat(Uint8Array.of(0x9b, 0, 0, 0, 1, 0, 0, 0, 0), new Uint8Array(32 * MiB));
  const bytes = cose([concat(tstr('x'), flood)], 1);
  time('cose: array declaring 2^32 items, 32 MiB', bytes.length, () => parseEnvelope(bytes, MEDIA_TYPE_COSE));
}
{
  // Many legal-size arrays: 256 arrays of 131072 zeros.
  const inner = concat(head(4, 131_072), new Uint8Array(131_072));
  const outer = concat(head(4, 256), ...Array.from({ length: 256 }, () => inner));
  const bytes = cose([concat(tstr('x'), outer)], 1);
  time('cose: 256 arrays of 131072 items, 32 MiB', bytes.length, () => parseEnvelope(bytes, MEDIA_TYPE_COSE));
}
{
  // The same with two-byte ints (0x18 0x18): 128 arrays of 131072 items.
  const inner = concat(head(4, 131_072), new Uint8Array(2 * 131_072).map((_, i) => 0x18));
  const outer = concat(head(4, 128), ...Array.from({ length: 128 }, () => inner));
  const bytes = cose([concat(tstr('x'), outer)], 1);
  time('cose: 128 arrays of 131072 two-byte ints, 32 MiB', bytes.length, () => parseEnvelope(bytes, MEDIA_TYPE_COSE));
}
{
  // Empty byte strings (0x40) and empty arrays (0x80): heads that are not ints.
  const inner = concat(head(4, 131_072), new Uint8Array(131_072).map((_, i) => (i % 2 ? 0x40 : 0x80)));
  const outer = concat(head(4, 256), ...Array.from({ length: 256 }, () => inner));
  const bytes = cose([concat(tstr('x'), outer)], 1);
  time('cose: 256 arrays of 131072 empty bstrs and arrays, 32 MiB', bytes.length, () => parseEnvelope(bytes, MEDIA_TYPE_COSE));
}
