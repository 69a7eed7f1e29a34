import * as asn1js from 'asn1js';
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

function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Parses a DER SubjectPublicKeyInfo. Never throws for unknown algorithms: they are `unsupported`. */
export function parsePublicKey(spki: Uint8Array): PublicKey {
  const parsed = asn1js.fromBER(spki);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) {
    return { kind: 'unsupported', spki, algorithm: 'unknown', detail: 'malformed SubjectPublicKeyInfo' };
  }
  const [algorithmId, keyBits] = parsed.result.valueBlock.value as [asn1js.Sequence, asn1js.BitString];
  const [oidNode, params] = algorithmId.valueBlock.value as [asn1js.ObjectIdentifier, asn1js.AsnType | undefined];
  const algorithm = oidNode.valueBlock.toString();
  const keyBytes = keyBits.valueBlock.valueHexView;
  if (algorithm === OID_RSA_ENCRYPTION || algorithm === OID_RSASSA_PSS) {
    const rsa = asn1js.fromBER(keyBytes);
    if (rsa.offset === -1 || !(rsa.result instanceof asn1js.Sequence)) {
      return { kind: 'unsupported', spki, algorithm, detail: 'malformed RSA public key' };
    }
    const [n, e] = rsa.result.valueBlock.value as [asn1js.Integer, asn1js.Integer];
    const modulus = bytesToBigInt(n.valueBlock.valueHexView);
    return { kind: 'RSA', spki, modulus, exponent: bytesToBigInt(e.valueBlock.valueHexView), modulusBits: bitLength(modulus) };
  }
  if (algorithm === OID_EC_PUBLIC_KEY) {
    const curveOid = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : 'explicit';
    const curve = CURVE_BY_OID[curveOid];
    if (!curve) return { kind: 'unsupported', spki, algorithm, detail: `EC curve ${curveOid}` };
    return { kind: 'EC', spki, curve, point: keyBytes.slice() };
  }
  return { kind: 'unsupported', spki, algorithm, detail: `public key algorithm ${algorithm}` };
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
