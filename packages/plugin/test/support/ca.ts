/**
 * Test certificates made on the fly with pkijs (ECDSA P-256): a CA and
 * leaves it issues, including short-lived ones and ones that break a CERT
 * rule on purpose. Shared with `@x/notary-plugin-example`'s tests.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { Certificate, encodePem } from '@x/notary-pki';

/** RFC 5280 extension and purpose OIDs this test CA writes (pki's OID table is internal). */
const OID = { basicConstraints: '2.5.29.19', keyUsage: '2.5.29.15', extKeyUsage: '2.5.29.37', codeSigning: '1.3.6.1.5.5.7.3.3' } as const;

export interface Issued {
  certificate: Certificate;
  privateKey: CryptoKey;
  /** PKCS#8 DER of the private key. */
  pkcs8: Uint8Array;
  name: pkijs.RelativeDistinguishedNames;
}

function rdns(cn: string): pkijs.RelativeDistinguishedNames {
  const name = new pkijs.RelativeDistinguishedNames();
  for (const [type, value] of [
    ['2.5.4.6', 'US'],
    ['2.5.4.10', 'Notary Plugin Tests'],
    ['2.5.4.3', cn],
  ] as const) {
    name.typesAndValues.push(new pkijs.AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) }));
  }
  return name;
}

export interface IssueOptions {
  cn: string;
  /** Self-signed when absent. */
  issuer?: Issued;
  ca?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  /** Leaf key usage: `digitalSignature` (default) or a forbidden one (CERT-3). */
  keyUsage?: 'digitalSignature' | 'keyEncipherment';
}

export async function issue(options: IssueOptions): Promise<Issued> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = crypto.getRandomValues(new Uint8Array(12));
  // Positive and minimal in DER (the strict reader refuses a redundant leading zero, as Go does).
  serial[0] = (serial[0]! & 0x7f) || 1;
  cert.serialNumber = new asn1js.Integer({ valueHex: serial.buffer });
  const subject = rdns(options.cn);
  cert.subject = subject;
  cert.issuer = options.issuer ? options.issuer.name : subject;
  const now = Math.floor(Date.now() / 1000) * 1000;
  cert.notBefore.value = options.notBefore ?? new Date(now - 86_400_000);
  cert.notAfter.value = options.notAfter ?? new Date(now + 365 * 86_400_000);
  const ca = options.ca ?? false;
  const bc = ca ? new asn1js.Sequence({ value: [new asn1js.Boolean({ value: true })] }) : new asn1js.Sequence({ value: [] });
  const usage = ca ? { bits: 0x06, unused: 1 } : options.keyUsage === 'keyEncipherment' ? { bits: 0x20, unused: 5 } : { bits: 0x80, unused: 7 };
  const ku = new asn1js.BitString({ valueHex: new Uint8Array([usage.bits]).buffer, unusedBits: usage.unused });
  cert.extensions = [
    new pkijs.Extension({ extnID: OID.basicConstraints, critical: true, extnValue: bc.toBER() }),
    new pkijs.Extension({ extnID: OID.keyUsage, critical: true, extnValue: ku.toBER() }),
    ...(ca ? [] : [new pkijs.Extension({ extnID: OID.extKeyUsage, critical: false, extnValue: new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.codeSigning })] }).toBER() })]),
  ];
  await cert.subjectPublicKeyInfo.importKey(pair.publicKey);
  await cert.sign(options.issuer?.privateKey ?? pair.privateKey, 'SHA-256');
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  return { certificate: Certificate.fromDer(new Uint8Array(cert.toSchema().toBER())), privateKey: pair.privateKey, pkcs8, name: subject };
}

/** A CA and a code-signing leaf under it. */
export async function caAndLeaf(options: Partial<IssueOptions> = {}): Promise<{ ca: Issued; leaf: Issued; chain: Certificate[] }> {
  const ca = await issue({ cn: 'Plugin Test Root', ca: true });
  const leaf = await issue({ cn: 'Plugin Test Signer', ...options, issuer: ca });
  return { ca, leaf, chain: [leaf.certificate, ca.certificate] };
}

export const pem = (...certificates: Certificate[]): string => certificates.map((c) => encodePem('CERTIFICATE', c.der)).join('');
