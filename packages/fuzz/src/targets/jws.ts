/**
 * JWS envelopes (ENV-JWS-*) through `verifyBlob` under a strict blob policy.
 *
 * Families: format-blind byte mutations of the whole envelope; edits of the
 * unsigned parts (unprotected header, top-level members, BOM, padding,
 * whitespace); certificate chain mutations in x5c (order, duplicates, PEM,
 * re-encodings); and protected-header or payload edits re-signed with the
 * leaf key (types, duplicates, unknown crit, names in both headers, times).
 *
 * An acceptance is correct only when: the re-signed content is unchanged, or
 * the edit is the signer's choice (named in the case), or the envelope is the
 * original up to JSON whitespace and an unsigned signingAgent.
 */

import type { VerificationResult } from '@x/notary-core';
import { encodeBase64, encodeBase64Url } from '@x/notary-pki/foundation';
import { jwsSigningInput } from '../../../envelope/src/jws.js';
import { classifyVerification } from '../classify.js';
import {
  type BlobVerification,
  type ChainFixture,
  loadChain,
  MEDIA_TYPE_JWS,
  signFixture,
  strictBlobPolicy,
  trustStoreOf,
  verifyEnvelope,
} from '../fixtures.js';
import { mutateBytes } from '../mutations/bytes.js';
import { mutateChain, pemFlood } from '../mutations/chain.js';
import {
  type Allowance,
  duplicateMember,
  jsonEquivalence,
  rfc3339Instant,
  strictParse,
  strictText,
  stripJsonWhitespace,
  utf8,
} from '../mutations/json.js';
import { editPayload } from '../mutations/payload.js';
import type { FuzzCase, FuzzTarget, Rng } from '../types.js';
import { AGENT, isUnreadLabel, sameBase64Bytes } from '../unsigned-header.js';

const SCHEME = 'io.cncf.notary.signingScheme';
const TIME = 'io.cncf.notary.signingTime';
const EXPIRY = 'io.cncf.notary.expiry';
const TIMESTAMP = 'io.cncf.notary.timestampSignature';

interface CaseFacts {
  /** Why acceptance is correct, when the mutation decided it is. */
  acceptable?: string;
  /** The signing time the verifier must then report (years 0000–0099 included). */
  signingTime?: Date;
  /** The case was re-signed with the leaf key over this protected header and payload. */
  resigned?: { protectedText: string; payload: Uint8Array };
}

interface Fixture {
  chain: ChainFixture;
  stranger: Uint8Array;
  original: Uint8Array;
  originalText: string;
  envelope: { payload: string; protected: string; header: Record<string, unknown>; signature: string };
  protectedText: string;
  payloadText: string;
  verification: BlobVerification;
}

let fixture: Fixture | undefined;
const facts = new WeakMap<FuzzCase, CaseFacts>();

const fromB64url = (s: string) =>
  new TextDecoder().decode(Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));

/** What the unsigned parts may differ in, and why that is fine. */
const ENVELOPE_ALLOWANCES: readonly Allowance[] = [
  {
    path: ['header', AGENT],
    accepts: (v) => typeof v === 'string',
    reason: 'only the unprotected signingAgent changed: unsigned and informational',
  },
  {
    path: ['header', TIMESTAMP],
    accepts: (v) => typeof v === 'string',
    reason:
      'only the unprotected timestampSignature changed, and the policy has no tsa store, so it is not read (TP-14)',
  },
];

async function resign(
  f: Fixture,
  protectedText: string,
  payload: Uint8Array,
  header = f.envelope.header,
): Promise<Uint8Array> {
  const protectedBytes = utf8.encode(protectedText);
  const signature = await f.chain.signer.sign(jwsSigningInput(protectedBytes, payload));
  const envelope = {
    payload: encodeBase64Url(payload),
    protected: encodeBase64Url(protectedBytes),
    header,
    signature: encodeBase64Url(signature),
  };
  return utf8.encode(JSON.stringify(envelope));
}

