/**
 * Small ASN.1 helpers shared by the OCSP and CRL code: URL extraction from
 * certificate and CRL extensions, strict DER parsing, integers and times.
 * Internal to the revocation module.
 */
import * as asn1js from 'asn1js';
import type { Certificate } from '../certificate.js';
import { RevocationError } from './result.js';

export const REV_OID = {
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  adOcsp: '1.3.6.1.5.5.7.48.1',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  crlDistributionPoints: '2.5.29.31',
  freshestCrl: '2.5.29.46',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  certificateIssuer: '2.5.29.29',
  invalidityDate: '2.5.29.24',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

/** RFC 5280 §5.3.1 CRLReason names, by code (7 is unused). */
export const CRL_REASON_NAMES: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

export const malformed = (message: string, cause?: unknown): RevocationError =>
  new RevocationError('ERR_REVOCATION_MALFORMED', message, cause === undefined ? undefined : { cause });

/** Parses exactly one DER element; trailing bytes or a parse error throw `ERR_REVOCATION_MALFORMED`. */
export function parseDer(bytes: Uint8Array, what: string): asn1js.AsnType {
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset === -1) throw malformed(`malformed ${what}: ${parsed.result.error || 'invalid DER'}`);
  if (parsed.offset !== bytes.length) throw malformed(`malformed ${what}: trailing data`);
  return parsed.result;
}

/** The raw bytes an asn1js node was decoded from. */
export function rawBytes(node: asn1js.AsnType): Uint8Array {
  return new Uint8Array((node as asn1js.BaseBlock).valueBeforeDecodeView);
}

/**
 * The OID and raw parameter DER of a pkijs AlgorithmIdentifier, the form the
 * shared signature check reads (parameters undefined when absent).
 */
export function algorithmOf(ai: { algorithmId: string; algorithmParams?: unknown }): { oid: string; parameters: Uint8Array | undefined } {
  const params = ai.algorithmParams as asn1js.AsnType | undefined;
  const raw = params === undefined || params instanceof asn1js.Any ? undefined : rawBytes(params);
  return { oid: ai.algorithmId, parameters: raw !== undefined && raw.length > 0 ? raw.slice() : undefined };
}

/** A DER INTEGER's content octets (two's complement) as a bigint. */
export function integerValue(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return (bytes[0]! & 0x80) !== 0 ? n - (1n << BigInt(bytes.length * 8)) : n;
}

/** Decodes an extension value that must be exactly one INTEGER (CRLNumber, DeltaCRLIndicator). */
export function decodeIntegerExtension(value: Uint8Array, what: string): bigint {
  const node = parseDer(value, `${what} extension`);
  if (!(node instanceof asn1js.Integer)) throw malformed(`malformed ${what} extension: not an INTEGER`);
  return integerValue(node.valueBlock.valueHexView);
}

/** Decodes an extension value that must be exactly one GeneralizedTime (invalidityDate, as Go's asn1 "generalized"). */
export function decodeGeneralizedTimeExtension(value: Uint8Array, what: string): Date {
  const node = parseDer(value, `${what} extension`);
  if (!(node instanceof asn1js.GeneralizedTime)) throw malformed(`malformed ${what} extension: not a GeneralizedTime`);
  const date = node.toDate();
  if (Number.isNaN(date.getTime())) throw malformed(`malformed ${what} extension: invalid time`);
  return date;
}

/** Decodes an extension value that must be exactly one ENUMERATED (CRLReason). */
export function decodeEnumeratedExtension(value: Uint8Array, what: string): number {
  const node = parseDer(value, `${what} extension`);
  if (!(node instanceof asn1js.Enumerated)) throw malformed(`malformed ${what} extension: not an ENUMERATED`);
  return Number(integerValue(node.valueBlock.valueHexView));
}

const isContext = (node: asn1js.AsnType, tag: number): boolean => node.idBlock.tagClass === 3 && node.idBlock.tagNumber === tag;

/** Children of a constructed node (empty for primitives). */
function children(node: asn1js.AsnType): asn1js.AsnType[] {
  const value = (node as asn1js.Constructed).valueBlock.value;
  return Array.isArray(value) ? value : [];
}

function uriOf(node: asn1js.AsnType): string {
  // GeneralName uniformResourceIdentifier [6] IMPLICIT IA5String: primitive.
  return String.fromCharCode(...(node as asn1js.Primitive).valueBlock.valueHexView);
}

/**
 * URIs of a CRLDistributionPoints (or FreshestCRL, same syntax) extension
 * value: every uniformResourceIdentifier of every distributionPoint's
 * fullName, in order (RFC 5280 §4.2.1.13). Relative names and other
 * GeneralName forms are skipped, as Go's parser does.
 */
export function distributionPointUrls(value: Uint8Array, what = 'CRL distribution points'): string[] {
  const root = parseDer(value, what);
  if (!(root instanceof asn1js.Sequence)) throw malformed(`malformed ${what}: not a SEQUENCE`);
  const urls: string[] = [];
  for (const dp of root.valueBlock.value) {
    if (!(dp instanceof asn1js.Sequence)) throw malformed(`malformed ${what}: distribution point is not a SEQUENCE`);
    const dpName = dp.valueBlock.value.find((n) => isContext(n, 0));
    if (!dpName) continue;
    // distributionPoint [0] EXPLICIT-like (constructed) DistributionPointName; fullName [0] IMPLICIT GeneralNames.
    // DistributionPointName is a CHOICE: a present distributionPoint holding no alternative (e.g. `A0 00`)
    // is malformed, not "no URL" (Go: "x509: invalid CRL distribution point"; skipping it would fail open).
    const names = children(dpName);
    if (names.length !== 1 || !(isContext(names[0]!, 0) || isContext(names[0]!, 1))) {
      throw malformed(`malformed ${what}: invalid CRL distribution point`);
    }
    const fullName = names.find((n) => isContext(n, 0));
    if (!fullName) continue;
    for (const name of children(fullName)) {
      if (isContext(name, 6) && !name.idBlock.isConstructed) urls.push(uriOf(name));
    }
  }
  return urls;
}

/** OCSP responder URLs of a certificate: AIA accessDescriptions with id-ad-ocsp and a URI (Go's `OCSPServer`). */
export function ocspUrls(cert: Certificate): string[] {
  const ext = cert.extension(REV_OID.authorityInfoAccess);
  if (!ext) return [];
  const root = parseDer(ext.value, 'authorityInfoAccess extension');
  if (!(root instanceof asn1js.Sequence)) throw malformed('malformed authorityInfoAccess extension');
  const urls: string[] = [];
  for (const ad of root.valueBlock.value) {
    const [method, location] = children(ad);
    if (!(method instanceof asn1js.ObjectIdentifier) || location === undefined) throw malformed('malformed authorityInfoAccess extension');
    if (method.valueBlock.toString() === REV_OID.adOcsp && isContext(location, 6) && !location.idBlock.isConstructed) {
      urls.push(uriOf(location));
    }
  }
  return urls;
}

/** CRL distribution point URLs of a certificate (Go's `CRLDistributionPoints`). */
export function crlUrls(cert: Certificate): string[] {
  const ext = cert.extension(REV_OID.crlDistributionPoints);
  return ext ? distributionPointUrls(ext.value) : [];
}

/** ISO form of a date for messages. */
export const iso = (d: Date): string => d.toISOString();
