export { OciError, type OciErrorCode, type RegistryErrorDetail } from './errors.js';
export { ARTIFACT_TYPE_NOTARY_SIGNATURE, MAX_ENVELOPE_BYTES, MEDIA_TYPE_OCI_MANIFEST, type Descriptor } from './descriptor.js';
export type { Repository, ReferrersOptions } from './repository.js';
export { listReferrers } from './referrers-listing.js';
export { staticCredentials, type Credential, type CredentialProvider } from './credentials.js';
export { descriptorFor, type DigestAlgorithm } from './digest.js';
export {
  buildSignatureManifest,
  parseSignatureManifest,
  type BuildSignatureManifestOptions,
  type BuiltSignatureManifest,
  type ParsedSignatureManifest,
  type SignatureManifestForm,
} from './signature-manifest.js';
export { MemoryRepository, type MemoryRepositoryOptions } from './memory-repository.js';
export { parseReference, type OciReference } from './reference.js';
export { RemoteRepository, type RemoteRepositoryOptions } from './remote/repository.js';
export { RegistryClient, type RegistryClientOptions, type RegistryRequest } from './remote/registry-client.js';
export { ReferrersError } from './remote/referrers.js';
export type { RetryPolicy } from './remote/http.js';