/** A protected-header edit: the new header text, and when acceptance is fine, why. */
function editProtected(
  rng: Rng,
  f: Fixture,
): { text: string; mutation: string; acceptable?: string; signingTime?: Date } {
  const header = JSON.parse(f.protectedText) as Record<string, unknown>;
  const crit = header.crit as string[];
  const edit = (name: string, change: (h: Record<string, unknown>) => void, acceptable?: string) => {
    const h = structuredClone(header);
    change(h);
    return { text: JSON.stringify(h), mutation: `protected ${name}`, ...(acceptable ? { acceptable } : {}) };
  };
  const future = new Date(Date.now() + 365 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  switch (rng.int(24)) {
    case 0:
      return edit(`alg ${'none'}`, (h) => (h.alg = 'none'));
    case 1:
      return edit('alg HS256', (h) => (h.alg = 'HS256'));
    case 2:
      return edit('alg ES384 (key is P-256)', (h) => (h.alg = 'ES384'));
    case 3:
      return edit('alg as number', (h) => (h.alg = -7));
    case 4:
      return edit('crit adds an unknown name', (h) => (h.crit = [...crit, 'io.cncf.notary.unknown']));
    case 5:
      return edit('crit empty', (h) => (h.crit = []));
    case 6:
      return edit('crit missing', (h) => delete h.crit);
    case 7:
      return edit('crit duplicated entry', (h) => (h.crit = [...crit, crit[0]!]));
    case 8:
      return edit('crit as string', (h) => (h.crit = crit[0]));
    case 9:
      return edit('cty changed', (h) => (h.cty = 'application/json'));
    case 10:
      return edit(
        'signingScheme signingAuthority without authenticSigningTime',
        (h) => (h[SCHEME] = 'notary.x509.signingAuthority'),
      );
    case 11:
      return edit('signingScheme unknown', (h) => (h[SCHEME] = 'notary.x509.other'));
    case 12:
      return edit('signingTime as number', (h) => (h[TIME] = 1_700_000_000));
    case 13:
      return edit('signingTime month 13', (h) => (h[TIME] = '2026-13-01T00:00:00Z'));
    case 14: {
      const year = String(rng.int(100)).padStart(4, '0');
      const value = `${year}-06-15T12:00:00Z`;
      return {
        ...edit(
          `signingTime year ${year}`,
          (h) => (h[TIME] = value),
          "a signing time is the signer's claim, and any RFC 3339 instant is one (the verifier must report it exactly)",
        ),
        signingTime: rfc3339Instant(value)!,
      };
    }
    case 15: {
      const value = '2001-02-03T04:05:06+07:00';
      return {
        ...edit(
          'signingTime with offset',
          (h) => (h[TIME] = value),
          "a signing time is the signer's claim (RFC 3339 with an offset)",
        ),
        signingTime: rfc3339Instant(value)!,
      };
    }
    case 16:
      return edit('expiry in the past', (h) => {
        h[EXPIRY] = '2020-01-01T00:00:00Z';
        h.crit = [...crit, EXPIRY];
      });
    case 17:
      return edit('expiry not critical', (h) => (h[EXPIRY] = future));
    case 18:
      return edit(
        'expiry in the future, critical',
        (h) => {
          h[EXPIRY] = future;
          h.crit = [...crit, EXPIRY];
        },
        "a future expiry listed in crit is the signer's choice (ATTR-7)",
      );
    case 19:
      return edit('signingAgent in both headers', (h) => (h[AGENT] = 'notary-ts/0.1.0'));
    case 20:
      return { text: duplicateMember(f.protectedText, 'alg', '"none"'), mutation: 'protected duplicate alg' };
    case 21:
      return { text: `\uFEFF${f.protectedText}`, mutation: 'protected BOM prefix' };
    case 22:
      return {
        text: JSON.stringify(header, null, 1),
        mutation: 'protected pretty-printed',
        acceptable: 'the protected header JSON is the same up to whitespace',
      };
    default: {
      const mutated = mutateBytes(rng, utf8.encode(f.protectedText));
      const text = strictText(mutated.bytes);
      const timeAllowance: Allowance = {
        path: [TIME],
        accepts: (v) => rfc3339Instant(v) !== undefined,
        reason: "only the signing time changed, to another RFC 3339 instant (the signer's claim)",
      };
      const reasons = text === undefined ? undefined : jsonEquivalence(text, f.protectedText, [timeAllowance]);
      const parsed = strictParse(text) as Record<string, unknown> | undefined;
      return {
        text: text ?? new TextDecoder().decode(mutated.bytes),
        mutation: `protected ${mutated.mutation}`,
        ...(reasons
          ? {
              acceptable: reasons.join('; ') || 'the protected header JSON is the same up to whitespace',
              signingTime: rfc3339Instant(parsed?.[TIME])!,
            }
          : {}),
      };
    }
  }
}

/** An edit of the unsigned parts (the signature stays the original). */
function editUnsigned(rng: Rng, f: Fixture): { bytes: Uint8Array; mutation: string } {
  const e = structuredClone(f.envelope) as Record<string, unknown> & { header: Record<string, unknown> };
  const json = (name: string) => ({ bytes: utf8.encode(JSON.stringify(e)), mutation: `unsigned ${name}` });
  switch (rng.int(14)) {
    case 0:
      e.header[AGENT] = `fuzz/${rng.int(1000)}`;
      return json('signingAgent changed');
    case 1:
      e.header[AGENT] = rng.pick([5, null, {}, ['a']]);
      return json('signingAgent not a string');
    case 2:
      e.header[SCHEME] = 'notary.x509';
      return json('signingScheme in both headers');
    case 3:
      e.header.crit = [SCHEME];
      return json('crit in the unprotected header');
    case 4:
      e.header.alg = 'ES256';
      return json('alg in the unprotected header');
    case 5: {
      // issue 12: PEM accepted in x5c (and its quadratic scan).
      const x5c = e.header.x5c as string[];
      const i = rng.int(x5c.length);
      const pem = `-----BEGIN CERTIFICATE-----\n${x5c[i]!.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
      x5c[i] = encodeBase64(utf8.encode(pem));
      return json(`x5c ${i} as base64 of PEM`);
    }
    case 6: {
      const x5c = e.header.x5c as string[];
      x5c[0] = x5c[0]!.replace(/(.{64})/, '$1\n');
      return json('x5c 0 with a newline');
    }
    case 7:
      e.signatures = [];
      return json('top-level signatures member');
    case 8:
      return { bytes: utf8.encode(`\uFEFF${f.originalText}`), mutation: 'unsigned BOM before the envelope' };
    case 9:
      return { bytes: utf8.encode(JSON.stringify(f.envelope, null, 2)), mutation: 'unsigned pretty-printed envelope' };
    case 10:
      e.payload = `${f.envelope.payload}${'='.repeat((4 - (f.envelope.payload.length % 4)) % 4 || 4)}`;
      return json('payload base64 padded');
    case 11:
      e.header[TIMESTAMP] = encodeBase64(rng.bytes(1 + rng.int(64)));
      return json('timestampSignature of random bytes');
    case 12:
      return {
        bytes: utf8.encode(f.originalText.replace('"header":{', `"header":{"${AGENT}":"dup",`)),
        mutation: 'unsigned duplicate signingAgent',
      };
    default:
      delete e.header.x5c;
      return json('x5c missing');
  }
}

export const jwsTarget: FuzzTarget = {
  name: 'jws',

  async setup() {
    const chain = await loadChain('ec-256');
    const stranger = (await loadChain('ec-384')).chainDer[0]!;
    const original = await signFixture(chain.signer, MEDIA_TYPE_JWS);
    const originalText = new TextDecoder().decode(original);
    const envelope = JSON.parse(originalText) as Fixture['envelope'];
    if (JSON.stringify(envelope) !== originalText)
      throw new Error('the JWS fixture is not in JSON.stringify form; the equivalence judge assumes it');
    fixture = {
      chain,
      stranger,
      original,
      originalText,
      envelope,
      protectedText: fromB64url(envelope.protected),
      payloadText: fromB64url(envelope.payload),
      verification: { policy: strictBlobPolicy(), trustStore: trustStoreOf(chain.rootPem) },
    };
    // The fixture itself must verify, or every case is meaningless.
    await verifyEnvelope(original, MEDIA_TYPE_JWS, fixture.verification);
  },

  async generate(rng, index) {
    const f = fixture!;
    const id = `jws#${index}`;
    const family = rng.int(100);
    let fuzzCase: FuzzCase;
    let caseFacts: CaseFacts = {};
    if (index % 500 === 499) {
      const e = structuredClone(f.envelope);
      e.header.x5c = [encodeBase64(pemFlood()), ...(e.header.x5c as string[]).slice(1)];
      fuzzCase = {
        target: 'jws',
        id,
        mutation: 'unsigned x5c 0 a 768 KiB PEM flood',
        bytes: utf8.encode(JSON.stringify(e)),
      };
    } else if (family < 30) {
      const m = mutateBytes(rng, f.original);
      fuzzCase = { target: 'jws', id, mutation: `bytes ${m.mutation}`, bytes: m.bytes };
    } else if (family < 45) {
      const m = editUnsigned(rng, f);
      fuzzCase = { target: 'jws', id, ...m };
    } else if (family < 62) {
      const m = mutateChain(rng, f.chain.chainDer, f.stranger);
      const e = structuredClone(f.envelope);
      e.header.x5c = m.chain.map((der) => encodeBase64(der));
      fuzzCase = { target: 'jws', id, mutation: `x5c ${m.mutation}`, bytes: utf8.encode(JSON.stringify(e)) };
    } else if (family < 85) {
      const edit = editProtected(rng, f);
      const payload = utf8.encode(f.payloadText);
      fuzzCase = {
        target: 'jws',
        id,
        mutation: `resigned ${edit.mutation}`,
        bytes: await resign(f, edit.text, payload),
      };
      caseFacts = {
        resigned: { protectedText: edit.text, payload },
        ...(edit.acceptable ? { acceptable: edit.acceptable } : {}),
        ...(edit.signingTime ? { signingTime: edit.signingTime } : {}),
      };
    } else if (family < 97) {
      const edit = editPayload(rng, f.payloadText);
      fuzzCase = {
        target: 'jws',
        id,
        mutation: `resigned ${edit.mutation}`,
        bytes: await resign(f, f.protectedText, edit.bytes),
      };
      caseFacts = {
        resigned: { protectedText: f.protectedText, payload: edit.bytes },
        ...(edit.acceptable ? { acceptable: edit.acceptable } : {}),
      };
    } else {
      const payload = utf8.encode(f.payloadText);
      fuzzCase = {
        target: 'jws',
        id,
        mutation: 'resigned unchanged (control)',
        bytes: await resign(f, f.protectedText, payload),
      };
      caseFacts = { resigned: { protectedText: f.protectedText, payload } };
    }
    facts.set(fuzzCase, caseFacts);
    return fuzzCase;
  },

  run(fuzzCase) {
    const f = fixture!;
    const known = facts.get(fuzzCase) ?? {};
    return classifyVerification(
      () => verifyEnvelope(fuzzCase.bytes, MEDIA_TYPE_JWS, f.verification),
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
      known.resigned.protectedText === f.protectedText &&
      new TextDecoder().decode(known.resigned.payload) === f.payloadText;
    return same ? 're-signed with the leaf key and content unchanged' : undefined;
  }
  const text = strictText(fuzzCase.bytes);
  if (text === undefined) return undefined;
  if (text === f.originalText) return 'bytes identical to the original';
  const reasons = jsonEquivalence(text, f.originalText, ENVELOPE_ALLOWANCES);
  if (reasons) return reasons.join('; ') || 'identical to the original after JSON whitespace normalisation';
  return unsignedHeaderOnly(f, text);
}

/** The envelope is the original but for unprotected-header content nobody reads (see unsigned-header.ts). */
function unsignedHeaderOnly(f: Fixture, text: string): string | undefined {
  const parsed = strictParse(text) as Record<string, unknown> | undefined;
  // No duplicate members, no escapes rewritten: the text is exactly its own parse, whitespace aside.
  if (!parsed || stripJsonWhitespace(text) !== JSON.stringify(parsed)) return undefined;
  const keys = Object.keys(parsed);
  if (
    keys.length !== 4 ||
    !['payload', 'protected', 'signature'].every((k) => parsed[k] === (f.envelope as Record<string, unknown>)[k])
  )
    return undefined;
  const header = parsed.header as Record<string, unknown>;
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return undefined;
  const reasons = new Set<string>();
  const x5c = header.x5c;
  if (
    !Array.isArray(x5c) ||
    x5c.length !== f.chain.chainDer.length ||
    !x5c.every((entry, i) => sameBase64Bytes(entry, f.chain.chainDer[i]!))
  )
    return undefined;
  if (JSON.stringify(x5c) !== JSON.stringify(f.envelope.header.x5c))
    reasons.add("x5c base64 differs only in padding bits, which Go's base64.StdEncoding ignores");
  for (const [key, value] of Object.entries(header)) {
    if (key === 'x5c') continue;
    if (key === AGENT) {
      if (typeof value !== 'string') return undefined;
      if (value !== f.envelope.header[AGENT]) reasons.add('the unsigned signingAgent changed');
    } else if (!isUnreadLabel(key)) {
      return undefined;
    } else {
      reasons.add(`an unprotected member nobody reads (${JSON.stringify(key).slice(0, 60)})`);
    }
  }
  if (!(AGENT in header)) reasons.add('the unsigned signingAgent was removed');
  return reasons.size ? `only the unprotected header changed: ${[...reasons].join('; ')}` : undefined;
}
