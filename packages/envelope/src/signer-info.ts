import type { Certificate, SignatureAlgorithm } from '@x/notary-pki';
import type { EnvelopeMediaType, SigningScheme } from './media-types.js';

/** A signed attribute beyond the standard ones (ATTR-3, ATTR-4). */
export interface ExtendedAttribute {
  key: string;
  /** JSON primitives only (PLG-16); COSE values are converted to their JS equivalents. */
  value: string | number | boolean | null;
  critical: boolean;
}

/** Signed attributes (ATTR-1 … ATTR-4). Times are whole seconds (ATTR-6). */
export interface SignedAttributes {
  contentType: string;
  signingScheme: SigningScheme;
  /** Required under notary.x509; not trusted (SCH-2). */
  signingTime?: Date;
  /** Required under notary.x509.signingAuthority (SCH-3). */
  authenticSigningTime?: Date;
  expiry?: Date;
  extendedAttributes: ExtendedAttribute[];
}

/** Unsigned attributes (ATTR-5). The certificate chain is on {@link SignerInfo}. */
export interface UnsignedAttributes {
  /** RFC 3161 TimeStampToken DER (ContentInfo), when present. */
  timestampSignature?: Uint8Array;
  /** Opaque; never validated (ATTR-5). */
  signingAgent?: string;
}

/** Who signed and how: the part of an envelope the verifier reasons about. */
export interface SignerInfo {
  signedAttributes: SignedAttributes;
  unsignedAttributes: UnsignedAttributes;
  signatureAlgorithm: SignatureAlgorithm;
  /** The primitive signature value (what a TSA timestamps, TSA-1). */
  signature: Uint8Array;
  /** Leaf first (ATTR-5). */
  certificateChain: Certificate[];
}

/** The content of an envelope whose integrity has been verified. */
export interface EnvelopeContent {
  mediaType: EnvelopeMediaType;
  signerInfo: SignerInfo;
  payload: { contentType: string; bytes: Uint8Array };
}

/**
 * A parsed (not yet verified) envelope, in a form common to JWS and COSE so
 * that the integrity rules (VER-2) are written once.
 */
export interface ParsedEnvelope extends EnvelopeContent {
  /** The exact bytes the signature covers (ENV-JWS-2, ENV-COSE-6). */
  signingInput: Uint8Array;
  /** JWS accepts any PSS salt; COSE requires salt = hash length (AMB-16). */
  pssSalt: 'any' | 'hash-length';
  /** Names of the critical header entries, as strings (COSE integer labels in decimal). */
  critical: string[];
}
