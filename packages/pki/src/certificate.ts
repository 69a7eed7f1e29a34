import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, toHex } from './bytes.js';
import { CertificateParseError } from './errors.js';
import { decodePem, isPem } from './pem.js';
import { parsePublicKey, type PublicKey } from './public-key.js';
import { renderGoName, type NameAttribute } from './x509-name.js';

/** Key usage bit names, in bit order (RFC 5280 §4.2.1.3). */
export const KEY_USAGE_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_NAMES)[number];

/** How many parsed certificates {@link Certificate.fromDer} keeps (least recently used go first). */
const MAX_CACHED_CERTIFICATES = 512;
const parsedCertificates = new Map<string, Certificate>();

/** One certificate extension, undecoded. */
export interface CertificateExtension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

export const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

function fail(message: string, cause?: unknown): never {
  throw new CertificateParseError(message, cause === undefined ? undefined : { cause });
}

/** Go re-marshals a parsed string attribute as PrintableString when it can, else UTF8String. */
function goMarshalString(value: string): Uint8Array {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value);
  const node = printable ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value });
  return new Uint8Array(node.toBER());
}

function nameAttributes(name: pkijs.RelativeDistinguishedNames): NameAttribute[] {
  return name.typesAndValues.map((atv) => {
    const block = (atv.value as { valueBlock?: { value?: unknown } }).valueBlock;
    if (typeof block?.value === 'string') {
      return { type: atv.type, value: block.value, goMarshalledValue: goMarshalString(block.value) };
    }
    const der = new Uint8Array((atv.value as asn1js.AsnType).toBER());
    return { type: atv.type, value: '', goMarshalledValue: der };
  });
}

function decodeExtension<T extends asn1js.AsnType>(extension: CertificateExtension, type: new () => T, what: string): T {
  const parsed = asn1js.fromBER(extension.value);
  if (parsed.offset === -1 || !(parsed.result instanceof type)) fail(`malformed ${what} extension`);
  return parsed.result as T;
}

/**
 * A parsed X.509 certificate: the DER it came from plus the fields the Notary
 * rules read. Extensions are decoded once, at parse time, so that the CERT
 * checks are plain data comparisons.
 */
export class Certificate {
  /** The certificate's DER encoding, exactly as received. */
  readonly der: Uint8Array;
  /** DER of TBSCertificate, the bytes the issuer signed. */
  readonly tbs: Uint8Array;
  readonly version: number;
  /** Serial number, lower-case hex. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Subject as Go's pkix.Name.String() prints it (DN-4). */
  readonly subject: string;
  readonly issuer: string;
  readonly subjectAttributes: readonly NameAttribute[];
  /** Raw DER of the subject and issuer Names, compared byte for byte (CERT-7). */
  readonly rawSubject: Uint8Array;
  readonly rawIssuer: Uint8Array;
  /** OID of the outer signatureAlgorithm, and its parameters (for RSA-PSS). */
  readonly signatureAlgorithm: string;
  readonly signatureAlgorithmParameters: asn1js.AsnType | undefined;
  readonly signatureValue: Uint8Array;
  readonly publicKey: PublicKey;
  readonly extensions: readonly CertificateExtension[];
  /** Decoded basicConstraints, when present (CERT-1, CERT-2). */
  readonly basicConstraints: { critical: boolean; ca: boolean; pathLen: number | undefined } | undefined;
  /** Decoded keyUsage, when present (CERT-1, CERT-3). */
  readonly keyUsage: { critical: boolean; usages: ReadonlySet<KeyUsageName> } | undefined;
  /** Decoded extendedKeyUsage, when present (CERT-4, CERT-5). */
  readonly extendedKeyUsage: { critical: boolean; purposes: readonly string[] } | undefined;
  /** The pkijs object, for CMS and OCSP code that works on pkijs types. */
  readonly pkijs: pkijs.Certificate;
  #fingerprint: string | undefined;

