import {
  algorithmSuiteOf,
  type Certificate,
  keySpecOf,
  type VerificationScheme,
  validateCodeSigningChain,
  verifyPublicKeySignature,
} from '@x/notary-pki';
import { parseCose } from './cose.js';
import { EnvelopeError } from './errors.js';
import { parseJws } from './jws.js';
import { type EnvelopeMediaType, MEDIA_TYPE_COSE, MEDIA_TYPE_JWS } from './media-types.js';
import { type Payload, parsePayload } from './payload.js';
import { unprocessedCriticalAttributes } from './signed-attributes.js';
import type { EnvelopeContent, ParsedEnvelope } from './signer-info.js';

/** The result of an integrity check: what the envelope says, now known to be intact. */
export interface VerifiedEnvelope {
  content: EnvelopeContent;
  /** The parsed payload (PAY-1); `content.payload.bytes` stays the source of truth. */
  payload: Payload;
  /**
   * Critical extended attributes that a verification plugin must process
   * (PLG-14's unprocessedAttributes). Empty unless a plugin is named (AMB-7).
   */
  unprocessedAttributes: string[];
}

/** Whether a media type names a supported envelope format. */
export function isEnvelopeMediaType(mediaType: string): mediaType is EnvelopeMediaType {
  return mediaType === MEDIA_TYPE_JWS || mediaType === MEDIA_TYPE_COSE;
}

/**
 * Parses an envelope of the given media type without verifying it. Header
 * rules are applied (a parsed envelope is well-formed), the signature is not.
 */
export function parseEnvelope(bytes: Uint8Array, mediaType: string): ParsedEnvelope {
  // Typed, like every other rejection of a parser (issue 12).
  if (!(bytes instanceof Uint8Array))
    throw new EnvelopeError('ERR_ENVELOPE_MALFORMED', 'envelope bytes must be a Uint8Array');
  if (mediaType === MEDIA_TYPE_JWS) return parseJws(bytes);
  if (mediaType === MEDIA_TYPE_COSE) return parseCose(bytes);
  throw new EnvelopeError(
    'ERR_UNSUPPORTED_MEDIA_TYPE',
    `signature envelope format with media type "${mediaType}" is not supported`,
  );
}

function verificationScheme(envelope: ParsedEnvelope, leaf: Certificate): VerificationScheme {
  const suite = algorithmSuiteOf(keySpecOf(leaf.publicKey));
  const algorithm = envelope.signerInfo.signatureAlgorithm;
  // ALG-2, ENV-JWS-6, ENV-COSE-7: the header algorithm must be the one the
  // leaf key implies, which stops algorithm substitution.
  if (algorithm !== suite.signatureAlgorithm) {
    throw new EnvelopeError(
      'ERR_ALGORITHM_MISMATCH',
      `envelope algorithm ${algorithm} does not match the signing key (${suite.keySpec} implies ${suite.signatureAlgorithm})`,
    );
  }
  if (suite.signatureAlgorithm.startsWith('ECDSA')) return { name: 'ECDSA', hash: suite.hash };
  return { name: 'RSA-PSS', hash: suite.hash, saltLength: envelope.pssSalt === 'any' ? 'any' : suite.hashLength };
}

/**
 * Verifies an envelope's integrity as VER-2 defines it:
 * 1. parse by media type, with the header rules of ENV-JWS-3/4 or ENV-COSE-3/4
 *    (content type, crit, scheme, times, expiry after signing time, unknown
 *    critical attributes per AMB-7);
 * 2. `alg` equals the algorithm the leaf key implies (ALG-2);
 * 3. the signature verifies with the leaf key;
 * 4. the chain meets every CERT rule, with no time check (AMB-10);
 * 5. the payload is a Notary payload (PAY-1, PAY-2).
 *
 * Throws {@link EnvelopeError} or a pki CertificateRuleError/UnsupportedKeyError.
 */
export async function verifyEnvelopeIntegrity(bytes: Uint8Array, mediaType: string): Promise<VerifiedEnvelope> {
  return verifyParsedEnvelope(parseEnvelope(bytes, mediaType));
}

/** {@link verifyEnvelopeIntegrity} for an envelope already parsed. */
export async function verifyParsedEnvelope(envelope: ParsedEnvelope): Promise<VerifiedEnvelope> {
  const { signerInfo } = envelope;
  const leaf = signerInfo.certificateChain[0]!;
  const scheme = verificationScheme(envelope, leaf);
  let valid: boolean;
  try {
    valid = await verifyPublicKeySignature(leaf.publicKey, scheme, signerInfo.signature, envelope.signingInput);
  } catch (error) {
    throw new EnvelopeError(
      'ERR_SIGNATURE_VERIFICATION_FAILED',
      'the signature could not be checked with the signing key',
      { cause: error },
    );
  }
  if (!valid)
    throw new EnvelopeError(
      'ERR_SIGNATURE_VERIFICATION_FAILED',
      'the signature does not verify with the signing certificate key',
    );
  await validateCodeSigningChain(signerInfo.certificateChain);
  const payload = parsePayload(envelope.payload.bytes);
  const { signingInput: _input, pssSalt: _salt, critical: _critical, ...content } = envelope;
  return { content, payload, unprocessedAttributes: unprocessedCriticalAttributes(signerInfo.signedAttributes) };
}
