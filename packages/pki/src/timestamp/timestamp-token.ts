import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm } from '../algorithm.js';
import { bytesEqual, concatBytes, toHex } from '../bytes.js';
import { Certificate } from '../certificate.js';
import {
  assertDefiniteLengthBer,
  DerCursor,
  type DerElement,
  DerError,
  integerBytes,
  readElement,
  smallIntegerValue,
  TAG,
} from '../der.js';
import { digest } from '../digest.js';
import { TimestampError, type TimestampErrorCode } from '../errors.js';
import { HASH_BY_OID, TIMESTAMP_OID } from './oids.js';

/** The fields of TSTInfo (RFC 3161 §2.4.2) a verifier reads. */
export interface TstInfo {
  version: number;
  policy: string;
  /** Hash of the imprint, when it is one we accept (AMB-19: SHA-256/384/512). */
  hashAlgorithm: HashAlgorithm | undefined;
  hashAlgorithmOid: string;
  hashedMessage: Uint8Array;
  /** Lower-case hex. */
  serialNumber: string;
  genTime: Date;
  /** Whether genTime was written in UTC (`Z`), as RFC 3161 requires (TSA-2). */
  genTimeIsUtc: boolean;
  /** Accuracy in milliseconds when present (micros are rounded up). */
  accuracyMs: number | undefined;
  nonce: bigint | undefined;
}

/** A timestamp's time range: [genTime − accuracy, genTime + accuracy] (TSA-4). */
export interface TimestampRange {
  genTime: Date;
  accuracyMs: number;
  earliest: Date;
  latest: Date;
}

function fail(code: TimestampErrorCode, message: string, cause?: unknown): never {
  throw new TimestampError(code, message, cause === undefined ? undefined : { cause });
}

function bigIntOf(integer: asn1js.Integer): bigint {
  let n = 0n;
  for (const b of integer.valueBlock.valueHexView) n = (n << 8n) | BigInt(b);
  return n;
}

