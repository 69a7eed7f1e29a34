import {
  type Descriptor,
  MANIFEST_MEDIA_TYPES,
  MAX_ENVELOPE_BYTES,
  MAX_MANIFEST_BYTES,
  MEDIA_TYPE_OCI_ARTIFACT_MANIFEST,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
} from '../descriptor.js';
import { OciError } from '../errors.js';
import { assertDigest, OciReference, parseReference, parseTagOrDigest } from '../reference.js';
import { collectReferrerPages, ReferrersBudget } from '../referrers-listing.js';
import type { ReferrersOptions, Repository } from '../repository.js';
import { repositoryScope } from './auth.js';
import { digestAlgorithm, digestOf, verifyFetchedContent } from './digest.js';
import { mediaTypeOf, parseNextLink, readBodyCapped, resolveUploadLocation } from './http.js';
import {
  ANNOTATION_REFERRERS_FILTERS_APPLIED,
  applyReferrerChanges,
  buildReferrersIndex,
  filterReferrers,
  HEADER_OCI_FILTERS_APPLIED,
  HEADER_OCI_SUBJECT,
  indexManifests,
  isFilterApplied,
  type ReferrerChange,
  ReferrersError,
  referrerOf,
  referrersTag,
  ZERO_DIGEST,
} from './referrers.js';
import { discard, RegistryClient, type RegistryClientOptions, type RegistryRequest } from './registry-client.js';

/*
 * A repository of a remote registry over the OCI distribution API, with the
 * behaviour of oras-go's remote.Repository (v2.6.0); see the package report
 * for where it deliberately differs.
 */

export interface RemoteRepositoryOptions extends RegistryClientOptions {
  /** `registry/repository` (a tag or digest in it is ignored). Or give `registry` and `repository`. */
  reference?: string;
  registry?: string;
  repository?: string;
  /**
   * A client to share: its token cache and its per-registry Referrers API
   * knowledge serve every repository built on it. When given, the
   * client-level options of this object are ignored.
   */
  client?: RegistryClient;
  /**
   * What the registry is known to support: true = the Referrers API (OCI-7),
   * false = only the tag schema (OCI-8). Unset: probed on first use and
   * remembered per registry.
   */
  referrersCapability?: boolean;
  /** Keep stale tag-schema indexes instead of deleting them (oras-go's SkipReferrersGC). */
  skipReferrersGc?: boolean;
  /** Page size asked of tag listings (`n`); unset lets the registry choose. */
  tagsPageSize?: number;
}

type Signal = { signal?: AbortSignal | undefined };

/** The registry has no Referrers API; caught to fall back to the tag schema (a NotaryError too, issue 14 finding 3). */
class ReferrersUnsupported extends OciError {
  constructor(message: string) {
    super('ERR_OCI_REGISTRY', message);
  }
}

/** A Referrers API listing whose first page has been fetched. */
interface ApiListing {
  first: IteratorResult<Descriptor[], void>;
  pages: AsyncGenerator<Descriptor[], void, undefined>;
}

/** A fetched tag-schema index, with what is needed to replace it safely. */
interface CurrentIndex {
  descriptor: Descriptor;
  manifests: Descriptor[];
  etag: string | undefined;
}

export class RemoteRepository implements Repository {
  /** The capability the caller fixed at construction, if any. */
  readonly #forcedReferrersCapability: boolean | undefined;
  readonly name: string;
  readonly registry: string;
  readonly repository: string;
  readonly client: RegistryClient;
  readonly #skipReferrersGc: boolean;
  readonly #tagsPageSize: number | undefined;

  constructor(options: RemoteRepositoryOptions) {
    let registry = options.registry;
    let repository = options.repository;
    if (options.reference !== undefined) {
      const ref = parseReference(options.reference);
      registry = ref.registry;
      repository = ref.repository;
    } else {
      if (registry === undefined || repository === undefined) {
        throw new OciError(
          'ERR_OCI_REFERENCE_INVALID',
          'a RemoteRepository needs a reference, or a registry and a repository',
        );
      }
      parseReference(`${registry}/${repository}`);
    }
    this.registry = registry!;
    this.repository = repository!;
    this.name = `${this.registry}/${this.repository}`;
    this.client = options.client ?? new RegistryClient(options);
    if (options.referrersCapability !== undefined)
      this.client.setReferrersCapability(this.registry, options.referrersCapability);
    this.#forcedReferrersCapability = options.referrersCapability;
    this.#skipReferrersGc = options.skipReferrersGc ?? false;
    this.#tagsPageSize = options.tagsPageSize;
  }

