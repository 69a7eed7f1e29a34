/**
 * Trust stores (TS-1 … TS-5) behind one small interface, so a verifier can
 * use the file layout (`./node` `FileTrustStore`), an in-memory set, or its
 * own source. The certificate rules live here and are shared by every
 * implementation: a named store must hold at least one certificate; each
 * must be a CA or self-signed (TS-5 [impl]); `tsa` certificates must be
 * self-signed, self-issued roots (TS-5 [impl]). Messages are notation-go's.
 */
import { type Certificate, isRootCertificate, isSignedBy, parseCertificates } from '@x/notary-pki';
import { goQuote } from '@x/notary-pki/foundation';
import { TrustPolicyError } from './errors.js';
import {
  isTrustStoreType,
  isValidTrustStoreName,
  splitTrustStoreReference,
  TRUST_STORE_TYPES,
  type TrustStoreType,
  trustStoreNameRule,
} from './trust-store-reference.js';

export { isTrustStoreType, isValidTrustStoreName, TRUST_STORE_TYPES, type TrustStoreType, trustStoreNameRule };

export interface TrustStore {
  /**
   * The certificates of one named store. Rejects with
   * {@link TrustPolicyError} `ERR_TRUST_STORE_NOT_FOUND` when the store does
   * not exist and `ERR_TRUST_STORE_INVALID` when it is unusable.
   */
  getCertificates(type: TrustStoreType, name: string): Promise<readonly Certificate[]>;
}

/** The signing schemes of SCH (notary.x509, notary.x509.signingAuthority). */
export type SigningScheme = 'notary.x509' | 'notary.x509.signingAuthority';

function storeError(message: string, cause?: unknown): TrustPolicyError {
  return new TrustPolicyError('ERR_TRUST_STORE_INVALID', message, cause === undefined ? {} : { cause });
}

/** TS-1: the type and name a store is asked for, checked as notation does. */
export function checkStoreAddress(type: string, name: string): void {
  if (!isTrustStoreType(type)) throw storeError(`unsupported trust store type: ${type}`);
  if (!isValidTrustStoreName(name))
    throw storeError(`trust store name needs to follow ${trustStoreNameRule(name)}, ${name} is invalid`);
}

/** ERR_TRUST_STORE_NOT_FOUND with notation's message. */
export function trustStoreNotFound(type: string, name: string, cause?: unknown): TrustPolicyError {
  return new TrustPolicyError(
    'ERR_TRUST_STORE_NOT_FOUND',
    `the trust store ${goQuote(name)} of type ${goQuote(type)} does not exist`,
    cause === undefined ? {} : { cause },
  );
}

async function isSelfSigned(cert: Certificate): Promise<boolean> {
  try {
    return await isSignedBy(cert, cert);
  } catch {
    // An unsupported or SHA-1 signature cannot count as self-signed (Go's CheckSignature refuses both).
    return false;
  }
}

/** Go's `isRootCACertificate` failure text, or undefined for a root. */
async function rootProblem(cert: Certificate): Promise<string | undefined> {
  let selfIssued: boolean;
  try {
    selfIssued = await isRootCertificate(cert);
  } catch (error) {
    const reason =
      error instanceof Error && error.cause instanceof Error
        ? error.cause.message
        : error instanceof Error
          ? error.message
          : String(error);
    return `certificate with subject ${goQuote(cert.subject)} is not a root CA certificate: ${reason}`;
  }
  if (!selfIssued) {
    return `certificate with subject ${goQuote(cert.subject)} is not a root CA certificate: issuer (${cert.issuer}) and subject (${cert.subject}) are not the same`;
  }
  return undefined;
}

/**
 * TS-5 [impl]: checks one group of certificates (one file of a file store, or
 * one entry of a memory store) named `source` in store `type:name`. Every
 * certificate must be a CA or self-signed; in a `tsa` store each must also be
 * a root. An empty group fails like notation's `ValidateCertificates`.
 */
export async function validateStoreCertificates(
  certificates: readonly Certificate[],
  type: TrustStoreType,
  name: string,
  source: string,
): Promise<void> {
  const where = `the trusted certificate ${source} in trust store ${name} of type ${type}`;
  if (certificates.length === 0)
    throw storeError(`failed to validate ${where}`, new Error('input certs cannot be empty'));
  for (const cert of certificates) {
    if (cert.basicConstraints?.ca !== true && !(await isSelfSigned(cert))) {
      throw storeError(
        `failed to validate ${where}`,
        new Error(
          `certificate with subject ${goQuote(cert.subject)} is not a CA certificate or self-signed signing certificate`,
        ),
      );
    }
  }
  if (type === 'tsa') {
    for (const cert of certificates) {
      const problem = await rootProblem(cert);
      if (problem !== undefined)
        throw storeError(
          `trusted certificate ${source} in trust store ${name} of type ${type} is invalid: ${problem}`,
          new Error(problem),
        );
    }
  }
}

