/**
 * Format-blind mutations: bit flips, byte insert/delete/overwrite,
 * truncation and duplication of a range. Each returns the new bytes and a
 * name that says where, so a finding reads without rerunning it.
 */
import type { Rng } from '../types.js';

export interface Mutated {
  bytes: Uint8Array;
  mutation: string;
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff, 0x30, 0x22, 0x5c, 0x20, 0xef, 0xbb, 0xbf];

function splice(bytes: Uint8Array, at: number, remove: number, insert: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(bytes.length - remove + insert.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
}

/** One random format-blind mutation of `bytes` (non-empty). Positions are biased to `focus` when given (e.g. a header's span). */
export function mutateBytes(rng: Rng, bytes: Uint8Array, focus?: { start: number; end: number }): Mutated {
  const span = focus && focus.end > focus.start ? focus : { start: 0, end: bytes.length };
  const at = span.start + rng.int(Math.max(1, span.end - span.start));
  const kind = rng.int(8);
  switch (kind) {
    case 0:
    case 1: {
      const flips = 1 + rng.int(kind === 0 ? 1 : 8);
      const out = bytes.slice();
      const where: number[] = [];
      for (let i = 0; i < flips; i++) {
        const position = i === 0 ? at : span.start + rng.int(Math.max(1, span.end - span.start));
        const bit = rng.int(8);
        out[position] = out[position]! ^ (1 << bit);
        where.push(position * 8 + bit);
      }
      return { bytes: out, mutation: `bitflip@${where.join(',')}` };
    }
    case 2: {
      const value = rng.next() < 0.5 ? rng.pick(INTERESTING) : rng.int(256);
      return { bytes: splice(bytes, at, 0, Uint8Array.of(value)), mutation: `insert@${at}=0x${value.toString(16)}` };
    }
    case 3: {
      const n = 1 + rng.int(4);
      return { bytes: splice(bytes, at, Math.min(n, bytes.length - at)), mutation: `delete@${at}+${n}` };
    }
    case 4: {
      const value = rng.pick(INTERESTING);
      const out = bytes.slice();
      out[at] = value;
      return { bytes: out, mutation: `set@${at}=0x${value.toString(16)}` };
    }
    case 5:
      return { bytes: bytes.slice(0, at), mutation: `truncate@${at}` };
    case 6: {
      const n = 1 + rng.int(Math.min(64, bytes.length - at));
      return { bytes: splice(bytes, at, 0, bytes.slice(at, at + n)), mutation: `duplicate@${at}+${n}` };
    }
    default: {
      const n = 1 + rng.int(16);
      return { bytes: splice(bytes, at, 0, rng.bytes(n)), mutation: `random-insert@${at}+${n}` };
    }
  }
}
