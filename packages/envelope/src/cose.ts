import { Certificate, type SignatureAlgorithm } from '@x/notary-pki';
import { type DecodeOptions, decode, encode, Tag, type TagDecoder } from 'cbor2';
import {
  byteStringAt,
  MAJOR_ARRAY,
  MAJOR_BYTES,
  MAJOR_MAP,
  MAJOR_NEGATIVE,
  MAJOR_SIMPLE,
  MAJOR_TAG,
  MAJOR_TEXT,
  MAJOR_UNSIGNED,
  mapEntries,
  readHead,
  readText,
  type ScanOptions,
  skipItem,
} from './cbor-scan.js';
import { EnvelopeError, headerInvalid, malformed } from './errors.js';
import { HEADER, MEDIA_TYPE_COSE, MEDIA_TYPE_PAYLOAD, SIGNED_ATTRIBUTE_NAMES } from './media-types.js';
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
/** A COSE header label: an int (a bigint beyond 2^53) or a text string (RFC 9052 §1.5). */
type Label = number | bigint | string;

/** COSE_Sign1_Tagged starts with tag 18 and an array of four: go-cose checks these two bytes first (ENV-COSE-1). */
const SIGN1_PREFIX = [0xd2, 0x84] as const;
const INT64_MAX = 2n ** 63n - 1n;
/** Counter signature labels go-cose refuses in the protected header (RFC 9338). */
const COUNTER_SIGNATURE_LABELS: ReadonlySet<Label> = new Set([7, 9, 11, 12]);
/** The latest time a JS Date holds, in seconds (ECMA-262 §21.4.1.1). */
const MAX_DATE_SECONDS = 8.64e12;

/**
 * Options for the values cbor2 decodes, after {@link skipItem} has checked
 * their structure and limits: tags 1 and 18 come back as Tag objects, so
 * that we check them ourselves.
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

/** A container value the parser does not decode: only primitives are read from headers (PLG-16). */
const CONTAINER = Object.freeze({ container: true });

