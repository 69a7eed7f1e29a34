/** Node.js adapters: the file trust store, the config directory and the policy files. */

export { trustStoreRootDir } from './config-dir.js';
export { FileTrustStore } from './file-trust-store.js';
export {
  BLOB_TRUST_POLICY_FILE,
  LEGACY_OCI_TRUST_POLICY_FILE,
  loadBlobTrustPolicyFile,
  loadOciTrustPolicyFile,
  OCI_TRUST_POLICY_FILE,
  ociTrustPolicyFileInEffect,
  ociTrustPolicyImportFiles,
} from './policy-file.js';
