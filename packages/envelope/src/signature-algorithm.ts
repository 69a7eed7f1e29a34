import type { SignatureAlgorithm } from '@x/notary-pki';
import { EnvelopeError } from './errors.js';

/** JWS `alg` values (ENV-JWS-6). `none`, HMAC and all others are rejected. */
export type JwsAlgorithm = 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

const JWS: Readonly<Record<JwsAlgorithm, SignatureAlgorithm>> = {
  PS256: 'RSASSA-PSS-SHA-256',
  PS384: 'RSASSA-PSS-SHA-384',
  PS512: 'RSASSA-PSS-SHA-512',
  ES256: 'ECDSA-SHA-256',
  ES384: 'ECDSA-SHA-384',
  ES512: 'ECDSA-SHA-512',
};

/** COSE `alg` ids (ENV-COSE-7). No symmetric algorithms. */
const COSE: ReadonlyMap<number, SignatureAlgorithm> = new Map([
  [-37, 'RSASSA-PSS-SHA-256'],
  [-38, 'RSASSA-PSS-SHA-384'],
  [-39, 'RSASSA-PSS-SHA-512'],
  [-7, 'ECDSA-SHA-256'],
  [-35, 'ECDSA-SHA-384'],
  [-36, 'ECDSA-SHA-512'],
]);

export function signatureAlgorithmFromJws(alg: unknown): SignatureAlgorithm {
  if (typeof alg !== 'string' || !Object.hasOwn(JWS, alg)) {
    throw new EnvelopeError('ERR_UNSUPPORTED_ALGORITHM', `signature algorithm "${String(alg)}" is not supported`);
  }
  return JWS[alg as JwsAlgorithm];
}

export function jwsAlgorithmOf(algorithm: SignatureAlgorithm): JwsAlgorithm {
  return (Object.keys(JWS) as JwsAlgorithm[]).find((k) => JWS[k] === algorithm)!;
}

export function signatureAlgorithmFromCose(alg: unknown): SignatureAlgorithm {
  const algorithm = typeof alg === 'number' ? COSE.get(alg) : undefined;
  if (!algorithm)
    throw new EnvelopeError('ERR_UNSUPPORTED_ALGORITHM', `signature algorithm ${String(alg)} is not supported`);
  return algorithm;
}

export function coseAlgorithmOf(algorithm: SignatureAlgorithm): number {
  for (const [id, a] of COSE) if (a === algorithm) return id;
  throw new TypeError(`no COSE id for ${algorithm}`);
}
