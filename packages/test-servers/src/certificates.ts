/**
 * The test certificate factory: certificates made on the fly with pkijs and
 * WebCrypto (EC or RSA key specs): a CA and leaves it issues, including
 * short-lived ones and ones that break a CERT rule on purpose, and
 * notation-style self-signed signers. Runtime-neutral (no `node:` imports).
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
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

/** Turns a certificate's DER into the caller's certificate type. */
export type ParseCertificate<C> = (der: Uint8Array) => C;

/** The key specs of the Notary Project (ALG-2): the key type and size, which fix the hash. */
export type TestKeySpec = 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'EC-256' | 'EC-384' | 'EC-521';

const HASH: Readonly<Record<TestKeySpec, string>> = {
  'RSA-2048': 'SHA-256',
  'RSA-3072': 'SHA-384',
  'RSA-4096': 'SHA-512',
  'EC-256': 'SHA-256',
  'EC-384': 'SHA-384',
  'EC-521': 'SHA-512',
};
const CURVE: Readonly<Record<string, string>> = { 'EC-256': 'P-256', 'EC-384': 'P-384', 'EC-521': 'P-521' };

/** Certificates are signed with PKCS#1 v1.5 or ECDSA; PSS is for envelopes only. */
function keyGenParams(keySpec: TestKeySpec): RsaHashedKeyGenParams | EcKeyGenParams {
  if (keySpec.startsWith('RSA')) {
    return {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: Number(keySpec.slice(4)),
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: HASH[keySpec],
    };
  }
  return { name: 'ECDSA', namedCurve: CURVE[keySpec]! };
}

export interface Issued<C> {
  certificate: C;
  /** The certificate's DER. */
  der: Uint8Array;
  keySpec: TestKeySpec;
  /** The key as generated (RSASSA-PKCS1-v1_5 or ECDSA), which signs certificates. */
  privateKey: CryptoKey;
  /** The same key for envelope signing: RSA-PSS for RSA (AMB-16), ECDSA as is. */
  signingKey: CryptoKey;
  /** PKCS#8 DER of the private key. */
  pkcs8: Uint8Array;
  name: pkijs.RelativeDistinguishedNames;
}

/** PrintableString's alphabet (X.680 41.4), which Go's pkix.Name uses when a value fits it. */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/**
 * `C=US, ST=WA, L=Seattle, O=Notary, CN=<cn>` with one RDN per attribute, as
 * Go's pkix.Name writes notation's test subject, so that an `x509.subject`
 * trusted identity can name it (DN-3).
 */
function notationSubject(cn: string): pkijs.RelativeDistinguishedNames {
  const attributes = [
    ['2.5.4.6', 'US'],
    ['2.5.4.8', 'WA'],
    ['2.5.4.7', 'Seattle'],
    ['2.5.4.10', 'Notary'],
    ['2.5.4.3', cn],
  ] as const;
  const sets = attributes.map(([type, value]) => {
    const string = PRINTABLE.test(value) ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value });
    return new asn1js.Set({
      value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), string] })],
    });
  });
  return new pkijs.RelativeDistinguishedNames({
    schema: asn1js.fromBER(new asn1js.Sequence({ value: sets }).toBER()).result,
  });
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
  /** Default EC-256. */
  keySpec?: TestKeySpec;
  /** `notation`: notation's test subject `C=US, ST=WA, L=Seattle, O=Notary, CN=<cn>`; default `C=US, O=Notary Plugin Tests, CN=<cn>`. */
  subject?: 'notation' | 'plugin-tests';
  notBefore?: Date;
  notAfter?: Date;
  /** Leaf key usage: `digitalSignature` (default) or a forbidden one (CERT-3). */
  keyUsage?: 'digitalSignature' | 'keyEncipherment';
  /** Leaf extended key usage: code signing (default) or a TLS server. */
  extKeyUsage?: 'codeSigning' | 'serverAuth';
}

