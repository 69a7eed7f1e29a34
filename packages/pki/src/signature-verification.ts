import { p256, p384, p521 } from '@noble/curves/nist.js';
import type { HashAlgorithm } from './algorithm.js';
import { bytesEqual, concatBytes, exactBytes } from './bytes.js';
import { digest } from './digest.js';
import type { NamedCurve, PublicKey } from './public-key.js';

/**
 * How a signature is checked. ECDSA signatures are raw r‖s (IEEE P1363), the
 * form JWS, COSE and WebCrypto share; DER signatures must be converted first.
 */
export type VerificationScheme =
  /** `saltLength: 'any'` recovers the salt from the encoding, as jwt-go's PSSSaltLengthAuto does (ENV-JWS-7). */
  | { name: 'RSA-PSS'; hash: HashAlgorithm; saltLength: number | 'any' }
  | { name: 'RSASSA-PKCS1-v1_5'; hash: HashAlgorithm }
  | { name: 'ECDSA'; hash: HashAlgorithm };

const HASH_LENGTH: Readonly<Record<HashAlgorithm, number>> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };
const CURVE_SIZE: Readonly<Record<NamedCurve, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };
const NOBLE_CURVE = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

/**
 * Imported CryptoKeys, per SPKI byte array and algorithm. Keyed by the
 * identity of the `spki` array a parsed certificate holds, so a signer seen
 * twice costs one importKey (bench case 4) and nothing leaks once the
 * certificate is dropped.
 */
const keyCache = new WeakMap<Uint8Array, Map<string, Promise<CryptoKey>>>();

function importVerifyKey(key: PublicKey, algorithm: RsaHashedImportParams | EcKeyImportParams): Promise<CryptoKey> {
  const cacheKey = `${algorithm.name}/${'hash' in algorithm ? String(algorithm.hash) : ''}/${'namedCurve' in algorithm ? algorithm.namedCurve : ''}`;
  let perKey = keyCache.get(key.spki);
  if (!perKey) {
    perKey = new Map();
    keyCache.set(key.spki, perKey);
  }
  let imported = perKey.get(cacheKey);
  if (!imported) {
    imported = crypto.subtle.importKey('spki', exactBytes(key.spki), algorithm, false, ['verify']);
    // A failed import must not poison the cache.
    imported.catch(() => perKey!.delete(cacheKey));
    perKey.set(cacheKey, imported);
  }
  return imported;
}

/**
 * Verifies `signature` over `data` with `key`. Returns false for a signature
 * that does not verify (including one of the wrong length); throws TypeError
 * when the key cannot be used with the scheme.
 */
export async function verifyPublicKeySignature(
  key: PublicKey,
  scheme: VerificationScheme,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  if (scheme.name === 'ECDSA') {
    if (key.kind !== 'EC') throw new TypeError(`an ECDSA signature needs an EC key, got ${key.kind}`);
    return verifyEcdsa(key, scheme.hash, signature, data);
  }
  if (key.kind !== 'RSA') throw new TypeError(`an RSA signature needs an RSA key, got ${key.kind}`);
  if (signature.length !== Math.ceil(key.modulusBits / 8)) return false;
  if (scheme.name === 'RSASSA-PKCS1-v1_5') {
    const cryptoKey = await importVerifyKey(key, { name: 'RSASSA-PKCS1-v1_5', hash: scheme.hash });
    return crypto.subtle.verify('RSASSA-PKCS1-v1_5', cryptoKey, exactBytes(signature), exactBytes(data));
  }
  const cryptoKey = await importVerifyKey(key, { name: 'RSA-PSS', hash: scheme.hash });
  const saltLength = scheme.saltLength === 'any' ? HASH_LENGTH[scheme.hash] : scheme.saltLength;
  const ok = await crypto.subtle.verify(
    { name: 'RSA-PSS', saltLength },
    cryptoKey,
    exactBytes(signature),
    exactBytes(data),
  );
  if (ok || scheme.saltLength !== 'any') return ok;
  // WebCrypto needs the salt length up front; other lengths are rare, so only then
  // fall back to recovering it from the encoded message.
  return verifyPssAnySalt(key, scheme.hash, signature, data);
}

async function verifyEcdsa(
  key: Extract<PublicKey, { kind: 'EC' }>,
  hash: HashAlgorithm,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  if (signature.length !== 2 * CURVE_SIZE[key.curve]) return false;
  let cryptoKey: CryptoKey;
  try {
    cryptoKey = await importVerifyKey(key, { name: 'ECDSA', namedCurve: key.curve });
  } catch (error) {
    // Some runtimes (Deno for P-521) lack a curve: use noble's audited implementation instead.
    if (!isNotSupported(error)) throw error;
    return verifyEcdsaWithNoble(key, hash, signature, data);
  }
  try {
    return await crypto.subtle.verify({ name: 'ECDSA', hash }, cryptoKey, exactBytes(signature), exactBytes(data));
  } catch (error) {
    if (!isNotSupported(error)) throw error;
    return verifyEcdsaWithNoble(key, hash, signature, data);
  }
}

function isNotSupported(error: unknown): boolean {
  return (
    error instanceof Error && (error.name === 'NotSupportedError' || /not supported|unsupported/i.test(error.message))
  );
}

function verifyEcdsaWithNoble(
  key: Extract<PublicKey, { kind: 'EC' }>,
  hash: HashAlgorithm,
  signature: Uint8Array,
  data: Uint8Array,
): boolean {
  const messageDigest = digest(hash, data);
  try {
    // lowS: false, because Go and WebCrypto accept high-S signatures.
    return NOBLE_CURVE[key.curve].verify(signature, messageDigest, key.point, { prehash: false, lowS: false });
  } catch {
    return false;
  }
}

function bigIntToBytes(n: bigint, length: number): Uint8Array | undefined {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return n === 0n ? out : undefined;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  base %= modulus;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
    exponent >>= 1n;
  }
  return result;
}

function mgf1(hash: HashAlgorithm, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const hLen = HASH_LENGTH[hash];
  for (let counter = 0, offset = 0; offset < length; counter++, offset += hLen) {
    const c = new Uint8Array([counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff]);
    const block = digest(hash, concatBytes(seed, c));
    out.set(block.subarray(0, Math.min(hLen, length - offset)), offset);
  }
  return out;
}

/** RSASSA-PSS-VERIFY (RFC 8017 §8.1.2, §9.1.2) with the salt length recovered from DB. */
function verifyPssAnySalt(
  key: Extract<PublicKey, { kind: 'RSA' }>,
  hash: HashAlgorithm,
  signature: Uint8Array,
  data: Uint8Array,
): boolean {
  const s = signature.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
  if (s >= key.modulus) return false;
  const emBits = key.modulusBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const hLen = HASH_LENGTH[hash];
  const em = bigIntToBytes(modPow(s, key.exponent, key.modulus), emLen);
  if (!em || emLen < hLen + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const unusedBits = 8 * emLen - emBits;
  const topMask = 0xff >> unusedBits;
  if ((maskedDb[0]! & ~topMask & 0xff) !== 0) return false;
  const db = mgf1(hash, h, maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= maskedDb[i]!;
  db[0]! &= topMask;
  let separator = 0;
  while (separator < db.length && db[separator] === 0) separator++;
  if (separator === db.length || db[separator] !== 0x01) return false;
  const salt = db.subarray(separator + 1);
  const mHash = digest(hash, data);
  const hPrime = digest(hash, concatBytes(new Uint8Array(8), mHash, salt));
  return bytesEqual(h, hPrime);
}
