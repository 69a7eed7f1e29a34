/**
 * A minimal COSE_Sign1 reader for the raw floor: finds the protected header,
 * payload and signature byte strings and builds the Sig_structure (RFC 9052
 * §4.4) by concatenating bytes. Definite lengths only (what the positive test
 * vectors use). Shares no code with the SDK.
 */

function head(bytes, at) {
  const major = bytes[at] >> 5;
  const info = bytes[at] & 0x1f;
  if (info < 24) return { major, value: info, next: at + 1 };
  const size = { 24: 1, 25: 2, 26: 4, 27: 8 }[info];
  if (size === undefined) throw new Error(`unsupported CBOR head 0x${bytes[at].toString(16)}`);
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + bytes[at + 1 + i];
  return { major, value, next: at + 1 + size };
}

/** Offset just past the data item at `at`. */
function skip(bytes, at) {
  const { major, value, next } = head(bytes, at);
  switch (major) {
    case 0:
    case 1:
    case 7:
      return next;
    case 2:
    case 3:
      return next + value;
    case 4: {
      let offset = next;
      for (let i = 0; i < value; i++) offset = skip(bytes, offset);
      return offset;
    }
    case 5: {
      let offset = next;
      for (let i = 0; i < 2 * value; i++) offset = skip(bytes, offset);
      return offset;
    }
    case 6:
      return skip(bytes, next);
    default:
      throw new Error('bad CBOR');
  }
}

function byteString(bytes, at) {
  const { major, value, next } = head(bytes, at);
  if (major !== 2) throw new Error('expected a byte string');
  return { value: bytes.subarray(next, next + value), next: next + value };
}

function bstrHead(length) {
  if (length < 24) return [0x40 | length];
  if (length < 0x100) return [0x58, length];
  if (length < 0x10000) return [0x59, length >> 8, length & 0xff];
  return [0x5a, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff];
}

/** { signingInput, signature } of a tagged COSE_Sign1. */
export function coseSign1Parts(bytes) {
  let at = 0;
  if (bytes[0] === 0xd2) at = 1; // tag 18
  if (bytes[at] !== 0x84) throw new Error('expected a 4-element array');
  at++;
  const protectedHeader = byteString(bytes, at);
  at = skip(bytes, protectedHeader.next); // unprotected map
  const payload = byteString(bytes, at);
  const signature = byteString(bytes, payload.next);
  const context = new TextEncoder().encode('Signature1');
  const parts = [
    Uint8Array.of(0x84, 0x60 | context.length),
    context,
    Uint8Array.from(bstrHead(protectedHeader.value.length)),
    protectedHeader.value,
    Uint8Array.of(0x40), // external_aad: empty
    Uint8Array.from(bstrHead(payload.value.length)),
    payload.value,
  ];
  const signingInput = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    signingInput.set(p, offset);
    offset += p.length;
  }
  return { signingInput, signature: signature.value.slice() };
}