/** TS-4 [impl]: a store that yields no certificate is an error. */
export function emptyStoreError(type: string, name: string): TrustPolicyError {
  return storeError(`no x509 certificates were found in trust store ${goQuote(name)} of type ${goQuote(type)}`);
}

export type MemoryTrustStoreEntry = readonly Certificate[] | string | Uint8Array;

/**
 * A trust store held in memory: `{ 'ca:acme': [cert] | PEM | DER, … }`.
 * Entries are parsed and validated on first use with the same rules as the
 * file store (each entry counts as one file), so a bad entry fails at
 * verification time like a bad file would.
 */
export class MemoryTrustStore implements TrustStore {
  readonly #entries = new Map<string, MemoryTrustStoreEntry>();
  readonly #loaded = new Map<string, Promise<readonly Certificate[]>>();

  constructor(stores: Readonly<Record<string, MemoryTrustStoreEntry>>) {
    for (const [reference, entry] of Object.entries(stores)) {
      const parts = splitTrustStoreReference(reference);
      if (parts === undefined)
        throw storeError(
          `malformed trust store key ${goQuote(reference)}. The required format is <TrustStoreType>:<TrustStoreName>`,
        );
      checkStoreAddress(parts.type, parts.name);
      this.#entries.set(reference, entry);
    }
  }

  getCertificates(type: TrustStoreType, name: string): Promise<readonly Certificate[]> {
    try {
      checkStoreAddress(type, name);
    } catch (error) {
      return Promise.reject(error);
    }
    const key = `${type}:${name}`;
    let loaded = this.#loaded.get(key);
    if (loaded === undefined) {
      loaded = this.#load(type, name, key);
      this.#loaded.set(key, loaded);
    }
    return loaded;
  }

  async #load(type: TrustStoreType, name: string, key: string): Promise<readonly Certificate[]> {
    const entry = this.#entries.get(key);
    if (entry === undefined) throw trustStoreNotFound(type, name);
    let certificates: readonly Certificate[];
    if (typeof entry === 'string' || entry instanceof Uint8Array) {
      try {
        certificates = parseCertificates(entry);
      } catch (error) {
        throw storeError(`failed to read the trusted certificates in trust store ${name} of type ${type}`, error);
      }
    } else {
      certificates = entry;
    }
    if (certificates.length === 0) throw emptyStoreError(type, name);
    for (let i = 0; i < certificates.length; i++)
      await validateStoreCertificates([certificates[i]!], type, name, `#${i + 1}`);
    return Object.freeze([...certificates]);
  }
}

/**
 * Certificates of every store a statement references (TP-7), restricted to
 * `type` when given, each reference loaded once however often it is listed.
 * Store errors propagate unchanged (VER-4: the caller reports them as an
 * authenticity or timestamp failure).
 */
export async function loadTrustStores(
  trustStore: TrustStore,
  statement: { readonly name: string; readonly trustStores?: readonly string[] | undefined },
  type?: TrustStoreType,
): Promise<Certificate[]> {
  const done = new Set<string>();
  const certificates: Certificate[] = [];
  for (const reference of statement.trustStores ?? []) {
    if (done.has(reference)) continue;
    const parts = splitTrustStoreReference(reference);
    if (parts === undefined) {
      throw storeError(
        `error while loading the trust store, trust policy statement ${goQuote(statement.name)} is missing separator in trust store value ${goQuote(reference)}. The required format is <TrustStoreType>:<TrustStoreName>`,
      );
    }
    if (type !== undefined && parts.type !== type) continue;
    if (!isTrustStoreType(parts.type)) throw storeError(`unsupported trust store type: ${parts.type}`);
    certificates.push(...(await trustStore.getCertificates(parts.type, parts.name)));
    done.add(reference);
  }
  return certificates;
}

/** VER-4: the stores that anchor authenticity: `ca` for notary.x509, `signingAuthority` for notary.x509.signingAuthority. */
export function loadAuthenticityTrustStores(
  trustStore: TrustStore,
  statement: { readonly name: string; readonly trustStores?: readonly string[] | undefined },
  scheme: string,
): Promise<Certificate[]> {
  if (scheme === 'notary.x509') return loadTrustStores(trustStore, statement, 'ca');
  if (scheme === 'notary.x509.signingAuthority') return loadTrustStores(trustStore, statement, 'signingAuthority');
  return Promise.reject(
    storeError(`error while loading the trust store, unrecognized signing scheme ${goQuote(scheme)}`),
  );
}

/** TSA-3 step 5: the `tsa` stores; only notary.x509 signatures are timestamp-verified. */
export function loadTimestampTrustStores(
  trustStore: TrustStore,
  statement: { readonly name: string; readonly trustStores?: readonly string[] | undefined },
  scheme: string,
): Promise<Certificate[]> {
  if (scheme !== 'notary.x509') {
    return Promise.reject(
      storeError(`error while loading the TSA trust store, signing scheme must be notary.x509, but got ${scheme}`),
    );
  }
  return loadTrustStores(trustStore, statement, 'tsa');
}
