/**
 * A Repository over an OCI image layout directory (image-spec
 * image-layout.md): an `oci-layout` file with imageLayoutVersion 1.0.0,
 * `index.json`, and `blobs/<alg>/<hex>`. This is the SDK's embedded store,
 * the equivalent of notation's `--oci-layout` (notation-go
 * NewOCIRepository over oras-go's oci.Store):
 *
 * - tags are `org.opencontainers.image.ref.name` annotations of index.json
 *   entries; every pushed manifest also gets an untagged entry, as oras-go
 *   tags each manifest by its digest, so it stays reachable;
 * - referrers are found by walking everything reachable from index.json
 *   (indexes included, so tag-schema indexes count) for a `subject`, like
 *   oras-go's Predecessors and notation-go's signatureReferrers (OCI-7, OCI-8
 *   have no API to ask here);
 * - writes go to a temporary file in the target directory and are renamed
 *   into place, so a reader never sees a half-written blob or index.
 */

import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve as resolvePath } from 'node:path';
import {
  type Descriptor,
  MANIFEST_MEDIA_TYPES,
  MAX_ENVELOPE_BYTES,
  MAX_MANIFEST_BYTES,
  MEDIA_TYPE_OCI_INDEX,
} from '../descriptor.js';
import { descriptorFor, isDigest, parseDigest, verifyContent } from '../digest.js';
import { OciError } from '../errors.js';
import { checkManifestForPush, checkTag, referrerMatches } from '../memory-repository.js';
import { collectReferrerPages, singlePage } from '../referrers-listing.js';
import type { ReferrersOptions, Repository } from '../repository.js';
import {
  ANNOTATION_REF_NAME,
  encodeImageIndex,
  type ImageIndexJson,
  manifestFacts,
  referrerDescriptor,
} from '../signature-manifest.js';

/** The only layout version image-spec defines; oras-go refuses others. */
export const IMAGE_LAYOUT_VERSION = '1.0.0';

export interface OciLayoutOptions {
  /** Create the directory, `oci-layout`, `index.json` and `blobs/` when missing (as oras-go's oci.New does). Default false: they must exist. */
  create?: boolean;
  /** Never write (pushes, tags and deletes are refused with ERR_OCI_REFUSED). */
  readOnly?: boolean;
  /**
   * The repository name used in messages and, by `verify`, as the trust-policy
   * scope (TP-9: the statement is picked by `<name>@<digest>`); it plays the
   * part of notation's `--scope`. Default: `local/` and the absolute path's
   * segments made valid scope components (lower-cased, other characters as
   * `-`), e.g. `/srv/My Layouts/app` becomes `local/srv/my-layouts/app`.
   */
  name?: string;
}

/** A parsed `path[:tag|@digest]` (notation's `--oci-layout` reference form). */
export interface LayoutReference {
  path: string;
  /** The tag or digest, when the reference has one. */
  reference?: string;
  kind: 'tag' | 'digest' | 'none';
}

/**
 * Splits `path[:tag|@digest]` as notation does: the last `@` introduces a
 * digest; otherwise the last `:` introduces a tag, unless it is a Windows
 * drive (`C:\…`) or is followed by a path separator (a `:` inside the path).
 */
export function parseLayoutReference(raw: string): LayoutReference {
  if (typeof raw !== 'string' || raw === '')
    throw new OciError('ERR_OCI_REFERENCE_INVALID', 'empty OCI layout reference');
  const at = raw.lastIndexOf('@');
  if (at !== -1) {
    const path = raw.slice(0, at);
    const reference = raw.slice(at + 1);
    if (path === '') throw new OciError('ERR_OCI_REFERENCE_INVALID', `found empty file path in ${JSON.stringify(raw)}`);
    parseDigest(reference);
    return { path, reference, kind: 'digest' };
  }
  const colon = raw.lastIndexOf(':');
  const rest = colon === -1 ? '' : raw.slice(colon + 1);
  const isDrive = colon === 1 && /^[A-Za-z]$/.test(raw[0]!) && (raw[2] === '\\' || raw[2] === '/');
  if (colon === -1 || isDrive || /[\\/]/.test(rest)) return { path: raw, kind: 'none' };
  const path = raw.slice(0, colon);
  if (path === '') throw new OciError('ERR_OCI_REFERENCE_INVALID', `found empty file path in ${JSON.stringify(raw)}`);
  if (rest === '') throw new OciError('ERR_OCI_REFERENCE_INVALID', `found empty reference in ${JSON.stringify(raw)}`);
  checkTag(rest);
  return { path, reference: rest, kind: 'tag' };
}

