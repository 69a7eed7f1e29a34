/**
 * COSE_Sign1 envelopes (ENV-COSE-*) through `verifyBlob` under a strict blob policy.
 *
 * Families as for JWS: byte mutations; unsigned edits (unprotected header,
 * crit or names in the unprotected header, non-`d2 84` prefixes, indefinite
 * lengths); x5chain mutations; protected-header edits re-signed with the leaf
 * key (float alg, times and labels, duplicates, unknown crit); payload edits
 * re-signed.
 *
 * An acceptance is correct only when the re-signed content is unchanged or
 * the edit is the signer's choice, or when the envelope is byte for byte the
 * original re-encoded with only a different (string) signingAgent.
 */

import type { VerificationResult } from '@x/notary-core';
import { bytesEqual, concatBytes } from '@x/notary-pki/foundation';
import { type DecodeOptions, decode, encode, Tag, type TagDecoder } from 'cbor2';
import { coseSigningInput } from '../../../envelope/src/cose.js';
import { classifyVerification } from '../classify.js';
import {
  type BlobVerification,
  type ChainFixture,
  loadChain,
  MEDIA_TYPE_COSE,
  signFixture,
  strictBlobPolicy,
  trustStoreOf,
  verifyEnvelope,
} from '../fixtures.js';
import { mutateBytes } from '../mutations/bytes.js';
import { mutateChain, pemFlood } from '../mutations/chain.js';
import { utf8 } from '../mutations/json.js';
import { editPayload } from '../mutations/payload.js';
import type { FuzzCase, FuzzTarget, Rng } from '../types.js';
import { AGENT, isUnreadLabel } from '../unsigned-header.js';

const SCHEME = 'io.cncf.notary.signingScheme';
const TIME = 'io.cncf.notary.signingTime';
const EXPIRY = 'io.cncf.notary.expiry';
const X5CHAIN = 33;

/** The verifier's own strictness (ENV-COSE-1 [impl]), used to read cases back for judging. */
const keep = ((tag: Tag) => tag) as unknown as TagDecoder;
const STRICT: DecodeOptions = {
  preferMap: true,
  rejectDuplicateKeys: true,
  rejectStreaming: true,
  rejectUndefined: true,
  tags: new Map([
    [1, keep],
    [18, keep],
  ]),
};
const ENCODE = { sortKeys: null } as const;

type Sign1 = [Uint8Array, Map<unknown, unknown>, Uint8Array, Uint8Array];

interface CaseFacts {
  acceptable?: string;
  signingTime?: Date;
  resigned?: { protectedBytes: Uint8Array; payload: Uint8Array };
}

interface Fixture {
  chain: ChainFixture;
  stranger: Uint8Array;
  original: Uint8Array;
  parts: Sign1;
  protectedMap: Map<unknown, unknown>;
  payloadText: string;
  verification: BlobVerification;
}

let fixture: Fixture | undefined;
const facts = new WeakMap<FuzzCase, CaseFacts>();

function sign1(bytes: Uint8Array): Sign1 | undefined {
  try {
    const top = decode(bytes, STRICT);
    if (!(top instanceof Tag) || Number(top.tag) !== 18 || !Array.isArray(top.contents) || top.contents.length !== 4)
      return undefined;
    return top.contents as Sign1;
  } catch {
    return undefined;
  }
}

const encodeSign1 = (parts: readonly unknown[]) => encode(new Tag(18, parts), ENCODE);

async function resign(
  f: Fixture,
  protectedBytes: Uint8Array,
  payload: Uint8Array,
  unprotected = f.parts[1],
): Promise<Uint8Array> {
  const signature = await f.chain.signer.sign(coseSigningInput(protectedBytes, payload));
  return encodeSign1([protectedBytes, unprotected, payload, signature]);
}

