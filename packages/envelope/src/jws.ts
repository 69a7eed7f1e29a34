import type { SignatureAlgorithm } from '@x/notary-pki';
import { Certificate } from '@x/notary-pki';
import {
  decodeBase64,
  decodeBase64Url,
  encodeBase64,
  encodeBase64Url,
  formatRfc3339,
  type GoJsonObject,
  goJson,
} from '@x/notary-pki/foundation';
import { headerInvalid, malformed } from './errors.js';
import { decodeGoJson, type GoStruct } from './go-json-decode.js';
import { HEADER, MEDIA_TYPE_JWS, MEDIA_TYPE_PAYLOAD, SIGNED_ATTRIBUTE_NAMES } from './media-types.js';
import { jwsAlgorithmOf, signatureAlgorithmFromJws } from './signature-algorithm.js';
import { validateSignedAttributes } from './signed-attributes.js';
import type { ParsedEnvelope, SignedAttributes, UnsignedAttributes } from './signer-info.js';
import { parseRfc3339 } from './time.js';

const TOP_LEVEL_MEMBERS = ['payload', 'protected', 'header', 'signature'] as const;
/** Registered JWS headers that must never be critical (ENV-JWS-4). */
const REGISTERED = new Set(['alg', 'cty', 'crit']);
const STANDARD = new Set<string>([
  ...REGISTERED,
  HEADER.signingScheme,
  HEADER.signingTime,
  HEADER.authenticSigningTime,
  HEADER.expiry,
]);

const ascii = new TextEncoder();

/**
 * The structs notation-core-go decodes a JWS into (jwsEnvelope and its
 * jwsUnprotectedHeader; jwsProtectedHeader): Go folds member names onto their
 * fields, so two names equal but for case are the same member twice (issue 12).
 */
const ENVELOPE_STRUCTS: readonly GoStruct[] = [
  { path: [], fields: TOP_LEVEL_MEMBERS },
  { path: ['header'], fields: ['x5c', HEADER.timestampSignature, HEADER.signingAgent] },
];
const PROTECTED_HEADER_STRUCTS: readonly GoStruct[] = [{ path: [], fields: [...STANDARD] }];

/**
 * JSON as Go's decoder reads it: no BOM, bounded depth, no duplicate members
 * (issue 12 findings 1, 7). A duplicate is `duplicate`'s error: in the
 * protected header, a signed attribute given twice is an invalid header.
 */
