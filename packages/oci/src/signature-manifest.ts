/**
 * The Notary signature manifest: how one signature envelope is stored in an
 * OCI store next to the artifact it signs (OCI-1 … OCI-6, OCI-9), and the
 * manifest/index JSON encodings the local stores write.
 *
 * Bytes are written the way notation-go (through oras-go PackManifest and
 * Go's encoding/json) writes them, so a manifest built here for the same
 * inputs has the same digest as notation's (OCI-6): struct members in Go
 * declaration order, map keys sorted, `<>&` and U+2028/U+2029 escaped, no
 * whitespace.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { formatRfc3339, goJson, goJsonString, toHex } from '@x/notary-pki/foundation';
import {
  ARTIFACT_TYPE_NOTARY_SIGNATURE,
  type Descriptor,
  MAX_MANIFEST_BYTES,
  MEDIA_TYPE_EMPTY,
  MEDIA_TYPE_OCI_ARTIFACT_MANIFEST,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
} from './descriptor.js';
import { descriptorFor, parseDigest } from './digest.js';
import { OciError } from './errors.js';

/** The two envelope media types a signature layer may have (OCI-1). */
export const MEDIA_TYPE_JWS_ENVELOPE = 'application/jose+json';
export const MEDIA_TYPE_COSE_ENVELOPE = 'application/cose';
export type EnvelopeMediaType = typeof MEDIA_TYPE_JWS_ENVELOPE | typeof MEDIA_TYPE_COSE_ENVELOPE;
export const ENVELOPE_MEDIA_TYPES: readonly EnvelopeMediaType[] = [MEDIA_TYPE_JWS_ENVELOPE, MEDIA_TYPE_COSE_ENVELOPE];

/** OCI-5: JSON array of the SHA-256 fingerprints of the chain, leaf first. */
export const ANNOTATION_X509_CHAIN_THUMBPRINT = 'io.cncf.notary.x509chain.thumbprint#S256';
/** OCI-5 [impl]: the signing time, RFC 3339 UTC to the second. */
export const ANNOTATION_CREATED = 'org.opencontainers.image.created';
/** The index.json annotation that carries a tag in an OCI image layout. */
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

/** The bytes `{}`: the empty config of both forms (OCI-2, OCI-3). */
export const EMPTY_JSON_BYTES: Uint8Array = Uint8Array.of(0x7b, 0x7d);
const EMPTY_JSON_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
/** OCI-2 [impl]: the config of the OCI 1.1 form, with `data` as oras-go's DescriptorEmptyJSON has it. */
export const EMPTY_CONFIG_DESCRIPTOR: Readonly<Descriptor> = Object.freeze({
  mediaType: MEDIA_TYPE_EMPTY,
  digest: EMPTY_JSON_DIGEST,
  size: 2,
  data: 'e30=',
});
/** OCI-3: the config of the legacy form: the signature type over `{}`, without data. */
export const LEGACY_CONFIG_DESCRIPTOR: Readonly<Descriptor> = Object.freeze({
  mediaType: ARTIFACT_TYPE_NOTARY_SIGNATURE,
  digest: EMPTY_JSON_DIGEST,
  size: 2,
});

// ---------------------------------------------------------------------------
// Go encoding/json compatible writing (OCI-6), with the foundation's one
// Go-JSON writer (issue 14): struct members are spelt out below in ocispec
// order, maps and string arrays go through goJson.

/** A Go map[string]string: keys sorted by their UTF-8 bytes. */
function goStringMap(map: Readonly<Record<string, string>>): string {
  return goJson(map, true);
}

function goStringArray(values: readonly string[]): string {
  return goJson(values, false);
}

function hasEntries(map: Readonly<Record<string, unknown>> | undefined): map is Readonly<Record<string, string>> {
  return map !== undefined && Object.keys(map).length > 0;
}

/** ocispec.Platform member order: architecture, os, os.version, os.features, variant. */
function goPlatform(platform: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  const str = (key: string) => {
    const v = platform[key];
    if (typeof v === 'string' && (v !== '' || key === 'architecture' || key === 'os'))
      parts.push(`${goJsonString(key)}:${goJsonString(v)}`);
  };
  str('architecture');
  str('os');
  str('os.version');
  const features = platform['os.features'];
  if (Array.isArray(features) && features.length > 0)
    parts.push(`"os.features":${goStringArray(features.map(String))}`);
  str('variant');
  return `{${parts.join(',')}}`;
}

