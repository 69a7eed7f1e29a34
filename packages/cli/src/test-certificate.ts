import { algorithmSuiteOf, Certificate, type KeySpec } from '@x/notary-pki';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** The RFC 5280 extension OIDs (and id-kp-codeSigning) this generator writes. */
export const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  codeSigning: '1.3.6.1.5.5.7.3.3',
} as const;

/** A freshly made self-signed code-signing certificate and its key. */
export interface TestCertificate {
  certificate: Certificate;
  /** Non-extractable unless `extractable` was asked for. */
  privateKey: CryptoKey;
  keySpec: KeySpec;
}

export interface TestCertificateOptions {
  /** Common name; the subject is `CN=<name>,O=Notary,L=Seattle,ST=WA,C=US` like notation's test certificates. */
  name: string;
  /** Defaults to RSA-3072. */
  keySpec?: KeySpec;
  /** Defaults to 365 days from `notBefore`. */
  validityDays?: number;
  /** Defaults to now (whole seconds). */
  notBefore?: Date;
  /** Overrides `validityDays` (whole seconds). */
  notAfter?: Date;
  /**
   * Whether to add a critical basicConstraints `CA:FALSE` (default true).
   * notation's `cert generate-test` leaves the extension out; a leaf needs
   * none (CERT-7).
   */
  basicConstraints?: boolean;
  extractable?: boolean;
}

const CURVES: Readonly<Record<string, string>> = { 'EC-256': 'P-256', 'EC-384': 'P-384', 'EC-521': 'P-521' };

function keyGenParams(keySpec: KeySpec): RsaHashedKeyGenParams | EcKeyGenParams {
  const suite = algorithmSuiteOf(keySpec);
  if (keySpec.startsWith('RSA')) {
    return {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: Number(keySpec.slice(4)),
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: suite.hash,
    };
  }
  return { name: 'ECDSA', namedCurve: CURVES[keySpec]! };
}

function extension(oid: string, critical: boolean, value: asn1js.AsnType): pkijs.Extension {
  return new pkijs.Extension({ extnID: oid, critical, extnValue: value.toBER() });
}

/** PrintableString's alphabet (X.680 41.4), which Go's pkix.Name uses when a value fits it. */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/**
 * `C=US, ST=WA, L=Seattle, O=Notary, CN=<name>` with one RDN per attribute,
 * as Go's pkix.Name writes notation's test subject (issue 13 finding 3: pkijs
 * puts every attribute of `typesAndValues` into one multi-valued RDN, which
 * an `x509.subject` trusted identity cannot name, DN-3). Values are
 * PrintableString when they fit, else UTF8String, as Go chooses.
 */
function testSubject(name: string): pkijs.RelativeDistinguishedNames {
  const attributes = [
    ['2.5.4.6', 'US'],
    ['2.5.4.8', 'WA'],
    ['2.5.4.7', 'Seattle'],
    ['2.5.4.10', 'Notary'],
    ['2.5.4.3', name],
  ] as const;
  const rdns = attributes.map(([type, value]) => {
    const string = PRINTABLE.test(value) ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value });
    return new asn1js.Set({
      value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), string] })],
    });
  });
  return new pkijs.RelativeDistinguishedNames({
    schema: asn1js.fromBER(new asn1js.Sequence({ value: rdns }).toBER()).result,
  });
}

/**
 * Makes a self-signed code-signing certificate for trying the SDK out, as
 * `notation cert generate-test` does. A single self-signed certificate is a
 * valid Notary chain: it is treated as a leaf (CERT-7). Not for production:
 * it lives in the CLI, its only user (`cert generate-test`), not in pki's
 * production entry (issue 14 item 6).
 */
export async function generateTestCertificate(options: TestCertificateOptions): Promise<TestCertificate> {
  const keySpec = options.keySpec ?? 'RSA-3072';
  const suite = algorithmSuiteOf(keySpec);
  // Certificates are signed with PKCS#1 v1.5 or ECDSA; PSS is for envelopes only.
  const pair = (await crypto.subtle.generateKey(keyGenParams(keySpec), true, ['sign', 'verify'])) as CryptoKeyPair;

  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = crypto.getRandomValues(new Uint8Array(16));
  // Positive and minimal in DER: top bit clear, first byte not zero (Go and
  // openssl reject a serial with a redundant leading zero).
  serial[0] = serial[0]! & 0x7f || 1;
  cert.serialNumber = new asn1js.Integer({ valueHex: serial.buffer });
  cert.subject = testSubject(options.name);
  cert.issuer = testSubject(options.name);
  const wholeSeconds = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000);
  const notBefore = wholeSeconds(options.notBefore ?? new Date());
  cert.notBefore.value = notBefore;
  cert.notAfter.value = options.notAfter
    ? wholeSeconds(options.notAfter)
    : new Date(notBefore.getTime() + (options.validityDays ?? 365) * 86_400_000);
  const keyUsage = new asn1js.BitString({ valueHex: new Uint8Array([0x80]).buffer, unusedBits: 7 }); // digitalSignature
  cert.extensions = [
    ...(options.basicConstraints === false
      ? []
      : [extension(OID.basicConstraints, true, new asn1js.Sequence({ value: [] }))]),
    extension(OID.keyUsage, true, keyUsage),
    extension(
      OID.extKeyUsage,
      false,
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.codeSigning })] }),
    ),
  ];
  await cert.subjectPublicKeyInfo.importKey(pair.publicKey);
  await cert.sign(pair.privateKey, suite.hash);
  const certificate = Certificate.fromDer(new Uint8Array(cert.toSchema().toBER()));

  // Re-import the private key for envelope signing: PSS for RSA (AMB-16), ECDSA as is.
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', pair.privateKey);
  const signParams = keySpec.startsWith('RSA')
    ? { name: 'RSA-PSS', hash: suite.hash }
    : { name: 'ECDSA', namedCurve: CURVES[keySpec]! };
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, signParams, options.extractable ?? false, ['sign']);
  return { certificate, privateKey, keySpec };
}
