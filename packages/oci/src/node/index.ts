/**
 * Node-only parts of @x/notary-oci: the OCI image layout store (the SDK's
 * embedded default, like notation's `--oci-layout`) and credential
 * providers over docker's and notation's config files.
 */
export {
  OciLayoutRepository,
  parseLayoutReference,
  IMAGE_LAYOUT_VERSION,
  type OciLayoutOptions,
  type LayoutReference,
} from './oci-layout.js';
export {
  CredentialsError,
  configFileCredentials,
  dockerConfigPath,
  dockerCredentials,
  firstCredentials,
  notationCredentials,
  runCredentialHelper,
  serverAddressOf,
  type ConfigCredentialsOptions,
  type CredentialHelperOptions,
  type CredentialsErrorReason,
  type DockerCredentialsOptions,
  type Environment,
  type NotationCredentialsOptions,
} from './docker-credentials.js';
