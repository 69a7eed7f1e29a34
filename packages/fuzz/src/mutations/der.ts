/**
 * A DER tree that can be edited and written back, for structured mutations
 * of certificates, OCSP responses, CRLs and timestamp tokens: non-minimal
 * and long-form lengths, huge declared lengths, indefinite lengths, tag
 * swaps, INTEGER re-encodings, dropped/duplicated/swapped children.
 *
 * This is deliberately a writer's tool, not a verifier's reader (that is
 * `@x/notary-pki`'s DER reader): it parses only the well-formed fixtures the
 * targets start from, and writes whatever a mutation asks, valid or not.
 */
import { concatBytes } from '@x/notary-pki/foundation';
import type { Rng } from '../types.js';

export interface DerNode {
  /** The identifier octet (single-byte tags only; the fixtures use no others). */
  tag: number;
  /** Children of a constructed node. */
  children?: DerNode[];
  /** Contents of a primitive node. */
  value?: Uint8Array;
  /** Written instead of the minimal length octets (a mutation). */
  rawLength?: Uint8Array;
  /** Written as indefinite length with an end-of-contents marker (a mutation). */
  indefinite?: boolean;
}

export class DerTreeError extends Error {}

const MAX_DEPTH = 64;

function readLength(bytes: Uint8Array, offset: number, strict: boolean): { length: number; next: number } {
  const first = bytes[offset];
  if (first === undefined) throw new DerTreeError('truncated length');
  if (first < 0x80) return { length: first, next: offset + 1 };
  const n = first & 0x7f;
  if (n === 0 || n > 4) throw new DerTreeError('unsupported length form');
  let length = 0;
  for (let i = 1; i <= n; i++) {
    const b = bytes[offset + i];
    if (b === undefined) throw new DerTreeError('truncated length');
    length = length * 256 + b;
  }
  // X.690 §10.1: the definite form in the fewest octets.
  if (strict && (length < 0x80 || bytes[offset + 1] === 0)) throw new DerTreeError('non-minimal length');
  return { length, next: offset + 1 + n };
}

function parseAt(
  bytes: Uint8Array,
  offset: number,
  end: number,
  depth: number,
  strict = false,
): { node: DerNode; next: number } {
  if (depth > MAX_DEPTH) throw new DerTreeError('too deep');
  const tag = bytes[offset];
  if (tag === undefined || offset >= end) throw new DerTreeError('truncated tag');
  if ((tag & 0x1f) === 0x1f) throw new DerTreeError('multi-byte tag');
  const { length, next } = readLength(bytes, offset + 1, strict);
  const stop = next + length;
  if (stop > end) throw new DerTreeError('length beyond input');
  if (tag & 0x20) {
    const children: DerNode[] = [];
    let at = next;
    while (at < stop) {
      const child = parseAt(bytes, at, stop, depth + 1, strict);
      children.push(child.node);
      at = child.next;
    }
    return { node: { tag, children }, next: stop };
  }
  return { node: { tag, value: bytes.slice(next, stop) }, next: stop };
}

/** Whether `bytes` is one element with minimal definite lengths throughout its constructed nodes (DER's length rules). */
export function isStrictDer(bytes: Uint8Array): boolean {
  try {
    return parseAt(bytes, 0, bytes.length, 0, true).next === bytes.length;
  } catch {
    return false;
  }
}

/** Parses one element spanning all of `bytes` (lengths need not be minimal: fixtures are DER, mutations may not be). */
export function parseDer(bytes: Uint8Array): DerNode {
  const { node, next } = parseAt(bytes, 0, bytes.length, 0);
  if (next !== bytes.length) throw new DerTreeError('trailing bytes');
  return node;
}

function minimalLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

/** Writes the tree back (DER unless a node carries a mutation). */
export function encodeDer(node: DerNode): Uint8Array {
  const body = node.children ? concatBytes(...node.children.map(encodeDer)) : (node.value ?? new Uint8Array(0));
  if (node.indefinite) return concatBytes(Uint8Array.of(node.tag, 0x80), body, Uint8Array.of(0, 0));
  return concatBytes(Uint8Array.of(node.tag), node.rawLength ?? minimalLength(body.length), body);
}

/** A deep copy, so a mutation never touches the fixture. */
export function cloneDer(node: DerNode): DerNode {
  return {
    tag: node.tag,
    ...(node.children ? { children: node.children.map(cloneDer) } : {}),
    ...(node.value ? { value: node.value.slice() } : {}),
  };
}

/** The node at a child-index path (`[]` is the root). */
export function nodeAt(root: DerNode, path: readonly number[]): DerNode {
  let node = root;
  for (const i of path) {
    const child = node.children?.[i];
    if (!child) throw new DerTreeError(`no node at ${path.join('.')}`);
    node = child;
  }
  return node;
}

