import { NotaryError } from '@x/notary-pki';

/** Codes of {@link EnvelopeError}. */
export type EnvelopeErrorCode =
  /** Not a well-formed envelope of its media type: bad JSON/CBOR/base64, wrong shape, missing chain (ENV-JWS-1, ENV-COSE-1). */
  | 'ERR_ENVELOPE_MALFORMED'
  /** The media type is not `application/jose+json` or `application/cose` (VER-2). */
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  /** A protected-header rule is broken: cty, crit, scheme, times, expiry (ENV-JWS-3/4, ENV-COSE-3/4, ATTR-1, SCH-1). */
  | 'ERR_ENVELOPE_HEADER_INVALID'
  /** A critical attribute this verifier does not know, with no verification plugin named (ATTR-3, AMB-7). */
  | 'ERR_ENVELOPE_UNKNOWN_CRITICAL'
  /** `alg` is not one of PS256/384/512, ES256/384/512 (ENV-JWS-6, ENV-COSE-7). */
  | 'ERR_UNSUPPORTED_ALGORITHM'
  /** `alg` differs from the algorithm the leaf key implies (ALG-2, ENV-JWS-6). */
  | 'ERR_ALGORITHM_MISMATCH'
  /** The signature does not verify with the leaf key. */
  | 'ERR_SIGNATURE_VERIFICATION_FAILED'
  /** The payload is not a valid Notary payload (PAY-1 … PAY-4). */
  | 'ERR_PAYLOAD_INVALID'
  /** Signing was asked for something the Notary rules forbid, or the signer misbehaved (SIGN-2). */
  | 'ERR_SIGNING_FAILED';

/** Every envelope failure: parse, integrity or signing. */
export class EnvelopeError extends NotaryError<EnvelopeErrorCode> {}

export function malformed(message: string, cause?: unknown): never {
  throw new EnvelopeError('ERR_ENVELOPE_MALFORMED', message, cause === undefined ? undefined : { cause });
}

export function headerInvalid(message: string): never {
  throw new EnvelopeError('ERR_ENVELOPE_HEADER_INVALID', message);
}
