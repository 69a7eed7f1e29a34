/**
 * An in-memory Repository: content-addressed blobs and manifests, tags, and
 * referrers found by scanning stored manifests' `subject` (as oras-go's
 * memory store and notation-go's non-registry path do). For tests, demos
 * and staging before a push; it applies the same checks as the other
 * stores (digest and size on every read, the 4 MiB manifest cap of OCI-9).
 */
import {
  ARTIFACT_TYPE_NOTARY_SIGNATURE,
  type Descriptor,
  MANIFEST_MEDIA_TYPES,
  MAX_ENVELOPE_BYTES,
  MAX_MANIFEST_BYTES,
} from './descriptor.js';
import { descriptorFor, isDigest, parseDigest, verifyContent } from './digest.js';
import { OciError } from './errors.js';
import { collectReferrerPages, singlePage } from './referrers-listing.js';
import type { ReferrersOptions, Repository } from './repository.js';
import { type ManifestFacts, manifestFacts, referrerDescriptor } from './signature-manifest.js';

/** The distribution spec's tag grammar. */
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Throws ERR_OCI_REFERENCE_INVALID unless `tag` follows the distribution tag grammar. */
export function checkTag(tag: string): void {
  if (typeof tag !== 'string' || !TAG_PATTERN.test(tag)) {
    throw new OciError(
      'ERR_OCI_REFERENCE_INVALID',
      `invalid tag ${JSON.stringify(tag)}: want [A-Za-z0-9_][A-Za-z0-9._-]{0,127}`,
    );
  }
}

/**
 * The checks a local store makes before accepting a manifest, as a
 * registry would: a manifest media type, ≤ 4 MiB (OCI-9), a JSON object
 * whose own `mediaType` (if any) agrees. Returns what the store indexes.
 */
export function checkManifestForPush(bytes: Uint8Array, mediaType: string): ManifestFacts {
  if (!MANIFEST_MEDIA_TYPES.includes(mediaType)) {
    throw new OciError('ERR_OCI_UNSUPPORTED_MEDIA_TYPE', `${JSON.stringify(mediaType)} is not a manifest media type`);
  }
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new OciError(
      'ERR_OCI_TOO_LARGE',
      `manifest too large: ${bytes.length} bytes, limit ${MAX_MANIFEST_BYTES} (OCI-9)`,
    );
  }
  const facts = manifestFacts(bytes, mediaType);
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    /* manifestFacts already refused non-JSON */
  }
  const declared = (body as { mediaType?: unknown } | undefined)?.mediaType;
  if (declared !== undefined && declared !== mediaType) {
    throw new OciError(
      'ERR_OCI_UNSUPPORTED_MEDIA_TYPE',
      `manifest body declares mediaType ${JSON.stringify(declared)}, pushed as ${JSON.stringify(mediaType)}`,
    );
  }
  for (const ref of facts.references) {
    if (!isDigest(ref.digest))
      throw new OciError(
        'ERR_OCI_REFERENCE_INVALID',
        `manifest references invalid digest ${JSON.stringify(ref.digest)}`,
      );
  }
  return facts;
}

/** Whether a referrer passes the `artifactType` filter, with notation's local-store rule for signatures (OCI-3 [impl]). */
export function referrerMatches(facts: ManifestFacts, artifactType: string | undefined): boolean {
  if (artifactType === undefined) return true;
  if (facts.artifactType !== artifactType) return false;
  return artifactType !== ARTIFACT_TYPE_NOTARY_SIGNATURE || facts.acceptableAsSignature;
}

function checkSignal(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}

interface Stored {
  descriptor: Descriptor;
  bytes: Uint8Array;
}

interface StoredManifest extends Stored {
  facts: ManifestFacts;
}

export interface MemoryRepositoryOptions {
  /** Label used in messages and scope matching; default `memory`. */
  name?: string;
}

export class MemoryRepository implements Repository {
  readonly name: string;
  readonly #blobs = new Map<string, Stored>();
  // Insertion order is push order: referrers are listed in it.
  readonly #manifests = new Map<string, StoredManifest>();
  readonly #tags = new Map<string, string>();

  constructor(options: MemoryRepositoryOptions = {}) {
    this.name = options.name ?? 'memory';
  }

