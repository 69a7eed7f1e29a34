import { type Certificate, type SignatureAlgorithm, parseCertificate } from '@x/notary-pki';
import { decode, encode, Tag, type DecodeOptions, type TagDecoder } from 'cbor2';
import { EnvelopeError, headerInvalid, malformed } from './errors.js';
import { HEADER, MEDIA_TYPE_COSE, MEDIA_TYPE_PAYLOAD } from './media-types.js';
import { coseAlgorithmOf, signatureAlgorithmFromCose } from './signature-algorithm.js';
import { validateSignedAttributes } from './signed-attributes.js';
import type { ParsedEnvelope, SignedAttributes, UnsignedAttributes } from './signer-info.js';

const TAG_COSE_SIGN1 = 18;
const TAG_EPOCH_TIME = 1;
const LABEL_ALG = 1;
const LABEL_CRIT = 2;
const LABEL_CONTENT_TYPE = 3;
const LABEL_X5CHAIN = 33;

type CborMap = Map<unknown, unknown>;

/**
 * Decoder settings for untrusted input (ENV-COSE-1 [impl]): duplicate map keys
 * and indefinite lengths are errors, maps stay Maps (labels may be ints), and
 * tags 1 and 18 come back as Tag objects so that we check them ourselves.
 */
const keepTag: TagDecoder = (tag) => tag;
const DECODE_OPTIONS: DecodeOptions = {
  preferMap: true,
  rejectDuplicateKeys: true,
  rejectStreaming: true,
  rejectUndefined: true,
  tags: new Map([
    [TAG_EPOCH_TIME, keepTag],
    [TAG_COSE_SIGN1, keepTag],
  ]),
};

