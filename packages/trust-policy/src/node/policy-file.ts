/**
 * TP-1: the policy files of a notation config directory. The OCI policy is
 * read from `trustpolicy.oci.json`, or the legacy `trustpolicy.json` when the
 * former does not exist; the blob policy is `trustpolicy.blob.json`. A policy
 * path that is a directory or a symlink is refused. Messages are notation's.
 * `ociTrustPolicyImportFiles` decides which OCI files an import writes, so
 * that both notation versions sharing the directory keep seeing it.
 */
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustPolicyError } from '../errors.js';
import {
  type BlobTrustPolicyDocument,
  type OciTrustPolicyDocument,
  parseBlobTrustPolicy,
  parseOciTrustPolicy,
} from '../policy-document.js';

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
    throw new TrustPolicyError(
      'ERR_POLICY_INVALID',
      `trust policy is not a regular file (symlinks are not supported). To create a trust policy, see: ${LINK}`,
    );
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errno(error) === 'EACCES' || errno(error) === 'EPERM') {
      throw new TrustPolicyError(
        'ERR_POLICY_INVALID',
        `unable to read trust policy due to file permissions, please verify the permissions of ${path}`,
        { cause: error },
      );
    }
    throw new TrustPolicyError('ERR_POLICY_INVALID', `unable to read trust policy ${path}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TrustPolicyError('ERR_POLICY_INVALID', `malformed trust policy. To create a trust policy, see: ${LINK}`, {
      cause: error,
    });
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

async function present(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errno(error) === 'ENOENT') return false;
    throw new TrustPolicyError('ERR_POLICY_INVALID', `unable to access trust policy ${path}`, { cause: error });
  }
}

/**
 * TP-1: the OCI policy file a verification reads, `trustpolicy.oci.json`
 * when it exists, else `trustpolicy.json`; undefined when neither exists.
 */
export async function ociTrustPolicyFileInEffect(configDir: string): Promise<string | undefined> {
  for (const name of [OCI_TRUST_POLICY_FILE, LEGACY_OCI_TRUST_POLICY_FILE]) {
    if (await present(join(configDir, name))) return name;
  }
  return undefined;
}

/**
 * TP-1 [impl] (issue 13 finding 4): the OCI policy files an import writes,
 * chosen so that every tool sharing the config directory reads the policy
 * just imported. Observed with the real binaries:
 *
 * - notation v1.3.2 reads (`verify`, `policy show`) and writes (`policy
 *   import`) only `trustpolicy.json`; with only `trustpolicy.oci.json` it
 *   has no policy.
 * - notation v2 reads `trustpolicy.oci.json`, else `trustpolicy.json`; its
 *   import writes `trustpolicy.oci.json` and deletes `trustpolicy.json`.
 *
 * So: the file already in use is the one written (only `.oci.json`: a v2
 * set-up; only `.json`: a v1.3.2 set-up, read by v2 as its fallback); when
 * both exist both are written with the same bytes, so v1.3.2 (which reads
 * `.json`) and v2 and notary (which read `.oci.json`) agree; when neither
 * exists the legacy `trustpolicy.json` is written, the one file every
 * version reads. Unlike notation v2, nothing is deleted.
 */
export async function ociTrustPolicyImportFiles(configDir: string): Promise<string[]> {
  const [current, legacy] = await Promise.all([
    present(join(configDir, OCI_TRUST_POLICY_FILE)),
    present(join(configDir, LEGACY_OCI_TRUST_POLICY_FILE)),
  ]);
  if (current && legacy) return [OCI_TRUST_POLICY_FILE, LEGACY_OCI_TRUST_POLICY_FILE];
  if (current) return [OCI_TRUST_POLICY_FILE];
  return [LEGACY_OCI_TRUST_POLICY_FILE];
}

/** TP-1: loads and validates `trustpolicy.blob.json` of `configDir`. */
export async function loadBlobTrustPolicyFile(configDir: string): Promise<BlobTrustPolicyDocument> {
  return parseBlobTrustPolicy(await readPolicyJson(join(configDir, BLOB_TRUST_POLICY_FILE)));
}
