import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesEqual, toHex } from '../bytes.js';
import type { Certificate } from '../certificate.js';
import { OID } from '../certificate.js';
import { buildCertificatePath } from '../certificate-path.js';
import { checkValidityOverRange, validateTimestampingChain } from '../certificate-rules.js';
import { verifyX509Signature } from '../certificate-signature.js';
import { assertDer, children, DerCursor, DerError, oidValue, readOnly, TAG, whole } from '../der.js';
import { digest } from '../digest.js';
import { CertificateRuleError, NotaryError, TimestampError, type TimestampErrorCode } from '../errors.js';
import { algorithmOf } from '../revocation/asn1.js';
import { HASH_BY_OID, TIMESTAMP_OID } from './oids.js';
import { signedAttribute, type TimestampRange, TimestampToken, timestampSigners } from './timestamp-token.js';

export interface TimestampVerificationOptions {
  /** The TimeStampToken DER (the envelope's timestamp signature), or a parsed token. */
  token: Uint8Array | TimestampToken;
  /** The bytes that were timestamped: the envelope's primitive signature (TSA-1). */
  signature: Uint8Array;
  /** Trusted TSA roots: the policy's `tsa` trust stores (TSA-3 step 5). */
  roots: readonly Certificate[];
  /** Instant for building the TSA chain; defaults to genTime, as notation-go does (TSA-3 [impl]). */
  at?: Date;
  /** The envelope's signing chain: the timestamp range must lie within every certificate's validity (TSA-4). */
  signingChain?: readonly Certificate[];
}

/** A timestamp that verified: when, and by which TSA chain. */
export interface VerifiedTimestamp {
  token: TimestampToken;
  range: TimestampRange;
  /** TSA signing certificate → … → trusted root. Revocation-check it next (TSA-3 step 7, REV-6). */
  tsaChain: Certificate[];
}