/** Every node with its path, depth first. */
export function allNodes(root: DerNode): { node: DerNode; path: number[] }[] {
  const out: { node: DerNode; path: number[] }[] = [];
  const visit = (node: DerNode, path: number[]) => {
    out.push({ node, path });
    node.children?.forEach((child, i) => {
      visit(child, [...path, i]);
    });
  };
  visit(root, []);
  return out;
}

const TAG = { INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, SEQUENCE: 0x30, SET: 0x31 } as const;

/**
 * One structural mutation of a random node of `root` (mutated in place; pass
 * a clone). Returns the mutation's name, with the node's path.
 */
export function mutateDerTree(rng: Rng, root: DerNode): string {
  const nodes = allNodes(root);
  const { node, path } = rng.pick(nodes);
  const where = path.length ? path.join('.') : 'root';
  const bodyLength = () =>
    node.children ? node.children.reduce((n, c) => n + encodeDer(c).length, 0) : (node.value?.length ?? 0);
  switch (rng.int(10)) {
    case 0: {
      // Non-minimal long form: the same length in more octets (DER forbids it; BER allows it).
      const length = bodyLength();
      const extra = 1 + rng.int(2);
      const octets = minimalLength(length);
      const digits = octets.length === 1 ? [length] : [...octets.subarray(1)];
      node.rawLength = Uint8Array.of(0x80 | (digits.length + extra - 1), ...new Array(extra - 1).fill(0), ...digits);
      return `der-long-form-length@${where}`;
    }
    case 1: {
      const huge = rng.pick([0x7fffffff, 0xffffffff, bodyLength() + 1, 0x1000000]);
      node.rawLength = Uint8Array.of(
        0x84,
        (huge >>> 24) & 0xff,
        (huge >>> 16) & 0xff,
        (huge >>> 8) & 0xff,
        huge & 0xff,
      );
      return `der-huge-length(${huge})@${where}`;
    }
    case 2:
      if (node.children) {
        node.indefinite = true;
        return `der-indefinite-length@${where}`;
      }
      node.rawLength = Uint8Array.of(0x80);
      return `der-indefinite-length-primitive@${where}`;
    case 3: {
      const to = rng.pick([
        TAG.SEQUENCE,
        TAG.SET,
        TAG.OCTET_STRING,
        TAG.INTEGER,
        0xa0,
        0xa3,
        0x80,
        0x0c,
        0x13,
        0x17,
        0x18,
      ]);
      const from = node.tag;
      node.tag = node.children ? to | 0x20 : to & ~0x20;
      return `der-tag 0x${from.toString(16)}->0x${node.tag.toString(16)}@${where}`;
    }
    case 4:
      if (node.tag === TAG.INTEGER && node.value) {
        const pad = rng.next() < 0.5 ? 0x00 : 0xff;
        node.value = Uint8Array.of(pad, ...node.value);
        return `der-integer-pad-0x${pad.toString(16)}@${where}`;
      }
      if (node.tag === TAG.BIT_STRING && node.value && node.value.length > 0) {
        node.value = node.value.slice();
        node.value[0] = 1 + rng.int(8);
        return `der-bitstring-unused-bits=${node.value[0]}@${where}`;
      }
      node.value = new Uint8Array(0);
      delete node.children;
      node.tag &= ~0x20;
      return `der-empty@${where}`;
    case 5:
      if (node.children && node.children.length > 0) {
        const i = rng.int(node.children.length);
        node.children.splice(i, 1);
        return `der-drop-child ${i}@${where}`;
      }
      return mutateDerTree(rng, root);
    case 6:
      if (node.children && node.children.length > 0) {
        const i = rng.int(node.children.length);
        node.children.splice(i, 0, cloneDer(node.children[i]!));
        return `der-duplicate-child ${i}@${where}`;
      }
      return mutateDerTree(rng, root);
    case 7:
      if (node.children && node.children.length > 1) {
        const i = rng.int(node.children.length - 1);
        [node.children[i], node.children[i + 1]] = [node.children[i + 1]!, node.children[i]!];
        return `der-swap-children ${i},${i + 1}@${where}`;
      }
      return mutateDerTree(rng, root);
    case 8:
      if (node.value && node.value.length > 0) {
        const value = node.value.slice();
        const i = rng.int(value.length);
        value[i] = value[i]! ^ (1 << rng.int(8));
        node.value = value;
        return `der-value-bitflip ${i}@${where}`;
      }
      return mutateDerTree(rng, root);
    default: {
      // A NULL parameter added to (or an extra element appended in) a SEQUENCE: the AlgorithmIdentifier re-encoding of issue 12.
      if (node.children) {
        node.children.push({ tag: TAG.NULL, value: new Uint8Array(0) });
        return `der-append-null@${where}`;
      }
      node.value = Uint8Array.of(...(node.value ?? []), 0);
      return `der-append-zero-octet@${where}`;
    }
  }
}
