/**
 * Test certificates made on the fly with pkijs and WebCrypto (ECDSA P-256):
 * a CA and leaves it issues, including short-lived ones and ones that break a
 * CERT rule on purpose.
 *
 * This package depends on no `@x/notary-*` package (they depend on it, and
 * turbo refuses a cycle), so the caller passes its own certificate parser:
 * `issue((der) => Certificate.fromDer(der), …)`. A package's own tests then
 * get instances of the classes they test (its src, not another build).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** The object identifiers the issuer writes (RFC 5280 §4.2.1.3, §4.2.1.9, §4.2.1.12). */
const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  codeSigning: '1.3.6.1.5.5.7.3.3',
} as const;

/** Turns a certificate's DER into the caller's certificate type. */
export type ParseCertificate<C> = (der: Uint8Array) => C;

export interface Issued<C> {
  certificate: C;
  /** The certificate's DER. */
  der: Uint8Array;
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

export interface IssueOptions<C> {
  cn: string;
  /** Self-signed when absent. */
  issuer?: Issued<C>;
  ca?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  /** Leaf key usage: `digitalSignature` (default) or a forbidden one (CERT-3). */
  keyUsage?: 'digitalSignature' | 'keyEncipherment';
}

/** Issues one certificate (self-signed without `issuer`). */
export async function issue<C>(parse: ParseCertificate<C>, options: IssueOptions<C>): Promise<Issued<C>> {
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
  const der = new Uint8Array(cert.toSchema().toBER());
  return { certificate: parse(der), der, privateKey: pair.privateKey, pkcs8, name: subject };
}

/** A CA and a code-signing leaf under it. */
export async function caAndLeaf<C>(
  parse: ParseCertificate<C>,
  options: Partial<IssueOptions<C>> = {},
): Promise<{ ca: Issued<C>; leaf: Issued<C>; chain: C[] }> {
  const ca = await issue(parse, { cn: 'Plugin Test Root', ca: true });
  const leaf = await issue(parse, { cn: 'Plugin Test Signer', ...options, issuer: ca });
  return { ca, leaf, chain: [leaf.certificate, ca.certificate] };
}