function parseTstInfo(content: Uint8Array): TstInfo {
  let info: pkijs.TSTInfo;
  try {
    const asn1 = asn1js.fromBER(content);
    if (asn1.offset === -1) throw new Error('invalid DER');
    info = new pkijs.TSTInfo({ schema: asn1.result });
  } catch (error) {
    fail(
      'ERR_TIMESTAMP_MALFORMED',
      `cannot parse TSTInfo from the timestamp token: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
  const accuracy = info.accuracy;
  const accuracyMs = accuracy
    ? (accuracy.seconds ?? 0) * 1000 + (accuracy.millis ?? 0) + Math.ceil((accuracy.micros ?? 0) / 1000)
    : undefined;
  const hashAlgorithmOid = info.messageImprint.hashAlgorithm.algorithmId;
  const genTimeRaw = findGeneralizedTime(content);
  return {
    version: info.version,
    policy: info.policy,
    hashAlgorithm: HASH_BY_OID[hashAlgorithmOid],
    hashAlgorithmOid,
    hashedMessage: info.messageImprint.hashedMessage.valueBlock.valueHexView.slice(),
    serialNumber: toHex(info.serialNumber.valueBlock.valueHexView),
    genTime: info.genTime,
    genTimeIsUtc: genTimeRaw === undefined || genTimeRaw.endsWith('Z'),
    accuracyMs: accuracyMs === 0 ? undefined : accuracyMs,
    nonce: info.nonce ? bigIntOf(info.nonce) : undefined,
  };
}

/** The raw text of TSTInfo's genTime (asn1js turns it into a Date and loses the zone marker). */
function findGeneralizedTime(content: Uint8Array): string | undefined {
  const asn1 = asn1js.fromBER(content);
  const fields = (asn1.result as asn1js.Sequence).valueBlock?.value ?? [];
  const time = fields.find((f) => f instanceof asn1js.GeneralizedTime) as asn1js.GeneralizedTime | undefined;
  return time ? String.fromCharCode(...time.valueBlock.valueHexView) : undefined;
}

/** A signer of the token, with what the ESS attribute says about its certificate. */
interface SignerCandidate {
  signerInfo: pkijs.SignerInfo;
  index: number;
}

/**
 * An RFC 3161 TimeStampToken: a CMS SignedData over TSTInfo (TSA-3 step 2).
 * Parsing checks only the structure; {@link verifyTimestampToken} does the rest.
 */
export class TimestampToken {
  /** The token DER (ContentInfo), as embedded in the envelope. */
  readonly der: Uint8Array;
  readonly tstInfo: TstInfo;
  /** Certificates carried in the token (untrusted: path-building material). */
  readonly certificates: readonly Certificate[];
  /** The encapsulated TSTInfo bytes, which the message-digest attribute covers. */
  readonly content: Uint8Array;

  private constructor(der: Uint8Array) {
    this.der = der;
    let contentInfo: pkijs.ContentInfo;
    let signedData: pkijs.SignedData;
    try {
      // [impl] as tspclient-go: BER with definite lengths only (its BER→DER
      // conversion refuses indefinite lengths); issue 12, TSA-3.
      assertDefiniteLengthBer(der);
      const asn1 = asn1js.fromBER(der);
      if (asn1.offset === -1) throw new Error('invalid BER');
      contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
    } catch (error) {
      fail(
        'ERR_TIMESTAMP_MALFORMED',
        `the timestamp token is not a CMS ContentInfo: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
    if (contentInfo.contentType !== TIMESTAMP_OID.signedData) {
      fail(
        'ERR_TIMESTAMP_MALFORMED',
        `the timestamp token is not CMS SignedData (content type ${contentInfo.contentType})`,
      );
    }
    try {
      signedData = new pkijs.SignedData({ schema: contentInfo.content });
    } catch (error) {
      fail(
        'ERR_TIMESTAMP_MALFORMED',
        `invalid CMS SignedData: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
    signedDataOf.set(this, signedData);
    const eContentType = signedData.encapContentInfo.eContentType;
    if (eContentType !== TIMESTAMP_OID.tstInfo) {
      fail(
        'ERR_TIMESTAMP_MALFORMED',
        `unexpected content type: ${eContentType}. Expected to be id-ct-TSTInfo (${TIMESTAMP_OID.tstInfo})`,
      );
    }
    const eContent = signedData.encapContentInfo.eContent;
    if (!eContent) fail('ERR_TIMESTAMP_MALFORMED', 'the timestamp token has no TSTInfo content');
    // eContent is an OCTET STRING (Go unmarshals it into []byte, refusing any other tag).
    if (eContent.idBlock.tagClass !== 1 || eContent.idBlock.tagNumber !== 4)
      fail('ERR_TIMESTAMP_MALFORMED', 'the TSTInfo content is not an OCTET STRING');
    // A constructed (BER) OCTET STRING holds its value in pieces; join them.
    this.content = octetStringValue(eContent);
    try {
      checkTokenShape(der);
    } catch (error) {
      fail(
        'ERR_TIMESTAMP_MALFORMED',
        `invalid CMS SignedData: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
    try {
      // The certificates exactly as the token carries them: re-encoding them through
      // pkijs would turn a non-DER certificate into DER and hide it from the strict
      // certificate reader (issue 12).
      this.certificates = certificateElements(contentInfo.content as asn1js.AsnType).map((bytes) =>
        Certificate.fromDer(bytes),
      );
    } catch (error) {
      fail('ERR_TIMESTAMP_MALFORMED', 'failed to parse the certificates of the timestamp token', error);
    }
    this.tstInfo = parseTstInfo(this.content);
  }

  /** Parses a TimeStampToken (BER or DER ContentInfo). Throws ERR_TIMESTAMP_MALFORMED. */
  static parse(der: Uint8Array): TimestampToken {
    if (!(der instanceof Uint8Array) || der.length === 0)
      fail('ERR_TIMESTAMP_MALFORMED', 'the timestamp token is empty');
    return new TimestampToken(der.slice());
  }

  /**
   * TSA-3 step 3: TSTInfo version 1 and an imprint, with an accepted hash,
   * over exactly `message` (for Notary, the primitive signature bytes).
   */
  validateImprint(message: Uint8Array): void {
    const info = this.tstInfo;
    if (info.version !== 1)
      fail('ERR_TIMESTAMP_INVALID', `invalid TSTInfo: timestamp token info version must be 1, but got ${info.version}`);
    if (!info.hashAlgorithm)
      fail('ERR_TIMESTAMP_INVALID', `invalid TSTInfo: unrecognized hash algorithm: ${info.hashAlgorithmOid}`);
    if (!bytesEqual(digest(info.hashAlgorithm, message), info.hashedMessage)) {
      fail(
        'ERR_TIMESTAMP_INVALID',
        'invalid TSTInfo: mismatched message (the imprint is not over the timestamped signature)',
      );
    }
  }

  /**
   * TSA-4: [genTime − accuracy, genTime + accuracy]; accuracy is TSTInfo's,
   * else 1 s under the baseline policy, else 0.
   */
  range(): TimestampRange {
    const info = this.tstInfo;
    const accuracyMs = info.accuracyMs ?? (info.policy === TIMESTAMP_OID.baselinePolicy ? 1000 : 0);
    return {
      genTime: info.genTime,
      accuracyMs,
      earliest: new Date(info.genTime.getTime() - accuracyMs),
      latest: new Date(info.genTime.getTime() + accuracyMs),
    };
  }
}

/**
 * The pkijs SignedData of each parsed token. Module state rather than a member,
 * so that no pkijs type appears in the published declarations (issue 14 item 4).
 */
const signedDataOf = new WeakMap<TimestampToken, pkijs.SignedData>();

/** The signer candidates of a token, in order; verification succeeds on the first that verifies. Internal. */
export function timestampSigners(token: TimestampToken): SignerCandidate[] {
  const signedData = signedDataOf.get(token);
  if (!signedData) throw new TypeError('not a parsed TimestampToken');
  return signedData.signerInfos.map((signerInfo, index) => ({ signerInfo, index }));
}

/**
 * The layout of the token, read from the received bytes (pkijs skips
 * elements it does not know, and reads versions it never checks). Lengths
 * may be BER long forms, as the token's (tspclient-go converts BER to DER).
 * - ContentInfo, its `[0]`, SignedData, EncapsulatedContentInfo and every
 *   SignerInfo hold exactly their RFC 5652 fields: nothing after the last.
 * - SignedData's version is 3 (RFC 5652 §5.1: eContentType is not id-data);
 *   a SignerInfo's is 1 with issuerAndSerialNumber and 3 with
 *   subjectKeyIdentifier (§5.3); INTEGERs are minimal, as encoding/asn1 reads them.
 * - AlgorithmIdentifiers have nothing after their parameters; the
 *   SignerInfo's SHA-2 digestAlgorithm parameters are absent or NULL
 *   (RFC 5754 §2, RFC 3370 §2.1).
 * [impl] Stricter than notation: Go's encoding/asn1 skips trailing elements
 * of a SEQUENCE, and tspclient-go reads neither version nor the parameters
 * (issue 12, TSA-3).
 */
function checkTokenShape(der: Uint8Array): void {
  const cursor = (element: DerElement | undefined, what: string, tag: number = TAG.SEQUENCE) =>
    new DerCursor(der, element, what, tag, false);
  const algorithmIdentifier = (element: DerElement, what: string, nullOnly: boolean): void => {
    const fields = cursor(element, what);
    if (fields.next(what).tag !== TAG.OID) throw new DerError(`malformed ${what}`);
    const parameters = fields.empty ? undefined : fields.next(what);
    if (nullOnly && parameters && (parameters.tag !== TAG.NULL || parameters.end !== parameters.contentStart)) {
      throw new DerError(`${what} parameters must be absent or NULL`);
    }
    fields.end();
  };
  const contentInfo = cursor(readElement(der, 0, der.length, false), 'ContentInfo');
  if (contentInfo.next('ContentInfo contentType').tag !== TAG.OID)
    throw new DerError('malformed ContentInfo contentType');
  const content = cursor(contentInfo.next('ContentInfo content'), 'ContentInfo content', 0xa0);
  contentInfo.end();
  const signedData = cursor(content.next('SignedData'), 'SignedData');
  content.end();
  const version = smallIntegerValue(der, signedData.next('SignedData version'), 'SignedData version');
  if (version !== 3) throw new DerError(`SignedData version must be 3 for TSTInfo content, not ${version}`);
  const digestAlgorithms = cursor(
    signedData.next('SignedData digestAlgorithms'),
    'SignedData digestAlgorithms',
    TAG.SET,
  );
  while (!digestAlgorithms.empty) algorithmIdentifier(digestAlgorithms.next(), 'SignedData digestAlgorithms', false);
  const encapsulated = cursor(signedData.next('SignedData encapContentInfo'), 'EncapsulatedContentInfo');
  if (encapsulated.next('EncapsulatedContentInfo eContentType').tag !== TAG.OID)
    throw new DerError('malformed EncapsulatedContentInfo eContentType');
  const eContent = encapsulated.optional(0xa0);
  encapsulated.end();
  if (eContent) {
    const explicit = cursor(eContent, 'EncapsulatedContentInfo eContent', 0xa0);
    explicit.next('EncapsulatedContentInfo eContent');
    explicit.end();
  }
  signedData.optional(0xa0); // certificates: each parsed by the strict certificate reader
  signedData.optional(0xa1); // crls: not read
  const signerInfos = cursor(signedData.next('SignedData signerInfos'), 'SignerInfos', TAG.SET);
  signedData.end();
  while (!signerInfos.empty) {
    const info = cursor(signerInfos.next(), 'SignerInfo');
    const signerVersion = smallIntegerValue(der, info.next('SignerInfo version'), 'SignerInfo version');
    const sid = info.next('SignerInfo sid');
    if (sid.tag === TAG.SEQUENCE && signerVersion === 1) {
      const issuerAndSerial = cursor(sid, 'IssuerAndSerialNumber');
      if (issuerAndSerial.next('IssuerAndSerialNumber issuer').tag !== TAG.SEQUENCE)
        throw new DerError('malformed IssuerAndSerialNumber issuer');
      integerBytes(
        der,
        issuerAndSerial.next('IssuerAndSerialNumber serialNumber'),
        'IssuerAndSerialNumber serialNumber',
      );
      issuerAndSerial.end();
    } else if (!(sid.tag === 0x80 && signerVersion === 3)) {
      throw new DerError(`SignerInfo version ${signerVersion} does not match its sid (RFC 5652 §5.3)`);
    }
    algorithmIdentifier(info.next('SignerInfo digestAlgorithm'), 'SignerInfo digestAlgorithm', true);
    info.optional(0xa0); // signedAttrs: their own DER check where the signature is verified
    algorithmIdentifier(info.next('SignerInfo signatureAlgorithm'), 'SignerInfo signatureAlgorithm', false);
    if (info.next('SignerInfo signature').tag !== TAG.OCTET_STRING)
      throw new DerError('malformed SignerInfo signature');
    info.optional(0xa1); // unsignedAttrs: not read
    info.end();
  }
}

/** The raw bytes of each X.509 certificate in SignedData's `certificates [0]` (other CertificateChoices are skipped). */
function certificateElements(signedData: asn1js.AsnType): Uint8Array[] {
  const fields = (signedData as asn1js.Sequence).valueBlock?.value ?? [];
  const set = fields.find((f) => f.idBlock.tagClass === 3 && f.idBlock.tagNumber === 0) as
    | asn1js.Constructed
    | undefined;
  return (set?.valueBlock.value ?? [])
    .filter((c) => c.idBlock.tagClass === 1 && c.idBlock.tagNumber === 16)
    .map((c) => new Uint8Array((c as asn1js.Sequence).valueBeforeDecodeView).slice());
}

function octetStringValue(value: asn1js.OctetString): Uint8Array {
  if (!value.idBlock.isConstructed) return value.valueBlock.valueHexView.slice();
  return concatBytes(...(value.valueBlock.value as asn1js.OctetString[]).map(octetStringValue));
}

/** The attribute values of one signed attribute, or undefined when absent. */
export function signedAttribute(signerInfo: pkijs.SignerInfo, oid: string): unknown[] | undefined {
  return signerInfo.signedAttrs?.attributes.find((a) => a.type === oid)?.values;
}
