import { compareUtf8, goJson } from '@x/notary-pki/foundation';
import { EnvelopeError } from './errors.js';
import { decodeGoJson, type GoStruct } from './go-json-decode.js';
import { RESERVED_ANNOTATION_PREFIX } from './media-types.js';

/** An OCI descriptor as the payload carries it (PAY-2). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
  urls?: string[];
}

/** The Notary payload (PAY-1). */
export interface Payload {
  targetArtifact: Descriptor;
}

// OCI image-spec descriptor digest grammar: algorithm ":" encoded.
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
// RFC 6838 type/subtype, parameters allowed (PAY-4 [impl]: it must parse as a MIME type).
const MEDIA_TYPE =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(?:\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|"[^"]*"))*$/;

function invalid(message: string): never {
  throw new EnvelopeError('ERR_PAYLOAD_INVALID', message);
}

// OCI image-spec / go-digest: registered algorithms have a fixed-length lower-case hex encoding (PAY-4).
const REGISTERED_DIGEST_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** Whether a string is an OCI digest (`sha256:…`). */
export function isDigest(value: string): boolean {
  if (!DIGEST.test(value)) return false;
  const colon = value.indexOf(':');
  const length = REGISTERED_DIGEST_LENGTH[value.slice(0, colon)];
  return length === undefined || new RegExp(`^[a-f0-9]{${length}}$`).test(value.slice(colon + 1));
}

/** Whether a string is a media type (`type/subtype[; param=value]`). */
export function isMediaType(value: string): boolean {
  return MEDIA_TYPE.test(value);
}

/** Checks a descriptor against PAY-2, throwing ERR_PAYLOAD_INVALID. */
export function validateDescriptor(value: unknown, where = 'targetArtifact'): Descriptor {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(`${where} must be a JSON object`);
  const d = value as Record<string, unknown>;
  if (typeof d.mediaType !== 'string' || !isMediaType(d.mediaType)) invalid(`${where}.mediaType must be a media type`);
  if (typeof d.digest !== 'string' || !isDigest(d.digest)) invalid(`${where}.digest must be an OCI digest`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0)
    invalid(`${where}.size must be a non-negative integer`);
  if (d.annotations !== undefined) {
    if (typeof d.annotations !== 'object' || d.annotations === null || Array.isArray(d.annotations))
      invalid(`${where}.annotations must be an object`);
    for (const [k, v] of Object.entries(d.annotations))
      if (typeof v !== 'string') invalid(`${where}.annotations["${k}"] must be a string`);
  }
  if (d.artifactType !== undefined && (typeof d.artifactType !== 'string' || !isMediaType(d.artifactType)))
    invalid(`${where}.artifactType must be a media type`);
  return d as unknown as Descriptor;
}

/**
 * notation-go's envelope.Payload and the OCI descriptor it holds: Go folds
 * member names onto these fields, so `size` and `Size` are one field twice
 * (issue 12). `annotations` is a map, where case matters.
 */
const PAYLOAD_STRUCTS: readonly GoStruct[] = [
  { path: [], fields: ['targetArtifact'] },
  {
    path: ['targetArtifact'],
    fields: ['mediaType', 'digest', 'size', 'urls', 'annotations', 'data', 'platform', 'artifactType'],
  },
];

/**
 * Parses payload bytes (PAY-1, PAY-2). The bytes themselves stay the source of
 * truth: verifiers never re-serialise them (PAY-6).
 */
