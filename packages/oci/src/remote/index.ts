export { type AuthScheme, type Challenge, cleanScopes, parseChallenge, repositoryScope, TokenCache } from './auth.js';
export {
  backoffDelay,
  DEFAULT_RETRY,
  isLoopbackHost,
  parseNextLink,
  parseRegistryErrors,
  type RetryPolicy,
  resolveUploadLocation,
} from './http.js';
export { ReferrersError, referrersTag } from './referrers.js';
export { RegistryClient, type RegistryClientOptions, type RegistryRequest } from './registry-client.js';
export { RemoteRepository, type RemoteRepositoryOptions } from './repository.js';