function fail(code: TimestampErrorCode, message: string, cause?: unknown): never {
  throw new TimestampError(code, message, cause === undefined ? undefined : { cause });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const normalizeSerial = (hex: string): string => hex.replace(/^(00)+(?=..)/, '');
const hexOf = (integer: asn1js.Integer): string => toHex(integer.valueBlock.valueHexView);

/**
 * RFC 5652 §5.3/§5.4: SignedAttributes MUST be DER even inside a BER token,
 * and the signature covers that DER encoding, i.e. the received `[0]` bytes
 * with the tag replaced by SET. We verify over exactly those bytes, after
 * checking they are DER with pki's strict reader: minimal definite lengths,
 * SET OF in DER order, and each Attribute exactly { attrType, attrValues }
 * (no extension marker in RFC 5652's ASN.1).
 * [impl] Stricter than notation: tspclient-go converts the whole token
 * BER→DER (internal/encoding/asn1/ber ConvertToDER), unmarshals the
 * attributes with encoding/asn1 (which skips trailing elements of a SEQUENCE)
 * and verifies over asn1.MarshalWithParams(attrs, "set"), so it accepts
 * non-minimal lengths and extra Attribute elements that its re-encoding drops
 * (issue 12, TSA-3).
 */
export function signedAttributesDer(signerInfo: pkijs.SignerInfo): Uint8Array {
  const code = 'ERR_TIMESTAMP_SIGNATURE';
  const encoded = signerInfo.signedAttrs?.encodedValue;
  if (!encoded || encoded.byteLength === 0) fail(code, 'missing signed attributes');
  // pkijs keeps the received bytes of `[0]` with the tag already set to SET.
  const bytes = new Uint8Array(encoded).slice();
  bytes[0] = TAG.SET;
  try {
    assertDer(bytes);
    const set = readOnly(bytes, TAG.SET, 'SignedAttributes');
    let previous: Uint8Array | undefined;
    for (const child of children(bytes, set)) {
      const attribute = new DerCursor(bytes, child, 'Attribute');
      oidValue(bytes, attribute.next('Attribute attrType'));
      const values = attribute.next('Attribute attrValues');
      if (values.tag !== TAG.SET) throw new DerError('malformed Attribute attrValues');
      attribute.end();
      const encoding = whole(bytes, child);
      if (previous && compareBytes(previous, encoding) > 0) throw new DerError('SET OF elements are not in DER order');
      previous = encoding;
    }
  } catch (error) {
    fail(code, `the signed attributes are not DER (RFC 5652 §5.3): ${describe(error)}`, error);
  }
  return bytes;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function rawBytes(node: asn1js.AsnType): Uint8Array {
  const view = (node as { valueBeforeDecodeView?: Uint8Array }).valueBeforeDecodeView;
  return view && view.length > 0 ? view.slice() : new Uint8Array(node.toBER());
}

/** Finds the certificate an IssuerAndSerialNumber names among the token's certificates. */
function certificateByIssuerSerial(
  token: TimestampToken,
  issuer: Uint8Array,
  serialHex: string,
): Certificate | undefined {
  return token.certificates.find(
    (c) => bytesEqual(c.rawIssuer, issuer) && normalizeSerial(c.serialNumber) === normalizeSerial(serialHex),
  );
}

/**
 * The signing certificate named by the ESS signing-certificate-v2 attribute
 * (TSA-3 step 4, RFC 5816): found by its IssuerSerial when present, else by
 * the SignerInfo's sid, and its hash must equal certHash (SHA-256 default;
 * SHA-1 refused). SigningCertificate v1 is not accepted, as in tspclient-go.
 */
export function essSigningCertificate(token: TimestampToken, signerInfo: pkijs.SignerInfo): Certificate {
  const code = 'ERR_TIMESTAMP_SIGNING_CERTIFICATE';
  const values = signedAttribute(signerInfo, TIMESTAMP_OID.signingCertificateV2);
  if (!values || values.length === 0)
    fail(code, 'failed to get SigningCertificateV2 from signed attributes: attribute not found');
  const attribute = values[0];
  if (!(attribute instanceof asn1js.Sequence))
    fail(code, 'failed to get SigningCertificateV2 from signed attributes: malformed attribute');
  const certs = attribute.valueBlock.value[0];
  if (!(certs instanceof asn1js.Sequence))
    fail(code, 'failed to get SigningCertificateV2 from signed attributes: malformed attribute');
  const first = certs.valueBlock.value[0];
  if (!first) fail(code, 'signingCertificateV2 does not contain any certificate');
  if (!(first instanceof asn1js.Sequence))
    fail(code, 'failed to get SigningCertificateV2 from signed attributes: malformed ESSCertIDv2');
  let fields = first.valueBlock.value;
  let hashOid = '2.16.840.1.101.3.4.2.1'; // DEFAULT id-sha256
  if (fields[0] instanceof asn1js.Sequence) {
    const oid = fields[0].valueBlock.value[0];
    if (!(oid instanceof asn1js.ObjectIdentifier)) fail(code, 'malformed hashAlgorithm in SigningCertificateV2');
    hashOid = oid.valueBlock.toString();
    fields = fields.slice(1);
  }
  const certHash = fields[0];
  if (!(certHash instanceof asn1js.OctetString))
    fail(code, 'failed to get SigningCertificateV2 from signed attributes: malformed certHash');
  const issuerSerial = fields[1];

  let candidate: Certificate | undefined;
  if (issuerSerial !== undefined) {
    if (!(issuerSerial instanceof asn1js.Sequence)) fail(code, 'malformed IssuerSerial in SigningCertificateV2');
    const [generalNames, serial] = issuerSerial.valueBlock.value;
    const directoryName = (generalNames as asn1js.Sequence | undefined)?.valueBlock.value?.find(
      (n) => n.idBlock.tagClass === 3 && n.idBlock.tagNumber === 4,
    ) as asn1js.Constructed | undefined;
    const name = directoryName?.valueBlock.value[0];
    if (!name) fail(code, 'issuer name is missing in IssuerSerial');
    if (!(serial instanceof asn1js.Integer)) fail(code, 'serial number is missing in IssuerSerial');
    candidate = certificateByIssuerSerial(token, rawBytes(name), hexOf(serial));
  } else {
    const sid = signerInfo.sid;
    if (sid instanceof pkijs.IssuerAndSerialNumber) {
      candidate = certificateByIssuerSerial(
        token,
        new Uint8Array(sid.issuer.valueBeforeDecode),
        hexOf(sid.serialNumber),
      );
    }
  }
  if (!candidate) fail(code, 'signing certificate not found in the timestamp token');
  // The sid is unsigned, but RFC 5652 says it names the signer: a sid naming
  // another certificate is refused (stricter than tspclient-go's token check).
  const sid = signerInfo.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    const named = certificateByIssuerSerial(
      token,
      new Uint8Array(sid.issuer.valueBeforeDecode),
      hexOf(sid.serialNumber),
    );
    if (named !== candidate)
      fail(code, 'the signer identifier does not name the signing certificate of the SigningCertificateV2 attribute');
  }
  const hash = HASH_BY_OID[hashOid];
  if (!hash) fail(code, 'unsupported certificate hash algorithm in SigningCertificateV2 attribute');
  if (!bytesEqual(digest(hash, candidate.der), certHash.valueBlock.valueHexView)) {
    fail(code, 'signing certificate hash does not match CertHash in signed attribute');
  }
  return candidate;
}

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const RSA_WITH: Readonly<Record<string, string>> = {
  'SHA-256': '1.2.840.113549.1.1.11',
  'SHA-384': '1.2.840.113549.1.1.12',
  'SHA-512': '1.2.840.113549.1.1.13',
};
const ECDSA_WITH: Readonly<Record<string, string>> = {
  'SHA-256': '1.2.840.10045.4.3.2',
  'SHA-384': '1.2.840.10045.4.3.3',
  'SHA-512': '1.2.840.10045.4.3.4',
};

/**
 * RFC 5652 §5.4, §5.6: the signature over the DER SET of signed attributes,
 * then the attributes themselves. CMS signer algorithms: RSA PKCS#1 v1.5,
 * RSA-PSS and ECDSA with SHA-256/384/512 (TSA-3 [impl]).
 */
async function verifySignerInfo(
  token: TimestampToken,
  signerInfo: pkijs.SignerInfo,
  signer: Certificate,
  chain: readonly Certificate[],
): Promise<void> {
  const code = 'ERR_TIMESTAMP_SIGNATURE';
  if (signerInfo.version !== 1)
    fail(code, `invalid signer info version: only version 1 is supported; got ${signerInfo.version}`);
  const attributes = signerInfo.signedAttrs;
  if (!attributes || attributes.attributes.length === 0) fail(code, 'missing signed attributes');
  const digestHash = HASH_BY_OID[signerInfo.digestAlgorithm.algorithmId];
  if (!digestHash) fail(code, `unsupported digest algorithm ${signerInfo.digestAlgorithm.algorithmId}`);
  const signatureAlgorithm = algorithmOf(signerInfo.signatureAlgorithm);
  let algorithmOid = signatureAlgorithm.oid;
  let parameters = signatureAlgorithm.parameters;
  if (algorithmOid === RSA_ENCRYPTION) algorithmOid = RSA_WITH[digestHash]!;
  if (algorithmOid === EC_PUBLIC_KEY) {
    // The key's OID names no hash; its parameters (a curve) are not signature parameters.
    algorithmOid = ECDSA_WITH[digestHash]!;
    parameters = undefined;
  }

  const signedBytes = signedAttributesDer(signerInfo);
  let valid: boolean;
  try {
    valid = await verifyX509Signature(
      signer,
      { oid: algorithmOid, parameters },
      signerInfo.signature.valueBlock.valueHexView,
      signedBytes,
      signer.subject,
    );
  } catch (error) {
    fail(code, `cms verification failure: ${describe(error)}`, error);
  }
  if (!valid) fail(code, 'cms verification failure: the signature does not verify with the TSA certificate');

  verifySignedAttributes(token, signerInfo, chain);
}

/**
 * The signed attributes of RFC 5652 §5.3: content-type = id-ct-TSTInfo,
 * message-digest = hash of the TSTInfo bytes, and an optional signing-time
 * inside the validity of the whole TSA chain.
 */
export function verifySignedAttributes(
  token: TimestampToken,
  signerInfo: pkijs.SignerInfo,
  chain: readonly Certificate[],
): void {
  const code = 'ERR_TIMESTAMP_SIGNATURE';
  if (!signerInfo.signedAttrs || signerInfo.signedAttrs.attributes.length === 0)
    fail(code, 'missing signed attributes');
  const digestHash = HASH_BY_OID[signerInfo.digestAlgorithm.algorithmId];
  if (!digestHash) fail(code, `unsupported digest algorithm ${signerInfo.digestAlgorithm.algorithmId}`);
  const contentType = signedAttribute(signerInfo, TIMESTAMP_OID.contentTypeAttribute)?.[0];
  if (!(contentType instanceof asn1js.ObjectIdentifier))
    fail(code, 'invalid content type: the content-type signed attribute is missing');
  if (contentType.valueBlock.toString() !== TIMESTAMP_OID.tstInfo) {
    fail(
      code,
      `mismatch content type: found "${contentType.valueBlock.toString()}" in signer info, and "${TIMESTAMP_OID.tstInfo}" in signed data`,
    );
  }
  const messageDigest = signedAttribute(signerInfo, TIMESTAMP_OID.messageDigestAttribute)?.[0];
  if (!(messageDigest instanceof asn1js.OctetString))
    fail(code, 'invalid message digest: the message-digest signed attribute is missing');
  if (!bytesEqual(messageDigest.valueBlock.valueHexView, digest(digestHash, token.content)))
    fail(code, 'mismatch message digest');

  const signingTime = signedAttribute(signerInfo, TIMESTAMP_OID.signingTimeAttribute)?.[0];
  if (signingTime !== undefined) {
    if (!(signingTime instanceof asn1js.UTCTime || signingTime instanceof asn1js.GeneralizedTime))
      fail(code, 'invalid signing time');
    const at = signingTime.toDate();
    if (Number.isNaN(at.getTime())) fail(code, 'invalid signing time');
    if (!chain.every((c) => c.isValidAt(at)))
      fail(code, `signing time, ${at.toISOString()}, is outside certificate's validity period`);
  }
}

/** Go's x509.Verify with KeyUsages=[timeStamping]: every certificate that restricts EKU must allow time stamping. */
function checkChainAllowsTimeStamping(chain: readonly Certificate[]): void {
  for (const c of chain) {
    const purposes = c.extendedKeyUsage?.purposes;
    if (purposes && !purposes.includes(OID.timeStamping) && !purposes.includes(OID.anyExtendedKeyUsage)) {
      fail(
        'ERR_TIMESTAMP_UNTRUSTED',
        `certificate with subject "${c.subject}" does not allow time stamping (incompatible key usage)`,
      );
    }
  }
}

/** RFC 3161 §2.3: the TSA certificate has exactly one EKU, timeStamping, and it is critical (CERT-5). */
function checkTsaSigningEku(signer: Certificate): void {
  const eku = signer.extendedKeyUsage;
  if (!eku || eku.purposes.length !== 1 || eku.purposes[0] !== OID.timeStamping) {
    fail(
      'ERR_TIMESTAMP_UNTRUSTED',
      'signing certificate must have and only have ExtKeyUsageTimeStamping as extended key usage',
    );
  }
  if (!eku.critical)
    fail('ERR_TIMESTAMP_UNTRUSTED', 'signing certificate extended key usage extension must be set as critical');
}

/**
 * Verifies a timestamp token's signature and TSA chain, without looking at
 * what it timestamps (TSA-3 steps 4–6): a signer's ESS certificate chains to
 * `roots` at `at` (default genTime), its CMS signature and signed attributes
 * verify, and the TSA chain meets the CERT rules. As tspclient-go does, the
 * first signer that verifies wins.
 */
export async function verifyTimestampSignature(
  token: TimestampToken,
  options: { roots: readonly Certificate[]; at?: Date },
): Promise<Certificate[]> {
  if (options.roots.length === 0)
    fail(
      'ERR_TIMESTAMP_UNTRUSTED',
      'tsa root certificate pool cannot be nil or empty: no trusted TSA root certificate was given',
    );
  const signers = timestampSigners(token);
  if (signers.length === 0) fail('ERR_TIMESTAMP_SIGNATURE', 'signerInfo not found');
  const at = options.at ?? token.tstInfo.genTime;

  let lastError: unknown;
  let chain: Certificate[] | undefined;
  for (const { signerInfo } of signers) {
    try {
      const signer = essSigningCertificate(token, signerInfo);
      let path: Certificate[];
      try {
        path = await buildCertificatePath({
          leaf: signer,
          intermediates: token.certificates,
          roots: options.roots,
          at,
        });
      } catch (error) {
        fail('ERR_TIMESTAMP_UNTRUSTED', `failed to verify signed token: ${describe(error)}`, error);
      }
      checkChainAllowsTimeStamping(path);
      await verifySignerInfo(token, signerInfo, signer, path);
      checkTsaSigningEku(signer);
      chain = path;
      break;
    } catch (error) {
      lastError = error;
    }
  }
  if (!chain) {
    if (lastError instanceof TimestampError) throw lastError;
    fail('ERR_TIMESTAMP_SIGNATURE', `failed to verify signed token: ${describe(lastError)}`, lastError);
  }
  try {
    await validateTimestampingChain(chain);
  } catch (error) {
    if (!(error instanceof NotaryError)) throw error;
    fail('ERR_TIMESTAMP_UNTRUSTED', `failed to validate the timestamping certificate chain: ${error.message}`, error);
  }
  return chain;
}

/**
 * Verifies an RFC 3161 timestamp for a Notary signature (TSA-3 steps 1–6,
 * TSA-4): the token parses as SignedData over TSTInfo, the imprint is over
 * `signature`, its signature and TSA chain verify ({@link verifyTimestampSignature}),
 * and the timestamp range lies inside every signing-chain certificate.
 * Revocation of the returned `tsaChain` is left to the caller (step 7, REV-6),
 * which owns the network policy.
 */
export async function verifyTimestampToken(options: TimestampVerificationOptions): Promise<VerifiedTimestamp> {
  const token = options.token instanceof TimestampToken ? options.token : TimestampToken.parse(options.token);
  token.validateImprint(options.signature);
  const tsaChain = await verifyTimestampSignature(token, {
    roots: options.roots,
    ...(options.at ? { at: options.at } : {}),
  });
  const range = token.range();
  try {
    // TSA-4: the whole range, both ends inclusive, inside each signing certificate.
    checkValidityOverRange(options.signingChain ?? [], range.earliest, range.latest);
  } catch (error) {
    if (!(error instanceof CertificateRuleError)) throw error;
    fail('ERR_TIMESTAMP_OUT_OF_RANGE', error.message, error);
  }
  return { token, range, tsaChain };
}