/** Replaces the first occurrence of `from` in `bytes` (or returns undefined). */
function patch(bytes: Uint8Array, from: readonly number[], to: readonly number[]): Uint8Array | undefined {
  outer: for (let i = 0; i + from.length <= bytes.length; i++) {
    for (let j = 0; j < from.length; j++) if (bytes[i + j] !== from[j]) continue outer;
    return concatBytes(bytes.subarray(0, i), Uint8Array.from(to), bytes.subarray(i + from.length));
  }
  return undefined;
}

function float64(value: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return [...new Uint8Array(view.buffer)];
}

function editProtected(
  rng: Rng,
  f: Fixture,
): { bytes: Uint8Array; mutation: string; acceptable?: string; signingTime?: Date } {
  const original = f.parts[0];
  const map = (name: string, change: (m: Map<unknown, unknown>) => void, acceptable?: string) => {
    const m = new Map(f.protectedMap);
    change(m);
    return { bytes: encode(m, ENCODE), mutation: `protected ${name}`, ...(acceptable ? { acceptable } : {}) };
  };
  const bytesEdit = (name: string, bytes: Uint8Array | undefined) => ({
    bytes: bytes ?? original,
    mutation: `protected ${name}${bytes ? '' : ' (pattern not found: unchanged)'}`,
  });
  const time = f.protectedMap.get(TIME) as Tag;
  const seconds = Number(time.contents);
  const timeBytes = [
    0xc1,
    0x1a,
    (seconds >>> 24) & 0xff,
    (seconds >>> 16) & 0xff,
    (seconds >>> 8) & 0xff,
    seconds & 0xff,
  ];
  const future = Math.floor(Date.now() / 1000) + 365 * 86_400;
  const crit = f.protectedMap.get(2) as string[];
  switch (rng.int(24)) {
    case 0:
      return bytesEdit('alg as half float -7.0', patch(original, [0x01, 0x26], [0x01, 0xf9, 0xc7, 0x00]));
    case 1:
      return bytesEdit('alg as single float -7.0', patch(original, [0x01, 0x26], [0x01, 0xfa, 0xc0, 0xe0, 0x00, 0x00]));
    case 2:
      return bytesEdit('alg as double float -7.0', patch(original, [0x01, 0x26], [0x01, 0xfb, ...float64(-7)]));
    case 3:
      return bytesEdit('label 1 as half float 1.0', patch(original, [0x01, 0x26], [0xf9, 0x3c, 0x00, 0x26]));
    case 4:
      return bytesEdit(
        'signingTime tag 1 over a double',
        patch(original, timeBytes, [0xc1, 0xfb, ...float64(seconds)]),
      );
    case 5:
      return bytesEdit(
        'signingTime tag 1 over seconds + 0.5',
        patch(original, timeBytes, [0xc1, 0xfb, ...float64(seconds + 0.5)]),
      );
    case 6:
      return bytesEdit('signingTime untagged', patch(original, timeBytes, timeBytes.slice(1)));
    case 7:
      return map('signingTime tag 0 text', (m) => m.set(TIME, new Tag(0, '2026-01-01T00:00:00Z')));
    case 8: {
      const other = seconds - 1 - rng.int(10_000_000);
      return {
        ...map(
          'signingTime another instant',
          (m) => m.set(TIME, new Tag(1, other)),
          "a signing time is the signer's claim (the verifier must report it exactly)",
        ),
        signingTime: new Date(other * 1000),
      };
    }
    case 9:
      return map('alg as text ES256', (m) => m.set(1, 'ES256'));
    case 10:
      return map('alg ES384 (key is P-256)', (m) => m.set(1, -35));
    case 11:
      return map('crit adds an unknown name', (m) => m.set(2, [...crit, 'io.cncf.notary.unknown']));
    case 12:
      return map('crit empty', (m) => m.set(2, []));
    case 13:
      return map('crit missing', (m) => m.delete(2));
    case 14:
      return map('cty changed', (m) => m.set(3, 'application/json'));
    case 15:
      return map('cty as integer', (m) => m.set(3, 50));
    case 16:
      return map('signingScheme signingAuthority without authenticSigningTime', (m) =>
        m.set(SCHEME, 'notary.x509.signingAuthority'),
      );
    case 17:
      return map('expiry in the past', (m) => {
        m.set(EXPIRY, new Tag(1, 1_577_836_800));
        m.set(2, [...crit, EXPIRY]);
      });
    case 18:
      return map(
        'expiry in the future, critical',
        (m) => {
          m.set(EXPIRY, new Tag(1, future));
          m.set(2, [...crit, EXPIRY]);
        },
        "a future expiry listed in crit is the signer's choice (ATTR-7)",
      );
    case 19:
      return map('signingAgent in both headers', (m) => m.set(AGENT, 'notary-ts/0.1.0'));
    case 20:
      // One more entry declared, and a second content type appended: a duplicate label.
      return bytesEdit(
        'duplicate label 3',
        concatBytes(Uint8Array.of(original[0]! + 1), original.subarray(1), encode(3), encode('application/json')),
      );
    case 21:
      return bytesEdit(
        'indefinite-length map',
        concatBytes(Uint8Array.of(0xbf), original.subarray(1), Uint8Array.of(0xff)),
      );
    case 22:
      return bytesEdit('crit as a single text', encode(new Map(f.protectedMap).set(2, crit[0]), ENCODE));
    default: {
      const mutated = mutateBytes(rng, original);
      // Acceptable only when the result is the original with another tag-1 integer signing time.
      let acceptable: string | undefined;
      let signingTime: Date | undefined;
      try {
        const m = decode(mutated.bytes, STRICT);
        const t = m instanceof Map ? m.get(TIME) : undefined;
        if (
          t instanceof Tag &&
          Number(t.tag) === 1 &&
          Number.isSafeInteger(t.contents) &&
          (t.contents as number) >= 0
        ) {
          const expected = encode(new Map(f.protectedMap).set(TIME, new Tag(1, t.contents)), ENCODE);
          if (bytesEqual(expected, mutated.bytes)) {
            acceptable = bytesEqual(expected, original)
              ? 'the protected header is unchanged'
              : "only the signing time changed, to another instant (the signer's claim)";
            signingTime = new Date((t.contents as number) * 1000);
          }
        }
      } catch {
        // Not CBOR: must be rejected.
      }
      return {
        bytes: mutated.bytes,
        mutation: `protected ${mutated.mutation}`,
        ...(acceptable ? { acceptable } : {}),
        ...(signingTime ? { signingTime } : {}),
      };
    }
  }
}

