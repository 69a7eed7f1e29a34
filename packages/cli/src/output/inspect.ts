/**
 * A signature envelope described as notation's `inspect` shows it: the
 * signature algorithm and envelope type, signed attributes, user defined
 * attributes (the payload's annotations), unsigned attributes (signing agent,
 * the timestamp with its certificates), the certificate chain and the signed
 * artifact; as a tree (text) or as notation's JSON fields.
 */
import { HEADER, MEDIA_TYPE_COSE, type ParsedEnvelope, parseEnvelope, parsePayload } from '@x/notary-envelope';
import { type Certificate, type TimestampRange, TimestampToken } from '@x/notary-pki';
import { decodeBase64Url } from '@x/notary-pki/foundation';
import { formatAnsic, formatRfc3339Nano, localOffsetMinutes, TreeNode } from './text.js';

export interface InspectedSignature {
  signatureAlgorithm: string;
  signatureEnvelopeType: string;
  envelope: ParsedEnvelope;
  signedArtifact: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> };
  /** The UTC offsets (minutes) notation shows the signing time and expiry in: see {@link signedTimeOffsets}. */
  offsets: { signingTime: number; expiry: number };
  /** The range the TSA's accuracy allows (TSA-4), as notation shows a timestamp; or why the token cannot be read. */
  timestamp?: { range: TimestampRange; certificates: readonly Certificate[] } | { error: string };
}

/** The `±hh:mm` of an RFC 3339 time in minutes (`Z` is 0). */
function offsetOfRfc3339(text: unknown): number {
  const m = typeof text === 'string' ? /([+-])(\d{2}):(\d{2})$/.exec(text) : null;
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/**
 * issue 13: Go prints a time in the zone it carries. A JWS time keeps the
 * offset its signer wrote (notation writes its local one, ENV-JWS-8); a COSE
 * time is an integer, which Go shows in the local zone (`$TZ`). The envelope
 * was already parsed and validated, so its protected header is read again
 * here only for the offsets' text.
 */
function signedTimeOffsets(
  bytes: Uint8Array,
  mediaType: string,
  envelope: ParsedEnvelope,
): InspectedSignature['offsets'] {
  const attributes = envelope.signerInfo.signedAttributes;
  const signingTime = attributes.signingTime ?? attributes.authenticSigningTime;
  if (mediaType === MEDIA_TYPE_COSE) {
    return {
      signingTime: signingTime ? localOffsetMinutes(signingTime) : 0,
      expiry: attributes.expiry ? localOffsetMinutes(attributes.expiry) : 0,
    };
  }
  const decoder = new TextDecoder();
  const jws = JSON.parse(decoder.decode(bytes)) as { protected: string };
  const header = JSON.parse(decoder.decode(decodeBase64Url(jws.protected))) as Record<string, unknown>;
  return {
    signingTime: offsetOfRfc3339(header[HEADER.signingTime] ?? header[HEADER.authenticSigningTime]),
    expiry: offsetOfRfc3339(header[HEADER.expiry]),
  };
}

/** Parses an envelope for display; a bad envelope throws (notation skips it with a warning). */
export function inspectEnvelope(bytes: Uint8Array, mediaType: string): InspectedSignature {
  const envelope = parseEnvelope(bytes, mediaType);
  const payload = parsePayload(envelope.payload.bytes);
  const inspected: InspectedSignature = {
    signatureAlgorithm: envelope.signerInfo.signatureAlgorithm,
    signatureEnvelopeType: mediaType,
    envelope,
    signedArtifact: payload.targetArtifact,
    offsets: signedTimeOffsets(bytes, mediaType, envelope),
  };
  const token = envelope.signerInfo.unsignedAttributes.timestampSignature;
  if (token !== undefined) {
    try {
      const parsed = TimestampToken.parse(token);
      parsed.validateImprint(envelope.signerInfo.signature);
      inspected.timestamp = { range: parsed.range(), certificates: parsed.certificates };
    } catch (error) {
      inspected.timestamp = { error: `failed to parse timestamp countersignature: ${(error as Error).message}` };
    }
  }
  return inspected;
}

/**
 * issue 13 item 2: notation prints a timestamp as `[earliest, latest]`, the
 * genTime ± accuracy range (tspclient-go's Timestamp.Format), not one instant.
 */
function formatRange(range: TimestampRange, format: (date: Date) => string): string {
  return `[${format(range.earliest)}, ${format(range.latest)}]`;
}

function addCertificates(node: TreeNode, certificates: readonly Certificate[]): void {
  const list = node.add('certificates');
  for (const certificate of certificates) {
    const entry = list.addPair('SHA256 fingerprint', certificate.sha256Fingerprint);
    entry.addPair('issued to', certificate.subject);
    entry.addPair('issued by', certificate.issuer);
    entry.addPair('expiry', formatAnsic(certificate.notAfter));
  }
}

/** notation's tree of one signature, named `name` (a manifest digest or a file path). */
export function signatureTree(name: string, inspected: InspectedSignature): TreeNode {
  const { envelope } = inspected;
  const attributes = envelope.signerInfo.signedAttributes;
  const node = new TreeNode(name);
  node.addPair('signature algorithm', inspected.signatureAlgorithm);
  node.addPair('signature envelope type', inspected.signatureEnvelopeType);
  const signed = node.add('signed attributes');
  signed.addPair('content type', envelope.payload.contentType);
  signed.addPair('signing scheme', attributes.signingScheme);
  const signingTime = attributes.signingTime ?? attributes.authenticSigningTime;
  if (signingTime) signed.addPair('signing time', formatAnsic(signingTime, inspected.offsets.signingTime));
  if (attributes.expiry) signed.addPair('expiry', formatAnsic(attributes.expiry, inspected.offsets.expiry));
  for (const attribute of attributes.extendedAttributes) signed.addPair(attribute.key, String(attribute.value));
  const user = node.add('user defined attributes');
  const annotations = inspected.signedArtifact.annotations ?? {};
  const keys = Object.keys(annotations).sort();
  if (keys.length === 0) user.add('(empty)');
  for (const key of keys) user.addPair(key, annotations[key]!);
  const unsigned = node.add('unsigned attributes');
  const agent = envelope.signerInfo.unsignedAttributes.signingAgent;
  if (agent) unsigned.addPair('signing agent', agent);
  if (inspected.timestamp) {
    const timestamp = unsigned.add('timestamp signature');
    if ('error' in inspected.timestamp) timestamp.addPair('error', inspected.timestamp.error);
    else {
      timestamp.addPair('timestamp', formatRange(inspected.timestamp.range, formatAnsic));
      addCertificates(timestamp, inspected.timestamp.certificates);
    }
  }
  addCertificates(node, envelope.signerInfo.certificateChain);
  const artifact = node.add('signed artifact');
  artifact.addPair('media type', inspected.signedArtifact.mediaType);
  artifact.addPair('digest', inspected.signedArtifact.digest);
  artifact.addPair('size', String(inspected.signedArtifact.size));
  return node;
}

/** notation's certificate object (`inspect -o json`; `verify -o json` uses it too). */
export function certificateJson(c: Certificate): {
  SHA256Fingerprint: string;
  issuedTo: string;
  issuedBy: string;
  expiry: string;
} {
  return {
    SHA256Fingerprint: c.sha256Fingerprint,
    issuedTo: c.subject,
    issuedBy: c.issuer,
    expiry: formatRfc3339Nano(c.notAfter),
  };
}

function certificatesJson(certificates: readonly Certificate[]): Record<string, unknown>[] {
  return certificates.map(certificateJson);
}

/** Go's encoding/json writes a map's keys sorted; notation's attribute objects are maps. */
function sortedKeys<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((key) => [key, map[key]!]),
  );
}

