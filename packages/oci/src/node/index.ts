/**
 * Node-only parts of @x/notary-oci: the OCI image layout store (the SDK's
 * embedded default, like notation's `--oci-layout`) and credential
 * providers over docker's and notation's config files.
 */

export {
  type CredentialsErrorReason,
  type DockerCredentialsOptions,
  dockerConfigPath,
  type Environment,
  type NotationCredentialsOptions,
  notationCredentials,
  serverAddressOf,
} from './docker-credentials.js';
export {
  type LayoutReference,
  type OciLayoutOptions,
  OciLayoutRepository,
  parseLayoutReference,
} from './oci-layout.js';
