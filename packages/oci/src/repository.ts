import type { Descriptor } from './descriptor.js';

/** Options of {@link Repository.referrers}. */
export interface ReferrersOptions {
  /** Keep only referrers of this artifactType (OCI-7); filtered client-side when the server did not. */
  artifactType?: string;
  signal?: AbortSignal;
}

/**
 * One repository of an OCI store: a remote registry, an OCI image layout on
 * disk, or memory. Every fetch checks the content against the descriptor's
 * digest and size; manifests are capped at 4 MiB (OCI-9), other content at
 * the caller's `maxBytes`.
 */
export interface Repository {
  /** `registry/repository` for a remote, a label for local stores; used in messages and trust-policy scope matching. */
  readonly name: string;
  /**
   * The signature manifest form `sign` writes into this store unless told
   * otherwise; unset means the OCI 1.1 form (OCI-2). An OCI layout says
   * `legacy` (OCI-3): notation ≤ v1.3.2 finds, in a layout, only manifests
   * whose config.mediaType is the signature type, and every version finds
   * that form (AMB-20, issue 13 item 1).
   */
  readonly signatureManifestForm?: 'oci-1.1' | 'legacy';
  /** Resolves a tag or a digest to the manifest's descriptor. */
  resolve(reference: string, options?: { signal?: AbortSignal }): Promise<Descriptor>;
  /** Fetches a manifest (or index) by tag, digest or descriptor; the bytes are exactly as stored. */
  fetchManifest(
    reference: string | Descriptor,
    options?: { signal?: AbortSignal },
  ): Promise<{ descriptor: Descriptor; bytes: Uint8Array }>;
  /** Fetches a blob; `maxBytes` defaults to 32 MiB (the envelope cap, OCI-9). */
  fetchBlob(descriptor: Descriptor, options?: { maxBytes?: number; signal?: AbortSignal }): Promise<Uint8Array>;
  /** Pushes a blob unless it exists; returns its descriptor. */
  pushBlob(bytes: Uint8Array, mediaType: string, options?: { signal?: AbortSignal }): Promise<Descriptor>;
  /**
   * Pushes a manifest by digest, and tags it when `tag` is given. A manifest
   * with a `subject` is also made discoverable as a referrer (the Referrers
   * API, or the tag schema when the store has none: OCI-8).
   */
  pushManifest(
    bytes: Uint8Array,
    mediaType: string,
    options?: { tag?: string; signal?: AbortSignal },
  ): Promise<Descriptor>;
  /** Points `tag` at an existing manifest. */
  tag(descriptor: Descriptor, tag: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Every tag of the repository, in the store's order. */
  tags(options?: { signal?: AbortSignal }): Promise<string[]>;
  /**
   * The manifests whose `subject` is `subject` (OCI-7, OCI-8), page by page
   * and lazily: a page is fetched only when the iteration asks for it, so a
   * caller that stops early (verify at its signature limit, WF-3) fetches no
   * more. Throws ERR_OCI_TOO_MANY_REFERRERS past MAX_REFERRERS_PAGES pages or
   * MAX_REFERRERS descriptors (issue 12 finding 2).
   */
  referrerPages(subject: Descriptor, options?: ReferrersOptions): AsyncIterable<Descriptor[]>;
  /** Every page of {@link referrerPages}, collected (within the same caps). */
  referrers(subject: Descriptor, options?: ReferrersOptions): Promise<Descriptor[]>;
  /** Deletes a manifest by descriptor (by digest: registries refuse deletes by tag). */
  deleteManifest(descriptor: Descriptor, options?: { signal?: AbortSignal }): Promise<void>;
}
