/**
 * Shared fixtures for the envelope unit tests: key material from the own
 * openssl-made vectors (test-vectors/out/chains/<spec>/), and builders that
 * sign hand-made JWS / COSE envelopes with WebCrypto, so that a negative
 * input carries exactly one defect.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as pki from '@x/notary-pki';
import * as foundation from '@x/notary-pki/foundation';
import { repoRoot } from '@x/notary-test-servers/upstream-vectors';
import { type DecodeOptions, decode, encode, Tag, type TagDecoder } from 'cbor2';
import { expect } from 'vitest';
import {
  EnvelopeError,
  type EnvelopeErrorCode,
  type EnvelopeMediaType,
  encodeCosePayload,
  HEADER,
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  type Signer,
  signerFromPrivateKey,
} from '../src/index.js';
import { MEDIA_TYPE_PAYLOAD } from '../src/media-types.js';
import { type Descriptor, encodeJwsPayload } from '../src/payload.js';
import { coseAlgorithmOf, jwsAlgorithmOf } from '../src/signature-algorithm.js';

export const SPECS = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-256', 'ec-384', 'ec-521'] as const;
export type Spec = (typeof SPECS)[number];
export const FORMATS = [MEDIA_TYPE_JWS, MEDIA_TYPE_COSE] as const satisfies readonly EnvelopeMediaType[];

export const chainDir = (spec: string): string => resolve(repoRoot, 'test-vectors/out/chains', spec);

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
export const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
export const fromHex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
export const concat = (...parts: Uint8Array[]): Uint8Array => foundation.concatBytes(...parts);
const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => b.slice() as Uint8Array<ArrayBuffer>;

export interface KeyMaterial {
  spec: string;
  keySpec: pki.KeySpec;
  suite: pki.AlgorithmSuite;
  chain: pki.Certificate[];
  chainPem: string;
  keyPem: string;
  keyDer: Uint8Array;
  /** The leaf private key, imported for the leaf's own algorithm. */
  privateKey: CryptoKey;
  /** The leaf public key, imported for verification. */
  publicKey: CryptoKey;
}

const CURVES: Record<string, string> = { 'EC-256': 'P-256', 'EC-384': 'P-384', 'EC-521': 'P-521' };

export function importParams(
  keySpec: pki.KeySpec,
  hash?: pki.HashAlgorithm,
): RsaHashedImportParams | EcKeyImportParams {
  const suite = pki.algorithmSuiteOf(keySpec);
  return keySpec.startsWith('RSA')
    ? { name: 'RSA-PSS', hash: hash ?? suite.hash }
    : { name: 'ECDSA', namedCurve: CURVES[keySpec]! };
}

const cache = new Map<string, Promise<KeyMaterial>>();

/** Key material of `test-vectors/out/chains/<spec>` (also `negative/<name>`). */
export function keyMaterial(spec: string): Promise<KeyMaterial> {
  let entry = cache.get(spec);
  if (!entry) {
    entry = (async () => {
      const dir = chainDir(spec);
      const chainPem = readFileSync(resolve(dir, 'chain.pem'), 'utf8');
      const keyPem = readFileSync(resolve(dir, 'leaf.key.pem'), 'utf8');
      const keyDer = new Uint8Array(readFileSync(resolve(dir, 'leaf.key.der')));
      const chain = pki.parseCertificates(chainPem);
      const keySpec = pki.keySpecOf(chain[0]!.publicKey);
      const params = importParams(keySpec);
      const privateKey = await crypto.subtle.importKey('pkcs8', buf(keyDer), params, false, ['sign']);
      const publicKey = await crypto.subtle.importKey('spki', buf(chain[0]!.publicKey.spki), params, false, ['verify']);
      return {
        spec,
        keySpec,
        suite: pki.algorithmSuiteOf(keySpec),
        chain,
        chainPem,
        keyPem,
        keyDer,
        privateKey,
        publicKey,
      };
    })();
    cache.set(spec, entry);
  }
  return entry;
}

