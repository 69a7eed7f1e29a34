export { RemoteRepository, type RemoteRepositoryOptions } from './repository.js';
export { RegistryClient, type RegistryClientOptions, type RegistryRequest } from './registry-client.js';
export { TokenCache, parseChallenge, cleanScopes, repositoryScope, type Challenge, type AuthScheme } from './auth.js';
export { ReferrersError, referrersTag } from './referrers.js';
export {
  backoffDelay,
  isLoopbackHost,
  parseNextLink,
  parseRegistryErrors,
  resolveUploadLocation,
  DEFAULT_RETRY,
  type RetryPolicy,
} from './http.js';
