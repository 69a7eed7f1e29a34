import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { algorithmSuiteOf } from './algorithm.js';
import { Certificate, OID } from './certificate.js';
import type { KeySpec } from './public-key.js';

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
  extractable?: boolean;
}

const CURVES: Readonly<Record<string, string>> = { 'EC-256': 'P-256', 'EC-384': 'P-384', 'EC-521': 'P-521' };

function keyGenParams(keySpec: KeySpec): RsaHashedKeyGenParams | EcKeyGenParams {
  const suite = algorithmSuiteOf(keySpec);
  if (keySpec.startsWith('RSA')) {
    return { name: 'RSASSA-PKCS1-v1_5', modulusLength: Number(keySpec.slice(4)), publicExponent: new Uint8Array([1, 0, 1]), hash: suite.hash };
  }
  return { name: 'ECDSA', namedCurve: CURVES[keySpec]! };
}

function extension(oid: string, critical: boolean, value: asn1js.AsnType): pkijs.Extension {
  return new pkijs.Extension({ extnID: oid, critical, extnValue: value.toBER() });
}

/**
 * Makes a self-signed code-signing certificate for trying the SDK out, as
 * `notation cert generate-test` does. A single self-signed certificate is a
 * valid Notary chain: it is treated as a leaf (CERT-7). Not for production.
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
  serial[0] = (serial[0]! & 0x7f) || 1;
  cert.serialNumber = new asn1js.Integer({ valueHex: serial.buffer });
  const subject = [
    ['2.5.4.6', 'US', asn1js.PrintableString],
    ['2.5.4.8', 'WA', asn1js.Utf8String],
    ['2.5.4.7', 'Seattle', asn1js.Utf8String],
    ['2.5.4.10', 'Notary', asn1js.Utf8String],
    ['2.5.4.3', options.name, asn1js.Utf8String],
  ] as const;
  for (const [type, value, Kind] of subject) {
    const atv = () => new pkijs.AttributeTypeAndValue({ type, value: new Kind({ value }) });
    cert.subject.typesAndValues.push(atv());
    cert.issuer.typesAndValues.push(atv());
  }
  const notBefore = new Date(Math.floor((options.notBefore ?? new Date()).getTime() / 1000) * 1000);
  cert.notBefore.value = notBefore;
  cert.notAfter.value = new Date(notBefore.getTime() + (options.validityDays ?? 365) * 86_400_000);
  const keyUsage = new asn1js.BitString({ valueHex: new Uint8Array([0x80]).buffer, unusedBits: 7 }); // digitalSignature
  cert.extensions = [
    extension(OID.basicConstraints, true, new asn1js.Sequence({ value: [] })),
    extension(OID.keyUsage, true, keyUsage),
    extension(OID.extKeyUsage, false, new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.codeSigning })] })),
  ];
  await cert.subjectPublicKeyInfo.importKey(pair.publicKey);
  await cert.sign(pair.privateKey, suite.hash);
  const certificate = Certificate.fromDer(new Uint8Array(cert.toSchema().toBER()));

  // Re-import the private key for envelope signing: PSS for RSA (AMB-16), ECDSA as is.
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', pair.privateKey);
  const signParams = keySpec.startsWith('RSA') ? { name: 'RSA-PSS', hash: suite.hash } : { name: 'ECDSA', namedCurve: CURVES[keySpec]! };
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, signParams, options.extractable ?? false, ['sign']);
  return { certificate, privateKey, keySpec };
}
