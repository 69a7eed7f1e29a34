export { EnvelopeError, type EnvelopeErrorCode } from './errors.js';
export {
  MEDIA_TYPE_JWS,
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_PAYLOAD,
  SIGNING_SCHEME_X509,
  SIGNING_SCHEME_SIGNING_AUTHORITY,
  HEADER,
  RESERVED_ANNOTATION_PREFIX,
  type EnvelopeMediaType,
  type SigningScheme,
} from './media-types.js';
export {
  parsePayload,
  validateDescriptor,
  sanitizeDescriptor,
  addUserMetadata,
  encodeJwsPayload,
  encodeCosePayload,
  isDigest,
  isMediaType,
  type Descriptor,
  type Payload,
} from './payload.js';
export type { ExtendedAttribute, SignedAttributes, UnsignedAttributes, SignerInfo, EnvelopeContent, ParsedEnvelope } from './signer-info.js';
export { signatureAlgorithmFromJws, jwsAlgorithmOf, signatureAlgorithmFromCose, coseAlgorithmOf, type JwsAlgorithm } from './signature-algorithm.js';
export { parseEnvelope, verifyEnvelopeIntegrity, verifyParsedEnvelope, isEnvelopeMediaType, type VerifiedEnvelope } from './integrity.js';
export { unprocessedCriticalAttributes } from './signed-attributes.js';
export { parseRfc3339 } from './time.js';
export { formatRfc3339 } from '@x/notary-pki/foundation';
export { goJson, goJsonString } from '@x/notary-pki/foundation';
export { signerFromCryptoKey, signerFromPrivateKey, type Signer } from './signer.js';
export { signEnvelope, DEFAULT_SIGNING_AGENT, type SignEnvelopeRequest, type SignedEnvelope } from './sign.js';
export { encodeJwsProtectedHeader, jwsSigningInput, encodeJws } from './jws.js';
export { encodeCoseProtectedHeader, coseSigningInput, encodeCose } from './cose.js';
