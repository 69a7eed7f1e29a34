export { EnvelopeError, type EnvelopeErrorCode } from './errors.js';
// HEADER: the protected header names, for tools that read a raw header (the CLI's inspect reads a time's offset).
export { MEDIA_TYPE_JWS, MEDIA_TYPE_COSE, HEADER, type EnvelopeMediaType } from './media-types.js';
// Exported as TargetArtifact: oci's Descriptor is the full OCI descriptor, this is the payload's (issue 14 item 4).
export { parsePayload, addUserMetadata, encodeCosePayload, type Descriptor as TargetArtifact, type Payload } from './payload.js';
export type { ExtendedAttribute, SignedAttributes, UnsignedAttributes, SignerInfo, EnvelopeContent, ParsedEnvelope } from './signer-info.js';
export { parseEnvelope, verifyEnvelopeIntegrity, type VerifiedEnvelope } from './integrity.js';
export { parseRfc3339 } from './time.js';
export { signerFromCryptoKey, signerFromPrivateKey, type Signer, type WebCryptoKey } from './signer.js';
export { signEnvelope, DEFAULT_SIGNING_AGENT, type SignEnvelopeRequest, type SignedEnvelope } from './sign.js';
