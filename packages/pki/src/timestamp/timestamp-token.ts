import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm } from '../algorithm.js';
import { bytesEqual, toHex } from '../bytes.js';
import { Certificate } from '../certificate.js';
import { digest } from '../digest.js';
import { assertDefiniteLengthBer, DerError, readElement, TAG, type DerElement } from '../der.js';
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
    fail('ERR_TIMESTAMP_MALFORMED', `cannot parse TSTInfo from the timestamp token: ${error instanceof Error ? error.message : String(error)}`, error);
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
  readonly signedData: pkijs.SignedData;

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
      fail('ERR_TIMESTAMP_MALFORMED', `the timestamp token is not a CMS ContentInfo: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    if (contentInfo.contentType !== TIMESTAMP_OID.signedData) {
      fail('ERR_TIMESTAMP_MALFORMED', `the timestamp token is not CMS SignedData (content type ${contentInfo.contentType})`);
    }
    try {
      signedData = new pkijs.SignedData({ schema: contentInfo.content });
    } catch (error) {
      fail('ERR_TIMESTAMP_MALFORMED', `invalid CMS SignedData: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    this.signedData = signedData;
    const eContentType = signedData.encapContentInfo.eContentType;
    if (eContentType !== TIMESTAMP_OID.tstInfo) {
      fail('ERR_TIMESTAMP_MALFORMED', `unexpected content type: ${eContentType}. Expected to be id-ct-TSTInfo (${TIMESTAMP_OID.tstInfo})`);
    }
    const eContent = signedData.encapContentInfo.eContent;
    if (!eContent) fail('ERR_TIMESTAMP_MALFORMED', 'the timestamp token has no TSTInfo content');
    // eContent is an OCTET STRING (Go unmarshals it into []byte, refusing any other tag).
    if (eContent.idBlock.tagClass !== 1 || eContent.idBlock.tagNumber !== 4) fail('ERR_TIMESTAMP_MALFORMED', 'the TSTInfo content is not an OCTET STRING');
    // A constructed (BER) OCTET STRING holds its value in pieces; join them.
    this.content = octetStringValue(eContent);
    try {
      checkDigestAlgorithms(der);
    } catch (error) {
      fail('ERR_TIMESTAMP_MALFORMED', `invalid CMS SignerInfo: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    try {
      // The certificates exactly as the token carries them: re-encoding them through
      // pkijs would turn a non-DER certificate into DER and hide it from the strict
      // certificate reader (issue 12).
      this.certificates = certificateElements(contentInfo.content as asn1js.AsnType).map((bytes) => Certificate.fromDer(bytes));
    } catch (error) {
      fail('ERR_TIMESTAMP_MALFORMED', 'failed to parse the certificates of the timestamp token', error);
    }
    this.tstInfo = parseTstInfo(this.content);
  }

  /** Parses a TimeStampToken (BER or DER ContentInfo). Throws ERR_TIMESTAMP_MALFORMED. */
  static parse(der: Uint8Array): TimestampToken {
    if (!(der instanceof Uint8Array) || der.length === 0) fail('ERR_TIMESTAMP_MALFORMED', 'the timestamp token is empty');
    return new TimestampToken(der.slice());
  }

  /**
   * TSA-3 step 3: TSTInfo version 1 and an imprint, with an accepted hash,
   * over exactly `message` (for Notary, the primitive signature bytes).
   */
  validateImprint(message: Uint8Array): void {
    const info = this.tstInfo;
    if (info.version !== 1) fail('ERR_TIMESTAMP_INVALID', `invalid TSTInfo: timestamp token info version must be 1, but got ${info.version}`);
    if (!info.hashAlgorithm) fail('ERR_TIMESTAMP_INVALID', `invalid TSTInfo: unrecognized hash algorithm: ${info.hashAlgorithmOid}`);
    if (!bytesEqual(digest(info.hashAlgorithm, message), info.hashedMessage)) {
      fail('ERR_TIMESTAMP_INVALID', 'invalid TSTInfo: mismatched message (the imprint is not over the timestamped signature)');
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

  /** The signer candidates, in order; verification succeeds on the first that verifies. */
  signers(): SignerCandidate[] {
    return this.signedData.signerInfos.map((signerInfo, index) => ({ signerInfo, index }));
  }
}

/**
 * Each SignerInfo's digestAlgorithm as received: an OID and parameters that
 * are absent or NULL, nothing else; SignedData.digestAlgorithms entries have
 * nothing after their parameters (RFC 5754 §2, RFC 3370 §2.1; no extension
 * marker in AlgorithmIdentifier). pkijs drops elements it does not know, so
 * the received bytes are read. Lengths may be BER long forms, as the token's.
 * [impl] Stricter than notation: tspclient-go reads the field into
 * pkix.AlgorithmIdentifier (any parameters, trailing elements skipped) and
 * uses only its OID.
 */
function checkDigestAlgorithms(der: Uint8Array): void {
  const kids = (el: DerElement | undefined, what: string): DerElement[] => {
    if (!el || (el.tag & 0x20) === 0) throw new DerError(`malformed ${what}`);
    const out: DerElement[] = [];
    for (let offset = el.contentStart; offset < el.end; ) {
      const child = readElement(der, offset, el.end, false);
      out.push(child);
      offset = child.end;
    }
    return out;
  };
  const signedData = kids(kids(readElement(der, 0, der.length, false), 'ContentInfo')[1], 'ContentInfo content')[0];
  // SignedData.digestAlgorithms: each an AlgorithmIdentifier with nothing after its parameters.
  for (const algorithm of kids(kids(signedData, 'SignedData')[1], 'SignedData digestAlgorithms')) {
    const [oid, , ...rest] = kids(algorithm, 'SignedData digestAlgorithms');
    if (oid?.tag !== TAG.OID || rest.length > 0) throw new DerError('malformed SignedData digestAlgorithms');
  }
  for (const signerInfo of kids(kids(signedData, 'SignedData').at(-1), 'SignerInfos')) {
    const [oid, parameters, ...rest] = kids(kids(signerInfo, 'SignerInfo')[2], 'SignerInfo digestAlgorithm');
    if (oid?.tag !== TAG.OID) throw new DerError('malformed SignerInfo digestAlgorithm');
    if (parameters && (parameters.tag !== TAG.NULL || parameters.end !== parameters.contentStart)) {
      throw new DerError('SignerInfo digestAlgorithm parameters must be absent or NULL');
    }
    if (rest.length > 0) throw new DerError('malformed SignerInfo digestAlgorithm: trailing data');
  }
}

/** The raw bytes of each X.509 certificate in SignedData's `certificates [0]` (other CertificateChoices are skipped). */
function certificateElements(signedData: asn1js.AsnType): Uint8Array[] {
  const fields = (signedData as asn1js.Sequence).valueBlock?.value ?? [];
  const set = fields.find((f) => f.idBlock.tagClass === 3 && f.idBlock.tagNumber === 0) as asn1js.Constructed | undefined;
  return (set?.valueBlock.value ?? [])
    .filter((c) => c.idBlock.tagClass === 1 && c.idBlock.tagNumber === 16)
    .map((c) => new Uint8Array((c as asn1js.Sequence).valueBeforeDecodeView).slice());
}

function octetStringValue(value: asn1js.OctetString): Uint8Array {
  if (!value.idBlock.isConstructed) return value.valueBlock.valueHexView.slice();
  const parts = (value.valueBlock.value as asn1js.OctetString[]).map(octetStringValue);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The attribute values of one signed attribute, or undefined when absent. */
export function signedAttribute(signerInfo: pkijs.SignerInfo, oid: string): unknown[] | undefined {
  return signerInfo.signedAttrs?.attributes.find((a) => a.type === oid)?.values;
}