/** Issues one certificate (self-signed without `issuer`). */
export async function issue<C>(parse: ParseCertificate<C>, options: IssueOptions<C>): Promise<Issued<C>> {
  const keySpec = options.keySpec ?? 'EC-256';
  const pair = (await crypto.subtle.generateKey(keyGenParams(keySpec), true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = crypto.getRandomValues(new Uint8Array(12));
  // Positive and minimal in DER (the strict reader refuses a redundant leading zero, as Go does).
  serial[0] = serial[0]! & 0x7f || 1;
  cert.serialNumber = new asn1js.Integer({ valueHex: serial.buffer });
  const subject = options.subject === 'notation' ? notationSubject(options.cn) : rdns(options.cn);
  cert.subject = subject;
  cert.issuer = options.issuer ? options.issuer.name : subject;
  const now = Math.floor(Date.now() / 1000) * 1000;
  cert.notBefore.value = options.notBefore ?? new Date(now - 86_400_000);
  cert.notAfter.value = options.notAfter ?? new Date(now + 365 * 86_400_000);
  const ca = options.ca ?? false;
  const bc = ca
    ? new asn1js.Sequence({ value: [new asn1js.Boolean({ value: true })] })
    : new asn1js.Sequence({ value: [] });
  const usage = ca
    ? { bits: 0x06, unused: 1 }
    : options.keyUsage === 'keyEncipherment'
      ? { bits: 0x20, unused: 5 }
      : { bits: 0x80, unused: 7 };
  const ku = new asn1js.BitString({ valueHex: new Uint8Array([usage.bits]).buffer, unusedBits: usage.unused });
  cert.extensions = [
    new pkijs.Extension({ extnID: OID.basicConstraints, critical: true, extnValue: bc.toBER() }),
    new pkijs.Extension({ extnID: OID.keyUsage, critical: true, extnValue: ku.toBER() }),
    ...(ca
      ? []
      : [
          new pkijs.Extension({
            extnID: OID.extKeyUsage,
            critical: false,
            extnValue: new asn1js.Sequence({
              value: [new asn1js.ObjectIdentifier({ value: OID[options.extKeyUsage ?? 'codeSigning'] })],
            }).toBER(),
          }),
        ]),
  ];
  await cert.subjectPublicKeyInfo.importKey(pair.publicKey);
  await cert.sign(options.issuer?.privateKey ?? pair.privateKey, HASH[options.issuer?.keySpec ?? keySpec]);
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const signParams = keySpec.startsWith('RSA')
    ? { name: 'RSA-PSS', hash: HASH[keySpec] }
    : { name: 'ECDSA', namedCurve: CURVE[keySpec]! };
  const signingKey = await crypto.subtle.importKey('pkcs8', pkcs8, signParams, false, ['sign']);
  const der = new Uint8Array(cert.toSchema().toBER());
  return { certificate: parse(der), der, keySpec, privateKey: pair.privateKey, signingKey, pkcs8, name: subject };
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

/**
 * A self-signed code-signing certificate with notation's test subject, as
 * `notation cert generate-test` makes (a single self-signed certificate is a
 * valid Notary chain, treated as a leaf: CERT-7), with its envelope signing
 * key. Valid from `notBefore` (default now) for `validityDays` (default 365).
 */
export async function selfSignedSigner<C>(
  parse: ParseCertificate<C>,
  options: { name: string; keySpec?: TestKeySpec; notBefore?: Date; validityDays?: number },
): Promise<{ certificate: C; privateKey: CryptoKey; keySpec: TestKeySpec; der: Uint8Array }> {
  const notBefore = new Date(Math.floor((options.notBefore ?? new Date()).getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + (options.validityDays ?? 365) * 86_400_000);
  const made = await issue(parse, {
    cn: options.name,
    subject: 'notation',
    notBefore,
    notAfter,
    ...(options.keySpec ? { keySpec: options.keySpec } : {}),
  });
  return { certificate: made.certificate, privateKey: made.signingKey, keySpec: made.keySpec, der: made.der };
}

/** PEM (RFC 7468) of DER bytes, without Node's Buffer so the module stays runtime-neutral. */
function pemOf(label: string, der: Uint8Array): string {
  let binary = '';
  for (const byte of der) binary += String.fromCharCode(byte);
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * A self-signed certificate and key for a loopback HTTPS server (`CN=localhost`,
 * serverAuth), as PEM: clients that verify see `DEPTH_ZERO_SELF_SIGNED_CERT`.
 */
export async function selfSignedTlsCredentials(): Promise<{ cert: string; key: string }> {
  const made = await issue((der) => der, { cn: 'localhost', extKeyUsage: 'serverAuth' });
  return { cert: pemOf('CERTIFICATE', made.der), key: pemOf('PRIVATE KEY', made.pkcs8) };
}
