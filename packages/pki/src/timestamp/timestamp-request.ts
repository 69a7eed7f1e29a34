import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm } from '../algorithm.js';
import { digest } from '../digest.js';
import { OID_BY_HASH } from './oids.js';

/** An RFC 3161 TimeStampReq and what its response must echo (TSA-2). */
export interface TimestampRequest {
  der: Uint8Array;
  hashAlgorithm: HashAlgorithm;
  hashedMessage: Uint8Array;
  nonce: bigint;
  policy: string | undefined;
  certReq: true;
}

/**
 * A random nonce in [0, 2^159) (TSA-1 [impl]): 20 random bytes with the top
 * bit cleared, as the minimal DER INTEGER contents. Leading zero bytes must
 * go (a zero stays only before a byte with its top bit set): strict TSAs
 * such as `openssl ts` reject a non-minimal INTEGER as badDataFormat, which
 * happened here for about one request in 500.
 */
export function randomNonce(): Uint8Array {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  bytes[0]! &= 0x7f;
  return minimalInteger(bytes);
}

/** The minimal two's-complement contents of a non-negative INTEGER whose top bit is clear. */
export function minimalInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && bytes[start + 1]! < 0x80) start++;
  return bytes.slice(start);
}

/**
 * Builds a TimeStampReq over `message` (for Notary, the primitive signature
 * bytes) hashed with the signing key's hash (TSA-1): version 1, NULL hash
 * parameters, a random nonce, certReq TRUE, and an optional policy.
 */
export function createTimestampRequest(
  message: Uint8Array,
  hashAlgorithm: HashAlgorithm,
  options?: { policy?: string },
): TimestampRequest {
  const hashedMessage = digest(hashAlgorithm, message);
  const nonceBytes = randomNonce();
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({
        algorithmId: OID_BY_HASH[hashAlgorithm],
        algorithmParams: new asn1js.Null(),
      }),
      hashedMessage: new asn1js.OctetString({ valueHex: hashedMessage.slice().buffer }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonceBytes.slice().buffer }),
    certReq: true,
    ...(options?.policy ? { reqPolicy: options.policy } : {}),
  });
  const nonce = nonceBytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
  return {
    der: new Uint8Array(request.toSchema().toBER()),
    hashAlgorithm,
    hashedMessage,
    nonce,
    policy: options?.policy,
    certReq: true,
  };
}