export async function signerFor(spec: string): Promise<Signer> {
  const km = await keyMaterial(spec);
  return signerFromPrivateKey(km.keyPem, km.chainPem);
}

/**
 * Signs `data` with the leaf key as the envelope formats want it: raw r‖s for
 * ECDSA, RSASSA-PSS with `saltLength` (default: hash length) for RSA.
 * `hash` overrides the hash (for algorithm-mismatch inputs).
 */
export async function rawSign(
  km: KeyMaterial,
  data: Uint8Array,
  options: { saltLength?: number; hash?: pki.HashAlgorithm } = {},
): Promise<Uint8Array> {
  const hash = options.hash ?? km.suite.hash;
  if (km.keySpec.startsWith('RSA')) {
    const key =
      hash === km.suite.hash
        ? km.privateKey
        : await crypto.subtle.importKey('pkcs8', buf(km.keyDer), importParams(km.keySpec, hash), false, ['sign']);
    const saltLength = options.saltLength ?? { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }[hash];
    return new Uint8Array(await crypto.subtle.sign({ name: 'RSA-PSS', saltLength }, key, buf(data)));
  }
  return new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash }, km.privateKey, buf(data)));
}

/** WebCrypto verification with the leaf public key (salt = hash length for PSS unless given). */
export async function rawVerify(
  km: KeyMaterial,
  signature: Uint8Array,
  data: Uint8Array,
  saltLength?: number,
): Promise<boolean> {
  const params = km.keySpec.startsWith('RSA')
    ? { name: 'RSA-PSS', saltLength: saltLength ?? km.suite.hashLength }
    : { name: 'ECDSA', hash: km.suite.hash };
  return crypto.subtle.verify(params, km.publicKey, buf(signature), buf(data));
}

export const TARGET: Descriptor = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${'ab'.repeat(32)}`,
  size: 1234,
};
export const SIGNING_TIME = new Date('2026-01-02T03:04:05Z');
export const epochSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);
export const rfc3339 = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

/** Asserts `action` rejects/throws an {@link EnvelopeError} with `code`; returns it. */
export async function expectEnvelopeError(
  action: (() => unknown) | Promise<unknown>,
  code: EnvelopeErrorCode,
): Promise<EnvelopeError> {
  let caught: unknown;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${code}, but nothing was thrown`).toBeDefined();
  expect(caught).toBeInstanceOf(EnvelopeError);
  expect(caught).toBeInstanceOf(pki.NotaryError);
  expect((caught as EnvelopeError).code, (caught as Error).message).toBe(code);
  return caught as EnvelopeError;
}

// ---------------------------------------------------------------- JWS

/** A valid notary.x509 protected header for the key (a plain object, JSON.stringify order). */
export function jwsHeader(km: KeyMaterial, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const header: Record<string, unknown> = {
    alg: jwsAlgorithmOf(km.suite.signatureAlgorithm),
    crit: [HEADER.signingScheme],
    cty: MEDIA_TYPE_PAYLOAD,
    [HEADER.signingScheme]: 'notary.x509',
    [HEADER.signingTime]: rfc3339(SIGNING_TIME),
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete header[k];
    else header[k] = v;
  }
  return header;
}

export interface CraftJwsOptions {
  /** The protected header object (default: {@link jwsHeader}). */
  header?: Record<string, unknown>;
  /** Exact protected header text, instead of `header`. */
  protectedText?: string;
  payload?: Uint8Array;
  saltLength?: number;
  hash?: pki.HashAlgorithm;
  /** Unprotected header (default: x5c of the chain). */
  unprotected?: Record<string, unknown>;
  /** Last-minute change of the envelope object (after signing). */
  mutate?: (envelope: Record<string, unknown>) => void;
}