/**
 * A descriptor in ocispec.Descriptor member order (mediaType, digest, size,
 * urls, annotations, data, platform, artifactType), empty optional members
 * omitted as `omitempty` does.
 */
export function encodeDescriptorJson(d: Readonly<Descriptor>): string {
  const parts = [`"mediaType":${goJsonString(d.mediaType)}`, `"digest":${goJsonString(d.digest)}`, `"size":${d.size}`];
  if (d.urls && d.urls.length > 0) parts.push(`"urls":${goStringArray(d.urls)}`);
  if (hasEntries(d.annotations)) parts.push(`"annotations":${goStringMap(d.annotations)}`);
  if (d.data) parts.push(`"data":${goJsonString(d.data)}`);
  if (d.platform && Object.keys(d.platform).length > 0) parts.push(`"platform":${goPlatform(d.platform)}`);
  if (d.artifactType) parts.push(`"artifactType":${goJsonString(d.artifactType)}`);
  return `{${parts.join(',')}}`;
}

/** An OCI image index, in ocispec.Index member order (schemaVersion, mediaType, artifactType, manifests, subject, annotations). */
export interface ImageIndexJson {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  manifests: readonly Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** The bytes of an image index as oras-go writes it (index.json of a layout, a tag-schema referrers index, OCI-8). */
export function encodeImageIndex(index: Readonly<ImageIndexJson>): Uint8Array {
  const parts = [`"schemaVersion":${index.schemaVersion}`];
  if (index.mediaType) parts.push(`"mediaType":${goJsonString(index.mediaType)}`);
  if (index.artifactType) parts.push(`"artifactType":${goJsonString(index.artifactType)}`);
  parts.push(`"manifests":[${index.manifests.map(encodeDescriptorJson).join(',')}]`);
  if (index.subject) parts.push(`"subject":${encodeDescriptorJson(index.subject)}`);
  if (hasEntries(index.annotations)) parts.push(`"annotations":${goStringMap(index.annotations)}`);
  return new TextEncoder().encode(`{${parts.join(',')}}`);
}

// ---------------------------------------------------------------------------
// Building (OCI-1 … OCI-6)

export interface BuildSignatureManifestOptions {
  /** The envelope bytes (the only layer, OCI-1). */
  envelope: Uint8Array;
  envelopeMediaType: EnvelopeMediaType;
  /** The signed manifest's descriptor (OCI-4), written as given: pass the plain one a resolve returns. */
  subject: Descriptor;
  /** The signer's chain as DER, leaf first (x5c order), for the thumbprint annotation (OCI-5). */
  certificateChainDer: readonly Uint8Array[];
  /** The envelope's signing time, written as `org.opencontainers.image.created` (OCI-5 [impl]). */
  signingTime: Date;
  /** Extra manifest annotations, e.g. a plugin's generate-envelope annotations; the two OCI-5 keys override them, as in notation-go. */
  annotations?: Readonly<Record<string, string>>;
  /** Write the legacy form (OCI-3) instead of the OCI 1.1 form (OCI-2, the default; AMB-20). */
  legacy?: boolean;
}

export interface BuiltSignatureManifest {
  /** The manifest bytes, exactly what must be pushed. */
  manifest: Uint8Array;
  /**
   * The manifest's descriptor: mediaType, digest, size, plus the annotations
   * and `artifactType` a referrers listing reports for it (the Notary type in
   * both forms: the legacy config media type stands in for artifactType, OCI-7/8).
   */
  descriptor: Descriptor;
  /** The blobs to push before the manifest: the envelope, then the config. */
  blobs: { descriptor: Descriptor; bytes: Uint8Array }[];
}

/** Lowercase hex SHA-256 of each certificate, in order (OCI-5, AMB-3). */
export function certificateThumbprints(chainDer: readonly Uint8Array[]): string[] {
  return chainDer.map((der) => toHex(sha256(der)));
}

/** `time.Time.Format(time.RFC3339)` of the signing time; a time Go cannot write is an invalid manifest. */
function formatSigningTime(time: Date): string {
  try {
    return formatRfc3339(time);
  } catch (cause) {
    throw new OciError('ERR_OCI_SIGNATURE_MANIFEST_INVALID', `signing time: ${(cause as Error).message}`, { cause });
  }
}

function checkDescriptorShape(d: unknown, what: string): asserts d is Descriptor {
  const ok =
    typeof d === 'object' &&
    d !== null &&
    typeof (d as Descriptor).mediaType === 'string' &&
    (d as Descriptor).mediaType !== '' &&
    typeof (d as Descriptor).digest === 'string' &&
    Number.isSafeInteger((d as Descriptor).size) &&
    (d as Descriptor).size >= 0;
  if (!ok)
    throw new OciError('ERR_OCI_SIGNATURE_MANIFEST_INVALID', `${what} is not a descriptor (mediaType, digest, size)`);
  try {
    parseDigest((d as Descriptor).digest);
  } catch (cause) {
    throw new OciError('ERR_OCI_SIGNATURE_MANIFEST_INVALID', `${what} has an invalid digest`, { cause });
  }
  const { annotations } = d as Descriptor;
  if (
    annotations !== undefined &&
    (typeof annotations !== 'object' ||
      annotations === null ||
      Object.values(annotations).some((v) => typeof v !== 'string'))
  ) {
    throw new OciError('ERR_OCI_SIGNATURE_MANIFEST_INVALID', `${what} has annotations that are not a string map`);
  }
}

/**
 * Builds the signature manifest for one envelope: the OCI 1.1 form by
 * default (OCI-2), the legacy form with `legacy` (OCI-3). The caller pushes
 * `blobs`, then `manifest` with media type image manifest.
 */
export function buildSignatureManifest(options: BuildSignatureManifestOptions): BuiltSignatureManifest {
  const { envelope, envelopeMediaType, subject, certificateChainDer, signingTime, legacy = false } = options;
  if (!ENVELOPE_MEDIA_TYPES.includes(envelopeMediaType)) {
    throw new OciError(
      'ERR_OCI_UNSUPPORTED_MEDIA_TYPE',
      `envelope media type ${JSON.stringify(envelopeMediaType)} is not ${ENVELOPE_MEDIA_TYPES.join(' or ')} (OCI-1)`,
    );
  }
  if (!(envelope instanceof Uint8Array) || envelope.length === 0) {
    throw new OciError('ERR_OCI_SIGNATURE_MANIFEST_INVALID', 'the envelope is empty');
  }
  checkDescriptorShape(subject, 'subject');
  // notation-go would write "null" for an empty chain; a signature always has a leaf, so refuse instead.
  if (certificateChainDer.length === 0) {
    throw new OciError(
      'ERR_OCI_SIGNATURE_MANIFEST_INVALID',
      'the certificate chain is empty: the thumbprint annotation needs the signer chain (OCI-5)',
    );
  }

  const annotations: Record<string, string> = { ...options.annotations };
  // Set after the caller's, as notation-go's generateAnnotations does: these two cannot be overridden.
  annotations[ANNOTATION_X509_CHAIN_THUMBPRINT] = goStringArray(certificateThumbprints(certificateChainDer));
  annotations[ANNOTATION_CREATED] = formatSigningTime(signingTime);

  const layer = descriptorFor(envelopeMediaType, envelope);
  const config = legacy ? LEGACY_CONFIG_DESCRIPTOR : EMPTY_CONFIG_DESCRIPTOR;
  // ocispec.Manifest member order (OCI-6).
  const parts = [`"schemaVersion":2`, `"mediaType":${goJsonString(MEDIA_TYPE_OCI_MANIFEST)}`];
  if (!legacy) parts.push(`"artifactType":${goJsonString(ARTIFACT_TYPE_NOTARY_SIGNATURE)}`);
  parts.push(`"config":${encodeDescriptorJson(config)}`);
  parts.push(`"layers":[${encodeDescriptorJson(layer)}]`);
  parts.push(`"subject":${encodeDescriptorJson(subject)}`);
  parts.push(`"annotations":${goStringMap(annotations)}`);
  const manifest = new TextEncoder().encode(`{${parts.join(',')}}`);

  return {
    manifest,
    descriptor: {
      ...descriptorFor(MEDIA_TYPE_OCI_MANIFEST, manifest),
      annotations,
      artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE,
    },
    blobs: [
      { descriptor: layer, bytes: envelope },
      { descriptor: descriptorFor(config.mediaType, EMPTY_JSON_BYTES), bytes: EMPTY_JSON_BYTES.slice() },
    ],
  };
}

// ---------------------------------------------------------------------------
// Parsing (OCI-1 … OCI-3, OCI-9)

export type SignatureManifestForm = 'oci-1.1' | 'legacy' | 'artifact-manifest';

export interface ParsedSignatureManifest {
  /** The envelope blob's descriptor (the one layer, or the one blob of an artifact manifest). */
  envelopeDescriptor: Descriptor;
  envelopeMediaType: EnvelopeMediaType;
  subject?: Descriptor;
  annotations: Record<string, string>;
  form: SignatureManifestForm;
}

function invalid(message: string, cause?: unknown): OciError {
  return new OciError('ERR_OCI_SIGNATURE_MANIFEST_INVALID', message, cause === undefined ? undefined : { cause });
}

function decodeJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw invalid(`${what} is not valid UTF-8 JSON`, cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function optionalString(object: Record<string, unknown>, key: string, what: string): string | undefined {
  const v = object[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw invalid(`${what}: ${key} is not a string`);
  return v;
}

function annotationsOf(object: Record<string, unknown>, what: string): Record<string, string> {
  const a = object['annotations'];
  if (a === undefined || a === null) return {};
  if (typeof a !== 'object' || Array.isArray(a) || Object.values(a).some((v) => typeof v !== 'string')) {
    throw invalid(`${what}: annotations is not a string map`);
  }
  return { ...(a as Record<string, string>) };
}

/**
 * Reads a signature manifest after its bytes were checked against its
 * descriptor. `mediaType` is the descriptor's media type (the one the
 * referrer listing gave). Enforces OCI-9: ≤ 4 MiB, an image manifest (or
 * the obsolete artifact manifest, whose `blobs` are read), exactly one
 * envelope of a known type; and OCI-3: an `artifactType` of the Notary type
 * requires the empty config (the [impl] OCI-layout rule), no artifactType
 * requires the legacy config media type.
 */
export function parseSignatureManifest(bytes: Uint8Array, mediaType: string): ParsedSignatureManifest {
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new OciError(
      'ERR_OCI_TOO_LARGE',
      `signature manifest too large: ${bytes.length} bytes, limit ${MAX_MANIFEST_BYTES} (OCI-9)`,
    );
  }
  if (mediaType !== MEDIA_TYPE_OCI_MANIFEST && mediaType !== MEDIA_TYPE_OCI_ARTIFACT_MANIFEST) {
    throw new OciError(
      'ERR_OCI_UNSUPPORTED_MEDIA_TYPE',
      `signature manifest media type ${JSON.stringify(mediaType)} is not ${MEDIA_TYPE_OCI_MANIFEST} or ${MEDIA_TYPE_OCI_ARTIFACT_MANIFEST} (OCI-9)`,
    );
  }
  const what = 'signature manifest';
  const m = decodeJsonObject(bytes, what);
  // The body's own mediaType, when present, must agree with the descriptor's (image-spec manifest.md).
  const bodyMediaType = optionalString(m, 'mediaType', what);
  if (bodyMediaType !== undefined && bodyMediaType !== mediaType) {
    throw invalid(`${what}: body mediaType ${JSON.stringify(bodyMediaType)} differs from ${JSON.stringify(mediaType)}`);
  }
  const artifactType = optionalString(m, 'artifactType', what);
  const annotations = annotationsOf(m, what);

  let envelopes: unknown;
  let form: SignatureManifestForm;
  if (mediaType === MEDIA_TYPE_OCI_MANIFEST) {
    if (m['schemaVersion'] !== 2) throw invalid(`${what}: schemaVersion is not 2 (OCI-1)`);
    const config = m['config'];
    checkDescriptorShape(config, `${what} config`);
    if (artifactType !== undefined) {
      if (artifactType !== ARTIFACT_TYPE_NOTARY_SIGNATURE) {
        throw invalid(
          `${what}: artifactType ${JSON.stringify(artifactType)} is not ${ARTIFACT_TYPE_NOTARY_SIGNATURE} (OCI-2)`,
        );
      }
      if (config.mediaType !== MEDIA_TYPE_EMPTY) {
        throw invalid(
          `${what}: artifactType is ${ARTIFACT_TYPE_NOTARY_SIGNATURE} but config.mediaType is ${JSON.stringify(config.mediaType)}, not ${MEDIA_TYPE_EMPTY} (OCI-3)`,
        );
      }
      form = 'oci-1.1';
    } else {
      if (config.mediaType !== ARTIFACT_TYPE_NOTARY_SIGNATURE) {
        throw invalid(
          `${what}: no artifactType and config.mediaType ${JSON.stringify(config.mediaType)} is not ${ARTIFACT_TYPE_NOTARY_SIGNATURE} (OCI-3)`,
        );
      }
      form = 'legacy';
    }
    envelopes = m['layers'];
  } else {
    if (artifactType !== ARTIFACT_TYPE_NOTARY_SIGNATURE) {
      throw invalid(
        `${what}: artifact manifest artifactType ${JSON.stringify(artifactType)} is not ${ARTIFACT_TYPE_NOTARY_SIGNATURE}`,
      );
    }
    envelopes = m['blobs'];
    form = 'artifact-manifest';
  }
  const list = envelopes ?? [];
  if (!Array.isArray(list))
    throw invalid(`${what}: ${form === 'artifact-manifest' ? 'blobs' : 'layers'} is not an array`);
  if (list.length !== 1) {
    throw invalid(`${what} requires exactly one signature envelope blob, got ${list.length} (OCI-1, OCI-9)`);
  }
  const envelopeDescriptor = list[0] as unknown;
  checkDescriptorShape(envelopeDescriptor, `${what} envelope`);
  if (!ENVELOPE_MEDIA_TYPES.includes(envelopeDescriptor.mediaType as EnvelopeMediaType)) {
    throw new OciError(
      'ERR_OCI_UNSUPPORTED_MEDIA_TYPE',
      `signature envelope media type ${JSON.stringify(envelopeDescriptor.mediaType)} is not ${ENVELOPE_MEDIA_TYPES.join(' or ')} (OCI-1, OCI-9)`,
    );
  }
  let subject: Descriptor | undefined;
  if (m['subject'] !== undefined && m['subject'] !== null) {
    checkDescriptorShape(m['subject'], `${what} subject`);
    subject = m['subject'];
  }
  return {
    envelopeDescriptor,
    envelopeMediaType: envelopeDescriptor.mediaType as EnvelopeMediaType,
    ...(subject ? { subject } : {}),
    annotations,
    form,
  };
}

/**
 * Whether a referrer descriptor (from the Referrers API, a tag-schema index
 * or a local store) announces a Notary signature (OCI-7, OCI-8): its
 * artifactType is the signature type. Registries and oras fill artifactType
 * from config.mediaType for legacy manifests, so both forms pass.
 */
export function isSignatureReferrer(descriptor: Pick<Descriptor, 'mediaType' | 'artifactType'>): boolean {
  return (
    descriptor.artifactType === ARTIFACT_TYPE_NOTARY_SIGNATURE &&
    (descriptor.mediaType === MEDIA_TYPE_OCI_MANIFEST || descriptor.mediaType === MEDIA_TYPE_OCI_ARTIFACT_MANIFEST)
  );
}

/**
 * The thumbprints of the OCI-5 annotation, lowercased (AMB-3: compare
 * case-insensitively); undefined when absent or not a JSON string array.
 */
export function parseThumbprintAnnotation(
  annotations: Readonly<Record<string, string>> | undefined,
): string[] | undefined {
  const raw = annotations?.[ANNOTATION_X509_CHAIN_THUMBPRINT];
  if (raw === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return undefined;
    return (value as string[]).map((v) => v.toLowerCase());
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// Referrer discovery in local stores

/** What a local store needs to know about a stored manifest or index. */
export interface ManifestFacts {
  /** The subject digest, when the manifest has one. */
  subject?: Descriptor;
  /** artifactType, else config.mediaType: what a referrers listing reports (distribution spec). */
  artifactType?: string;
  /** Only the manifest's own `artifactType` member (what oras writes into index.json entries). */
  declaredArtifactType?: string;
  annotations?: Record<string, string>;
  /** Digests of content the manifest references (config, layers, blobs, index manifests); subject excluded. */
  references: Descriptor[];
  /** Children to walk for an index (its `manifests`). */
  children: Descriptor[];
  /**
   * notation-go's filter for non-registry stores (`signatureReferrers`):
   * false for an image manifest with artifactType = the Notary type but a
   * non-empty config, which notation drops (OCI-3 [impl]).
   */
  acceptableAsSignature: boolean;
}

/**
 * Reads the members a store uses for referrers and reachability from a
 * manifest or index body. Lenient on purpose (a store holds any artifact);
 * throws ERR_OCI_UNSUPPORTED_MEDIA_TYPE only for a body that is not a JSON
 * object, which cannot be a manifest of any type.
 */
export function manifestFacts(bytes: Uint8Array, mediaType: string): ManifestFacts {
  let m: Record<string, unknown>;
  try {
    m = decodeJsonObject(bytes, 'manifest');
  } catch (cause) {
    throw new OciError('ERR_OCI_UNSUPPORTED_MEDIA_TYPE', `content declared ${mediaType} is not a JSON object`, {
      cause,
    });
  }
  const isDescriptor = (d: unknown): d is Descriptor =>
    typeof d === 'object' &&
    d !== null &&
    typeof (d as Descriptor).digest === 'string' &&
    typeof (d as Descriptor).mediaType === 'string';
  const list = (key: string): Descriptor[] => (Array.isArray(m[key]) ? (m[key] as unknown[]).filter(isDescriptor) : []);
  const str = (key: string): string | undefined =>
    typeof m[key] === 'string' && m[key] !== '' ? (m[key] as string) : undefined;
  const config = isDescriptor(m['config']) ? m['config'] : undefined;
  const declaredArtifactType = str('artifactType');
  const annotations =
    typeof m['annotations'] === 'object' && m['annotations'] !== null && !Array.isArray(m['annotations'])
      ? (Object.fromEntries(
          Object.entries(m['annotations'] as Record<string, unknown>).filter(([, v]) => typeof v === 'string'),
        ) as Record<string, string>)
      : undefined;
  const isIndex =
    mediaType === MEDIA_TYPE_OCI_INDEX ||
    str('mediaType') === MEDIA_TYPE_OCI_INDEX ||
    (Array.isArray(m['manifests']) && !Array.isArray(m['layers']));
  const children = isIndex ? list('manifests') : [];
  const references = [...(config ? [config] : []), ...list('layers'), ...list('blobs'), ...children];
  const artifactType = declaredArtifactType ?? config?.mediaType;
  const acceptableAsSignature = !(
    mediaType === MEDIA_TYPE_OCI_MANIFEST &&
    declaredArtifactType === ARTIFACT_TYPE_NOTARY_SIGNATURE &&
    config?.mediaType !== MEDIA_TYPE_EMPTY
  );
  return {
    ...(isDescriptor(m['subject']) ? { subject: m['subject'] } : {}),
    ...(artifactType ? { artifactType } : {}),
    ...(declaredArtifactType ? { declaredArtifactType } : {}),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
    references,
    children,
    acceptableAsSignature,
  };
}

/** The descriptor a referrers listing gives for a manifest (distribution spec: artifactType, else config.mediaType; the manifest's annotations). */
export function referrerDescriptor(descriptor: Descriptor, facts: ManifestFacts): Descriptor {
  return {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    ...(facts.annotations ? { annotations: { ...facts.annotations } } : {}),
    ...(facts.artifactType ? { artifactType: facts.artifactType } : {}),
  };
}