function editUnsigned(rng: Rng, f: Fixture): { bytes: Uint8Array; mutation: string } {
  const [p, u, y, s] = f.parts;
  const withU = (name: string, change: (m: Map<unknown, unknown>) => void) => {
    const m = new Map(u);
    change(m);
    return { bytes: encodeSign1([p, m, y, s]), mutation: `unsigned ${name}` };
  };
  const body = f.original.subarray(2); // after d2 84
  switch (rng.int(14)) {
    case 0:
      return withU('signingAgent changed', (m) => m.set(AGENT, `fuzz/${rng.int(1000)}`));
    case 1:
      return withU('signingAgent not a string', (m) => m.set(AGENT, rng.pick([5, null, new Uint8Array(2), 1.5])));
    case 2:
      return withU('crit in the unprotected header', (m) => m.set(2, [SCHEME]));
    case 3:
      return withU('signingScheme in both headers', (m) => m.set(SCHEME, 'notary.x509'));
    case 4:
      return withU('alg in the unprotected header', (m) => m.set(1, -7));
    case 5:
      return withU('x5chain as one byte string', (m) => m.set(X5CHAIN, f.chain.chainDer[0]));
    case 6:
      return withU('x5chain as PEM bytes', (m) =>
        m.set(
          X5CHAIN,
          f.chain.chainDer.map((_, i) =>
            utf8.encode(f.chain.chainPem.split('-----END CERTIFICATE-----')[i] + '-----END CERTIFICATE-----\n'),
          ),
        ),
      );
    case 7:
      return {
        bytes: concatBytes(Uint8Array.of(0xd8, 0x12, 0x84), body),
        mutation: 'unsigned tag 18 in two bytes (d8 12)',
      };
    case 8:
      return {
        bytes: concatBytes(Uint8Array.of(0xd2, 0x98, 0x04), body),
        mutation: 'unsigned array length in two bytes (98 04)',
      };
    case 9:
      return {
        bytes: concatBytes(Uint8Array.of(0xd2, 0x9f), body, Uint8Array.of(0xff)),
        mutation: 'unsigned indefinite-length array',
      };
    case 10:
      return {
        bytes: concatBytes(Uint8Array.of(0xd9, 0xd9, 0xf7), f.original),
        mutation: 'unsigned self-describe tag 55799 prefix',
      };
    case 11:
      return { bytes: f.original.subarray(1), mutation: 'unsigned untagged COSE_Sign1' };
    case 12:
      return { bytes: concatBytes(f.original, Uint8Array.of(0x00)), mutation: 'unsigned trailing byte' };
    default:
      return withU('x5chain missing', (m) => m.delete(X5CHAIN));
  }
}