export function parsePayload(bytes: Uint8Array): Payload {
  // Go's json.Unmarshal into notation's payload struct: no BOM, and `size`
  // (an int64) written as an integer, not `512.0` or `5e2` (issue 12 finding 7).
  const json = decodeGoJson(
    bytes,
    (message, cause) => {
      throw new EnvelopeError('ERR_PAYLOAD_INVALID', `payload ${message}`, cause === undefined ? undefined : { cause });
    },
    [['targetArtifact', 'size']],
    { structs: PAYLOAD_STRUCTS },
  );
  if (typeof json !== 'object' || json === null || Array.isArray(json)) invalid('payload must be a JSON object');
  // PAY-1 [impl] issue 12: `targetArtifact` is the payload's only member. notation-go's
  // verifier ignores others (its plugin check, PLG-10, refuses them); a member the
  // signature covers but no verifier shows is refused here too. Inside
  // targetArtifact, unknown members stay allowed (PAY-2: artifactType and the like).
  for (const key of Object.keys(json))
    if (key !== 'targetArtifact')
      invalid(`payload has the unknown member "${key.slice(0, 64)}"; only targetArtifact is allowed`);
  const targetArtifact = validateDescriptor((json as Record<string, unknown>).targetArtifact);
  return { targetArtifact };
}

/**
 * Keeps only mediaType, digest, size and annotations, as notation-go's signer
 * does (PAY-6); artifactType, urls and the rest are dropped.
 */
export function sanitizeDescriptor(descriptor: Descriptor): Descriptor {
  const { mediaType, digest, size, annotations } = validateDescriptor(descriptor);
  return annotations && Object.keys(annotations).length > 0
    ? { mediaType, digest, size, annotations: { ...annotations } }
    : { mediaType, digest, size };
}

/**
 * Adds user metadata as annotations (SIGN-1 step 2). Keys with the reserved
 * `io.cncf.notary` prefix, or that collide with an existing annotation, are
 * refused (PAY-3).
 */
export function addUserMetadata(descriptor: Descriptor, metadata: Readonly<Record<string, string>>): Descriptor {
  const annotations = { ...(descriptor.annotations ?? {}) };
  for (const [key, value] of Object.entries(metadata)) {
    if (key.startsWith(RESERVED_ANNOTATION_PREFIX)) {
      throw new EnvelopeError(
        'ERR_PAYLOAD_INVALID',
        `user metadata key "${key}" uses the reserved prefix ${RESERVED_ANNOTATION_PREFIX}`,
      );
    }
    if (Object.hasOwn(annotations, key))
      throw new EnvelopeError(
        'ERR_PAYLOAD_INVALID',
        `user metadata key "${key}" is already an annotation of the target artifact`,
      );
    // defineProperty, so that a "__proto__" key is data, not the prototype setter.
    Object.defineProperty(annotations, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return Object.keys(annotations).length > 0 ? { ...descriptor, annotations } : descriptor;
}

function sortedAnnotations(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations || Object.keys(annotations).length === 0) return undefined;
  return annotations; // goJson sorts map keys itself
}

/**
 * Payload bytes as notation-go writes them in a JWS: jwt MapClaims re-encodes
 * the payload, so keys are sorted at every level (PAY-6).
 */
export function encodeJwsPayload(descriptor: Descriptor): Uint8Array {
  const d = sanitizeDescriptor(descriptor);
  const json = goJson(
    {
      targetArtifact: {
        annotations: sortedAnnotations(d.annotations),
        digest: d.digest,
        mediaType: d.mediaType,
        size: d.size,
      },
    },
    true,
  );
  return new TextEncoder().encode(json);
}

/**
 * Payload bytes as notation-go writes them in COSE: Go's json.Marshal of the
 * descriptor struct, so fields in struct order and annotations sorted (PAY-6).
 */
export function encodeCosePayload(descriptor: Descriptor): Uint8Array {
  const d = sanitizeDescriptor(descriptor);
  const annotations = sortedAnnotations(d.annotations);
  const sorted = annotations
    ? Object.fromEntries(
        Object.keys(annotations)
          .sort(compareUtf8)
          .map((k) => [k, annotations[k]!]),
      )
    : undefined;
  const json = goJson(
    { targetArtifact: { mediaType: d.mediaType, digest: d.digest, size: d.size, annotations: sorted } },
    false,
  );
  return new TextEncoder().encode(json);
}