function parseJsonObject(
  bytes: Uint8Array,
  what: string,
  structs: readonly GoStruct[],
  duplicate: typeof malformed = malformed,
): Record<string, unknown> {
  const value = decodeGoJson(bytes, (message, cause) => malformed(`${what} ${message}`, cause), [], {
    structs,
    failDuplicate: (message, cause) => duplicate(`${what} ${message}`, cause),
  });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function base64UrlMember(envelope: Record<string, unknown>, name: string): { text: string; bytes: Uint8Array } {
  const text = envelope[name];
  if (typeof text !== 'string') malformed(`JWS member "${name}" must be a string`);
  try {
    // ENV-JWS-7: strict base64url without padding, as notation-go requires.
    return { text, bytes: decodeBase64Url(text) };
  } catch (error) {
    malformed(`JWS member "${name}" is not unpadded base64url`, error);
  }
}

function jwsTime(header: Record<string, unknown>, name: string): Date | undefined {
  const value = header[name];
  if (value === undefined) return undefined;
  const date = typeof value === 'string' ? parseRfc3339(value) : undefined;
  if (!date) headerInvalid(`"${name}" must be an RFC 3339 time`);
  return date;
}

/**
 * Parses a flattened JWS JSON envelope (ENV-JWS-1 … ENV-JWS-5). Stricter than
 * notation-go: the general serialization, extra top-level members and a
 * non-object header are errors, as the spec says.
 */
export function parseJws(bytes: Uint8Array): ParsedEnvelope {
  const envelope = parseJsonObject(bytes, 'JWS envelope', ENVELOPE_STRUCTS);
  if ('signatures' in envelope) malformed('JWS general serialization is not supported; use the flattened form');
  for (const key of Object.keys(envelope)) {
    if (!(TOP_LEVEL_MEMBERS as readonly string[]).includes(key))
      malformed(`JWS envelope has an unexpected member "${key}"`);
  }
  const payload = base64UrlMember(envelope, 'payload');
  const protectedMember = base64UrlMember(envelope, 'protected');
  const signature = base64UrlMember(envelope, 'signature');
  const unprotected = envelope.header;
  if (typeof unprotected !== 'object' || unprotected === null || Array.isArray(unprotected))
    malformed('JWS "header" must be a JSON object');
  const { certificateChain, unsignedAttributes } = parseUnprotectedHeader(unprotected as Record<string, unknown>);

  const header = parseJsonObject(
    protectedMember.bytes,
    'JWS protected header',
    PROTECTED_HEADER_STRUCTS,
    headerInvalid,
  );
  checkUnprotectedNames(unprotected as Record<string, unknown>, header);
  const signatureAlgorithm = signatureAlgorithmFromJws(header.alg);
  const crit = header.crit;
  if (!Array.isArray(crit) || !crit.every((c) => typeof c === 'string'))
    headerInvalid('crit must be a list of strings');
  for (const name of crit as string[])
    if (REGISTERED.has(name)) headerInvalid(`crit must not list the registered header "${name}"`);
  const extended = new Map<string, unknown>();
  for (const [key, value] of Object.entries(header)) if (!STANDARD.has(key)) extended.set(key, value);
  const signedAttributes = validateSignedAttributes({
    contentType: header.cty,
    critical: crit as string[],
    present: new Set(Object.keys(header)),
    signingScheme: header[HEADER.signingScheme],
    signingTime: jwsTime(header, HEADER.signingTime),
    authenticSigningTime: jwsTime(header, HEADER.authenticSigningTime),
    expiry: jwsTime(header, HEADER.expiry),
    extended,
  });

  return {
    mediaType: MEDIA_TYPE_JWS,
    payload: { contentType: MEDIA_TYPE_PAYLOAD, bytes: payload.bytes },
    signerInfo: {
      signedAttributes,
      unsignedAttributes,
      signatureAlgorithm,
      signature: signature.bytes,
      certificateChain,
    },
    // ENV-JWS-2: the received encodings, never re-encoded.
    signingInput: ascii.encode(`${protectedMember.text}.${payload.text}`),
    pssSalt: 'any',
    critical: crit as string[],
  };
}

/**
 * Names only the signature can vouch for must not appear unsigned: `alg`,
 * `cty`, `crit` and the Notary attribute names. And RFC 7515 §7.2.1: the
 * protected and unprotected headers are disjoint (issue 12 finding 7).
 * [impl] notation-go ignores both; a verifier that read the wrong copy would
 * trust an unsigned value.
 */
function checkUnprotectedNames(unprotected: Record<string, unknown>, protectedHeader: Record<string, unknown>): void {
  for (const name of Object.keys(unprotected)) {
    if (REGISTERED.has(name) || SIGNED_ATTRIBUTE_NAMES.has(name)) {
      malformed(`JWS unprotected header must not carry the signed header "${name}"`);
    }
    if (Object.hasOwn(protectedHeader, name))
      malformed(`JWS header "${name}" is in both the protected and the unprotected header`);
  }
}

function parseUnprotectedHeader(header: Record<string, unknown>): {
  certificateChain: Certificate[];
  unsignedAttributes: UnsignedAttributes;
} {
  const x5c = header.x5c;
  if (!Array.isArray(x5c) || x5c.length === 0) malformed('JWS header "x5c" must be a non-empty list of certificates');
  const certificateChain = x5c.map((entry, i) => {
    if (typeof entry !== 'string') malformed(`x5c[${i}] must be a string`);
    // A DER certificate starts with a SEQUENCE (0x30, base64 "M"): anything
    // else, PEM's dashes included, fails before 32 MiB are decoded and hashed.
    if (!entry.startsWith('M')) malformed(`x5c[${i}] is not a base64 DER certificate`);
    try {
      // ENV-JWS-5: standard base64 (with padding) DER. Never PEM, which Go
      // rejects too, and whose sniffing was a quadratic hang (issue 12 findings 1, 4).
      return Certificate.fromDer(decodeBase64(entry));
    } catch (error) {
      return malformed(`x5c[${i}] is not a base64 DER certificate`, error);
    }
  });
  const unsignedAttributes: UnsignedAttributes = {};
  const token = header[HEADER.timestampSignature];
  if (token !== undefined) {
    if (typeof token !== 'string') malformed(`"${HEADER.timestampSignature}" must be a base64 string`);
    try {
      unsignedAttributes.timestampSignature = decodeBase64(token);
    } catch (error) {
      malformed(`"${HEADER.timestampSignature}" is not standard base64`, error);
    }
  }
  const agent = header[HEADER.signingAgent];
  if (agent !== undefined) {
    if (typeof agent !== 'string') malformed(`"${HEADER.signingAgent}" must be a string`);
    unsignedAttributes.signingAgent = agent;
  }
  return { certificateChain, unsignedAttributes };
}

/** What the JWS writer needs: everything but the signature. */
export interface JwsToBeSigned {
  payload: Uint8Array;
  signatureAlgorithm: SignatureAlgorithm;
  signedAttributes: SignedAttributes;
}

/**
 * The protected header JSON as notation-go writes it (ENV-JWS-8): keys sorted,
 * no whitespace, crit in signer order (ENV-JWS-4 [impl]), times in UTC.
 */
export function encodeJwsProtectedHeader(tbs: JwsToBeSigned): Uint8Array {
  const a = tbs.signedAttributes;
  const criticalExtended = a.extendedAttributes.filter((e) => e.critical).map((e) => e.key);
  const crit = [
    HEADER.signingScheme,
    ...criticalExtended,
    ...(a.authenticSigningTime ? [HEADER.authenticSigningTime] : []),
    ...(a.expiry ? [HEADER.expiry] : []),
  ];
  const header: Record<string, GoJsonObject[string]> = {
    alg: jwsAlgorithmOf(tbs.signatureAlgorithm),
    crit,
    cty: a.contentType,
    [HEADER.signingScheme]: a.signingScheme,
    [HEADER.signingTime]: a.signingTime && formatRfc3339(a.signingTime),
    [HEADER.authenticSigningTime]: a.authenticSigningTime && formatRfc3339(a.authenticSigningTime),
    [HEADER.expiry]: a.expiry && formatRfc3339(a.expiry),
  };
  for (const e of a.extendedAttributes) header[e.key] = e.value;
  return new TextEncoder().encode(goJson(header, true));
}

/** The JWS signing input for a header and payload (ENV-JWS-2). */
export function jwsSigningInput(protectedHeader: Uint8Array, payload: Uint8Array): Uint8Array {
  return ascii.encode(`${encodeBase64Url(protectedHeader)}.${encodeBase64Url(payload)}`);
}

/** Serialises the flattened JWS in notation's member order (ENV-JWS-1 [impl]). */
export function encodeJws(parts: {
  protectedHeader: Uint8Array;
  payload: Uint8Array;
  signature: Uint8Array;
  certificateChain: readonly Certificate[];
  unsignedAttributes: UnsignedAttributes;
}): Uint8Array {
  const u = parts.unsignedAttributes;
  const envelope = {
    payload: encodeBase64Url(parts.payload),
    protected: encodeBase64Url(parts.protectedHeader),
    header: {
      [HEADER.timestampSignature]: u.timestampSignature && encodeBase64(u.timestampSignature),
      // An empty chain is omitted, for encoding tests; parseJws rejects such an envelope.
      x5c: parts.certificateChain.length > 0 ? parts.certificateChain.map((c) => encodeBase64(c.der)) : undefined,
      [HEADER.signingAgent]: u.signingAgent,
    },
    signature: encodeBase64Url(parts.signature),
  };
  return new TextEncoder().encode(goJson(envelope, false));
}
