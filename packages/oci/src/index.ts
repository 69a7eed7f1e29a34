export { OciError, type OciErrorCode, type RegistryErrorDetail } from './errors.js';
export * from './descriptor.js';
export type { Repository, ReferrersOptions } from './repository.js';
export { listReferrers, MAX_REFERRERS, MAX_REFERRERS_PAGES } from './referrers-listing.js';
export { staticCredentials, type Credential, type CredentialProvider } from './credentials.js';
export { computeDigest, descriptorFor, isDigest, parseDigest, verifyContent, type DigestAlgorithm } from './digest.js';
export {
  ANNOTATION_CREATED,
  ANNOTATION_REF_NAME,
  ANNOTATION_X509_CHAIN_THUMBPRINT,
  EMPTY_CONFIG_DESCRIPTOR,
  EMPTY_JSON_BYTES,
  ENVELOPE_MEDIA_TYPES,
  LEGACY_CONFIG_DESCRIPTOR,
  MEDIA_TYPE_COSE_ENVELOPE,
  MEDIA_TYPE_JWS_ENVELOPE,
  buildSignatureManifest,
  certificateThumbprints,
  encodeDescriptorJson,
  encodeImageIndex,
  isSignatureReferrer,
  parseSignatureManifest,
  parseThumbprintAnnotation,
  type BuildSignatureManifestOptions,
  type BuiltSignatureManifest,
  type EnvelopeMediaType,
  type ImageIndexJson,
  type ParsedSignatureManifest,
  type SignatureManifestForm,
} from './signature-manifest.js';
export { MemoryRepository, type MemoryRepositoryOptions } from './memory-repository.js';
export { parseReference, parseTagOrDigest, assertDigest, digestProblem, OciReference, DIGEST_HEX_LENGTH } from './reference.js';
export * from './remote/index.js';
