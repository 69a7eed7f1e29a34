import { algorithmSuiteOf, type Certificate } from '@x/notary-pki';
import { coseSigningInput, encodeCose, encodeCoseProtectedHeader } from './cose.js';
import { EnvelopeError } from './errors.js';
import { type VerifiedEnvelope, verifyEnvelopeIntegrity } from './integrity.js';
import { encodeJws, encodeJwsProtectedHeader, jwsSigningInput } from './jws.js';
import {
  type EnvelopeMediaType,
  HEADER,
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  MEDIA_TYPE_PAYLOAD,
  SIGNING_SCHEME_X509,
} from './media-types.js';
import { type Descriptor, encodeCosePayload, encodeJwsPayload } from './payload.js';
import type { Signer } from './signer.js';
import type { ExtendedAttribute, SignedAttributes, UnsignedAttributes } from './signer-info.js';
import { truncateToSeconds } from './time.js';

/** This SDK's default signing agent, in the `{id}/{version}` form ATTR-5 suggests. */
export const DEFAULT_SIGNING_AGENT = 'notary-ts/0.1.0';

/** What to sign and how. */
export interface SignEnvelopeRequest {
  /** `application/jose+json` (notation's default) or `application/cose`. */
  mediaType: EnvelopeMediaType;
  /** The artifact descriptor the payload names (PAY-1); only mediaType, digest, size and annotations are kept (PAY-6). */
  targetArtifact: Descriptor;
  signer: Signer;
  /** Defaults to now; truncated to whole seconds (ATTR-6). */
  signingTime?: Date;
  /** Seconds until expiry: a whole number > 0 (ATTR-6). Omit for no expiry. */
  expiresInSeconds?: number;
  /** Extra signed attributes (ATTR-3); `io.cncf.notary.*` names are reserved for the standard ones. */
  extendedAttributes?: readonly ExtendedAttribute[];
  /** Opaque signing agent (ATTR-5); defaults to {@link DEFAULT_SIGNING_AGENT}. */
  signingAgent?: string;
  /**
   * RFC 3161 timestamping (TSA-1): given the primitive signature bytes,
   * resolve to the TimeStampToken DER. The caller verifies the token (TSA-2).
   */
  timestamp?: (signature: Uint8Array) => Promise<Uint8Array>;
}

/** A signed envelope, re-verified before it is returned (SIGN-2). */
export interface SignedEnvelope {
  mediaType: EnvelopeMediaType;
  bytes: Uint8Array;
  verified: VerifiedEnvelope;
}

function fail(message: string, cause?: unknown): never {
  throw new EnvelopeError('ERR_SIGNING_FAILED', message, cause === undefined ? undefined : { cause });
}

function signedAttributesFor(request: SignEnvelopeRequest): SignedAttributes {
  const signingTime = truncateToSeconds(request.signingTime ?? new Date());
  if (Number.isNaN(signingTime.getTime())) fail('signingTime is not a valid date');
  const attributes: SignedAttributes = {
    contentType: MEDIA_TYPE_PAYLOAD,
    // SIGN-2 [impl]: signing always uses notary.x509; signingAuthority signatures come from signing services.
    signingScheme: SIGNING_SCHEME_X509,
    signingTime,
    extendedAttributes: [...(request.extendedAttributes ?? [])],
  };
  if (request.expiresInSeconds !== undefined) {
    const seconds = request.expiresInSeconds;
    if (!Number.isSafeInteger(seconds) || seconds <= 0)
      fail('expiresInSeconds must be a whole number of seconds greater than 0');
    attributes.expiry = new Date(signingTime.getTime() + seconds * 1000);
  }
  const seen = new Set<string>();
  for (const e of attributes.extendedAttributes) {
    const reservedButKnown = e.key === HEADER.verificationPlugin || e.key === HEADER.verificationPluginMinVersion;
    if (Object.values(HEADER).includes(e.key as never) && !reservedButKnown)
      fail(`"${e.key}" is a standard attribute, not an extended one`);
    if (['alg', 'cty', 'crit'].includes(e.key)) fail(`"${e.key}" is a registered header`);
    if (seen.has(e.key)) fail(`extended attribute "${e.key}" is given twice`);
    seen.add(e.key);
  }
  return attributes;
}

function chainOf(signer: Signer): readonly Certificate[] {
  const chain = signer.certificateChain;
  if (!chain || chain.length === 0) fail('the signer has no certificate chain');
  return chain;
}

/**
 * Signs a Notary payload into a JWS or COSE envelope, byte for byte in
 * notation's form (ENV-JWS-8, ENV-COSE-8), then re-verifies the result with
 * the full integrity rules (SIGN-2): a signer that produced a bad signature or
 * a chain that breaks the CERT rules fails here, not at the verifier.
 */
export async function signEnvelope(request: SignEnvelopeRequest): Promise<SignedEnvelope> {
  const { signer, mediaType } = request;
  if (mediaType !== MEDIA_TYPE_JWS && mediaType !== MEDIA_TYPE_COSE) {
    throw new EnvelopeError(
      'ERR_UNSUPPORTED_MEDIA_TYPE',
      `signature envelope format with media type "${String(mediaType)}" is not supported`,
    );
  }
  const signatureAlgorithm = algorithmSuiteOf(signer.keySpec).signatureAlgorithm;
  const signedAttributes = signedAttributesFor(request);
  const isJws = mediaType === MEDIA_TYPE_JWS;
  const payload = isJws ? encodeJwsPayload(request.targetArtifact) : encodeCosePayload(request.targetArtifact);
  const protectedHeader = isJws
    ? encodeJwsProtectedHeader({ payload, signatureAlgorithm, signedAttributes })
    : encodeCoseProtectedHeader(signatureAlgorithm, signedAttributes);
  const signingInput = isJws ? jwsSigningInput(protectedHeader, payload) : coseSigningInput(protectedHeader, payload);

  let signature: Uint8Array;
  try {
    signature = await signer.sign(signingInput);
  } catch (error) {
    fail(`the signer failed: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const certificateChain = chainOf(signer);
  const unsignedAttributes: UnsignedAttributes = { signingAgent: request.signingAgent ?? DEFAULT_SIGNING_AGENT };
  if (request.timestamp) unsignedAttributes.timestampSignature = await request.timestamp(signature);
  const parts = { protectedHeader, payload, signature, certificateChain, unsignedAttributes };
  const bytes = isJws ? encodeJws(parts) : encodeCose(parts);

  let verified: VerifiedEnvelope;
  try {
    verified = await verifyEnvelopeIntegrity(bytes, mediaType);
  } catch (error) {
    fail(`the signed envelope does not verify: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  // SIGN-2 [impl]: signing-time validity of every certificate (CERT-11).
  for (const certificate of certificateChain) {
    if (!certificate.isValidAt(signedAttributes.signingTime!)) {
      fail(
        `certificate with subject "${certificate.subject}" is not valid at the signing time ${signedAttributes.signingTime!.toISOString()}`,
      );
    }
  }
  return { mediaType, bytes, verified };
}
