/** An OCI content descriptor (image-spec descriptor.md). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  urls?: string[];
  /** Base64 of the content, for small embedded content (the empty config, OCI-2). */
  data?: string;
  platform?: Record<string, unknown>;
}

export const MEDIA_TYPE_OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const MEDIA_TYPE_OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
/** Obsolete, read only (OCI-9). */
export const MEDIA_TYPE_OCI_ARTIFACT_MANIFEST = 'application/vnd.oci.artifact.manifest.v1+json';
export const MEDIA_TYPE_DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const MEDIA_TYPE_DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const MEDIA_TYPE_EMPTY = 'application/vnd.oci.empty.v1+json';
/** artifactType of Notary signatures (OCI-2), and the legacy config media type (OCI-3). */
export const ARTIFACT_TYPE_NOTARY_SIGNATURE = 'application/vnd.cncf.notary.signature';
/** Manifest types a Repository resolves and fetches as manifests. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  MEDIA_TYPE_OCI_MANIFEST,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_ARTIFACT_MANIFEST,
  MEDIA_TYPE_DOCKER_MANIFEST,
  MEDIA_TYPE_DOCKER_MANIFEST_LIST,
];
/** Limits of OCI-9: a manifest (and an index) ≤ 4 MiB, an envelope blob ≤ 32 MiB. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_ENVELOPE_BYTES = 32 * 1024 * 1024;