export const coseTarget: FuzzTarget = {
  name: 'cose',

  async setup() {
    const chain = await loadChain('ec-256');
    const stranger = (await loadChain('ec-384')).chainDer[0]!;
    const original = await signFixture(chain.signer, MEDIA_TYPE_COSE);
    const parts = sign1(original);
    if (!parts || !bytesEqual(encodeSign1(parts), original))
      throw new Error('the COSE fixture does not re-encode to itself; the judge assumes it');
    fixture = {
      chain,
      stranger,
      original,
      parts,
      protectedMap: decode(parts[0], STRICT) as Map<unknown, unknown>,
      payloadText: new TextDecoder().decode(parts[2]),
      verification: { policy: strictBlobPolicy(), trustStore: trustStoreOf(chain.rootPem) },
    };
    await verifyEnvelope(original, MEDIA_TYPE_COSE, fixture.verification);
  },

  async generate(rng, index) {
    const f = fixture!;
    const id = `cose#${index}`;
    const family = rng.int(100);
    let fuzzCase: FuzzCase;
    let caseFacts: CaseFacts = {};
    if (index % 500 === 499) {
      const u = new Map(f.parts[1]).set(X5CHAIN, [pemFlood(), ...f.chain.chainDer.slice(1)]);
      fuzzCase = {
        target: 'cose',
        id,
        mutation: 'unsigned x5chain 0 a 768 KiB PEM flood',
        bytes: encodeSign1([f.parts[0], u, f.parts[2], f.parts[3]]),
      };
    } else if (family < 30) {
      const m = mutateBytes(rng, f.original);
      fuzzCase = { target: 'cose', id, mutation: `bytes ${m.mutation}`, bytes: m.bytes };
    } else if (family < 45) {
      fuzzCase = { target: 'cose', id, ...editUnsigned(rng, f) };
    } else if (family < 62) {
      const m = mutateChain(rng, f.chain.chainDer, f.stranger);
      const u = new Map(f.parts[1]).set(X5CHAIN, m.chain);
      fuzzCase = {
        target: 'cose',
        id,
        mutation: `x5chain ${m.mutation}`,
        bytes: encodeSign1([f.parts[0], u, f.parts[2], f.parts[3]]),
      };
    } else if (family < 85) {
      const edit = editProtected(rng, f);
      fuzzCase = {
        target: 'cose',
        id,
        mutation: `resigned ${edit.mutation}`,
        bytes: await resign(f, edit.bytes, f.parts[2]),
      };
      caseFacts = {
        resigned: { protectedBytes: edit.bytes, payload: f.parts[2] },
        ...(edit.acceptable ? { acceptable: edit.acceptable } : {}),
        ...(edit.signingTime ? { signingTime: edit.signingTime } : {}),
      };
    } else if (family < 97) {
      const edit = editPayload(rng, f.payloadText);
      fuzzCase = {
        target: 'cose',
        id,
        mutation: `resigned ${edit.mutation}`,
        bytes: await resign(f, f.parts[0], edit.bytes),
      };
      caseFacts = {
        resigned: { protectedBytes: f.parts[0], payload: edit.bytes },
        ...(edit.acceptable ? { acceptable: edit.acceptable } : {}),
      };
    } else {
      fuzzCase = {
        target: 'cose',
        id,
        mutation: 'resigned unchanged (control)',
        bytes: await resign(f, f.parts[0], f.parts[2]),
      };
      caseFacts = { resigned: { protectedBytes: f.parts[0], payload: f.parts[2] } };
    }
    facts.set(fuzzCase, caseFacts);
    return fuzzCase;
  },

  run(fuzzCase) {
    const f = fixture!;
    const known = facts.get(fuzzCase) ?? {};
    return classifyVerification(
      () => verifyEnvelope(fuzzCase.bytes, MEDIA_TYPE_COSE, f.verification),
      (result: VerificationResult) => judge(f, fuzzCase, known, result),
      `${fuzzCase.mutation}: accepted`,
    );
  },
};

