/**
 * Credentials for a registry. `accessToken` is a ready bearer token;
 * `refreshToken` is exchanged at the token endpoint (OAuth2); username and
 * password serve Basic auth and the token endpoint's Basic login.
 */
export interface Credential {
  username?: string;
  password?: string;
  refreshToken?: string;
  accessToken?: string;
}

/**
 * Looks up credentials for a registry host (`host[:port]`, e.g.
 * `registry.example:5000`); undefined means anonymous. Node gets a provider
 * over docker's config.json and credential helpers from `@x/notary-oci/node`.
 */
export type CredentialProvider = (registry: string) => Promise<Credential | undefined>;

/** A provider with fixed credentials per registry host. */
export function staticCredentials(byRegistry: Readonly<Record<string, Credential>>): CredentialProvider {
  return async (registry) => byRegistry[registry];
}
