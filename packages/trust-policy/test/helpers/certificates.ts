/** Test certificates made on the fly (ECDSA P-256): roots, CA-issued leaves, odd subjects. */

import { Certificate, encodePem } from '@x/notary-pki';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** RFC 5280 extension and purpose OIDs this test CA writes (pki's OID table is internal). */
const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  codeSigning: '1.3.6.1.5.5.7.3.3',
} as const;

export interface Made {
  certificate: Certificate;
  privateKey: CryptoKey;
  name: pkijs.RelativeDistinguishedNames;
}

export type Attr = readonly [oid: string, value: string];

/** The subject of notation's test certificates, most significant first. */
export const NOTARY_SUBJECT = (cn: string): Attr[] => [
  ['2.5.4.6', 'US'],
  ['2.5.4.8', 'WA'],
  ['2.5.4.7', 'Seattle'],
  ['2.5.4.10', 'Notary'],
  ['2.5.4.3', cn],
];

function rdns(attributes: readonly Attr[]): pkijs.RelativeDistinguishedNames {
  const name = new pkijs.RelativeDistinguishedNames();
  for (const [type, value] of attributes) {
    name.typesAndValues.push(new pkijs.AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) }));
  }
  return name;
}

export interface MakeOptions {
  subject: readonly Attr[];
  /** Issuer; self-signed when absent. */
  issuer?: Made;
  /** basicConstraints cA (and keyCertSign). */
  ca?: boolean;
  /** For a "self-signed but not self-issued" root: the issuer name written into the certificate. */
  issuerName?: readonly Attr[];
  notBefore?: Date;
  notAfter?: Date;
}

export async function makeCertificate(options: MakeOptions): Promise<Made> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = crypto.getRandomValues(new Uint8Array(12));
  // Positive and minimal in DER (the strict reader refuses a redundant leading zero, as Go does).
  serial[0] = serial[0]! & 0x7f || 1;
  cert.serialNumber = new asn1js.Integer({ valueHex: serial.buffer });
  const subject = rdns(options.subject);
  cert.subject = subject;
  cert.issuer = options.issuer ? options.issuer.name : rdns(options.issuerName ?? options.subject);
  cert.notBefore.value = options.notBefore ?? new Date(Date.UTC(2024, 0, 1));
  cert.notAfter.value = options.notAfter ?? new Date(Date.UTC(2049, 0, 1));
  const ca = options.ca ?? false;
  const bc = ca
    ? new asn1js.Sequence({ value: [new asn1js.Boolean({ value: true })] })
    : new asn1js.Sequence({ value: [] });
  const ku = new asn1js.BitString({ valueHex: new Uint8Array([ca ? 0x06 : 0x80]).buffer, unusedBits: ca ? 1 : 7 });
  cert.extensions = [
    new pkijs.Extension({ extnID: OID.basicConstraints, critical: true, extnValue: bc.toBER() }),
    new pkijs.Extension({ extnID: OID.keyUsage, critical: true, extnValue: ku.toBER() }),
  ];
  await cert.subjectPublicKeyInfo.importKey(pair.publicKey);
  await cert.sign(options.issuer?.privateKey ?? pair.privateKey, 'SHA-256');
  return {
    certificate: Certificate.fromDer(new Uint8Array(cert.toSchema().toBER())),
    privateKey: pair.privateKey,
    name: subject,
  };
}

export const pem = (...certs: Certificate[]): string => certs.map((c) => encodePem('CERTIFICATE', c.der)).join('');