  /** The Referrers API capability known for this registry (undefined = not probed yet). */
  get referrersCapability(): boolean | undefined {
    return this.client.referrersCapability(this.registry);
  }

  #url(kind: 'manifests' | 'blobs' | 'tags' | 'referrers' | 'uploads', reference?: string): URL {
    const base = this.client.baseUrl(this.registry);
    switch (kind) {
      case 'tags':
        return new URL(`/v2/${this.repository}/tags/list`, base);
      case 'uploads':
        return new URL(`/v2/${this.repository}/blobs/uploads/`, base);
      default:
        return new URL(`/v2/${this.repository}/${kind}/${reference ?? ''}`, base);
    }
  }

  #request(req: Omit<RegistryRequest, 'registry'>): Promise<Response> {
    return this.client.request({ ...req, registry: this.registry });
  }

  #pull(): string[] {
    return [repositoryScope(this.repository, 'pull')];
  }

  #push(): string[] {
    // Distribution asks for pull and push to write (oras-go does the same).
    return [repositoryScope(this.repository, 'pull', 'push')];
  }

  /** A tag, a digest, or a full reference of this repository → its reference part. */
  #reference(reference: string): { tag?: string; digest?: string; ref: string } {
    if (reference.includes('/')) {
      const parsed = parseReference(reference);
      if (parsed.registry !== this.registry || parsed.repository !== this.repository) {
        throw new OciError('ERR_OCI_REFERENCE_INVALID', `reference ${reference} is not in repository ${this.name}`);
      }
      const ref = parsed.digest ?? parsed.tag;
      if (ref === undefined)
        throw new OciError('ERR_OCI_REFERENCE_INVALID', `reference ${reference} has no tag or digest`);
      return {
        ...(parsed.tag === undefined ? {} : { tag: parsed.tag }),
        ...(parsed.digest === undefined ? {} : { digest: parsed.digest }),
        ref,
      };
    }
    const parsed = parseTagOrDigest(reference);
    return { ...parsed, ref: reference };
  }

  /** Resolves a tag or digest with HEAD; a registry that gives no digest on HEAD is asked with GET. */
  async resolve(reference: string, options: Signal = {}): Promise<Descriptor> {
    const { digest, ref } = this.#reference(reference);
    const what = `resolve ${this.name}:${ref}`;
    const response = await this.#request({
      method: 'HEAD',
      url: this.#url('manifests', ref),
      headers: { accept: MANIFEST_MEDIA_TYPES.join(', ') },
      scopes: this.#pull(),
      signal: options.signal,
    });
    if (!response.ok) throw await this.client.failure(response, what, options.signal);
    await discard(response);
    const headerDigest = response.headers.get('docker-content-digest') ?? undefined;
    const length = response.headers.get('content-length');
    const mediaType = mediaTypeOf(response.headers.get('content-type'));
    if (headerDigest !== undefined) {
      try {
        assertDigest(headerDigest);
      } catch (error) {
        throw new OciError(
          'ERR_OCI_DIGEST_MISMATCH',
          `${what}: invalid Docker-Content-Digest ${JSON.stringify(headerDigest)}`,
          { cause: error },
        );
      }
      if (
        digest !== undefined &&
        digestAlgorithm(digest) === digestAlgorithm(headerDigest) &&
        headerDigest !== digest
      ) {
        throw new OciError(
          'ERR_OCI_DIGEST_MISMATCH',
          `${what}: the registry answered Docker-Content-Digest ${headerDigest}`,
        );
      }
    }
    const sameAlgorithm =
      headerDigest !== undefined && (digest === undefined || digestAlgorithm(digest) === digestAlgorithm(headerDigest));
    if (sameAlgorithm && length !== null && /^\d+$/.test(length) && MANIFEST_MEDIA_TYPES.includes(mediaType)) {
      if (Number(length) > MAX_MANIFEST_BYTES)
        throw new OciError(
          'ERR_OCI_TOO_LARGE',
          `${what}: manifest of ${length} bytes is over the ${MAX_MANIFEST_BYTES}-byte limit (OCI-9)`,
        );
      return { mediaType, digest: headerDigest!, size: Number(length) };
    }
    // HEAD gave no usable digest, size or type: fetch and hash the manifest.
    const { descriptor } = await this.fetchManifest(ref, options);
    return descriptor;
  }

  /**
   * Fetches a manifest (capped at 4 MiB, OCI-9) and verifies it: against
   * the descriptor's digest and size, the reference's digest, and the
   * registry's Docker-Content-Digest.
   */
  async fetchManifest(
    reference: string | Descriptor,
    options: Signal = {},
  ): Promise<{ descriptor: Descriptor; bytes: Uint8Array }> {
    const byDescriptor = typeof reference !== 'string';
    let ref: string;
    let expected: { digest?: string; size?: number } = {};
    if (byDescriptor) {
      assertDigest(reference.digest);
      if (reference.size > MAX_MANIFEST_BYTES) {
        throw new OciError(
          'ERR_OCI_TOO_LARGE',
          `manifest ${reference.digest} of ${reference.size} bytes is over the ${MAX_MANIFEST_BYTES}-byte limit (OCI-9)`,
        );
      }
      ref = reference.digest;
      expected = { digest: reference.digest, size: reference.size };
    } else {
      const parsed = this.#reference(reference);
      ref = parsed.ref;
      if (parsed.digest !== undefined) expected = { digest: parsed.digest };
    }
    const what = `fetch manifest ${this.name}${ref.includes(':') ? '@' : ':'}${ref}`;
    const accept =
      byDescriptor && MANIFEST_MEDIA_TYPES.includes(reference.mediaType)
        ? reference.mediaType
        : MANIFEST_MEDIA_TYPES.join(', ');
    const response = await this.#request({
      method: 'GET',
      url: this.#url('manifests', ref),
      headers: { accept },
      scopes: this.#pull(),
      signal: options.signal,
    });
    if (!response.ok) throw await this.client.failure(response, what, options.signal);
    const bytes = await readBodyCapped(response, MAX_MANIFEST_BYTES, {
      what: `${what} (OCI-9 limit)`,
      timeoutMs: this.client.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const digest = verifyFetchedContent(
      bytes,
      expected,
      response.headers.get('docker-content-digest') ?? undefined,
      what,
    );
    let mediaType = mediaTypeOf(response.headers.get('content-type'));
    if (!MANIFEST_MEDIA_TYPES.includes(mediaType)) mediaType = mediaTypeFromDocument(bytes) ?? mediaType;
    if (byDescriptor) {
      if (mediaType !== reference.mediaType) {
        throw new OciError(
          'ERR_OCI_UNSUPPORTED_MEDIA_TYPE',
          `${what}: the registry served ${mediaType || 'no media type'}, the descriptor says ${reference.mediaType}`,
        );
      }
      return { descriptor: reference, bytes };
    }
    return { descriptor: { mediaType, digest, size: bytes.byteLength }, bytes };
  }

  /** Fetches a blob, verified against the descriptor, read up to `maxBytes` (default 32 MiB, OCI-9). */
  async fetchBlob(descriptor: Descriptor, options: { maxBytes?: number } & Signal = {}): Promise<Uint8Array> {
    assertDigest(descriptor.digest);
    const maxBytes = options.maxBytes ?? MAX_ENVELOPE_BYTES;
    const what = `fetch blob ${this.name}@${descriptor.digest}`;
    if (descriptor.size > maxBytes)
      throw new OciError(
        'ERR_OCI_TOO_LARGE',
        `${what}: ${descriptor.size} bytes is over the ${maxBytes}-byte limit (OCI-9)`,
      );
    // Registries often redirect blob GETs to storage on another host; the
    // client follows without the Authorization header.
    const response = await this.#request({
      method: 'GET',
      url: this.#url('blobs', descriptor.digest),
      scopes: this.#pull(),
      signal: options.signal,
    });
    if (!response.ok) throw await this.client.failure(response, what, options.signal);
    const bytes = await readBodyCapped(response, maxBytes, {
      what,
      timeoutMs: this.client.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    // Docker-Content-Digest of a redirected answer is storage's business; it
    // is still checked when present, as oras-go does.
    verifyFetchedContent(
      bytes,
      { digest: descriptor.digest, size: descriptor.size },
      response.headers.get('docker-content-digest') ?? undefined,
      what,
    );
    return bytes;
  }

  /** Does the repository hold this blob? (HEAD; 404 = no.) */
  async blobExists(descriptor: Pick<Descriptor, 'digest'>, options: Signal = {}): Promise<boolean> {
    assertDigest(descriptor.digest);
    const response = await this.#request({
      method: 'HEAD',
      url: this.#url('blobs', descriptor.digest),
      scopes: this.#pull(),
      signal: options.signal,
    });
    await discard(response);
    if (response.ok) return true;
    if (response.status === 404) return false;
    throw await this.client.failure(response, `check blob ${this.name}@${descriptor.digest}`, options.signal);
  }

  /**
   * Pushes a blob unless the repository has it (HEAD first): a monolithic
   * POST + PUT, or, with `mountFrom`, a cross-repository mount that falls
   * back to that upload when the registry answers 202 instead of mounting.
   */
  async pushBlob(
    bytes: Uint8Array,
    mediaType: string,
    options: { mountFrom?: string } & Signal = {},
  ): Promise<Descriptor> {
    const descriptor: Descriptor = { mediaType, digest: digestOf(bytes), size: bytes.byteLength };
    if (await this.blobExists(descriptor, options)) return descriptor;
    const what = `push blob ${this.name}@${descriptor.digest}`;
    const url = this.#url('uploads');
    let scopes = this.#push();
    if (options.mountFrom !== undefined) {
      // Validates the source name; mounting needs pull access to it as well.
      const from = parseReference(`${this.registry}/${options.mountFrom}`).repository;
      url.searchParams.set('mount', descriptor.digest);
      url.searchParams.set('from', from);
      scopes = [...scopes, repositoryScope(from, 'pull')];
    }
    const started = await this.#request({ method: 'POST', url, scopes, signal: options.signal });
    if (started.status === 201 && options.mountFrom !== undefined) {
      await discard(started);
      const header = started.headers.get('docker-content-digest');
      if (header !== null && header !== descriptor.digest) {
        throw new OciError('ERR_OCI_DIGEST_MISMATCH', `${what}: the registry mounted ${header}`);
      }
      return descriptor;
    }
    if (started.status !== 202) throw await this.client.failure(started, what, options.signal);
    await discard(started);
    // A 202 to a mount means "not mounted, upload session started" (spec).
    const location = resolveUploadLocation(url, started.headers.get('location') ?? '', descriptor.digest);
    const put = await this.#request({
      method: 'PUT',
      url: location,
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
      scopes,
      signal: options.signal,
    });
    if (put.status !== 201) throw await this.client.failure(put, what, options.signal);
    await discard(put);
    const header = put.headers.get('docker-content-digest');
    if (header !== null && header !== descriptor.digest) {
      throw new OciError('ERR_OCI_DIGEST_MISMATCH', `${what}: the registry stored ${header}`);
    }
    return descriptor;
  }

  /**
   * Pushes a manifest by digest, or by `tag` when given. A manifest with a
   * `subject` pushed to a registry that does not confirm it with OCI-Subject
   * is added to the subject's tag-schema index (OCI-8).
   */
  async pushManifest(
    bytes: Uint8Array,
    mediaType: string,
    options: { tag?: string } & Signal = {},
  ): Promise<Descriptor> {
    if (bytes.byteLength > MAX_MANIFEST_BYTES) {
      throw new OciError(
        'ERR_OCI_TOO_LARGE',
        `manifest of ${bytes.byteLength} bytes is over the ${MAX_MANIFEST_BYTES}-byte limit (OCI-9)`,
      );
    }
    const descriptor: Descriptor = { mediaType, digest: digestOf(bytes), size: bytes.byteLength };
    if (options.tag !== undefined) parseTagOrDigest(options.tag);
    const response = await this.#putManifest(bytes, descriptor, options.tag ?? descriptor.digest, options.signal);
    // A capability the caller set explicitly is a decision (e.g. forcing the tag
    // schema, as notation's --force-referrers-tag does): the registry's answer
    // does not override it.
    if (response.subjectConfirmed && this.#forcedReferrersCapability !== false) {
      this.client.setReferrersCapability(this.registry, true);
      return descriptor;
    }
    // Without OCI-Subject the registry may lack the Referrers API, or the
    // manifest may have no subject; only a manifest with one is indexed.
    if (this.referrersCapability === true) return descriptor;
    const referrer = referrerOf(bytes, descriptor);
    if (referrer === undefined) return descriptor;
    this.client.setReferrersCapability(this.registry, false);
    await this.#updateReferrersIndex(referrer.subject, { op: 'add', referrer: referrer.referrer }, options.signal);
    return descriptor;
  }

  async #putManifest(
    bytes: Uint8Array,
    descriptor: Descriptor,
    reference: string,
    signal: AbortSignal | undefined,
    ifMatch?: string,
  ): Promise<{ subjectConfirmed: boolean; preconditionFailed: boolean }> {
    const what = `push manifest ${this.name}${reference.includes(':') ? '@' : ':'}${reference}`;
    const headers: Record<string, string> = { 'content-type': descriptor.mediaType };
    if (ifMatch !== undefined) headers['if-match'] = ifMatch;
    const response = await this.#request({
      method: 'PUT',
      url: this.#url('manifests', reference),
      headers,
      body: bytes,
      scopes: this.#push(),
      signal,
    });
    if (response.status === 412 && ifMatch !== undefined) {
      await discard(response);
      return { subjectConfirmed: false, preconditionFailed: true };
    }
    if (response.status !== 201) throw await this.client.failure(response, what, signal);
    await discard(response);
    const header = response.headers.get('docker-content-digest');
    if (header !== null && header !== descriptor.digest) {
      throw new OciError(
        'ERR_OCI_DIGEST_MISMATCH',
        `${what}: the registry stored ${header}, expected ${descriptor.digest}`,
      );
    }
    return { subjectConfirmed: (response.headers.get(HEADER_OCI_SUBJECT) ?? '') !== '', preconditionFailed: false };
  }

  /** Points `tag` at an existing manifest: fetch it by digest, PUT the same bytes under the tag. */
  async tag(descriptor: Descriptor, tag: string, options: Signal = {}): Promise<void> {
    parseTagOrDigest(tag);
    if (tag.includes(':')) throw new OciError('ERR_OCI_REFERENCE_INVALID', `tag ${JSON.stringify(tag)} is a digest`);
    const { bytes } = await this.fetchManifest(descriptor, options);
    await this.#putManifest(bytes, descriptor, tag, options.signal);
  }

  /** Every tag, following `Link` pages. */
  async tags(options: Signal = {}): Promise<string[]> {
    const out: string[] = [];
    let url: URL | undefined = this.#url('tags');
    if (this.#tagsPageSize !== undefined) url.searchParams.set('n', String(this.#tagsPageSize));
    const seen = new Set<string>();
    while (url !== undefined) {
      if (seen.has(url.href))
        throw new OciError('ERR_OCI_REGISTRY', `list tags ${this.name}: the registry's Link pages loop at ${url.href}`);
      seen.add(url.href);
      const what = `list tags ${this.name}`;
      const response: Response = await this.#request({
        method: 'GET',
        url,
        headers: { accept: 'application/json' },
        scopes: this.#pull(),
        signal: options.signal,
      });
      if (!response.ok) throw await this.client.failure(response, what, options.signal);
      const bytes = await readBodyCapped(response, MAX_MANIFEST_BYTES, {
        what,
        timeoutMs: this.client.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      let page: { tags?: unknown };
      try {
        page = JSON.parse(new TextDecoder().decode(bytes)) as { tags?: unknown };
      } catch (error) {
        throw new OciError('ERR_OCI_REGISTRY', `${what}: the answer is not JSON`, { cause: error });
      }
      if (page.tags !== null && page.tags !== undefined) {
        if (!Array.isArray(page.tags) || page.tags.some((t) => typeof t !== 'string'))
          throw new OciError('ERR_OCI_REGISTRY', `${what}: "tags" is not a list of strings`);
        out.push(...(page.tags as string[]));
      }
      url = parseNextLink(response.headers.get('link'), url);
    }
    return out;
  }

  /**
   * Deletes a manifest by digest: registries refuse DELETE by tag, so one is
   * never sent. A manifest with a subject is first removed from the subject's
   * tag-schema index when the registry has no Referrers API (OCI-8).
   */
  async deleteManifest(descriptor: Descriptor, options: Signal = {}): Promise<void> {
    assertDigest(descriptor.digest);
    if (
      this.referrersCapability !== true &&
      [MEDIA_TYPE_OCI_MANIFEST, MEDIA_TYPE_OCI_INDEX, MEDIA_TYPE_OCI_ARTIFACT_MANIFEST].includes(descriptor.mediaType)
    ) {
      const { bytes } = await this.fetchManifest(descriptor, options);
      const referrer = referrerOf(bytes, descriptor);
      if (referrer !== undefined && !(await this.#pingReferrers(options.signal))) {
        await this.#updateReferrersIndex(
          referrer.subject,
          { op: 'remove', referrer: referrer.referrer },
          options.signal,
        );
      }
    }
    await this.#deleteManifestByDigest(descriptor.digest, options.signal);
  }

  async #deleteManifestByDigest(digest: string, signal: AbortSignal | undefined): Promise<void> {
    const what = `delete manifest ${this.name}@${digest}`;
    const response = await this.#request({
      method: 'DELETE',
      url: this.#url('manifests', digest),
      scopes: [repositoryScope(this.repository, 'delete')],
      signal,
    });
    if (!response.ok) throw await this.client.failure(response, what, signal);
    await discard(response);
  }

  /**
   * The manifests whose subject is `subject` (OCI-7): the Referrers API with
   * its artifactType filter and Link pages, or, when the registry has none,
   * the tag-schema index (OCI-8). Which one works is remembered per registry.
   */
  referrers(subject: Descriptor, options: ReferrersOptions = {}): Promise<Descriptor[]> {
    return collectReferrerPages(this.referrerPages(subject, options));
  }

  /**
   * {@link referrers} page by page, lazily: the next `Link` page is fetched
   * only when the caller asks for it, and never past MAX_REFERRERS_PAGES
   * pages or MAX_REFERRERS descriptors (ERR_OCI_TOO_MANY_REFERRERS; issue 12
   * finding 2). Only the first page can show that the API is missing; a
   * later page that fails is the registry's error, so no listing mixes the
   * two schemes.
   */
  async *referrerPages(
    subject: Descriptor,
    options: ReferrersOptions = {},
  ): AsyncGenerator<Descriptor[], void, undefined> {
    assertDigest(subject.digest);
    const what = `referrers of ${this.name}@${subject.digest}`;
    let capability = this.referrersCapability;
    let api: ApiListing | 'unsupported' | undefined;
    if (capability === undefined) {
      // One listing finds out whether the API exists; concurrent ones wait for it.
      const learned = await this.client.learnReferrersCapability(this.registry, () =>
        this.#openApiListing(subject, options, what, undefined),
      );
      if (learned !== undefined) api = learned.learned;
      else capability = this.referrersCapability;
    }
    if (api === undefined && capability !== false) api = await this.#openApiListing(subject, options, what, capability);
    if (api === undefined || api === 'unsupported') {
      yield* this.#referrersByTagSchema(subject, options, new ReferrersBudget(what));
      return;
    }
    if (api.first.done) return;
    yield api.first.value;
    yield* api.pages;
  }

  /**
   * Fetches the first Referrers API page, which tells whether the API exists
   * (and is remembered per registry); 'unsupported' when it does not and
   * the capability was not fixed to true.
   */
  async #openApiListing(
    subject: Descriptor,
    options: ReferrersOptions,
    what: string,
    capability: boolean | undefined,
  ): Promise<ApiListing | 'unsupported'> {
    const pages = this.#referrersByApi(subject, options, new ReferrersBudget(what));
    try {
      const first = await pages.next();
      this.client.setReferrersCapability(this.registry, true);
      return { pages, first };
    } catch (error) {
      if (!(error instanceof ReferrersUnsupported)) throw error;
      if (capability === true)
        throw new OciError('ERR_OCI_REGISTRY', `${what}: the Referrers API failed: ${error.message}`);
      this.client.setReferrersCapability(this.registry, false);
      return 'unsupported';
    }
  }

  async *#referrersByApi(
    subject: Descriptor,
    options: ReferrersOptions,
    budget: ReferrersBudget,
  ): AsyncGenerator<Descriptor[], void, undefined> {
    const what = `referrers of ${this.name}@${subject.digest}`;
    const unfiltered = this.#url('referrers', subject.digest);
    let url: URL | undefined = new URL(unfiltered);
    let askedFilter = Boolean(options.artifactType);
    if (askedFilter) url.searchParams.set('artifactType', options.artifactType!);
    const seen = new Set<string>();
    let first = true;
    while (url !== undefined) {
      if (seen.has(url.href))
        throw new OciError('ERR_OCI_REGISTRY', `${what}: the registry's Link pages loop at ${url.href}`);
      seen.add(url.href);
      budget.beforePage();
      const page = await this.#referrersPage(url, what, first, options.signal);
      budget.received(page.manifests.length);
      const next = parseNextLink(page.link, url);
      first = false;
      if (askedFilter && budget.pages === 1 && page.manifests.length === 0 && next === undefined) {
        // Issue 13 item 8 [impl], beyond notation: the ORAS fork of
        // distribution matches ?artifactType= against config.mediaType, so it
        // answers an empty list for OCI-2 signatures while saying the filter
        // was applied. An empty filtered answer is asked once more without
        // the filter, and filtered here: one request, only in the empty case.
        askedFilter = false;
        url = new URL(unfiltered);
        continue;
      }
      yield askedFilter && page.serverFiltered ? page.manifests : filterReferrers(page.manifests, options.artifactType);
      url = next;
    }
  }

  /** One page of the Referrers API; `first` says whether a 404 or a non-index answer may still mean "no API". */
  async #referrersPage(
    url: URL,
    what: string,
    first: boolean,
    signal: AbortSignal | undefined,
  ): Promise<{ manifests: Descriptor[]; serverFiltered: boolean; link: string | null }> {
    const response: Response = await this.#request({
      method: 'GET',
      url,
      headers: { accept: MEDIA_TYPE_OCI_INDEX },
      scopes: this.#pull(),
      signal,
    });
    if (response.status === 404) {
      const error = await this.client.failure(response, what, signal);
      // NAME_UNKNOWN: the repository is missing, which says nothing about the API.
      if (!first || error.registryErrors.some((e) => e.code === 'NAME_UNKNOWN')) throw error;
      throw new ReferrersUnsupported(`${what}: HTTP 404`);
    }
    if (!response.ok) throw await this.client.failure(response, what, signal);
    const contentType = mediaTypeOf(response.headers.get('content-type'));
    if (contentType !== MEDIA_TYPE_OCI_INDEX) {
      await discard(response);
      const message = `${what}: the answer is ${contentType || 'untyped'}, not an image index`;
      if (!first) throw new OciError('ERR_OCI_REGISTRY', message, { status: response.status });
      throw new ReferrersUnsupported(message);
    }
    const bytes = await readBodyCapped(response, MAX_MANIFEST_BYTES, {
      what: `${what} (OCI-9 limit)`,
      timeoutMs: this.client.timeoutMs,
      ...(signal ? { signal } : {}),
    });
    const { manifests, annotations } = indexManifests(bytes, what);
    const serverFiltered =
      isFilterApplied(response.headers.get(HEADER_OCI_FILTERS_APPLIED), 'artifactType') ||
      isFilterApplied(annotations?.[ANNOTATION_REFERRERS_FILTERS_APPLIED], 'artifactType');
    return { manifests, serverFiltered, link: response.headers.get('link') };
  }

  /** The tag-schema index is one document (≤ 4 MiB, OCI-9): one page, whose descriptors count against MAX_REFERRERS. */
  async *#referrersByTagSchema(
    subject: Descriptor,
    options: ReferrersOptions,
    budget: ReferrersBudget,
  ): AsyncGenerator<Descriptor[], void, undefined> {
    budget.beforePage();
    const current = await this.#currentIndex(referrersTag(subject.digest), options.signal);
    budget.received(current?.manifests.length ?? 0);
    yield filterReferrers(current?.manifests ?? [], options.artifactType);
  }

  /** The tag-schema index under `tag` with its ETag, or undefined when the tag does not exist. */
  async #currentIndex(tag: string, signal: AbortSignal | undefined): Promise<CurrentIndex | undefined> {
    const what = `referrers index ${this.name}:${tag}`;
    const response = await this.#request({
      method: 'GET',
      url: this.#url('manifests', tag),
      headers: { accept: MEDIA_TYPE_OCI_INDEX },
      scopes: this.#pull(),
      signal,
    });
    // No tag (MANIFEST_UNKNOWN) or no repository yet (NAME_UNKNOWN): no referrers.
    if (response.status === 404) {
      await discard(response);
      return undefined;
    }
    if (!response.ok) throw await this.client.failure(response, what, signal);
    const bytes = await readBodyCapped(response, MAX_MANIFEST_BYTES, {
      what: `${what} (OCI-9 limit)`,
      timeoutMs: this.client.timeoutMs,
      ...(signal ? { signal } : {}),
    });
    const digest = verifyFetchedContent(bytes, {}, response.headers.get('docker-content-digest') ?? undefined, what);
    const { manifests } = indexManifests(bytes, what);
    const mediaType = mediaTypeOf(response.headers.get('content-type')) || MEDIA_TYPE_OCI_INDEX;
    return {
      descriptor: { mediaType, digest, size: bytes.byteLength },
      manifests,
      etag: response.headers.get('etag') ?? undefined,
    };
  }

  /**
   * Read-modify-write of the tag-schema index (OCI-8): read the current
   * index, apply the change, push the new index under the tag (If-Match the
   * ETag read, when the registry gave one, so a concurrent writer is not
   * overwritten; on 412 the cycle starts again), then delete the stale index
   * by digest unless it is the same document or GC is skipped.
   */
  async #updateReferrersIndex(
    subject: Descriptor,
    change: ReferrerChange,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const tag = referrersTag(subject.digest);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const current = await this.#currentIndex(tag, signal);
      const updated = applyReferrerChanges(current?.manifests ?? [], [change]);
      if (updated === undefined) return;
      let newDigest: string | undefined;
      if (updated.length > 0 || this.#skipReferrersGc) {
        const bytes = buildReferrersIndex(updated);
        const descriptor: Descriptor = {
          mediaType: MEDIA_TYPE_OCI_INDEX,
          digest: digestOf(bytes),
          size: bytes.byteLength,
        };
        newDigest = descriptor.digest;
        let result: { preconditionFailed: boolean };
        try {
          result = await this.#putManifest(bytes, descriptor, tag, signal, current?.etag);
        } catch (error) {
          throw error instanceof OciError ? new ReferrersError('updateReferrersIndex', subject, error) : error;
        }
        if (result.preconditionFailed) continue;
      }
      if (this.#skipReferrersGc || current === undefined || current.descriptor.digest === newDigest) return;
      // Only an index is ours to collect: a tag-schema tag pointing at some
      // other manifest is replaced, but that manifest is not deleted.
      if (current.descriptor.mediaType !== MEDIA_TYPE_OCI_INDEX) return;
      try {
        await this.#deleteManifestByDigest(current.descriptor.digest, signal);
      } catch (error) {
        throw error instanceof OciError ? new ReferrersError('deleteReferrersIndex', subject, error) : error;
      }
      return;
    }
    throw new ReferrersError(
      'updateReferrersIndex',
      subject,
      new OciError('ERR_OCI_REGISTRY', `the index under ${tag} kept changing (HTTP 412 three times)`, { status: 412 }),
    );
  }

  /** Probes the Referrers API once per registry (a GET of the zero digest's referrers). */
  async #pingReferrers(signal: AbortSignal | undefined): Promise<boolean> {
    const known = this.referrersCapability;
    if (known !== undefined) return known;
    const what = `probe the Referrers API of ${this.registry}`;
    const response = await this.#request({
      method: 'GET',
      url: this.#url('referrers', ZERO_DIGEST),
      headers: { accept: MEDIA_TYPE_OCI_INDEX },
      scopes: this.#pull(),
      signal,
    });
    if (response.ok) {
      await discard(response);
      const supported = mediaTypeOf(response.headers.get('content-type')) === MEDIA_TYPE_OCI_INDEX;
      this.client.setReferrersCapability(this.registry, supported);
      return supported;
    }
    const error = await this.client.failure(response, what, signal);
    if (response.status === 404 && !error.registryErrors.some((e) => e.code === 'NAME_UNKNOWN')) {
      this.client.setReferrersCapability(this.registry, false);
      return false;
    }
    throw error;
  }

  /** A reference string of this repository for `digest` or `tag`. */
  reference(part: { digest?: string; tag?: string } = {}): OciReference {
    return new OciReference({
      registry: this.registry,
      repository: this.repository,
      tag: part.tag,
      digest: part.digest,
    });
  }
}

/** The `mediaType` member of a manifest document, when the registry's Content-Type did not say. */
function mediaTypeFromDocument(bytes: Uint8Array): string | undefined {
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as { mediaType?: unknown };
    return typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  } catch {
    return undefined;
  }
}