/** notation's example of a local scope names the domain `local` (TP-8). */
const LOCAL_SCOPE_DOMAIN = 'local';

/**
 * One path segment as a repository path component (`[a-z0-9]+` joined by
 * `.`, `_`, `__` or dashes): lower-cased, any other run of characters becomes
 * one dash, and separators at either end are dropped. Linear: one pass of a
 * character-class regex; after it no separator run is longer than two.
 */
function scopeComponent(segment: string): string {
  const joined = segment
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, (run) => (run === '.' || run === '_' || run === '__' ? run : '-'));
  let start = 0;
  let end = joined.length;
  while (start < end && !/[a-z0-9]/.test(joined[start]!)) start++;
  while (end > start && !/[a-z0-9]/.test(joined[end - 1]!)) end--;
  return joined.slice(start, end);
}

/**
 * TP-9 (issue 15 item 1): the default name of a layout at absolute path
 * `root`, `local/<path segments>`, which is a valid registry scope, so that
 * `verify` with default options selects the global (`*`) statement, or a
 * statement that lists this name, instead of failing on an invalid scope.
 *
 * `[impl]` notation has no default: `notation verify --oci-layout` requires
 * `--scope` and selects by `<scope>@<digest>` (notation's
 * resolveArtifactDigestReference; notation-go's getArtifactPathFromReference
 * rejects a repository outside the scope grammar before even trying `*`).
 * The path, not just the directory's base name, keeps two layouts called
 * `app` apart; paths that differ only in case or punctuation share a name.
 */