/** A flattened JWS signed by the leaf key over exactly the given header and payload. */
export async function craftJws(km: KeyMaterial, options: CraftJwsOptions = {}): Promise<Uint8Array> {
  const protectedText = options.protectedText ?? JSON.stringify(options.header ?? jwsHeader(km));
  const protectedB64 = foundation.encodeBase64Url(utf8(protectedText));
  const payloadB64 = foundation.encodeBase64Url(options.payload ?? encodeJwsPayload(TARGET));
  const signature = await rawSign(km, utf8(`${protectedB64}.${payloadB64}`), options);
  const envelope: Record<string, unknown> = {
    payload: payloadB64,
    protected: protectedB64,
    header: options.unprotected ?? { x5c: km.chain.map((c) => foundation.encodeBase64(c.der)) },
    signature: foundation.encodeBase64Url(signature),
  };
  options.mutate?.(envelope);
  return utf8(JSON.stringify(envelope));
}

export interface JwsParts {
  envelope: Record<string, any>;
  protectedText: string;
  header: Record<string, any>;
  payload: Uint8Array;
  signature: Uint8Array;
}

export function splitJws(bytes: Uint8Array): JwsParts {
  const envelope = JSON.parse(text(bytes)) as Record<string, any>;
  const protectedText = text(foundation.decodeBase64Url(envelope.protected));
  return {
    envelope,
    protectedText,
    header: JSON.parse(protectedText) as Record<string, any>,
    payload: foundation.decodeBase64Url(envelope.payload),
    signature: foundation.decodeBase64Url(envelope.signature),
  };
}

// ---------------------------------------------------------------- COSE

export type CoseEntries = [string | number, unknown][];

/** Decoder settings that keep map order and tags, for inspecting output. */
const keep: TagDecoder = (t) => t;
export const INSPECT: DecodeOptions = {
  preferMap: true,
  tags: new Map([
    [1, keep],
    [18, keep],
  ]),
};

/** A valid notary.x509 protected header for the key, as ordered entries. */
export function coseEntries(
  km: KeyMaterial,
  overrides: CoseEntries = [],
  remove: (string | number)[] = [],
): CoseEntries {
  const entries = new Map<string | number, unknown>([
    [1, coseAlgorithmOf(km.suite.signatureAlgorithm)],
    [2, [HEADER.signingScheme]],
    [3, MEDIA_TYPE_PAYLOAD],
    [HEADER.signingScheme, 'notary.x509'],
    [HEADER.signingTime, new Tag(1, epochSeconds(SIGNING_TIME))],
  ]);
  for (const [k, v] of overrides) entries.set(k, v);
  for (const k of remove) entries.delete(k);
  return [...entries];
}

export const encodeMap = (entries: CoseEntries): Uint8Array => encode(new Map(entries), { sortKeys: null });

/** RFC 9052 Sig_structure, built by hand (no CBOR library). */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  const bstrHead = (n: number): Uint8Array => {
    if (n < 24) return Uint8Array.of(0x40 + n);
    if (n < 0x100) return Uint8Array.of(0x58, n);
    if (n < 0x10000) return Uint8Array.of(0x59, n >> 8, n & 0xff);
    return Uint8Array.of(0x5a, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  };
  return concat(
    Uint8Array.of(0x84, 0x6a),
    utf8('Signature1'),
    bstrHead(protectedBytes.length),
    protectedBytes,
    Uint8Array.of(0x40),
    bstrHead(payload.length),
    payload,
  );
}

export interface CraftCoseOptions {
  entries?: CoseEntries;
  /** Exact protected bytes, instead of `entries`. */
  protectedBytes?: Uint8Array;
  /** `null` makes a detached payload. */
  payload?: Uint8Array | null;
  unprotected?: Map<unknown, unknown>;
  saltLength?: number;
  hash?: pki.HashAlgorithm;
  /** Tag number; `null` for untagged (default 18). */
  tag?: number | null;
  signature?: Uint8Array;
}