/** Decodes one checked item with cbor2, or stands a container in for {@link CONTAINER}. */
function decodeValue(bytes: Uint8Array, start: number, end: number, what: string): unknown {
  const head = readHead(bytes, start, what);
  const inner = head.major === MAJOR_TAG ? readHead(bytes, head.end, what) : head;
  if (inner.major === MAJOR_ARRAY || inner.major === MAJOR_MAP) return CONTAINER;
  try {
    return decode(bytes.subarray(start, end), DECODE_OPTIONS);
  } catch (error) {
    malformed(`${what} is not valid CBOR: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/**
 * A header label: an int within int64 or a text string, as go-cose requires
 * (issue 12 finding 7: a float label such as 1.0 is not the label 1).
 */
function readLabel(bytes: Uint8Array, offset: number, what: string): Label {
  const head = readHead(bytes, offset, what);
  if (head.major === MAJOR_TEXT) return readText(bytes, head, what);
  if (head.major !== MAJOR_UNSIGNED && head.major !== MAJOR_NEGATIVE)
    malformed(`${what} has a label that is neither an int nor a text string`);
  const argument = BigInt(head.argument);
  if (argument > INT64_MAX) malformed(`${what} has an int label beyond int64`);
  const value = head.major === MAJOR_UNSIGNED ? argument : -1n - argument;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Header labels as text: COSE integer labels in decimal. */
function labelText(label: Label): string {
  return String(label);
}

/** One decoded header map: labels in order, with the byte span of each value. */
type HeaderEntries = Map<Label, { start: number; end: number }>;

function headerEntries(
  bytes: Uint8Array,
  offset: number,
  what: string,
  options: ScanOptions,
): { entries: HeaderEntries; end: number } {
  const { entries, end } = mapEntries(bytes, offset, what, options);
  const header: HeaderEntries = new Map();
  for (const entry of entries) {
    const label = readLabel(bytes, entry.keyStart, what);
    // ENV-COSE-1 [impl]: duplicate labels are an error, as in go-cose.
    if (header.has(label)) malformed(`${what} has the label ${labelText(label)} twice`);
    header.set(label, { start: entry.valueStart, end: entry.valueEnd });
  }
  return { entries: header, end };
}

/**
 * A time attribute: tag 1 over an unsigned integer (ENV-COSE-3 [impl]).
 * Untagged, tag 0 and float times (issue 12 finding 7) are rejected.
 */
function coseTime(bytes: Uint8Array, header: HeaderEntries, name: string): Date | undefined {
  const span = header.get(name);
  if (!span) return undefined;
  const tag = readHead(bytes, span.start, `"${name}"`);
  if (tag.major !== MAJOR_TAG || tag.argument !== TAG_EPOCH_TIME) headerInvalid(`"${name}" must be a tag 1 epoch time`);
  const seconds = readHead(bytes, tag.end, `"${name}"`);
  if (seconds.major !== MAJOR_UNSIGNED) headerInvalid(`"${name}" must be a whole, non-negative number of seconds`);
  if (typeof seconds.argument !== 'number' || seconds.argument > MAX_DATE_SECONDS)
    headerInvalid(`"${name}" is beyond the representable range of times`);
  return new Date(seconds.argument * 1000);
}

/** `alg` is an int (ENV-COSE-3). go-cose also takes text and then fails; a float is neither. */
function coseAlgorithm(bytes: Uint8Array, header: HeaderEntries): SignatureAlgorithm {
  const span = header.get(LABEL_ALG);
  if (span) {
    const head = readHead(bytes, span.start, 'alg');
    if (head.major !== MAJOR_UNSIGNED && head.major !== MAJOR_NEGATIVE && head.major !== MAJOR_TEXT)
      headerInvalid('alg must be an integer');
  }
  return signatureAlgorithmFromCose(span ? decodeValue(bytes, span.start, span.end, 'alg') : undefined);
}

/** `crit`: a non-empty array of int or text labels (ENV-COSE-4). */
function coseCritical(bytes: Uint8Array, header: HeaderEntries): Label[] {
  const span = header.get(LABEL_CRIT);
  if (!span) headerInvalid('crit must be a list of labels');
  const head = readHead(bytes, span.start, 'crit');
  if (head.major !== MAJOR_ARRAY) headerInvalid('crit must be a list of labels');
  const labels: Label[] = [];
  let position = head.end;
  for (let i = 0; i < (head.argument as number); i++) {
    const item = readHead(bytes, position, 'crit');
    if (item.major !== MAJOR_UNSIGNED && item.major !== MAJOR_NEGATIVE && item.major !== MAJOR_TEXT)
      headerInvalid('crit must list int or text labels');
    labels.push(readLabel(bytes, position, 'crit'));
    position = skipItem(bytes, position, 'crit', { allowTags: true });
  }
  return labels;
}

/** The generic protected-header parameters go-cose validates (RFC 9052 §3.1). */
function checkGenericParameters(bytes: Uint8Array, header: HeaderEntries): void {
  for (const [label, span] of header) {
    if (COUNTER_SIGNATURE_LABELS.has(label))
      headerInvalid(`label ${labelText(label)} (a counter signature) is not allowed in the protected header`);
    if (label === 4 || label === 5 || label === 6) {
      if (readHead(bytes, span.start, `label ${label}`).major !== MAJOR_BYTES)
        headerInvalid(`label ${label} must be a byte string`);
    }
  }
  if (header.has(5) && header.has(6)) headerInvalid('IV and Partial IV must not both be present');
}

/**
 * Parses a COSE_Sign1_Tagged envelope (ENV-COSE-1 … ENV-COSE-5). The raw
 * protected bytes are kept: the signature covers them, never a re-encoding.
 *
 * As strict as go-cose (issue 12 finding 7): the message starts with `d2 84`
 * (no self-describe tag, no long-form array head), holds no tags outside the
 * protected bytes, no duplicate labels, no indefinite lengths, labels are
 * ints or text, `alg` is an int, times are tag 1 over an unsigned int, and
 * `crit` only appears protected. One linear pass ({@link skipItem}) checks
 * structure and limits before any value is decoded (issue 12 finding 1).
 */
export function parseCose(bytes: Uint8Array): ParsedEnvelope {
  if (bytes[0] !== SIGN1_PREFIX[0] || bytes[1] !== SIGN1_PREFIX[1])
    malformed('COSE envelope must be a COSE_Sign1 tagged 18 (starting d2 84)');
  // One pass over the four items; go-cose forbids tags anywhere outside the protected bytes.
  const protectedSpan = byteStringAt(bytes, 2, 'COSE protected header');
  if (!protectedSpan || protectedSpan.start === protectedSpan.end)
    malformed('COSE protected header must be a non-empty byte string');
  const protectedBytes = bytes.slice(protectedSpan.start, protectedSpan.end);
  const { entries: unprotected, end: afterUnprotected } = headerEntries(
    bytes,
    protectedSpan.end,
    'COSE unprotected header',
    { allowTags: false, depth: 1 },
  );
  const payloadHead = readHead(bytes, afterUnprotected, 'COSE payload');
  if (payloadHead.major === MAJOR_SIMPLE && payloadHead.info === 22)
    malformed('COSE payload is detached: content not present');
  const payloadSpan = byteStringAt(bytes, afterUnprotected, 'COSE payload');
  if (!payloadSpan) malformed('COSE payload must be a byte string');
  const payload = bytes.slice(payloadSpan.start, payloadSpan.end);
  const signatureSpan = byteStringAt(bytes, payloadSpan.end, 'COSE signature');
  if (!signatureSpan || signatureSpan.start === signatureSpan.end)
    malformed('COSE signature must be a non-empty byte string');
  if (signatureSpan.end !== bytes.length) malformed('COSE envelope has trailing bytes after the COSE_Sign1');
  const signature = bytes.slice(signatureSpan.start, signatureSpan.end);

  // The protected header is its own CBOR item: a map, tags allowed (go-cose decMode), nothing after it.
  if (protectedBytes[0]! >> 5 !== MAJOR_MAP) malformed('COSE protected header must be a map');
  if (skipItem(protectedBytes, 0, 'COSE protected header', { allowTags: true }) !== protectedBytes.length)
    malformed('COSE protected header has trailing bytes');
  const { entries: header } = headerEntries(protectedBytes, 0, 'COSE protected header', { allowTags: true });
  const { certificateChain, unsignedAttributes } = parseUnprotectedHeader(bytes, unprotected);
  checkDisjointBuckets(header, unprotected);

  checkGenericParameters(protectedBytes, header);
  const signatureAlgorithm = coseAlgorithm(protectedBytes, header);
  const crit = coseCritical(protectedBytes, header);
  for (const label of crit) {
    // ENV-COSE-4: the COSE-registered labels 0–8 must not be critical.
    if (typeof label === 'number' && label >= 0 && label <= 8)
      headerInvalid(`crit must not list the registered label ${label}`);
  }
  const standard = new Set<Label>([
    LABEL_ALG,
    LABEL_CRIT,
    LABEL_CONTENT_TYPE,
    HEADER.signingScheme,
    HEADER.signingTime,
    HEADER.authenticSigningTime,
    HEADER.expiry,
  ]);
  const extended = new Map<string, unknown>();
  for (const [label, span] of header) {
    if (standard.has(label)) continue;
    // Only text labels carry Notary extended attributes; other integer labels
    // are COSE headers we do not use (a critical one still fails below).
    if (typeof label === 'string') {
      const value = decodeValue(protectedBytes, span.start, span.end, `"${label}"`);
      extended.set(label, value instanceof Tag ? value.contents : value);
    }
  }
  const critical = crit.map(labelText);
  const integerCritical = crit.filter((c) => typeof c !== 'string');
  if (integerCritical.length > 0) {
    throw new EnvelopeError(
      'ERR_ENVELOPE_UNKNOWN_CRITICAL',
      `critical COSE header label ${labelText(integerCritical[0]!)} is not supported`,
    );
  }
  const text = (label: Label): unknown => {
    const span = header.get(label);
    return span ? decodeValue(protectedBytes, span.start, span.end, `"${labelText(label)}"`) : undefined;
  };
  const signedAttributes = validateSignedAttributes({
    contentType: text(LABEL_CONTENT_TYPE),
    critical,
    present: new Set([...header.keys()].map(labelText)),
    signingScheme: text(HEADER.signingScheme),
    signingTime: coseTime(protectedBytes, header, HEADER.signingTime),
    authenticSigningTime: coseTime(protectedBytes, header, HEADER.authenticSigningTime),
    expiry: coseTime(protectedBytes, header, HEADER.expiry),
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

/**
 * Labels only the signature can vouch for: alg, crit (go-cose refuses it
 * unprotected), content type and the Notary attribute names. Unprotected,
 * they could only mislead a reader of the wrong bucket (issue 12 finding 7).
 * [impl] Stricter than notation-go, which ignores them. A label in both
 * buckets is refused apart from this ({@link checkDisjointBuckets}).
 */
function isSignedLabel(label: Label): boolean {
  if (label === LABEL_ALG || label === LABEL_CRIT || label === LABEL_CONTENT_TYPE) return true;
  return typeof label === 'string' && SIGNED_ATTRIBUTE_NAMES.has(label);
}

/**
 * RFC 9052 §3: "Labels MUST NOT occur in both the protected and unprotected
 * headers" (issue 12). [impl] Stricter than notation-go: go-cose only checks
 * each bucket for duplicates (headers.go validateHeaderParameters) and, across
 * the buckets, only IV against Partial IV (Headers.ensureIV); notation-core-go
 * adds nothing. So a signingAgent in both buckets, which a reader of the
 * protected one would take for signed, is refused here. The one exception is
 * x5chain (label 33): AMB-18 reads only the unprotected x5chain and ignores a
 * protected one, as notation does, so that envelope stays valid.
 */
function checkDisjointBuckets(protectedHeader: HeaderEntries, unprotected: HeaderEntries): void {
  for (const label of unprotected.keys()) {
    if (label !== LABEL_X5CHAIN && protectedHeader.has(label)) {
      malformed(
        `COSE header label ${typeof label === 'string' ? `"${label.slice(0, 64)}"` : label} is in both the protected and the unprotected header`,
      );
    }
  }
}

function parseUnprotectedHeader(
  bytes: Uint8Array,
  header: HeaderEntries,
): { certificateChain: Certificate[]; unsignedAttributes: UnsignedAttributes } {
  for (const label of header.keys()) {
    if (isSignedLabel(label))
      malformed(
        `COSE unprotected header must not carry the signed label ${typeof label === 'string' ? `"${label}"` : label}`,
      );
  }
  const chain = header.get(LABEL_X5CHAIN);
  const chainHead = chain && readHead(bytes, chain.start, 'x5chain');
  // ENV-COSE-5 [impl]: only the unprotected x5chain is read, and it is an array even for one certificate.
  if (!chainHead || chainHead.major !== MAJOR_ARRAY || chainHead.argument === 0)
    malformed('COSE unprotected header must carry x5chain (label 33) as a non-empty array');
  const certificateChain: Certificate[] = [];
  let position = chainHead.end;
  for (let i = 0; i < (chainHead.argument as number); i++) {
    const entry = readHead(bytes, position, 'x5chain');
    if (entry.major !== MAJOR_BYTES) malformed(`x5chain[${i}] must be a byte string`);
    const end = entry.end + (entry.argument as number);
    // A DER certificate starts with a SEQUENCE (0x30): anything else, PEM's dashes included, fails before it is hashed.
    if (bytes[entry.end] !== 0x30) malformed(`x5chain[${i}] is not a DER certificate`);
    try {
      // DER only: never PEM (issue 12 findings 1, 4).
      certificateChain.push(Certificate.fromDer(bytes.subarray(entry.end, end)));
    } catch (error) {
      malformed(`x5chain[${i}] is not a DER certificate`, error);
    }
    position = end;
  }
  const unsignedAttributes: UnsignedAttributes = {};
  const token = header.get(HEADER.timestampSignature);
  if (token !== undefined) {
    const head = readHead(bytes, token.start, HEADER.timestampSignature);
    if (head.major !== MAJOR_BYTES) malformed(`"${HEADER.timestampSignature}" must be a byte string`);
    unsignedAttributes.timestampSignature = bytes.slice(head.end, token.end);
  }
  const agent = header.get(HEADER.signingAgent);
  if (agent !== undefined) {
    const head = readHead(bytes, agent.start, HEADER.signingAgent);
    if (head.major !== MAJOR_TEXT) malformed(`"${HEADER.signingAgent}" must be a text string`);
    unsignedAttributes.signingAgent = readText(bytes, head, HEADER.signingAgent);
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
