/**
 * Small ASN.1 helpers shared by the OCSP and CRL code: URL extraction from
 * certificate and CRL extensions, strict DER parsing, integers and times.
 * Internal to the revocation module.
 */
import * as asn1js from 'asn1js';
import type { Certificate } from '../certificate.js';
import {
  assertDer,
  contents,
  DerCursor,
  type DerElement,
  DerError,
  integerValue as derInteger,
  oidValue,
  readOnly,
  signedBigInt,
  smallIntegerValue,
  TAG,
  timeValue,
} from '../der.js';
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

/**
 * Parses exactly one DER element for pkijs. The bytes are first checked with
 * the strict DER reader (definite, minimal lengths at every depth, no
 * trailing data), as Go's CRL and OCSP parsers refuse BER (issue 12).
 * Failures throw `ERR_REVOCATION_MALFORMED`.
 */
export function parseDer(bytes: Uint8Array, what: string): asn1js.AsnType {
  try {
    assertDer(bytes);
  } catch (error) {
    throw malformed(`malformed ${what}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset === -1) throw malformed(`malformed ${what}: ${parsed.result.error || 'invalid DER'}`);
  if (parsed.offset !== bytes.length) throw malformed(`malformed ${what}: trailing data`);
  return parsed.result;
}

/** Runs a strict DER read, turning its DerError into `ERR_REVOCATION_MALFORMED`. */
function strict<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof DerError) throw malformed(`malformed ${what}: ${error.message}`, error);
    throw error;
  }
}

/** The raw bytes an asn1js node was decoded from. */
export function rawBytes(node: asn1js.AsnType): Uint8Array {
  return new Uint8Array((node as asn1js.BaseBlock).valueBeforeDecodeView);
}

/**
 * The OID and raw parameter DER of a pkijs AlgorithmIdentifier, the form the
 * shared signature check reads (parameters undefined when absent).
 */
export function algorithmOf(ai: { algorithmId: string; algorithmParams?: unknown }): {
  oid: string;
  parameters: Uint8Array | undefined;
} {
  const params = ai.algorithmParams as asn1js.AsnType | undefined;
  const raw = params === undefined || params instanceof asn1js.Any ? undefined : rawBytes(params);
  return { oid: ai.algorithmId, parameters: raw !== undefined && raw.length > 0 ? raw.slice() : undefined };
}

/** A DER INTEGER's content octets (two's complement) as a bigint. */
export function integerValue(bytes: Uint8Array): bigint {
  return signedBigInt(bytes);
}

/** Decodes an extension value that must be exactly one minimal INTEGER (CRLNumber, DeltaCRLIndicator). */
export function decodeIntegerExtension(value: Uint8Array, what: string): bigint {
  return strict(`${what} extension`, () =>
    derInteger(value, readOnly(value, TAG.INTEGER, `${what} extension: not an INTEGER`), `${what} extension`),
  );
}

/** Decodes an extension value that must be exactly one GeneralizedTime (invalidityDate, as Go's asn1 "generalized"). */
export function decodeGeneralizedTimeExtension(value: Uint8Array, what: string): Date {
  return strict(`${what} extension`, () =>
    timeValue(value, readOnly(value, TAG.GeneralizedTime, `${what} extension: not a GeneralizedTime`)),
  );
}

/** Decodes an extension value that must be exactly one minimal ENUMERATED (CRLReason). */
export function decodeEnumeratedExtension(value: Uint8Array, what: string): number {
  return strict(`${what} extension`, () =>
    smallIntegerValue(
      value,
      readOnly(value, TAG.ENUMERATED, `${what} extension: not an ENUMERATED`),
      `${what} extension`,
      TAG.ENUMERATED,
    ),
  );
}

const latin1 = (bytes: Uint8Array): string => {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
};

/**
 * URIs of a CRLDistributionPoints (or FreshestCRL, same syntax) extension
 * value: every uniformResourceIdentifier of every distributionPoint's
 * fullName, in order (RFC 5280 §4.2.1.13). Relative names and other
 * GeneralName forms are skipped, as Go's parser does.
 */
export function distributionPointUrls(value: Uint8Array, what = 'CRL distribution points'): string[] {
  return strict(what, () => {
    const urls: string[] = [];
    const points = new DerCursor(value, readOnly(value, TAG.SEQUENCE, `${what}: not a SEQUENCE`), what);
    while (!points.empty) {
      const dp = points.next();
      if (dp.tag !== TAG.SEQUENCE) throw new DerError('distribution point is not a SEQUENCE');
      const dpName = new DerCursor(value, dp, what).optional(0xa0);
      if (!dpName) continue;
      // distributionPoint [0] DistributionPointName is a CHOICE: a present distributionPoint holding
      // no alternative (e.g. `A0 00`) is malformed, not "no URL" (Go: "x509: invalid CRL distribution
      // point"; skipping it would fail open).
      const choice = new DerCursor(value, dpName, what, 0xa0);
      const name = choice.empty ? undefined : choice.next();
      if (!name || !choice.empty || (name.tag !== 0xa0 && name.tag !== 0xa1))
        throw new DerError('invalid CRL distribution point');
      if (name.tag !== 0xa0) continue;
      // fullName [0] IMPLICIT GeneralNames; uniformResourceIdentifier [6] IMPLICIT IA5String.
      const names = new DerCursor(value, name, what, 0xa0);
      while (!names.empty) {
        const general: DerElement = names.next();
        if (general.tag === 0x86) urls.push(latin1(contents(value, general)));
      }
    }
    return urls;
  });
}

/** OCSP responder URLs of a certificate: AIA accessDescriptions with id-ad-ocsp and a URI (Go's `OCSPServer`). */
export function ocspUrls(cert: Certificate): string[] {
  const ext = cert.extension(REV_OID.authorityInfoAccess);
  if (!ext) return [];
  const value = ext.value;
  return strict('authorityInfoAccess extension', () => {
    const urls: string[] = [];
    const descriptions = new DerCursor(
      value,
      readOnly(value, TAG.SEQUENCE, 'authorityInfoAccess extension'),
      'authorityInfoAccess extension',
    );
    while (!descriptions.empty) {
      const description = new DerCursor(value, descriptions.next(), 'authorityInfoAccess extension');
      const method = oidValue(value, description.next(), 'authorityInfoAccess extension');
      const location = description.next('authorityInfoAccess extension');
      if (method === REV_OID.adOcsp && location.tag === 0x86) urls.push(latin1(contents(value, location)));
    }
    return urls;
  });
}

/** CRL distribution point URLs of a certificate (Go's `CRLDistributionPoints`). */
export function crlUrls(cert: Certificate): string[] {
  const ext = cert.extension(REV_OID.crlDistributionPoints);
  return ext ? distributionPointUrls(ext.value) : [];
}

/** ISO form of a date for messages. */
export const iso = (d: Date): string => d.toISOString();