/** The OCI descriptor fields in image-spec's (Go struct) order, annotations left out as notation does. */
const DESCRIPTOR_FIELDS = ['mediaType', 'digest', 'size', 'urls', 'data', 'platform', 'artifactType'] as const;

function descriptorJson(descriptor: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of DESCRIPTOR_FIELDS) if (descriptor[field] !== undefined) out[field] = descriptor[field];
  return out;
}

/** notation's JSON of one signature (`inspect -o json`, `blob inspect -o json`). */
export function signatureJson(inspected: InspectedSignature, digest?: string): Record<string, unknown> {
  const { envelope } = inspected;
  const attributes = envelope.signerInfo.signedAttributes;
  const signingTime = attributes.signingTime ?? attributes.authenticSigningTime;
  const signedAttributes: Record<string, unknown> = {
    contentType: envelope.payload.contentType,
    signingScheme: attributes.signingScheme,
    ...(signingTime ? { signingTime: formatRfc3339Nano(signingTime, inspected.offsets.signingTime) } : {}),
    ...(attributes.expiry ? { expiry: formatRfc3339Nano(attributes.expiry, inspected.offsets.expiry) } : {}),
  };
  for (const attribute of attributes.extendedAttributes) signedAttributes[attribute.key] = String(attribute.value);
  const unsignedAttributes: Record<string, unknown> = {};
  const agent = envelope.signerInfo.unsignedAttributes.signingAgent;
  if (agent) unsignedAttributes['signingAgent'] = agent;
  if (inspected.timestamp) {
    unsignedAttributes['timestampSignature'] =
      'error' in inspected.timestamp
        ? { error: inspected.timestamp.error }
        : {
            timestamp: formatRange(inspected.timestamp.range, formatRfc3339Nano),
            certificates: certificatesJson(inspected.timestamp.certificates),
          };
  }
  const annotations = inspected.signedArtifact.annotations;
  return {
    ...(digest ? { digest } : {}),
    signatureAlgorithm: inspected.signatureAlgorithm,
    signatureEnvelopeType: inspected.signatureEnvelopeType,
    signedAttributes: sortedKeys(signedAttributes),
    // Go marshals an empty (nil) annotation map as null.
    userDefinedAttributes: annotations && Object.keys(annotations).length > 0 ? sortedKeys(annotations) : null,
    unsignedAttributes: sortedKeys(unsignedAttributes),
    certificates: certificatesJson(envelope.signerInfo.certificateChain),
    signedArtifact: descriptorJson(inspected.signedArtifact),
  };
}
