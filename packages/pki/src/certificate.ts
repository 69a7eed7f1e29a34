import { sha256 } from '@noble/hashes/sha2.js';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesEqual, concatBytes, toHex } from './bytes.js';
import {
  algorithmIdentifier,
  bitStringValue,
  booleanValue,
  children,
  contents,
  DerCursor,
  type DerElement,
  DerError,
  IMPL_TRAILING,
  integerBytes,
  oidValue,
  readElement,
  readOnly,
  rightAligned,
  sequence,
  smallIntegerValue,
  stringValue,
  TAG,
  timeValue,
  whole,
} from './der.js';
import { CertificateParseError } from './errors.js';
import { decodePem, isPem } from './pem.js';
import { type PublicKey, readPublicKey } from './public-key.js';
import { GO_ATTRIBUTE_NAMES, type NameAttribute, renderGoName } from './x509-name.js';

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
/** Inputs up to this size are hashed (for the cache) before they are parsed; larger ones after. */
const HASH_FIRST_MAX_BYTES = 64 * 1024;

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
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
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
  const body = new TextEncoder().encode(value);
  const length: number[] = [];
  for (let n = body.length; n > 0; n = Math.floor(n / 256)) length.unshift(n % 256);
  const header =
    body.length < 0x80
      ? [printable ? 0x13 : 0x0c, body.length]
      : [printable ? 0x13 : 0x0c, 0x80 | length.length, ...length];
  return concatBytes(new Uint8Array(header), body);
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
  /** OID of the signatureAlgorithm (inner and outer are byte-identical, issue 12 finding 3). */
  readonly signatureAlgorithm: string;
  /** DER of the signatureAlgorithm parameters, undefined when absent. */
  readonly signatureAlgorithmParameters: Uint8Array | undefined;
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
    this.publicKey = parsed.publicKey;
    this.extensions = parsed.extensions;
    this.basicConstraints = parsed.basicConstraints;
    this.keyUsage = parsed.keyUsage;
    this.extendedKeyUsage = parsed.extendedKeyUsage;
  }

  /**
   * Parses one DER certificate; trailing bytes are an error. Parsed
   * certificates are shared by the SHA-256 of their DER (a bounded cache):
   * parsing costs about a millisecond, a verifier sees the same chains again
   * and again, and sharing the object lets the CryptoKey and signature-check
   * caches keyed on it hit. Certificates are immutable, so sharing is safe.
   */
  static fromDer(der: Uint8Array): Certificate {
    // The parse cache is keyed by SHA-256 of the whole input; check the outer
    // header first (one SEQUENCE whose declared length is the input's, holding a
    // SEQUENCE tbsCertificate) so that megabytes of junk behind a 0x30 are
    // refused in microseconds instead of being hashed (issue 12).
    try {
      const outer = readOnly(der, TAG.SEQUENCE, 'Certificate');
      if (readElement(der, outer.contentStart, outer.end).tag !== TAG.SEQUENCE)
        throw new DerError('malformed tbsCertificate');
    } catch (error) {
      fail(`malformed certificate: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    // A certificate is a few KiB; for a larger input the full-size hash is the
    // dominant cost, so it is parsed first and junk fails before it is hashed.
    const parsedFirst = der.length > HASH_FIRST_MAX_BYTES ? new Certificate(der.slice()) : undefined;
    const key = toHex(sha256(der));
    const cached = parsedCertificates.get(key);
    if (cached) {
      // Refresh its place in the LRU order.
      parsedCertificates.delete(key);
      parsedCertificates.set(key, cached);
      return cached;
    }
    const certificate = parsedFirst ?? new Certificate(der.slice());
    certificate.#fingerprint = key;
    parsedCertificates.set(key, certificate);
    if (parsedCertificates.size > MAX_CACHED_CERTIFICATES)
      parsedCertificates.delete(parsedCertificates.keys().next().value!);
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
}

/**
 * The Certificate fields, read with the strict DER reader in the order and
 * with the checks of Go's x509 parseCertificate (RFC 5280 §4.1). Throws
 * {@link DerError}. Where we are stricter than Go the check says `[impl]`.
 */
function parseCertificateDer(der: Uint8Array) {
  const top = new DerCursor(der, readOnly(der, TAG.SEQUENCE, 'certificate'), 'certificate');
  const tbsElement = top.next('tbs certificate');
  const tbs = new DerCursor(der, tbsElement, 'tbs certificate');
  let version = 0;
  const versionElement = tbs.optional(0xa0);
  if (versionElement) {
    const inner = new DerCursor(der, versionElement, 'version', 0xa0);
    // [impl] An explicit v1 ([0] INTEGER 0) breaks DER's DEFAULT rule; Go accepts it, and so do we.
    version = smallIntegerValue(der, inner.next(), 'version');
    if (!inner.empty) throw new DerError('malformed version');
  }
  // Go: versions other than v1–v3 are malformed (issue 12 finding 5: version 5 was accepted).
  if (version < 0 || version > 2) throw new DerError('invalid version');
  const serial = integerBytes(der, tbs.next('serial number'), 'serial number');
  // Go ≥ 1.23 refuses negative serial numbers (GODEBUG x509negativeserial=0).
  if ((serial[0]! & 0x80) !== 0) throw new DerError('negative serial number');
  const innerAlgorithm = tbs.next('signature algorithm identifier');
  if (innerAlgorithm.tag !== TAG.SEQUENCE) throw new DerError('malformed signature algorithm identifier');
  const algorithmElement = top.next('algorithm identifier');
  if (algorithmElement.tag !== TAG.SEQUENCE) throw new DerError('malformed algorithm identifier');
  // Go compares the two AlgorithmIdentifiers byte for byte: the outer one is not
  // signed, so changing it (NULL added or dropped) must not verify (issue 12 finding 3).
  if (!bytesEqual(contents(der, innerAlgorithm), contents(der, algorithmElement))) {
    throw new DerError("inner and outer signature algorithm identifiers don't match");
  }
  const signatureAlgorithm = algorithmIdentifier(der, innerAlgorithm, 'signature algorithm identifier');
  const issuer = tbs.next('issuer');
  if (issuer.tag !== TAG.SEQUENCE) throw new DerError('malformed issuer');
  const issuerAttributes = nameAttributesOf(der, issuer);
  const validity = new DerCursor(der, tbs.next('validity'), 'validity');
  const notBefore = timeValue(der, validity.next());
  const notAfter = timeValue(der, validity.next());
  // [impl] Go skips elements after notAfter.
  validity.end();
  const subject = tbs.next('subject');
  if (subject.tag !== TAG.SEQUENCE) throw new DerError('malformed subject');
  const subjectAttributes = nameAttributesOf(der, subject);
  const spki = tbs.next('spki');
  if (spki.tag !== TAG.SEQUENCE) throw new DerError('malformed spki');
  const spkiBytes = whole(der, spki).slice();
  const publicKey = readPublicKey(spkiBytes);

  const extensions: CertificateExtension[] = [];
  // [impl] RFC 5280 §4.1: a v1 certificate ends with its key. Go skips whatever follows; we refuse it.
  if (version === 0 && !tbs.empty) throw new DerError('fields after the key of a v1 certificate [impl:ext-version]');
  // issuerUniqueID [1] and subjectUniqueID [2] (IMPLICIT BIT STRING), skipped as Go skips them.
  tbs.optional(0x81);
  tbs.optional(0x82);
  const extensionsElement = tbs.optional(0xa3);
  if (extensionsElement) {
    // RFC 5280 §4.1.2.9: extensions only in v3. Go ignores them in v1 and v2
    // certificates; we refuse them (issue 12 finding 5) so that no reader
    // can take a v1 certificate's basicConstraints for a CA flag. [impl:ext-version]
    if (version !== 2) throw new DerError('extensions in a certificate that is not v3 [impl:ext-version]');
    const wrapper = new DerCursor(der, extensionsElement, 'extensions', 0xa3);
    const list = new DerCursor(der, wrapper.next('extensions'), 'extensions');
    wrapper.end();
    const seen = new Set<string>();
    while (!list.empty) {
      const extension = readExtension(der, list.next('extension'));
      // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of an extension.
      if (seen.has(extension.oid)) throw new DerError(`certificate contains duplicate extension ${extension.oid}`);
      seen.add(extension.oid);
      extensions.push(extension);
    }
  }
  // [impl] Go skips elements after the extensions (and after the unique IDs of a v2 certificate).
  tbs.end();
  checkKeyIdentifiers(extensions);
  const basicConstraints = decodeBasicConstraints(extensions);
  const keyUsage = decodeKeyUsage(extensions);
  const extendedKeyUsage = decodeExtendedKeyUsage(extensions);
  const signatureBits = bitStringValue(der, top.next('signature'), 'signature');
  // [impl] Go skips elements after signatureValue; they are unsigned, so we refuse them.
  top.end();
  return {
    tbs: whole(der, tbsElement).slice(),
    version,
    serialNumber: toHex(serial),
    notBefore,
    notAfter,
    rawIssuer: whole(der, issuer).slice(),
    rawSubject: whole(der, subject).slice(),
    issuerAttributes,
    subjectAttributes,
    signatureAlgorithm: signatureAlgorithm.oid,
    signatureAlgorithmParameters: signatureAlgorithm.parameters,
    // As Go's BitString.RightAlign; a signature with unused bits cannot verify anyway.
    signatureValue: rightAligned(signatureBits).slice(),
    publicKey,
    extensions,
    basicConstraints,
    keyUsage,
    extendedKeyUsage,
  };
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. */
function readExtension(der: Uint8Array, element: DerElement): CertificateExtension {
  const parts = new DerCursor(der, element, 'extension');
  const oid = oidValue(der, parts.next(), 'extension OID field');
  // [impl] An explicit FALSE breaks DER's DEFAULT rule; Go accepts it, and so do we.
  const criticalElement = parts.optional(TAG.BOOLEAN);
  const critical = criticalElement ? booleanValue(der, criticalElement, 'extension critical field') : false;
  const value = parts.optional(TAG.OCTET_STRING);
  if (!value) throw new DerError('malformed extension value field');
  // [impl] Go skips elements after extnValue.
  parts.end();
  return { oid, critical, value: contents(der, value).slice() };
}

/** The one element an extension value holds; [impl] Go skips bytes after it, we refuse them. */
function extensionValue(extension: CertificateExtension, tag: number, what: string): DerElement {
  const element = readElement(extension.value, 0);
  if (element.tag !== tag) throw new DerError(`invalid ${what}`);
  if (element.end !== extension.value.length) throw new DerError(`invalid ${what}: trailing data ${IMPL_TRAILING}`);
  return element;
}

/**
 * basicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL },
 * read as Go does: a strict BOOLEAN first, then a non-negative INTEGER.
 * `{INTEGER 0, BOOLEAN TRUE}` and `{FALSE, TRUE}` were read as CA=true (issue 12
 * finding 5); Go reads them as CA=false and ignores the rest. [impl] We refuse them.
 */
function decodeBasicConstraints(extensions: readonly CertificateExtension[]): Certificate['basicConstraints'] {
  const extension = extensions.find((e) => e.oid === OID.basicConstraints);
  if (!extension) return undefined;
  const v = extension.value;
  const items = new DerCursor(v, extensionValue(extension, TAG.SEQUENCE, 'basic constraints'), 'basic constraints');
  const caElement = items.optional(TAG.BOOLEAN);
  const ca = caElement ? booleanValue(v, caElement, 'basic constraints') : false;
  let pathLen: number | undefined;
  const pathLenElement = items.optional(TAG.INTEGER);
  if (pathLenElement) {
    const bytes = integerBytes(v, pathLenElement, 'basic constraints');
    // Go ≥ 1.23 reads pathLenConstraint as an unsigned int.
    if ((bytes[0]! & 0x80) !== 0) throw new DerError('invalid basic constraints: negative pathLenConstraint');
    if (bytes.length > 8) throw new DerError('invalid basic constraints');
    pathLen = smallIntegerValue(v, pathLenElement, 'basic constraints');
  }
  items.end();
  return { critical: extension.critical, ca, pathLen };
}

/**
 * subjectKeyIdentifier ::= OCTET STRING and authorityKeyIdentifier ::=
 * SEQUENCE { keyIdentifier [0] OPTIONAL, … }: not used by the Notary rules,
 * but Go refuses a certificate whose identifiers are malformed, so we do too.
 */
function checkKeyIdentifiers(extensions: readonly CertificateExtension[]): void {
  const ski = extensions.find((e) => e.oid === OID.subjectKeyIdentifier);
  if (ski) extensionValue(ski, TAG.OCTET_STRING, 'subject key identifier');
  const aki = extensions.find((e) => e.oid === OID.authorityKeyIdentifier);
  if (aki) {
    // Go reads the keyIdentifier only and skips the issuer and serial fields after it.
    new DerCursor(
      aki.value,
      extensionValue(aki, TAG.SEQUENCE, 'authority key identifier'),
      'authority key identifier',
    ).optional(0x80);
  }
}

/** keyUsage ::= BIT STRING; padding bits must be zero (issue 12 finding 5: keyCertSign only in the padding). */
function decodeKeyUsage(extensions: readonly CertificateExtension[]): Certificate['keyUsage'] {
  const extension = extensions.find((e) => e.oid === OID.keyUsage);
  if (!extension) return undefined;
  const bits = bitStringValue(
    extension.value,
    extensionValue(extension, TAG.BIT_STRING, 'key usage'),
    'key usage',
  ).bytes;
  const usages = new Set<KeyUsageName>();
  KEY_USAGE_NAMES.forEach((name, bit) => {
    const byte = bits[bit >> 3];
    if (byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0) usages.add(name);
  });
  return { critical: extension.critical, usages };
}

/** ExtKeyUsageSyntax ::= SEQUENCE OF KeyPurposeId (Go accepts an empty SEQUENCE). */
function decodeExtendedKeyUsage(extensions: readonly CertificateExtension[]): Certificate['extendedKeyUsage'] {
  const extension = extensions.find((e) => e.oid === OID.extKeyUsage);
  if (!extension) return undefined;
  const v = extension.value;
  const purposes = children(v, extensionValue(extension, TAG.SEQUENCE, 'extended key usages')).map((item) =>
    oidValue(v, item, 'extended key usages'),
  );
  return { critical: extension.critical, purposes };
}

/** Name ::= SEQUENCE OF SET OF AttributeTypeAndValue, flattened in order. */
function nameAttributesOf(der: Uint8Array, name: DerElement): NameAttribute[] {
  const attributes: NameAttribute[] = [];
  for (const rdn of children(der, name)) {
    for (const atv of sequence(der, rdn, 'RDNSequence', TAG.SET)) {
      const parts = new DerCursor(der, atv, 'RDNSequence: invalid attribute');
      const oid = oidValue(der, parts.next(), 'RDNSequence: invalid attribute type');
      const value = parts.next('RDNSequence: invalid attribute value');
      // [impl] Go skips elements after the value.
      parts.end();
      const text = stringValue(der, value);
      const unknown = GO_ATTRIBUTE_NAMES[oid] === undefined;
      // Go (≥ 1.21) keeps a non-string value of a known type out of its Name fields.
      if (!unknown && text === undefined) continue;
      // Go prints only unknown attribute types as `<oid>=#<hex DER>`, so only
      // they need Go's re-marshalled form (NameAttribute.goMarshalledValue).
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
  if (typeof input === 'string')
    fail(input.trim() === '' ? 'no certificate found: input is empty' : 'malformed certificate: not PEM');
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

/**
 * The pkijs object of a certificate, for the CRL and OCSP code that works on
 * pkijs types; built on first use. Module state rather than a member, so that
 * no pkijs type appears in the published declarations (issue 14 item 4: a
 * consumer compiled with skipLibCheck false must not need pkijs' types).
 * Internal: not exported from the package entry.
 */
const pkijsCertificates = new WeakMap<Certificate, pkijs.Certificate>();

export function pkijsCertificate(cert: Certificate): pkijs.Certificate {
  let parsed = pkijsCertificates.get(cert);
  if (!parsed) {
    parsed = new pkijs.Certificate({ schema: asn1js.fromBER(cert.der).result });
    pkijsCertificates.set(cert, parsed);
  }
  return parsed;
}
