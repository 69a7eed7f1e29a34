/**
 * The campaign's deterministic random source: xoshiro128** (Blackman and
 * Vigna, 2018), 32-bit words so every step is exact in JS numbers, seeded by
 * splitmix32 from an FNV-1a hash of `seed / target / case index`. Each case
 * gets its own generator, so `--seed S --target T --case N` reproduces case N
 * alone, whatever ran before it.
 */
import type { Rng } from './types.js';

/** FNV-1a over the UTF-8 bytes of `text`, 32 bits. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** splitmix32: spreads one 32-bit seed into well-mixed state words (never all zero in practice). */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) >>> 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

export class Xoshiro128 implements Rng {
  private readonly s: Uint32Array;

  constructor(seed: number) {
    const mixer = { s: seed >>> 0 };
    this.s = new Uint32Array([splitmix32(mixer), splitmix32(mixer), splitmix32(mixer), splitmix32(mixer)]);
    if (this.s.every((word) => word === 0)) this.s[0] = 1;
  }

  /** The next 32-bit output. */
  nextUint32(): number {
    const s = this.s;
    let s0 = s[0]!,
      s1 = s[1]!,
      s2 = s[2]!,
      s3 = s[3]!;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    s1 = (s1 ^ s2) >>> 0;
    s0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = rotl(s3, 11);
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    return result;
  }

  next(): number {
    return this.nextUint32() / 2 ** 32;
  }

  int(n: number): number {
    if (!(n >= 1)) throw new RangeError(`rng.int needs n >= 1, got ${n}`);
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('rng.pick needs a non-empty list');
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.nextUint32() & 0xff;
    return out;
  }
}

/** The generator of one case: a pure function of the run's seed, the target and the case index. */
export function caseRng(seed: string, target: string, index: number): Xoshiro128 {
  return new Xoshiro128(fnv1a(`${seed}/${target}/${index}`));
}
