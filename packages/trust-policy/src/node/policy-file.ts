/**
 * TP-1: reading the policy files of a notation config directory. The OCI
 * policy is `trustpolicy.oci.json`, or the legacy `trustpolicy.json` when the
 * former does not exist; the blob policy is `trustpolicy.blob.json`. A policy
 * path that is a directory or a symlink is refused. Messages are notation's.
 */
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustPolicyError } from '../errors.js';
import { parseBlobTrustPolicy, parseOciTrustPolicy, type BlobTrustPolicyDocument, type OciTrustPolicyDocument } from '../policy-document.js';

const LINK = 'https://notaryproject.dev/docs/quickstart/#create-a-trust-policy';

export const OCI_TRUST_POLICY_FILE = 'trustpolicy.oci.json';
export const LEGACY_OCI_TRUST_POLICY_FILE = 'trustpolicy.json';
export const BLOB_TRUST_POLICY_FILE = 'trustpolicy.blob.json';

function errno(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code;
}

class NotPresent extends TrustPolicyError {
  constructor(cause: unknown) {
    super('ERR_POLICY_NOT_FOUND', `trust policy is not present. To create a trust policy, see: ${LINK}`, { cause });
  }
}

/** notation's `getDocument`: lstat, refuse directories and symlinks, read, decode JSON. */
async function readPolicyJson(path: string): Promise<unknown> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    if (errno(error) === 'ENOENT') throw new NotPresent(error);
    throw new TrustPolicyError('ERR_POLICY_INVALID', `unable to access trust policy ${path}`, { cause: error });
  }
  if (info.isDirectory() || info.isSymbolicLink()) {
    throw new TrustPolicyError('ERR_POLICY_INVALID', `trust policy is not a regular file (symlinks are not supported). To create a trust policy, see: ${LINK}`);
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errno(error) === 'EACCES' || errno(error) === 'EPERM') {
      throw new TrustPolicyError('ERR_POLICY_INVALID', `unable to read trust policy due to file permissions, please verify the permissions of ${path}`, { cause: error });
    }
    throw new TrustPolicyError('ERR_POLICY_INVALID', `unable to read trust policy ${path}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TrustPolicyError('ERR_POLICY_INVALID', `malformed trust policy. To create a trust policy, see: ${LINK}`, { cause: error });
  }
}

/**
 * TP-1: loads and validates the OCI policy of `configDir`
 * (`trustpolicy.oci.json`, else `trustpolicy.json`). Throws
 * `ERR_POLICY_NOT_FOUND` when neither exists.
 */
export async function loadOciTrustPolicyFile(configDir: string): Promise<OciTrustPolicyDocument> {
  let json: unknown;
  try {
    json = await readPolicyJson(join(configDir, OCI_TRUST_POLICY_FILE));
  } catch (error) {
    if (!(error instanceof NotPresent)) throw error;
    json = await readPolicyJson(join(configDir, LEGACY_OCI_TRUST_POLICY_FILE));
  }
  return parseOciTrustPolicy(json);
}

/** TP-1: loads and validates `trustpolicy.blob.json` of `configDir`. */
export async function loadBlobTrustPolicyFile(configDir: string): Promise<BlobTrustPolicyDocument> {
  return parseBlobTrustPolicy(await readPolicyJson(join(configDir, BLOB_TRUST_POLICY_FILE)));
}