/** A COSE_Sign1 signed by the leaf key over exactly the given protected bytes and payload. */
export async function craftCose(km: KeyMaterial, options: CraftCoseOptions = {}): Promise<Uint8Array> {
  const protectedBytes = options.protectedBytes ?? encodeMap(options.entries ?? coseEntries(km));
  const payload = options.payload === undefined ? encodeCosePayload(TARGET) : options.payload;
  const signature =
    options.signature ?? (await rawSign(km, sigStructure(protectedBytes, payload ?? new Uint8Array(0)), options));
  const unprotected = options.unprotected ?? new Map<unknown, unknown>([[33, km.chain.map((c) => c.der)]]);
  const sign1 = [protectedBytes, unprotected, payload, signature];
  return encode(options.tag === null ? sign1 : new Tag(options.tag ?? 18, sign1), { sortKeys: null });
}

export interface CoseParts {
  protectedBytes: Uint8Array;
  protectedMap: Map<unknown, unknown>;
  unprotected: Map<unknown, unknown>;
  payload: Uint8Array;
  signature: Uint8Array;
}

export function splitCose(bytes: Uint8Array): CoseParts {
  const top = decode(bytes, INSPECT) as Tag;
  expect(top).toBeInstanceOf(Tag);
  expect(Number(top.tag)).toBe(18);
  const [protectedBytes, unprotected, payload, signature] = top.contents as [
    Uint8Array,
    Map<unknown, unknown>,
    Uint8Array,
    Uint8Array,
  ];
  return {
    protectedBytes,
    protectedMap: decode(protectedBytes, INSPECT) as Map<unknown, unknown>,
    unprotected,
    payload,
    signature,
  };
}

// ---------------------------------------------------------------- both formats

/**
 * Signed-attribute fields for {@link craftWith}: times as Dates, `crit` as
 * given (strings), extended attributes as [key, value] in order.
 */
export interface AttributeFields {
  scheme?: unknown;
  signingTime?: Date;
  authenticSigningTime?: Date;
  expiry?: Date;
  cty?: unknown;
  crit: unknown[];
  extended?: [string, unknown][];
}

/** Builds and signs an envelope of either format from attribute fields. */
export async function craftWith(
  mediaType: EnvelopeMediaType,
  km: KeyMaterial,
  f: AttributeFields,
): Promise<Uint8Array> {
  if (mediaType === MEDIA_TYPE_JWS) {
    const header: Record<string, unknown> = {
      alg: jwsAlgorithmOf(km.suite.signatureAlgorithm),
      crit: f.crit,
    };
    // `cty: undefined` given explicitly omits the content type.
    if (!('cty' in f) || f.cty !== undefined) header.cty = 'cty' in f ? f.cty : MEDIA_TYPE_PAYLOAD;
    if (f.scheme !== undefined) header[HEADER.signingScheme] = f.scheme;
    if (f.signingTime) header[HEADER.signingTime] = rfc3339(f.signingTime);
    if (f.authenticSigningTime) header[HEADER.authenticSigningTime] = rfc3339(f.authenticSigningTime);
    if (f.expiry) header[HEADER.expiry] = rfc3339(f.expiry);
    for (const [k, v] of f.extended ?? []) header[k] = v;
    return craftJws(km, { header });
  }
  const entries: CoseEntries = [
    [1, coseAlgorithmOf(km.suite.signatureAlgorithm)],
    [2, f.crit],
  ];
  if (!('cty' in f) || f.cty !== undefined) entries.push([3, 'cty' in f ? f.cty : MEDIA_TYPE_PAYLOAD]);
  if (f.scheme !== undefined) entries.push([HEADER.signingScheme, f.scheme]);
  if (f.signingTime) entries.push([HEADER.signingTime, new Tag(1, epochSeconds(f.signingTime))]);
  if (f.authenticSigningTime)
    entries.push([HEADER.authenticSigningTime, new Tag(1, epochSeconds(f.authenticSigningTime))]);
  if (f.expiry) entries.push([HEADER.expiry, new Tag(1, epochSeconds(f.expiry))]);
  for (const [k, v] of f.extended ?? []) entries.push([k, v]);
  return craftCose(km, { entries });
}

/** Short format name for test titles. */
export const fmt = (mediaType: string): string => (mediaType === MEDIA_TYPE_JWS ? 'JWS' : 'COSE');