  private constructor(der: Uint8Array) {
    this.der = der;
    let cert: pkijs.Certificate;
    try {
      const asn1 = asn1js.fromBER(der);
      if (asn1.offset === -1) fail('malformed certificate: invalid DER');
      if (asn1.offset !== der.length) fail('malformed certificate: trailing data after certificate');
      cert = new pkijs.Certificate({ schema: asn1.result });
    } catch (error) {
      if (error instanceof CertificateParseError) throw error;
      fail(`malformed certificate: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    this.pkijs = cert;
    this.tbs = new Uint8Array(cert.tbsView);
    this.version = cert.version;
    this.serialNumber = toHex(cert.serialNumber.valueBlock.valueHexView);
    this.notBefore = cert.notBefore.value;
    this.notAfter = cert.notAfter.value;
    this.subjectAttributes = nameAttributes(cert.subject);
    this.subject = renderGoName(this.subjectAttributes);
    this.issuer = renderGoName(nameAttributes(cert.issuer));
    this.rawSubject = new Uint8Array(cert.subject.valueBeforeDecode);
    this.rawIssuer = new Uint8Array(cert.issuer.valueBeforeDecode);
    this.signatureAlgorithm = cert.signatureAlgorithm.algorithmId;
    this.signatureAlgorithmParameters = cert.signatureAlgorithm.algorithmParams as asn1js.AsnType | undefined;
    this.signatureValue = cert.signatureValue.valueBlock.valueHexView.slice();
    this.publicKey = parsePublicKey(new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER()));
    this.extensions = (cert.extensions ?? []).map((e) => ({
      oid: e.extnID,
      critical: e.critical,
      value: e.extnValue.valueBlock.valueHexView.slice(),
    }));
    const seen = new Set<string>();
    for (const e of this.extensions) {
      // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of an extension.
      if (seen.has(e.oid)) fail(`malformed certificate: duplicate extension ${e.oid}`);
      seen.add(e.oid);
    }
    this.basicConstraints = this.#decodeBasicConstraints();
    this.keyUsage = this.#decodeKeyUsage();
    this.extendedKeyUsage = this.#decodeExtendedKeyUsage();
  }

  /**
   * Parses one DER certificate; trailing bytes are an error. Parsed
   * certificates are shared by the SHA-256 of their DER (a bounded cache):
   * parsing costs about a millisecond, a verifier sees the same chains again
   * and again, and sharing the object lets the CryptoKey and signature-check
   * caches keyed on it hit. Certificates are immutable, so sharing is safe.
   */
  static fromDer(der: Uint8Array): Certificate {
    const key = toHex(sha256(der));
    const cached = parsedCertificates.get(key);
    if (cached) {
      // Refresh its place in the LRU order.
      parsedCertificates.delete(key);
      parsedCertificates.set(key, cached);
      return cached;
    }
    const certificate = new Certificate(der.slice());
    certificate.#fingerprint = key;
    parsedCertificates.set(key, certificate);
    if (parsedCertificates.size > MAX_CACHED_CERTIFICATES) parsedCertificates.delete(parsedCertificates.keys().next().value!);
    return certificate;
  }

  extension(oid: string): CertificateExtension | undefined {
    return this.extensions.find((e) => e.oid === oid);
  }

  /** Subject and issuer Names are byte-identical. */
  get isSelfIssued(): boolean {
    return bytesEqual(this.rawSubject, this.rawIssuer);
  }

  /** SHA-256 of the DER, lower-case hex (the form of OCI-5 thumbprints). */
  get sha256Fingerprint(): string {
    this.#fingerprint ??= toHex(sha256(this.der));
    return this.#fingerprint;
  }

  /** Whether `instant` lies in [notBefore, notAfter], inclusive. */
  isValidAt(instant: Date): boolean {
    return instant.getTime() >= this.notBefore.getTime() && instant.getTime() <= this.notAfter.getTime();
  }

  #decodeBasicConstraints(): Certificate['basicConstraints'] {
    const extension = this.extension(OID.basicConstraints);
    if (!extension) return undefined;
    const seq = decodeExtension(extension, asn1js.Sequence, 'basicConstraints');
    let ca = false;
    let pathLen: number | undefined;
    for (const item of seq.valueBlock.value) {
      if (item instanceof asn1js.Boolean) ca = item.valueBlock.value;
      else if (item instanceof asn1js.Integer) pathLen = item.valueBlock.valueDec;
      else fail('malformed basicConstraints extension');
    }
    return { critical: extension.critical, ca, pathLen };
  }

  #decodeKeyUsage(): Certificate['keyUsage'] {
    const extension = this.extension(OID.keyUsage);
    if (!extension) return undefined;
    const bits = decodeExtension(extension, asn1js.BitString, 'keyUsage').valueBlock.valueHexView;
    const usages = new Set<KeyUsageName>();
    KEY_USAGE_NAMES.forEach((name, bit) => {
      const byte = bits[bit >> 3];
      if (byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0) usages.add(name);
    });
    return { critical: extension.critical, usages };
  }

  #decodeExtendedKeyUsage(): Certificate['extendedKeyUsage'] {
    const extension = this.extension(OID.extKeyUsage);
    if (!extension) return undefined;
    const seq = decodeExtension(extension, asn1js.Sequence, 'extendedKeyUsage');
    const purposes = seq.valueBlock.value.map((item) => {
      if (!(item instanceof asn1js.ObjectIdentifier)) fail('malformed extendedKeyUsage extension');
      return item.valueBlock.toString();
    });
    return { critical: extension.critical, purposes };
  }
}

/** Length of the DER element starting at `offset`, header included, or -1 if it is cut short. */
function derElementLength(bytes: Uint8Array, offset: number): number {
  if (offset + 2 > bytes.length) return -1;
  const first = bytes[offset + 1]!;
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 4 || offset + 2 + count > bytes.length) return -1;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!;
  return 2 + count + length;
}

/**
 * Parses certificates from PEM text, DER bytes, or a bundle of either (TS-2):
 * every CERTIFICATE block of a PEM file, or concatenated DER certificates.
 * Throws {@link CertificateParseError} when no certificate is found or any
 * part is malformed; it never returns an empty list.
 */
export function parseCertificates(input: Uint8Array | string): Certificate[] {
  const text = typeof input === 'string' ? input : looksLikeText(input) ? new TextDecoder().decode(input) : undefined;
  if (text !== undefined && isPem(text)) {
    let blocks;
    try {
      blocks = decodePem(text);
    } catch (error) {
      fail('malformed PEM: invalid base64', error);
    }
    const certificates = blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => Certificate.fromDer(b.bytes));
    if (certificates.length === 0) fail('no certificate found in PEM input');
    return certificates;
  }
  if (typeof input === 'string') fail(input.trim() === '' ? 'no certificate found: input is empty' : 'malformed certificate: not PEM');
  if (input.length === 0) fail('no certificate found: input is empty');
  const certificates: Certificate[] = [];
  for (let offset = 0; offset < input.length; ) {
    const length = derElementLength(input, offset);
    if (input[offset] !== 0x30 || length < 0 || offset + length > input.length) fail('malformed certificate: invalid DER');
    certificates.push(Certificate.fromDer(input.subarray(offset, offset + length)));
    offset += length;
  }
  return certificates;
}

/** Parses exactly one certificate (PEM or DER). */
export function parseCertificate(input: Uint8Array | string): Certificate {
  const certificates = parseCertificates(input);
  if (certificates.length !== 1) fail(`expected one certificate, found ${certificates.length}`);
  return certificates[0]!;
}

function looksLikeText(bytes: Uint8Array): boolean {
  // DER certificates start with a SEQUENCE tag (0x30 = '0'), so test for PEM's dashes instead.
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, Math.min(bytes.length, 4096)));
  return head.includes('-----BEGIN ');
}