function decodeStrict(bytes: Uint8Array, what: string): unknown {
  try {
    return decode(bytes, DECODE_OPTIONS);
  } catch (error) {
    malformed(`${what} is not valid CBOR: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

function coseTime(header: CborMap, name: string): Date | undefined {
  if (!header.has(name)) return undefined;
  const value = header.get(name);
  // ENV-COSE-3 [impl]: tag 1 over an unsigned integer; untagged or tag 0 times are rejected.
  if (!(value instanceof Tag) || Number(value.tag) !== TAG_EPOCH_TIME) headerInvalid(`"${name}" must be a tag 1 epoch time`);
  const seconds = value.contents;
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 0) headerInvalid(`"${name}" must be a whole number of seconds`);
  return new Date(seconds * 1000);
}

/** Header labels as text: COSE integer labels in decimal. */
function labelText(label: unknown): string {
  return String(label);
}

/**
 * Parses a COSE_Sign1_Tagged envelope (ENV-COSE-1 … ENV-COSE-5). The raw
 * protected bytes are kept: the signature covers them, never a re-encoding.
 */
export function parseCose(bytes: Uint8Array): ParsedEnvelope {
  const top = decodeStrict(bytes, 'COSE envelope');
  if (!(top instanceof Tag) || Number(top.tag) !== TAG_COSE_SIGN1) malformed('COSE envelope must be a COSE_Sign1 tagged 18');
  const parts = top.contents;
  if (!Array.isArray(parts) || parts.length !== 4) malformed('COSE_Sign1 must be an array of four items');
  const [protectedBytes, unprotected, payload, signature] = parts as unknown[];
  if (!(protectedBytes instanceof Uint8Array) || protectedBytes.length === 0) malformed('COSE protected header must be a non-empty byte string');
  if (!(unprotected instanceof Map)) malformed('COSE unprotected header must be a map');
  if (payload === null) malformed('COSE payload is detached: content not present');
  if (!(payload instanceof Uint8Array)) malformed('COSE payload must be a byte string');
  if (!(signature instanceof Uint8Array)) malformed('COSE signature must be a byte string');

  const { certificateChain, unsignedAttributes } = parseUnprotectedHeader(unprotected);
  const header = decodeStrict(protectedBytes, 'COSE protected header');
  if (!(header instanceof Map)) malformed('COSE protected header must be a map');

  const signatureAlgorithm = signatureAlgorithmFromCose(header.get(LABEL_ALG));
  const crit = header.get(LABEL_CRIT);
  if (!Array.isArray(crit) || !crit.every((c) => typeof c === 'string' || typeof c === 'number')) headerInvalid('crit must be a list of labels');
  for (const label of crit as unknown[]) {
    // ENV-COSE-4: the COSE-registered labels 0–8 must not be critical.
    if (typeof label === 'number' && label >= 0 && label <= 8) headerInvalid(`crit must not list the registered label ${label}`);
  }
  const standard = new Set<unknown>([LABEL_ALG, LABEL_CRIT, LABEL_CONTENT_TYPE, HEADER.signingScheme, HEADER.signingTime, HEADER.authenticSigningTime, HEADER.expiry]);
  const extended = new Map<string, unknown>();
  for (const [label, value] of header) {
    if (standard.has(label)) continue;
    // Only text labels carry Notary extended attributes; other integer labels
    // are COSE headers we do not use (a critical one still fails below).
    if (typeof label === 'string') extended.set(label, value instanceof Tag ? value.contents : value);
  }
  const critical = (crit as unknown[]).map(labelText);
  const integerCritical = critical.filter((c) => /^-?\d+$/.test(c));
  if (integerCritical.length > 0) {
    throw new EnvelopeError('ERR_ENVELOPE_UNKNOWN_CRITICAL', `critical COSE header label ${integerCritical[0]} is not supported`);
  }
  const signedAttributes = validateSignedAttributes({
    contentType: header.get(LABEL_CONTENT_TYPE),
    critical,
    present: new Set([...header.keys()].map(labelText)),
    signingScheme: header.get(HEADER.signingScheme),
    signingTime: coseTime(header, HEADER.signingTime),
    authenticSigningTime: coseTime(header, HEADER.authenticSigningTime),
    expiry: coseTime(header, HEADER.expiry),
    extended,
  });

  return {
    mediaType: MEDIA_TYPE_COSE,
    payload: { contentType: MEDIA_TYPE_PAYLOAD, bytes: payload },
    signerInfo: { signedAttributes, unsignedAttributes, signatureAlgorithm, signature, certificateChain },
    signingInput: coseSigningInput(protectedBytes, payload),
    pssSalt: 'hash-length',
    critical,
  };
}

function parseUnprotectedHeader(header: CborMap): { certificateChain: Certificate[]; unsignedAttributes: UnsignedAttributes } {
  const chain = header.get(LABEL_X5CHAIN);
  // ENV-COSE-5 [impl]: only the unprotected x5chain is read, and it is an array even for one certificate.
  if (!Array.isArray(chain) || chain.length === 0) malformed('COSE unprotected header must carry x5chain (label 33) as a non-empty array');
  const certificateChain = chain.map((entry, i) => {
    if (!(entry instanceof Uint8Array)) malformed(`x5chain[${i}] must be a byte string`);
    try {
      return parseCertificate(entry);
    } catch (error) {
      malformed(`x5chain[${i}] is not a DER certificate`, error);
    }
  });
  const unsignedAttributes: UnsignedAttributes = {};
  const token = header.get(HEADER.timestampSignature);
  if (token !== undefined) {
    if (!(token instanceof Uint8Array)) malformed(`"${HEADER.timestampSignature}" must be a byte string`);
    unsignedAttributes.timestampSignature = token;
  }
  const agent = header.get(HEADER.signingAgent);
  if (agent !== undefined) {
    if (typeof agent !== 'string') malformed(`"${HEADER.signingAgent}" must be a text string`);
    unsignedAttributes.signingAgent = agent;
  }
  return { certificateChain, unsignedAttributes };
}

/** Sig_structure for COSE_Sign1 (ENV-COSE-6, RFC 9052 §4.4). */
export function coseSigningInput(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return encode(['Signature1', protectedBytes, new Uint8Array(0), payload]);
}

/** RFC 8949 §4.2.1 core deterministic order: bytewise order of the encoded keys. */
function deterministicMap(entries: [string | number, unknown][]): CborMap {
  const encoded = entries.map(([k, v]) => ({ k, v, bytes: encode(k) }));
  encoded.sort((a, b) => {
    const n = Math.min(a.bytes.length, b.bytes.length);
    for (let i = 0; i < n; i++) if (a.bytes[i] !== b.bytes[i]) return a.bytes[i]! - b.bytes[i]!;
    return a.bytes.length - b.bytes.length;
  });
  return new Map(encoded.map(({ k, v }) => [k, v]));
}

function epoch(date: Date): Tag {
  return new Tag(TAG_EPOCH_TIME, Math.floor(date.getTime() / 1000));
}

/** The protected header bytes as notation-go writes them (ENV-COSE-8). */
export function encodeCoseProtectedHeader(signatureAlgorithm: SignatureAlgorithm, a: SignedAttributes): Uint8Array {
  // ENV-COSE-4 [impl]: signer order differs from JWS: extended attributes last.
  const crit = [
    HEADER.signingScheme,
    ...(a.authenticSigningTime ? [HEADER.authenticSigningTime] : []),
    ...(a.expiry ? [HEADER.expiry] : []),
    ...a.extendedAttributes.filter((e) => e.critical).map((e) => e.key),
  ];
  const entries: [string | number, unknown][] = [
    [LABEL_ALG, coseAlgorithmOf(signatureAlgorithm)],
    [LABEL_CRIT, crit],
    [LABEL_CONTENT_TYPE, a.contentType],
    [HEADER.signingScheme, a.signingScheme],
  ];
  if (a.signingTime) entries.push([HEADER.signingTime, epoch(a.signingTime)]);
  if (a.authenticSigningTime) entries.push([HEADER.authenticSigningTime, epoch(a.authenticSigningTime)]);
  if (a.expiry) entries.push([HEADER.expiry, epoch(a.expiry)]);
  for (const e of a.extendedAttributes) entries.push([e.key, e.value]);
  return encode(deterministicMap(entries), { sortKeys: null });
}

/** Serialises COSE_Sign1_Tagged with the unprotected header in deterministic order. */
export function encodeCose(parts: {
  protectedHeader: Uint8Array;
  payload: Uint8Array;
  signature: Uint8Array;
  certificateChain: readonly Certificate[];
  unsignedAttributes: UnsignedAttributes;
}): Uint8Array {
  const u = parts.unsignedAttributes;
  const unprotected: [string | number, unknown][] = [];
  // An empty chain is omitted, for encoding tests; parseCose rejects such an envelope.
  if (parts.certificateChain.length > 0) unprotected.push([LABEL_X5CHAIN, parts.certificateChain.map((c) => c.der)]);
  if (u.signingAgent !== undefined) unprotected.push([HEADER.signingAgent, u.signingAgent]);
  if (u.timestampSignature !== undefined) unprotected.push([HEADER.timestampSignature, u.timestampSignature]);
  const sign1 = [parts.protectedHeader, deterministicMap(unprotected), parts.payload, parts.signature];
  return encode(new Tag(TAG_COSE_SIGN1, sign1), { sortKeys: null });
}
