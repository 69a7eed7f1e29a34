import { p256, p384, p521 } from '@noble/curves/nist.js';
import {
  algorithmIdentifier,
  bitStringValue,
  DerCursor,
  DerError,
  IMPL_TRAILING,
  integerBytes,
  integerValue,
  oidValue,
  readElement,
  readOnly,
  rightAligned,
  sequence,
  TAG,
} from './der.js';
import { UnsupportedKeyError } from './errors.js';

/** The six Notary key specs (ALG-2). */
export type KeySpec = 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'EC-256' | 'EC-384' | 'EC-521';

/** NIST curves by their WebCrypto name. */
export type NamedCurve = 'P-256' | 'P-384' | 'P-521';

const CURVE_BY_OID: Readonly<Record<string, NamedCurve>> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

/** A parsed SubjectPublicKeyInfo: what the verifiers need, nothing more. */
export type PublicKey =
  | { kind: 'RSA'; spki: Uint8Array; modulus: bigint; exponent: bigint; modulusBits: number }
  | { kind: 'EC'; spki: Uint8Array; curve: NamedCurve; point: Uint8Array }
  | { kind: 'unsupported'; spki: Uint8Array; algorithm: string; detail: string };

const OID_ED25519 = '1.3.101.112';
const OID_P224 = '1.3.132.0.33';
const NULL_PARAMETERS = [0x05, 0x00];
const POINT_CHECK = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;
const COORDINATE_SIZE: Readonly<Record<NamedCurve, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Reads a DER SubjectPublicKeyInfo with the strict DER reader, refusing what
 * Go's x509 parsePublicKey refuses: RSA keys without exactly NULL parameters
 * or with a non-positive modulus or exponent, EC keys without a named curve
 * Go knows or with a point that is not an uncompressed point on the curve,
 * Ed25519 keys with parameters or of the wrong size. Algorithms Go does not
 * know are `unsupported`, not errors. Throws {@link DerError}.
 *
 * @internal Certificates use it; {@link parsePublicKey} is the lenient public form.
 */
