/**
 * notation's on-disk CRL cache (REV-5 [impl], notation-go `verifier/crl`):
 * one file per distribution point URL, named by the lower-case hex SHA-256
 * of the URL, holding JSON `{"baseCRL":"<std base64 DER>","deltaCRL":"…"}`
 * (`deltaCRL` only when there is one), so a cache directory can be shared
 * with the notation CLI (`{NOTATION_CACHE}/crl`).
 *
 * Node-only (node:fs); exported from `@x/notary-pki/node`.
 */

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeBase64, encodeBase64 } from '../base64.js';
import { toHex } from '../bytes.js';
import type { CrlBundle, CrlCache } from '../revocation/crl-cache.js';

/** File name of the cache entry for `url`: hex SHA-256 of the URL's UTF-8 bytes. */
export function crlCacheFileName(url: string): string {
  return toHex(sha256(new TextEncoder().encode(url)));
}

function decodeField(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    return decodeBase64(value);
  } catch {
    return undefined;
  }
}

/**
 * A {@link CrlCache} in a directory, in notation's format. Reads never throw:
 * a missing, unreadable or corrupt file is a miss (and is overwritten by the
 * next `set`). Writes go to a temporary file in the same directory that is
 * then renamed over the entry, so readers never see a partial file.
 * Freshness is judged by the revocation checker, not here.
 */
export class FileCrlCache implements CrlCache {
  readonly dir: string;

  /** @param dir the cache directory, e.g. `join(defaultNotationCacheDir(), 'crl')`; created (0700) on first write. */
  constructor(dir: string) {
    if (typeof dir !== 'string' || dir === '') throw new TypeError('FileCrlCache: dir must be a non-empty path');
    this.dir = dir;
  }

  /** Path of the entry for `url`. */
  pathFor(url: string): string {
    return join(this.dir, crlCacheFileName(url));
  }

  async get(url: string): Promise<CrlBundle | undefined> {
    let text: string;
    try {
      text = await readFile(this.pathFor(url), 'utf8');
    } catch {
      return undefined;
    }
    let content: unknown;
    try {
      content = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (typeof content !== 'object' || content === null || Array.isArray(content)) return undefined;
    const record = content as Record<string, unknown>;
    const baseCrl = decodeField(record.baseCRL);
    if (!baseCrl) return undefined;
    if (record.deltaCRL === undefined || record.deltaCRL === null) return { baseCrl };
    const deltaCrl = decodeField(record.deltaCRL);
    return deltaCrl ? { baseCrl, deltaCrl } : undefined;
  }

  async set(url: string, bundle: CrlBundle): Promise<void> {
    if (!bundle || !(bundle.baseCrl instanceof Uint8Array) || bundle.baseCrl.length === 0) {
      throw new TypeError('FileCrlCache: bundle.baseCrl must be non-empty bytes');
    }
    const content: { baseCRL: string; deltaCRL?: string } = { baseCRL: encodeBase64(bundle.baseCrl) };
    if (bundle.deltaCrl !== undefined) content.deltaCRL = encodeBase64(bundle.deltaCrl);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const target = this.pathFor(url);
    const temporary = join(this.dir, `notation-${toHex(randomBytes(8))}.tmp`);
    try {
      await writeFile(temporary, JSON.stringify(content), { mode: 0o600 });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw error;
    }
  }
}
