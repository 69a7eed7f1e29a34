/**
 * Node-only parts of @x/notary-oci: the OCI image layout store (the SDK's
 * embedded default, like notation's `--oci-layout`) and credential
 * providers over docker's and notation's config files.
 */
export { OciLayoutRepository, parseLayoutReference, type OciLayoutOptions, type LayoutReference } from './oci-layout.js';
export {
  dockerConfigPath,
  notationCredentials,
  serverAddressOf,
  type CredentialsErrorReason,
  type DockerCredentialsOptions,
  type Environment,
  type NotationCredentialsOptions,
} from './docker-credentials.js';
