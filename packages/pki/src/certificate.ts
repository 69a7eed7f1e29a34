import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, toHex } from './bytes.js';
import { CertificateParseError } from './errors.js';
import { decodePem, isPem } from './pem.js';
import { children, contents, DerError, oidText, readElement, stringValue, timeValue, whole, type DerElement } from './der.js';
import { parsePublicKey, type PublicKey } from './public-key.js';
import { GO_ATTRIBUTE_NAMES, renderGoName, type NameAttribute } from './x509-name.js';

const EMPTY = new Uint8Array(0);

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
  #fingerprint: string | undefined;
  #pkijs: pkijs.Certificate | undefined;

  /** The pkijs object, for CRL and OCSP code that works on pkijs types; built on first use. */
  get pkijs(): pkijs.Certificate {
    this.#pkijs ??= new pkijs.Certificate({ schema: asn1js.fromBER(this.der).result });
    return this.#pkijs;
  }

  private constructor(der: Uint8Array) {
    this.der = der;
    let parsed: ReturnType<typeof parseCertificateDer>;
    try {
      parsed = parseCertificateDer(der);
    } catch (error) {
      fail(`malformed certificate: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    this.tbs = parsed.tbs;
    this.version = parsed.version;
    this.serialNumber = parsed.serialNumber;
    this.notBefore = parsed.notBefore;
    this.notAfter = parsed.notAfter;
    this.subjectAttributes = parsed.subjectAttributes;
    this.subject = renderGoName(this.subjectAttributes);
    this.issuer = renderGoName(parsed.issuerAttributes);
    this.rawSubject = parsed.rawSubject;
    this.rawIssuer = parsed.rawIssuer;
    this.signatureAlgorithm = parsed.signatureAlgorithm;
    this.signatureAlgorithmParameters = parsed.signatureAlgorithmParameters;
    this.signatureValue = parsed.signatureValue;
    this.publicKey = parsePublicKey(parsed.spki);
    this.extensions = parsed.extensions;
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

/** The Certificate fields, read straight from the DER (RFC 5280 §4.1). */
function parseCertificateDer(der: Uint8Array) {
  const top = readElement(der, 0);
  if (top.end !== der.length) throw new DerError('trailing data after certificate');
  const [tbsElement, algorithmElement, signatureElement, ...extra] = expectSequence(der, top, 'Certificate');
  if (!tbsElement || !algorithmElement || !signatureElement || extra.length > 0) throw new DerError('Certificate must have three fields');
  if (signatureElement.tag !== 0x03) throw new DerError('signatureValue must be a BIT STRING');
  const signatureBits = contents(der, signatureElement);
  if (signatureBits[0] !== 0) throw new DerError('signatureValue has unused bits');
  const fields = expectSequence(der, tbsElement, 'TBSCertificate');
  let index = 0;
  let version = 0;
  if (fields[0]?.tag === 0xa0) {
    const [versionInteger] = children(der, fields[0]);
    if (!versionInteger || versionInteger.tag !== 0x02) throw new DerError('malformed version');
    version = contents(der, versionInteger).reduce((n, b) => n * 256 + b, 0);
    index++;
  }
  const serial = fields[index++];
  const innerAlgorithm = fields[index++];
  const issuer = fields[index++];
  const validity = fields[index++];
  const subject = fields[index++];
  const spki = fields[index++];
  if (!serial || serial.tag !== 0x02 || !innerAlgorithm || !issuer || issuer.tag !== 0x30 || !validity || !subject || subject.tag !== 0x30 || !spki || spki.tag !== 0x30) {
    throw new DerError('TBSCertificate is missing fields');
  }
  const [notBefore, notAfter] = expectSequence(der, validity, 'Validity');
  if (!notBefore || !notAfter) throw new DerError('Validity must have two times');
  let extensions: CertificateExtension[] = [];
  for (const field of fields.slice(index)) {
    if (field.tag === 0xa3) {
      const [list] = children(der, field);
      if (!list) throw new DerError('empty extensions');
      extensions = expectSequence(der, list, 'Extensions').map((extension) => {
        const parts = expectSequence(der, extension, 'Extension');
        const oid = parts[0];
        const last = parts[parts.length - 1];
        if (!oid || oid.tag !== 0x06 || !last || last.tag !== 0x04 || parts.length > 3) throw new DerError('malformed extension');
        const criticalElement = parts.length === 3 ? parts[1]! : undefined;
        if (criticalElement && criticalElement.tag !== 0x01) throw new DerError('malformed extension criticality');
        return {
          oid: oidText(contents(der, oid)),
          critical: criticalElement !== undefined && contents(der, criticalElement)[0] !== 0,
          value: contents(der, last).slice(),
        };
      });
    } else if (field.tag !== 0x81 && field.tag !== 0x82 && field.tag !== 0xa1 && field.tag !== 0xa2) {
      throw new DerError('unexpected field in TBSCertificate');
    }
  }
  const [algorithmOid, algorithmParameters] = expectSequence(der, algorithmElement, 'AlgorithmIdentifier');
  if (!algorithmOid || algorithmOid.tag !== 0x06) throw new DerError('malformed signatureAlgorithm');
  const signatureAlgorithm = oidText(contents(der, algorithmOid));
  return {
    tbs: whole(der, tbsElement).slice(),
    version,
    serialNumber: toHex(contents(der, serial)),
    notBefore: timeValue(der, notBefore),
    notAfter: timeValue(der, notAfter),
    rawIssuer: whole(der, issuer).slice(),
    rawSubject: whole(der, subject).slice(),
    issuerAttributes: nameAttributesOf(der, issuer),
    subjectAttributes: nameAttributesOf(der, subject),
    signatureAlgorithm,
    // Only RSASSA-PSS has parameters we read (its hash and salt), so only they are decoded.
    signatureAlgorithmParameters:
      algorithmParameters && algorithmParameters.tag === 0x30 ? (asn1js.fromBER(whole(der, algorithmParameters)).result as asn1js.AsnType) : undefined,
    signatureValue: signatureBits.slice(1),
    spki: whole(der, spki).slice(),
    extensions,
  };
}

function expectSequence(der: Uint8Array, element: DerElement, what: string): DerElement[] {
  if (element.tag !== 0x30) throw new DerError(`${what} must be a SEQUENCE`);
  return children(der, element);
}

/** Name ::= SEQUENCE OF SET OF AttributeTypeAndValue, flattened in order. */
function nameAttributesOf(der: Uint8Array, name: DerElement): NameAttribute[] {
  const attributes: NameAttribute[] = [];
  for (const rdn of children(der, name)) {
    if (rdn.tag !== 0x31) throw new DerError('a relative distinguished name must be a SET');
    for (const atv of children(der, rdn)) {
      const [type, value] = expectSequence(der, atv, 'AttributeTypeAndValue');
      if (!type || type.tag !== 0x06 || !value) throw new DerError('malformed AttributeTypeAndValue');
      const oid = oidText(contents(der, type));
      const text = stringValue(der, value);
      // Go prints only unknown attribute types as `<oid>=#<hex DER>`, so only
      // they need Go's re-marshalled form (NameAttribute.goMarshalledValue).
      const unknown = GO_ATTRIBUTE_NAMES[oid] === undefined;
      attributes.push({
        type: oid,
        value: text ?? '',
        goMarshalledValue: !unknown ? EMPTY : text === undefined ? whole(der, value).slice() : goMarshalString(text),
      });
    }
  }
  return attributes;
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
    let element: DerElement;
    try {
      element = readElement(input, offset);
    } catch (error) {
      fail('malformed certificate: invalid DER', error);
    }
    if (element.tag !== 0x30) fail('malformed certificate: invalid DER');
    certificates.push(Certificate.fromDer(whole(input, element)));
    offset = element.end;
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
