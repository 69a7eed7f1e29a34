export { EnvelopeError, type EnvelopeErrorCode } from './errors.js';
export { parseEnvelope, type VerifiedEnvelope, verifyEnvelopeIntegrity } from './integrity.js';
// HEADER: the protected header names, for tools that read a raw header (the CLI's inspect reads a time's offset).
export { type EnvelopeMediaType, HEADER, MEDIA_TYPE_COSE, MEDIA_TYPE_JWS } from './media-types.js';
// Exported as TargetArtifact: oci's Descriptor is the full OCI descriptor, this is the payload's (issue 14 item 4).
export {
  addUserMetadata,
  type Descriptor as TargetArtifact,
  encodeCosePayload,
  type Payload,
  parsePayload,
} from './payload.js';
export { DEFAULT_SIGNING_AGENT, type SignEnvelopeRequest, type SignedEnvelope, signEnvelope } from './sign.js';
export { type Signer, signerFromCryptoKey, signerFromPrivateKey, type WebCryptoKey } from './signer.js';
export type {
  EnvelopeContent,
  ExtendedAttribute,
  ParsedEnvelope,
  SignedAttributes,
  SignerInfo,
  UnsignedAttributes,
} from './signer-info.js';
export { parseRfc3339 } from './time.js';
