export { type Credential, type CredentialProvider, staticCredentials } from './credentials.js';
export {
  ARTIFACT_TYPE_NOTARY_SIGNATURE,
  type Descriptor,
  MAX_ENVELOPE_BYTES,
  MEDIA_TYPE_OCI_MANIFEST,
} from './descriptor.js';
export { type DigestAlgorithm, descriptorFor } from './digest.js';
export { OciError, type OciErrorCode, type RegistryErrorDetail } from './errors.js';
export { MemoryRepository, type MemoryRepositoryOptions } from './memory-repository.js';
export { type OciReference, parseReference } from './reference.js';
export { listReferrers } from './referrers-listing.js';
export type { RetryPolicy } from './remote/http.js';
export { ReferrersError } from './remote/referrers.js';
export { RegistryClient, type RegistryClientOptions, type RegistryRequest } from './remote/registry-client.js';
export { RemoteRepository, type RemoteRepositoryOptions } from './remote/repository.js';
export type { ReferrersOptions, Repository } from './repository.js';
export {
  type BuildSignatureManifestOptions,
  type BuiltSignatureManifest,
  buildSignatureManifest,
  type ParsedSignatureManifest,
  parseSignatureManifest,
  type SignatureManifestForm,
} from './signature-manifest.js';
