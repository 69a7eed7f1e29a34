/**
 * TS-1 … TS-5 on disk: `<root>/<type>/<name>/<cert files>`, where `<root>`
 * is `{NOTATION_CONFIG}/truststore/x509` (AMB-2: `truststore`, not
 * `trust-store`). Like notation-go: every regular file is read whatever its
 * extension (TS-2 [impl]), as PEM (every block) or concatenated DER; a
 * symlinked store directory, a symlinked file or a subdirectory is an error
 * (TS-3, TS-4 [impl]); so is an empty store; files are read in name order.
 */
import { chmod, copyFile, lstat, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type Certificate, parseCertificates } from '@x/notary-pki';
import { goQuote } from '@x/notary-pki/foundation';
import { TrustPolicyError } from '../errors.js';
import {
  checkStoreAddress,
  emptyStoreError,
  isTrustStoreType,
  isValidTrustStoreName,
  type TrustStore,
  type TrustStoreType,
  trustStoreNameRule,
  trustStoreNotFound,
  validateStoreCertificates,
} from '../trust-store.js';
import { trustStoreRootDir } from './config-dir.js';

function storeError(message: string, cause?: unknown): TrustPolicyError {
  return new TrustPolicyError('ERR_TRUST_STORE_INVALID', message, cause === undefined ? {} : { cause });
}

function errno(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code;
}

function bytesOf(data: Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Go's `os.ReadDir` order: by name, bytewise. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class FileTrustStore implements TrustStore {
  /** @param root the `x509` directory holding `ca/`, `signingAuthority/` and `tsa/`. */
  constructor(readonly root: string) {}

  /** The store of a notation config directory: `{configDir}/truststore/x509`. */
  static fromConfigDir(configDir: string): FileTrustStore {
    return new FileTrustStore(trustStoreRootDir(configDir));
  }

  async getCertificates(type: TrustStoreType, name: string): Promise<readonly Certificate[]> {
    checkStoreAddress(type, name);
    const path = join(this.root, type, name);
    let info;
    try {
      info = await lstat(path);
    } catch (error) {
      if (errno(error) === 'ENOENT') throw trustStoreNotFound(type, name, error);
      throw storeError(`failed to access the trust store ${goQuote(name)} of type ${goQuote(type)}`, error);
    }
    // TS-3: the named store itself must be a real directory, not a symlink.
    if (!info.isDirectory() || info.isSymbolicLink()) {
      throw storeError(
        `the trust store ${name} of type ${type} with path ${path} is not a regular directory (symlinks are not supported)`,
      );
    }
    let entries;
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (error) {
      throw storeError(`failed to access the trust store ${goQuote(name)} of type ${goQuote(type)}`, error);
    }
    entries.sort((a, b) => byName(a.name, b.name));
    const certificates: Certificate[] = [];
    for (const entry of entries) {
      // TS-3 / TS-4 [impl]: no symlinks and no subdirectories. Other special
      // files (FIFOs, sockets) are refused too rather than read.
      if (!entry.isFile()) {
        throw storeError(
          `trusted certificate ${entry.name} in trust store ${name} of type ${type} is not a regular file (directories or symlinks are not supported)`,
        );
      }
      const data = bytesOf(await readFile(join(path, entry.name)));
      let certs: Certificate[];
      try {
        // An empty file parses to no certificate in Go and then fails validation.
        certs = data.length === 0 ? [] : parseCertificates(data);
      } catch (error) {
        throw storeError(
          `failed to read the trusted certificate ${entry.name} in trust store ${name} of type ${type}`,
          error,
        );
      }
      await validateStoreCertificates(certs, type, name, entry.name);
      certificates.push(...certs);
    }
    if (certificates.length === 0) throw emptyStoreError(type, name);
    return Object.freeze(certificates);
  }

  /**
   * `notation cert add`: copies one certificate file into `<type>/<name>/`
   * (created if needed). Refuses a file that holds no certificate, a store
   * that is a symlink, and a file name already present in the store.
   */
  async addCertificate(type: string, name: string, certificateFile: string): Promise<string> {
    if (type === '') throw storeError('store type cannot be empty');
    if (!isTrustStoreType(type)) throw storeError(`unsupported store type: ${type}`);
    if (!isValidTrustStoreName(name)) throw storeError(`named store name needs to follow ${trustStoreNameRule(name)}`);
    const data = bytesOf(await readFile(certificateFile));
    if (data.length === 0) throw storeError('no valid certificate found in the empty file');
    try {
      parseCertificates(data);
    } catch (error) {
      throw storeError(`failed to read the certificate ${basename(certificateFile)}`, error);
    }
    const dir = join(this.root, type, name);
    try {
      if ((await lstat(dir)).isSymbolicLink()) {
        throw storeError(
          `the trust store ${name} of type ${type} with path ${dir} is not a regular directory (symlinks are not supported)`,
        );
      }
    } catch (error) {
      if (errno(error) !== 'ENOENT') throw error;
    }
    const target = join(dir, basename(certificateFile));
    try {
      await stat(target);
      throw storeError('certificate already exists in the Trust Store');
    } catch (error) {
      if (error instanceof TrustPolicyError) throw error;
      if (errno(error) !== 'ENOENT') throw error;
    }
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await copyFile(certificateFile, target);
    // notation keeps read/execute for everyone and write for the owner only.
    await chmod(target, ((await stat(certificateFile)).mode & 0o755) | 0o200);
    return target;
  }
}