  async resolve(reference: string, options?: { signal?: AbortSignal }): Promise<Descriptor> {
    checkSignal(options?.signal);
    return { ...this.#lookup(reference).descriptor };
  }

  async fetchManifest(
    reference: string | Descriptor,
    options?: { signal?: AbortSignal },
  ): Promise<{ descriptor: Descriptor; bytes: Uint8Array }> {
    checkSignal(options?.signal);
    if (typeof reference === 'string') {
      const stored = this.#lookup(reference);
      verifyContent(stored.bytes, stored.descriptor);
      return { descriptor: { ...stored.descriptor }, bytes: stored.bytes.slice() };
    }
    // The cap is checked on the descriptor before reading (OCI-9).
    if (reference.size > MAX_MANIFEST_BYTES) {
      throw new OciError(
        'ERR_OCI_TOO_LARGE',
        `manifest ${reference.digest} too large: ${reference.size} bytes, limit ${MAX_MANIFEST_BYTES} (OCI-9)`,
      );
    }
    parseDigest(reference.digest);
    const stored = this.#manifests.get(reference.digest);
    if (!stored) throw new OciError('ERR_OCI_NOT_FOUND', `manifest ${reference.digest} not found in ${this.name}`);
    verifyContent(stored.bytes, reference);
    return { descriptor: { ...stored.descriptor }, bytes: stored.bytes.slice() };
  }

  async fetchBlob(descriptor: Descriptor, options?: { maxBytes?: number; signal?: AbortSignal }): Promise<Uint8Array> {
    checkSignal(options?.signal);
    const maxBytes = options?.maxBytes ?? MAX_ENVELOPE_BYTES;
    if (descriptor.size > maxBytes) {
      throw new OciError(
        'ERR_OCI_TOO_LARGE',
        `blob ${descriptor.digest} too large: ${descriptor.size} bytes, limit ${maxBytes}`,
      );
    }
    parseDigest(descriptor.digest);
    const stored = this.#blobs.get(descriptor.digest);
    if (!stored) throw new OciError('ERR_OCI_NOT_FOUND', `blob ${descriptor.digest} not found in ${this.name}`);
    verifyContent(stored.bytes, descriptor);
    return stored.bytes.slice();
  }

  async pushBlob(bytes: Uint8Array, mediaType: string, options?: { signal?: AbortSignal }): Promise<Descriptor> {
    checkSignal(options?.signal);
    const descriptor = descriptorFor(mediaType, bytes);
    // Content-addressed: an existing blob is kept as is (the bytes are the same by digest).
    if (!this.#blobs.has(descriptor.digest)) this.#blobs.set(descriptor.digest, { descriptor, bytes: bytes.slice() });
    return descriptor;
  }

  async pushManifest(
    bytes: Uint8Array,
    mediaType: string,
    options?: { tag?: string; signal?: AbortSignal },
  ): Promise<Descriptor> {
    checkSignal(options?.signal);
    if (options?.tag !== undefined) checkTag(options.tag);
    const facts = checkManifestForPush(bytes, mediaType);
    // As a registry does (MANIFEST_BLOB_UNKNOWN): everything referenced must be present; the subject need not be.
    for (const ref of facts.references) {
      const present = facts.children.includes(ref) ? this.#manifests.has(ref.digest) : this.#blobs.has(ref.digest);
      if (!present)
        throw new OciError(
          'ERR_OCI_NOT_FOUND',
          `manifest references ${ref.digest} (${ref.mediaType}), which is not in ${this.name}`,
        );
    }
    const descriptor = descriptorFor(mediaType, bytes);
    if (!this.#manifests.has(descriptor.digest))
      this.#manifests.set(descriptor.digest, { descriptor, bytes: bytes.slice(), facts });
    if (options?.tag !== undefined) this.#tags.set(options.tag, descriptor.digest);
    return { ...descriptor };
  }

  async tag(descriptor: Descriptor, tag: string, options?: { signal?: AbortSignal }): Promise<void> {
    checkSignal(options?.signal);
    checkTag(tag);
    if (!this.#manifests.has(descriptor.digest))
      throw new OciError('ERR_OCI_NOT_FOUND', `manifest ${descriptor.digest} not found in ${this.name}`);
    this.#tags.set(tag, descriptor.digest);
  }

  async tags(options?: { signal?: AbortSignal }): Promise<string[]> {
    checkSignal(options?.signal);
    // Lexical order, as the distribution tags list returns.
    return [...this.#tags.keys()].sort();
  }

  referrerPages(subject: Descriptor, options?: ReferrersOptions): AsyncIterable<Descriptor[]> {
    return singlePage(`referrers of ${this.name}@${subject.digest}`, () => this.#referrers(subject, options));
  }

  referrers(subject: Descriptor, options?: ReferrersOptions): Promise<Descriptor[]> {
    return collectReferrerPages(this.referrerPages(subject, options));
  }

  async #referrers(subject: Descriptor, options?: ReferrersOptions): Promise<Descriptor[]> {
    checkSignal(options?.signal);
    const out: Descriptor[] = [];
    for (const stored of this.#manifests.values()) {
      if (stored.facts.subject?.digest !== subject.digest) continue;
      if (!referrerMatches(stored.facts, options?.artifactType)) continue;
      out.push(referrerDescriptor(stored.descriptor, stored.facts));
    }
    return out;
  }

  async deleteManifest(descriptor: Descriptor, options?: { signal?: AbortSignal }): Promise<void> {
    checkSignal(options?.signal);
    if (!this.#manifests.delete(descriptor.digest))
      throw new OciError('ERR_OCI_NOT_FOUND', `manifest ${descriptor.digest} not found in ${this.name}`);
    for (const [tag, digest] of this.#tags) if (digest === descriptor.digest) this.#tags.delete(tag);
  }

  /** Whether a blob is present (for tests and push planning). */
  hasBlob(digest: string): boolean {
    return this.#blobs.has(digest);
  }

  #lookup(reference: string): StoredManifest {
    if (typeof reference !== 'string' || reference === '')
      throw new OciError('ERR_OCI_REFERENCE_INVALID', 'empty reference');
    let digest: string | undefined;
    if (reference.includes(':')) {
      parseDigest(reference);
      digest = reference;
    } else {
      checkTag(reference);
      digest = this.#tags.get(reference);
      if (digest === undefined) throw new OciError('ERR_OCI_NOT_FOUND', `tag ${reference} not found in ${this.name}`);
    }
    const stored = this.#manifests.get(digest);
    if (!stored) throw new OciError('ERR_OCI_NOT_FOUND', `manifest ${digest} not found in ${this.name}`);
    return stored;
  }
}