function judge(f: Fixture, fuzzCase: FuzzCase, known: CaseFacts, result: VerificationResult): string | undefined {
  if (known.signingTime && result.signingTime?.getTime() !== known.signingTime.getTime()) return undefined;
  if (known.acceptable) return `re-signed with the leaf key: ${known.acceptable}`;
  if (known.resigned) {
    const same =
      bytesEqual(known.resigned.protectedBytes, f.parts[0]) && bytesEqual(known.resigned.payload, f.parts[2]);
    return same ? 're-signed with the leaf key and content unchanged' : undefined;
  }
  if (bytesEqual(fuzzCase.bytes, f.original)) return 'bytes identical to the original';
  const parts = sign1(fuzzCase.bytes);
  if (!parts || !(parts[1] instanceof Map)) return undefined;
  // Canonical (as the SDK writes it) and the signed parts untouched.
  if (!bytesEqual(encodeSign1(parts), fuzzCase.bytes)) return undefined;
  if (
    !(parts[0] instanceof Uint8Array) ||
    !bytesEqual(parts[0], f.parts[0]) ||
    !(parts[2] instanceof Uint8Array) ||
    !bytesEqual(parts[2], f.parts[2]) ||
    !(parts[3] instanceof Uint8Array) ||
    !bytesEqual(parts[3], f.parts[3])
  )
    return undefined;
  const reasons = new Set<string>();
  for (const [label, value] of f.parts[1]) {
    if (label === AGENT) continue;
    if (!parts[1].has(label) || !bytesEqual(encode(parts[1].get(label), ENCODE), encode(value, ENCODE)))
      return undefined;
  }
  for (const [label, value] of parts[1]) {
    if (f.parts[1].has(label) && label !== AGENT) continue;
    if (label === AGENT) {
      if (typeof value !== 'string') return undefined;
      if (value !== f.parts[1].get(AGENT)) reasons.add('the unsigned signingAgent changed');
    } else if (isUnreadLabel(label)) {
      reasons.add(`an unprotected label nobody reads (${JSON.stringify(label).slice(0, 60)})`);
    } else {
      return undefined;
    }
  }
  if (!parts[1].has(AGENT)) reasons.add('the unsigned signingAgent was removed');
  return reasons.size ? `only the unprotected header changed: ${[...reasons].join('; ')}` : undefined;
}