function defaultLayoutName(root: string): string {
  const components = root
    .split(/[\\/]+/)
    .map(scopeComponent)
    .filter((c) => c !== '');
  return `${LOCAL_SCOPE_DOMAIN}/${components.length > 0 ? components.join('/') : 'oci-layout'}`;
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

function notLayout(root: string, why: string, cause?: unknown): OciError {
  return new OciError(
    'ERR_OCI_UNSUPPORTED_MEDIA_TYPE',
    `${root} is not a valid OCI image layout: ${why}`,
    cause === undefined ? undefined : { cause },
  );
}

function plain(d: Descriptor): Descriptor {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}

function withoutRefName(d: Descriptor): Descriptor {
  if (!d.annotations || !(ANNOTATION_REF_NAME in d.annotations)) return { ...d };
  const { [ANNOTATION_REF_NAME]: _dropped, ...rest } = d.annotations;
  const out: Descriptor = { ...d };
  if (Object.keys(rest).length > 0) out.annotations = rest;
  else delete out.annotations;
  return out;
}

function refName(d: Descriptor): string | undefined {
  const v = d.annotations?.[ANNOTATION_REF_NAME];
  return v === undefined || v === '' ? undefined : v;
}

/** Writes `bytes` to `path` via a temporary sibling and a rename, so the file appears whole or not at all. */
async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.tmp-${randomBytes(8).toString('hex')}`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(bytes);
      // Flush before the rename: a crash must not leave a renamed but empty file.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

interface LoadedIndex {
  index: ImageIndexJson;
}

export class OciLayoutRepository implements Repository {
  readonly name: string;
  /** The layout's absolute directory. */
  readonly root: string;
  readonly readOnly: boolean;
  /**
   * `sign` writes the legacy form here (OCI-3, AMB-20): notation v1.3.2's
   * `--oci-layout` finds only that form, v2 finds both (issue 13 item 1,
   * checked with both binaries). `[impl]` notation v2 writes the OCI 1.1 form
   * into layouts, which v1.3.2 cannot see.
   */
  readonly signatureManifestForm = 'legacy' as const;
  // Serialises read-modify-write of index.json within this process.
  #lock: Promise<unknown> = Promise.resolve();

  private constructor(root: string, options: OciLayoutOptions) {
    this.root = root;
    this.readOnly = options.readOnly ?? false;
    this.name = options.name ?? defaultLayoutName(root);
  }

  /**
   * Opens a layout, validating `oci-layout` (version 1.0.0) and
   * `index.json`; with `create`, makes what is missing first.
   */
  static async open(path: string, options: OciLayoutOptions = {}): Promise<OciLayoutRepository> {
    const root = resolvePath(path);
    const create = (options.create ?? false) && !options.readOnly;
    try {
      const info = await stat(root);
      if (!info.isDirectory()) throw notLayout(root, 'not a directory');
    } catch (error) {
      if (!isNotFound(error)) throw error;
      if (!create) throw new OciError('ERR_OCI_NOT_FOUND', `OCI image layout ${root} does not exist`, { cause: error });
      await mkdir(root, { recursive: true });
    }
    const repo = new OciLayoutRepository(root, options);

    const layoutPath = join(root, 'oci-layout');
    let layoutText: string | undefined;
    try {
      layoutText = await readFile(layoutPath, 'utf8');
    } catch (error) {
      if (!isNotFound(error)) throw error;
      if (!create) throw notLayout(root, 'the oci-layout file is missing', error);
      await writeAtomic(layoutPath, new TextEncoder().encode(`{"imageLayoutVersion":"${IMAGE_LAYOUT_VERSION}"}`));
    }
    if (layoutText !== undefined) {
      let layout: unknown;
      try {
        layout = JSON.parse(layoutText);
      } catch (cause) {
        throw notLayout(root, 'oci-layout is not JSON', cause);
      }
      const version = (layout as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion;
      if (version !== IMAGE_LAYOUT_VERSION)
        throw notLayout(
          root,
          `unsupported imageLayoutVersion ${JSON.stringify(version)}, want ${IMAGE_LAYOUT_VERSION}`,
        );
    }

    try {
      await repo.#loadIndex();
    } catch (error) {
      if (!(error instanceof OciError && error.code === 'ERR_OCI_NOT_FOUND') || !create) throw error;
      // A new index as oras-go writes it.
      await writeAtomic(
        join(root, 'index.json'),
        encodeImageIndex({ schemaVersion: 2, mediaType: MEDIA_TYPE_OCI_INDEX, manifests: [] }),
      );
    }
    if (create) await mkdir(join(root, 'blobs'), { recursive: true });
    return repo;
  }

  async resolve(reference: string, options?: { signal?: AbortSignal }): Promise<Descriptor> {
    options?.signal?.throwIfAborted();
    if (typeof reference !== 'string' || reference === '')
      throw new OciError('ERR_OCI_REFERENCE_INVALID', 'empty reference');
    const { index } = await this.#loadIndex();
    if (!reference.includes(':')) {
      checkTag(reference);
      // Later entries win, as oras-go's loadIndex tags them in order.
      let entry: Descriptor | undefined;
      for (const d of index.manifests) if (refName(d) === reference) entry = d;
      if (!entry) throw new OciError('ERR_OCI_NOT_FOUND', `tag ${reference} not found in ${this.name}`);
      return plain(entry);
    }
    parseDigest(reference);
    const listed = index.manifests.find((d) => d.digest === reference);
    if (listed) return plain(listed);
    // Reachable through an index (e.g. a tag-schema referrers index) but not listed itself.
    const reached = (await this.#reachable(index, options?.signal)).find((n) => n.descriptor.digest === reference);
    if (reached) return plain(reached.descriptor);
    // Otherwise a manifest blob that nothing lists: learn its media type from its body.
    const size = await this.#blobSize(reference);
    if (size !== undefined && size <= MAX_MANIFEST_BYTES) {
      const bytes = await this.#readBlob(reference, undefined, MAX_MANIFEST_BYTES);
      const declared = sniffMediaType(bytes);
      if (declared && MANIFEST_MEDIA_TYPES.includes(declared)) return { mediaType: declared, digest: reference, size };
    }
    throw new OciError('ERR_OCI_NOT_FOUND', `manifest ${reference} not found in ${this.name}`);
  }

  async fetchManifest(
    reference: string | Descriptor,
    options?: { signal?: AbortSignal },
  ): Promise<{ descriptor: Descriptor; bytes: Uint8Array }> {
    const descriptor = typeof reference === 'string' ? await this.resolve(reference, options) : plain(reference);
    options?.signal?.throwIfAborted();
    // The cap is checked on the descriptor before reading (OCI-9).
    if (descriptor.size > MAX_MANIFEST_BYTES) {
      throw new OciError(
        'ERR_OCI_TOO_LARGE',
        `manifest ${descriptor.digest} too large: ${descriptor.size} bytes, limit ${MAX_MANIFEST_BYTES} (OCI-9)`,
      );
    }
    const bytes = await this.#readBlob(descriptor.digest, descriptor.size, MAX_MANIFEST_BYTES);
    return { descriptor, bytes };
  }

  async fetchBlob(descriptor: Descriptor, options?: { maxBytes?: number; signal?: AbortSignal }): Promise<Uint8Array> {
    options?.signal?.throwIfAborted();
    const maxBytes = options?.maxBytes ?? MAX_ENVELOPE_BYTES;
    if (descriptor.size > maxBytes) {
      throw new OciError(
        'ERR_OCI_TOO_LARGE',
        `blob ${descriptor.digest} too large: ${descriptor.size} bytes, limit ${maxBytes}`,
      );
    }
    return this.#readBlob(descriptor.digest, descriptor.size, maxBytes);
  }

  async pushBlob(bytes: Uint8Array, mediaType: string, options?: { signal?: AbortSignal }): Promise<Descriptor> {
    options?.signal?.throwIfAborted();
    this.#checkWritable();
    const descriptor = descriptorFor(mediaType, bytes);
    await this.#writeBlob(descriptor.digest, bytes);
    return descriptor;
  }

  async pushManifest(
    bytes: Uint8Array,
    mediaType: string,
    options?: { tag?: string; signal?: AbortSignal },
  ): Promise<Descriptor> {
    options?.signal?.throwIfAborted();
    this.#checkWritable();
    if (options?.tag !== undefined) checkTag(options.tag);
    const facts = checkManifestForPush(bytes, mediaType);
    for (const ref of facts.references) {
      if ((await this.#blobSize(ref.digest)) === undefined) {
        throw new OciError(
          'ERR_OCI_NOT_FOUND',
          `manifest references ${ref.digest} (${ref.mediaType}), which is not in ${this.name}`,
        );
      }
    }
    const descriptor = descriptorFor(mediaType, bytes);
    await this.#writeBlob(descriptor.digest, bytes);
    // The index entry carries the manifest's annotations and artifactType, as oras-go's PackManifest descriptor does.
    const entry: Descriptor = {
      ...descriptor,
      ...(facts.annotations ? { annotations: facts.annotations } : {}),
      ...(facts.declaredArtifactType ? { artifactType: facts.declaredArtifactType } : {}),
    };
    await this.#updateIndex((manifests) => {
      let next = manifests;
      if (!next.some((d) => d.digest === entry.digest)) next = [...next, entry];
      return options?.tag === undefined ? next : retag(next, entry, options.tag);
    });
    return descriptor;
  }

  async tag(descriptor: Descriptor, tag: string, options?: { signal?: AbortSignal }): Promise<void> {
    options?.signal?.throwIfAborted();
    this.#checkWritable();
    checkTag(tag);
    parseDigest(descriptor.digest);
    if ((await this.#blobSize(descriptor.digest)) === undefined) {
      throw new OciError('ERR_OCI_NOT_FOUND', `manifest ${descriptor.digest} not found in ${this.name}`);
    }
    await this.#updateIndex((manifests) => {
      const existing = manifests.find((d) => d.digest === descriptor.digest);
      return retag(manifests, existing ? withoutRefName(existing) : withoutRefName(descriptor), tag);
    });
  }

  async tags(options?: { signal?: AbortSignal }): Promise<string[]> {
    options?.signal?.throwIfAborted();
    const { index } = await this.#loadIndex();
    const names = new Set<string>();
    for (const d of index.manifests) {
      const name = refName(d);
      if (name !== undefined) names.add(name);
    }
    // Ascending, as oras-go's Tags lists them.
    return [...names].sort();
  }

  /** One page: everything reachable is walked (there is no API to ask), then capped like a registry's answer. */
  referrerPages(subject: Descriptor, options?: ReferrersOptions): AsyncIterable<Descriptor[]> {
    return singlePage(`referrers of ${this.name}@${subject.digest}`, () => this.#referrers(subject, options));
  }

  referrers(subject: Descriptor, options?: ReferrersOptions): Promise<Descriptor[]> {
    return collectReferrerPages(this.referrerPages(subject, options));
  }

  async #referrers(subject: Descriptor, options?: ReferrersOptions): Promise<Descriptor[]> {
    options?.signal?.throwIfAborted();
    const { index } = await this.#loadIndex();
    const out: Descriptor[] = [];
    for (const node of await this.#reachable(index, options?.signal)) {
      if (node.facts.subject?.digest !== subject.digest) continue;
      if (!referrerMatches(node.facts, options?.artifactType)) continue;
      out.push(referrerDescriptor(plain(node.descriptor), node.facts));
    }
    return out;
  }

  async deleteManifest(descriptor: Descriptor, options?: { signal?: AbortSignal }): Promise<void> {
    options?.signal?.throwIfAborted();
    this.#checkWritable();
    parseDigest(descriptor.digest);
    let listed = false;
    await this.#updateIndex((manifests) => {
      listed = manifests.some((d) => d.digest === descriptor.digest);
      return manifests.filter((d) => d.digest !== descriptor.digest);
    });
    // Blobs the manifest referenced are left in place: other manifests may share them.
    try {
      await unlink(this.#blobPath(descriptor.digest));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      if (!listed) throw new OciError('ERR_OCI_NOT_FOUND', `manifest ${descriptor.digest} not found in ${this.name}`);
    }
  }

  // -------------------------------------------------------------------------

  #checkWritable(): void {
    if (this.readOnly) throw new OciError('ERR_OCI_REFUSED', `${this.name} is opened read-only`);
  }

  #blobPath(digest: string): string {
    // parseDigest admits only [a-z0-9] algorithms and hex: no path can escape blobs/.
    const { algorithm, hex } = parseDigest(digest);
    return join(this.root, 'blobs', algorithm, hex);
  }

  async #blobSize(digest: string): Promise<number | undefined> {
    try {
      const info = await stat(this.#blobPath(digest));
      return info.isFile() ? info.size : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Reads a blob, refusing files over `cap`, and checks it against the digest and, when known, the expected size. */
  async #readBlob(digest: string, expectedSize: number | undefined, cap: number): Promise<Uint8Array> {
    const path = this.#blobPath(digest);
    const size = await this.#blobSize(digest);
    if (size === undefined) throw new OciError('ERR_OCI_NOT_FOUND', `blob ${digest} not found in ${this.name}`);
    // Refuse to read an oversized file at all, whatever the descriptor claims.
    if (size > cap) throw new OciError('ERR_OCI_TOO_LARGE', `blob ${digest} is ${size} bytes, limit ${cap}`);
    const bytes = new Uint8Array(await readFile(path));
    verifyContent(bytes, { digest, size: expectedSize ?? bytes.length });
    return bytes;
  }

  async #writeBlob(digest: string, bytes: Uint8Array): Promise<void> {
    const path = this.#blobPath(digest);
    // Content-addressed: an existing file of the right size is the same content.
    if ((await this.#blobSize(digest)) === bytes.length) return;
    await mkdir(dirname(path), { recursive: true });
    await writeAtomic(path, bytes);
  }

  async #loadIndex(): Promise<LoadedIndex> {
    let text: string;
    try {
      text = await readFile(join(this.root, 'index.json'), 'utf8');
    } catch (error) {
      if (isNotFound(error))
        throw new OciError('ERR_OCI_NOT_FOUND', `${this.root}: index.json is missing`, { cause: error });
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw notLayout(this.root, 'index.json is not JSON', cause);
    }
    const object = value as Partial<ImageIndexJson> | null;
    if (typeof object !== 'object' || object === null || Array.isArray(object))
      throw notLayout(this.root, 'index.json is not an object');
    const manifests = object.manifests ?? [];
    if (!Array.isArray(manifests)) throw notLayout(this.root, 'index.json manifests is not an array');
    for (const d of manifests) {
      const ok =
        typeof d === 'object' &&
        d !== null &&
        typeof d.mediaType === 'string' &&
        isDigest(d.digest) &&
        Number.isSafeInteger(d.size) &&
        d.size >= 0;
      if (!ok) throw notLayout(this.root, `index.json has an invalid descriptor ${JSON.stringify(d)}`);
    }
    return {
      index: {
        schemaVersion: typeof object.schemaVersion === 'number' ? object.schemaVersion : 2,
        ...(typeof object.mediaType === 'string' ? { mediaType: object.mediaType } : {}),
        ...(typeof object.artifactType === 'string' ? { artifactType: object.artifactType } : {}),
        manifests,
        ...(object.subject ? { subject: object.subject } : {}),
        ...(object.annotations ? { annotations: object.annotations } : {}),
      },
    };
  }

  /** Read-modify-write of index.json under the in-process lock, written atomically. */
  async #updateIndex(change: (manifests: Descriptor[]) => Descriptor[]): Promise<void> {
    const run = this.#lock.then(async () => {
      const { index } = await this.#loadIndex();
      const manifests = change([...index.manifests]);
      await writeAtomic(join(this.root, 'index.json'), encodeImageIndex({ ...index, manifests }));
    });
    this.#lock = run.catch(() => undefined);
    await run;
  }

  /**
   * Every manifest and index reachable from index.json, once each, in
   * walk order, with the members referrers need. Missing blobs are skipped
   * (a layout may hold only part of a graph); corrupt ones throw.
   */
  async #reachable(
    index: ImageIndexJson,
    signal: AbortSignal | undefined,
  ): Promise<{ descriptor: Descriptor; facts: ReturnType<typeof manifestFacts> }[]> {
    const seen = new Set<string>();
    const out: { descriptor: Descriptor; facts: ReturnType<typeof manifestFacts> }[] = [];
    const queue: Descriptor[] = [...index.manifests];
    while (queue.length > 0) {
      signal?.throwIfAborted();
      const d = queue.shift()!;
      if (seen.has(d.digest) || !MANIFEST_MEDIA_TYPES.includes(d.mediaType) || !isDigest(d.digest)) continue;
      seen.add(d.digest);
      if (d.size > MAX_MANIFEST_BYTES || (await this.#blobSize(d.digest)) === undefined) continue;
      const bytes = await this.#readBlob(d.digest, d.size, MAX_MANIFEST_BYTES);
      const facts = manifestFacts(bytes, d.mediaType);
      out.push({ descriptor: d, facts });
      queue.push(...facts.children);
    }
    return out;
  }
}

/** Points `tag` at `entry`: the tag's old entry is replaced in place, and an untagged entry of the same digest is folded in (oras-go's saveIndex dedup). */
function retag(manifests: Descriptor[], entry: Descriptor, tag: string): Descriptor[] {
  const base = withoutRefName(entry);
  const tagged: Descriptor = { ...base, annotations: { ...base.annotations, [ANNOTATION_REF_NAME]: tag } };
  const previous = manifests.find((d) => refName(d) === tag);
  const next: Descriptor[] = [];
  let placed = false;
  for (const d of manifests) {
    if (refName(d) === tag) {
      if (!placed) next.push(tagged);
      placed = true;
    } else if (!(d.digest === entry.digest && refName(d) === undefined)) next.push(d);
  }
  if (!previous) next.push(tagged);
  // Keep the previously tagged manifest reachable, as oras-go keeps its digest entry.
  else if (previous.digest !== entry.digest && !next.some((d) => d.digest === previous.digest))
    next.push(withoutRefName(previous));
  return next;
}

function sniffMediaType(bytes: Uint8Array): string | undefined {
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const mt = (v as { mediaType?: unknown } | null)?.mediaType;
    return typeof mt === 'string' ? mt : undefined;
  } catch {
    return undefined;
  }
}