export function readPublicKey(spki: Uint8Array): PublicKey {
  const parts = new DerCursor(spki, readOnly(spki, TAG.SEQUENCE, 'SubjectPublicKeyInfo'), 'SubjectPublicKeyInfo');
  const algorithmElement = parts.next('public key algorithm identifier');
  const keyElement = parts.next('subjectPublicKey');
  // [impl] Go ignores elements after subjectPublicKey; DER structure has none.
  parts.end();
  const { oid: algorithm, parameters } = algorithmIdentifier(spki, algorithmElement, 'public key algorithm identifier');
  const keyBytes = rightAligned(bitStringValue(spki, keyElement, 'subjectPublicKey'));
  if (algorithm === OID_RSA_ENCRYPTION) {
    // RFC 3279 §2.3.1, Go: "x509: RSA key missing NULL parameters".
    if (
      !parameters ||
      parameters.length !== 2 ||
      parameters[0] !== NULL_PARAMETERS[0] ||
      parameters[1] !== NULL_PARAMETERS[1]
    ) {
      throw new DerError('RSA key missing NULL parameters');
    }
    // [impl] Go ignores bytes after the RSAPublicKey and after its exponent; we refuse them.
    const rsaKey = new DerCursor(keyBytes, readElement(keyBytes, 0), 'RSA public key');
    const n = rsaKey.next('RSA modulus');
    const e = rsaKey.next('RSA public exponent');
    rsaKey.end();
    if (readElement(keyBytes, 0).end !== keyBytes.length)
      throw new DerError(`invalid RSA public key: trailing data ${IMPL_TRAILING}`);
    const modulus = integerValue(keyBytes, n, 'RSA modulus');
    // Go reads the exponent into an int: more than 64 bits is malformed.
    if (integerBytes(keyBytes, e, 'RSA public exponent').length > 8) throw new DerError('invalid RSA public exponent');
    const exponent = integerValue(keyBytes, e, 'RSA public exponent');
    if (modulus <= 0n) throw new DerError('RSA modulus is not a positive number');
    if (exponent <= 0n) throw new DerError('RSA public exponent is not a positive number');
    return { kind: 'RSA', spki, modulus, exponent, modulusBits: bitLength(modulus) };
  }
  if (algorithm === OID_EC_PUBLIC_KEY) {
    if (!parameters) throw new DerError('invalid ECDSA parameters');
    let curveOid: string;
    try {
      curveOid = oidValue(parameters, readOnly(parameters, TAG.OID, 'ECDSA parameters'), 'ECDSA parameters');
    } catch {
      throw new DerError('invalid ECDSA parameters');
    }
    const curve = CURVE_BY_OID[curveOid];
    if (!curve) {
      // Go knows P-224 but the Notary key specs do not (AMB-12).
      if (curveOid === OID_P224 && keyBytes.length === 57 && keyBytes[0] === 0x04)
        return { kind: 'unsupported', spki, algorithm, detail: `EC curve ${curveOid}` };
      throw new DerError(`unsupported elliptic curve ${curveOid}`);
    }
    if (keyBytes.length !== 1 + 2 * COORDINATE_SIZE[curve] || keyBytes[0] !== 0x04)
      throw new DerError('failed to unmarshal elliptic curve point');
    try {
      POINT_CHECK[curve].Point.fromBytes(keyBytes).assertValidity();
    } catch {
      throw new DerError('failed to unmarshal elliptic curve point');
    }
    return { kind: 'EC', spki, curve, point: keyBytes.slice() };
  }
  if (algorithm === OID_ED25519) {
    if (parameters) throw new DerError('Ed25519 key encoded with illegal parameters');
    if (keyBytes.length !== 32) throw new DerError('wrong Ed25519 public key size');
  }
  // [impl] RSASSA-PSS keys (1.2.840.113549.1.1.10) are "unknown" to Go; we read their RSAPublicKey as before.
  if (algorithm === OID_RSASSA_PSS) {
    try {
      const [n, e] = sequence(keyBytes, readOnly(keyBytes, TAG.SEQUENCE, 'RSA public key'), 'RSA public key');
      const modulus = integerValue(keyBytes, n, 'RSA modulus');
      return {
        kind: 'RSA',
        spki,
        modulus,
        exponent: integerValue(keyBytes, e, 'RSA public exponent'),
        modulusBits: bitLength(modulus),
      };
    } catch {
      return { kind: 'unsupported', spki, algorithm, detail: 'malformed RSA public key' };
    }
  }
  return { kind: 'unsupported', spki, algorithm, detail: `public key algorithm ${algorithm}` };
}

/**
 * Parses a DER SubjectPublicKeyInfo. Never throws: malformed input and
 * unknown algorithms are `unsupported` (with the reason in `detail`), which
 * {@link keySpecOf} refuses with a typed error.
 */
export function parsePublicKey(spki: Uint8Array): PublicKey {
  try {
    return readPublicKey(spki);
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    return {
      kind: 'unsupported',
      spki,
      algorithm: 'unknown',
      detail: `malformed SubjectPublicKeyInfo (${error.message})`,
    };
  }
}

/**
 * The key spec of a public key (ALG-2). Sizes are exact, as in notation-go
 * (AMB-12): RSA-8192 or a P-224 key is rejected, not rounded.
 */
export function keySpecOf(key: PublicKey): KeySpec {
  if (key.kind === 'RSA') {
    switch (key.modulusBits) {
      case 2048:
        return 'RSA-2048';
      case 3072:
        return 'RSA-3072';
      case 4096:
        return 'RSA-4096';
    }
    throw new UnsupportedKeyError(`RSA key size ${key.modulusBits} bits is not supported`);
  }
  if (key.kind === 'EC') {
    return ({ 'P-256': 'EC-256', 'P-384': 'EC-384', 'P-521': 'EC-521' } as const)[key.curve];
  }
  throw new UnsupportedKeyError(`${key.detail} is not supported`);
}
