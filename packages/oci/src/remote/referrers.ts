import {
  type Descriptor,
  MEDIA_TYPE_OCI_ARTIFACT_MANIFEST,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
} from '../descriptor.js';
import { OciError, type OciErrorCode } from '../errors.js';
import { assertDigest } from '../reference.js';

/*
 * Referrers helpers shared by the API path (OCI-7) and the tag schema
 * fallback (OCI-8): tag names, filters, the index document and its updates.
 */

/** Header with which a registry says which filters it applied (OCI-7). */
export const HEADER_OCI_FILTERS_APPLIED = 'OCI-Filters-Applied';
/** Header a registry with the Referrers API returns on a manifest PUT with a subject. */
export const HEADER_OCI_SUBJECT = 'OCI-Subject';
/** The older spec's way of saying the same as OCI-Filters-Applied, as an index annotation. */
export const ANNOTATION_REFERRERS_FILTERS_APPLIED = 'org.opencontainers.referrers.filtersApplied';
/** A digest no manifest has, to probe whether the Referrers API exists. */
export const ZERO_DIGEST = 'sha256:0000000000000000000000000000000000000000000000000000000000000000';

/** The tag-schema tag of a subject (OCI-8): `sha256:<hex>` → `sha256-<hex>`. */
export function referrersTag(subjectDigest: string): string {
  assertDigest(subjectDigest);
  return subjectDigest.replace(':', '-');
}

/** Does a comma-separated OCI-Filters-Applied value list `filter`? */
export function isFilterApplied(applied: string | null | undefined, filter: string): boolean {
  if (!applied) return false;
  return applied.split(',').some((f) => f.trim() === filter);
}

/** Keeps referrers of `artifactType`; all of them when no type is asked for. */
export function filterReferrers(referrers: readonly Descriptor[], artifactType: string | undefined): Descriptor[] {
  return artifactType ? referrers.filter((d) => d.artifactType === artifactType) : [...referrers];
}

/** The manifests of an image index document, each checked to be a descriptor. */
export function indexManifests(
  bytes: Uint8Array,
  what: string,
): { manifests: Descriptor[]; annotations: Record<string, string> | undefined } {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new OciError('ERR_OCI_REGISTRY', `${what}: not JSON`, { cause: error });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new OciError('ERR_OCI_REGISTRY', `${what}: not a JSON object`);
  const { manifests, annotations } = doc as { manifests?: unknown; annotations?: unknown };
  if (manifests !== undefined && manifests !== null && !Array.isArray(manifests))
    throw new OciError('ERR_OCI_REGISTRY', `${what}: "manifests" is not an array`);
  const out: Descriptor[] = [];
  for (const entry of (manifests as unknown[] | null | undefined) ?? []) {
    if (
      typeof entry !== 'object' ||
      entry === null ||
      typeof (entry as Descriptor).mediaType !== 'string' ||
      typeof (entry as Descriptor).digest !== 'string' ||
      typeof (entry as Descriptor).size !== 'number'
    ) {
      throw new OciError('ERR_OCI_REGISTRY', `${what}: an entry of "manifests" is not a descriptor`);
    }
    out.push(entry as Descriptor);
  }
  return {
    manifests: out,
    annotations:
      typeof annotations === 'object' && annotations !== null ? (annotations as Record<string, string>) : undefined,
  };
}

/**
 * The subject of a pushed manifest, and the descriptor under which it is
 * listed as a referrer: artifactType (or, for an image manifest without
 * one, config.mediaType: the legacy form of OCI-3) and annotations (OCI-8).
 * Undefined when the document has no subject.
 */
export function referrerOf(
  bytes: Uint8Array,
  descriptor: Descriptor,
): { subject: Descriptor; referrer: Descriptor } | undefined {
  if (![MEDIA_TYPE_OCI_MANIFEST, MEDIA_TYPE_OCI_INDEX, MEDIA_TYPE_OCI_ARTIFACT_MANIFEST].includes(descriptor.mediaType))
    return undefined;
  let doc: { subject?: Descriptor; artifactType?: unknown; config?: { mediaType?: unknown }; annotations?: unknown };
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes)) as typeof doc;
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const subject = doc.subject;
  if (typeof subject !== 'object' || subject === null || typeof subject.digest !== 'string') return undefined;
  let artifactType = typeof doc.artifactType === 'string' && doc.artifactType !== '' ? doc.artifactType : undefined;
  if (
    artifactType === undefined &&
    descriptor.mediaType === MEDIA_TYPE_OCI_MANIFEST &&
    typeof doc.config?.mediaType === 'string'
  ) {
    artifactType = doc.config.mediaType;
  }
  const referrer: Descriptor = { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size };
  if (artifactType !== undefined) referrer.artifactType = artifactType;
  if (typeof doc.annotations === 'object' && doc.annotations !== null && Object.keys(doc.annotations).length > 0) {
    referrer.annotations = doc.annotations as Record<string, string>;
  }
  return { subject, referrer };
}

export type ReferrerChange = { op: 'add' | 'remove'; referrer: Descriptor };

/**
 * Applies changes to a referrers list, dropping duplicates (same digest)
 * left by concurrent writers; undefined when nothing changes, so no new
 * index needs pushing.
 */
export function applyReferrerChanges(
  current: readonly Descriptor[],
  changes: readonly ReferrerChange[],
): Descriptor[] | undefined {
  const seen = new Set<string>();
  const list: Descriptor[] = [];
  let changed = false;
  for (const d of current) {
    if (seen.has(d.digest)) {
      changed = true;
      continue;
    }
    seen.add(d.digest);
    list.push(d);
  }
  let result = list;
  for (const change of changes) {
    if (change.op === 'add' && !seen.has(change.referrer.digest)) {
      seen.add(change.referrer.digest);
      result = [...result, change.referrer];
      changed = true;
    } else if (change.op === 'remove' && seen.has(change.referrer.digest)) {
      seen.delete(change.referrer.digest);
      result = result.filter((d) => d.digest !== change.referrer.digest);
      changed = true;
    }
  }
  return changed ? result : undefined;
}

/** The referrers index document (an OCI image index), serialized once: its bytes are what gets digested. */
export function buildReferrersIndex(manifests: readonly Descriptor[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE_OCI_INDEX, manifests }));
}

/**
 * A failure while maintaining the tag-schema index (OCI-8). `op` says which
 * step: `deleteReferrersIndex` means the referrer was pushed and indexed but
 * the stale index could not be deleted (notation warns and carries on: the
 * registry needs garbage collection); `updateReferrersIndex` means the new
 * index could not be pushed. `code` is that of the underlying failure.
 */
export class ReferrersError extends OciError {
  readonly op: 'deleteReferrersIndex' | 'updateReferrersIndex';
  readonly subject: Descriptor;

  constructor(op: ReferrersError['op'], subject: Descriptor, cause: OciError) {
    super(
      cause.code as OciErrorCode,
      `${op === 'deleteReferrersIndex' ? 'the stale referrers index could not be deleted' : 'the referrers index could not be updated'} (subject ${subject.digest}): ${cause.message}`,
      {
        cause,
        ...(cause.status === undefined ? {} : { status: cause.status }),
        registryErrors: cause.registryErrors,
      },
    );
    this.name = 'ReferrersError';
    this.op = op;
    this.subject = subject;
  }

  get isReferrersIndexDelete(): boolean {
    return this.op === 'deleteReferrersIndex';
  }
}
