/** Node.js adapters: the file trust store, the config directory and the policy files. */
export { FileTrustStore } from './file-trust-store.js';
export { trustStoreRootDir } from './config-dir.js';
export {
  loadOciTrustPolicyFile,
  loadBlobTrustPolicyFile,
  ociTrustPolicyFileInEffect,
  ociTrustPolicyImportFiles,
  OCI_TRUST_POLICY_FILE,
  LEGACY_OCI_TRUST_POLICY_FILE,
  BLOB_TRUST_POLICY_FILE,
} from './policy-file.js';
