/**
 * The certificate fuzz target (issue 12): seeded mutations of certificates
 * from real chains, parsed by us and by Go's crypto/x509 (the differential
 * oracle, packages/fuzz/oracle/x509oracle.go), with openssl's verdict as a
 * second opinion. Mutations are either left unsigned (they must not verify:
 * "accepted-must-reject" when our chain check still passes) or re-signed by
 * the issuer key, so that they reach the field parsing.
 *
 * The chains are made at setup with WebCrypto keys and pki's DER writer, so
 * that every field can be re-encoded exactly (long-form lengths, leading
 * zeros, BOOLEAN 0x01, …) before the issuer signs it.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Certificate, validateCodeSigningChain } from '@x/notary-pki';
import { concatBytes, encodeBase64, toHex } from '@x/notary-pki/foundation';
import { KEY_USAGE_NAMES } from '../../../pki/src/certificate.js';
// The DER writer is a fixture tool of pki's tests, not part of its API: bundled from source.
import * as derWriter from '../../../pki/src/der-writer.js';
import { digest } from '../../../pki/src/digest.js';
import type { FuzzCase, FuzzTarget, Rng, Verdict } from '../types.js';

/* ------------------------------------------------------------------------ */
/* DER helpers (the writer is pki's derWriter)                              */
/* ------------------------------------------------------------------------ */

const concat = concatBytes;
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

const {
  element: tlv,
  sequence: seq,
  set,
  oid,
  integer,
  unsignedInteger,
  text,
  longForm,
  NULL,
  TRUE,
  FALSE,
} = derWriter;
function headerOf(element: Uint8Array): { header: number; length: number } {
  const first = element[1]!;
  if (first < 0x80) return { header: 2, length: first };
  const count = first & 0x7f;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + element[2 + i]!;
  return { header: 2 + count, length };
}
function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
const contentOf = (element: Uint8Array): Uint8Array => element.subarray(headerOf(element).header);
/** Children of a constructed element (well-formed input only). */
function childrenOf(element: Uint8Array): Uint8Array[] {
  const body = contentOf(element);
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < body.length; ) {
    const { header, length } = headerOf(body.subarray(offset));
    out.push(body.subarray(offset, offset + header + length));
    offset += header + length;
  }
  return out;
}

const utcTime = (value: string): Uint8Array => text(0x17, value);
const generalizedTime = (value: string): Uint8Array => text(0x18, value);
const extension = (id: string, critical: boolean | Uint8Array | undefined, value: Uint8Array): Uint8Array =>
  seq(
    oid(id),
    ...(critical === undefined || critical === false ? [] : [critical === true ? TRUE : critical]),
    tlv(0x04, value),
  );

/* ------------------------------------------------------------------------ */
/* Chains                                                                    */
/* ------------------------------------------------------------------------ */

const OIDS = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  codeSigning: '1.3.6.1.5.5.7.3.3',
} as const;

type Role = 'root' | 'intermediate' | 'leaf';
type ChainName = 'rsa' | 'ec';

interface Signer {
  key: CryptoKey;
  algorithm: RsaPssParams | EcdsaParams | AlgorithmIdentifier;
  /** AlgorithmIdentifier DER this signer writes. */
  algorithmId: Uint8Array;
  /** ECDSA half size (raw r‖s → DER), 0 for RSA. */
  ecHalf: number;
}

/** The TBSCertificate, field by field (whole DER elements), so that one field can be re-encoded. */
interface Model {
  version: Uint8Array | undefined;
  serial: Uint8Array;
  signature: Uint8Array;
  issuer: Uint8Array;
  validity: Uint8Array;
  subject: Uint8Array;
  spki: Uint8Array;
  tail: Uint8Array[];
  extensions: Uint8Array[] | undefined;
  /** An element after the extensions (none in a well-formed certificate). */
  after?: Uint8Array;
}

interface Member {
  chain: ChainName;
  role: Role;
  model: Model;
  der: Uint8Array;
  /** Whoever signs this certificate (itself for the root). */
  issuer: Signer;
  /** This certificate's own signing key. */
  signer: Signer;
}

const buildTbs = (m: Model): Uint8Array =>
  seq(
    ...(m.version ? [m.version] : []),
    m.serial,
    m.signature,
    m.issuer,
    m.validity,
    m.subject,
    m.spki,
    ...m.tail,
    ...(m.extensions ? [tlv(0xa3, seq(...m.extensions))] : []),
    ...(m.after ? [m.after] : []),
  );

async function signBytes(signer: Signer, data: Uint8Array): Promise<Uint8Array> {
  const signature = new Uint8Array(
    await crypto.subtle.sign(signer.algorithm, signer.key, data as Uint8Array<ArrayBuffer>),
  );
  if (signer.ecHalf === 0) return signature;
  return seq(unsignedInteger(signature.subarray(0, signer.ecHalf)), unsignedInteger(signature.subarray(signer.ecHalf)));
}

const assemble = (tbs: Uint8Array, algorithmId: Uint8Array, signature: Uint8Array): Uint8Array =>
  seq(tbs, algorithmId, tlv(0x03, bytes(0), signature));

async function sign(tbs: Uint8Array, issuer: Signer, outerAlgorithm = issuer.algorithmId): Promise<Uint8Array> {
  return assemble(tbs, outerAlgorithm, await signBytes(issuer, tbs));
}

function name(cn: string): Uint8Array {
  return seq(
    set(seq(oid('2.5.4.6'), text(0x13, 'US'))),
    set(seq(oid('2.5.4.10'), text(0x0c, 'Notary Fuzz'))),
    set(seq(oid('2.5.4.3'), text(0x0c, cn))),
  );
}

async function makeSigner(kind: 'rsa' | 'p256' | 'p384'): Promise<{ signer: Signer; spki: Uint8Array }> {
  if (kind === 'rsa') {
    const params: RsaHashedKeyGenParams = {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: bytes(1, 0, 1) as Uint8Array<ArrayBuffer>,
      hash: 'SHA-256',
    };
    const pair = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
    return {
      signer: {
        key: pair.privateKey,
        algorithm: { name: 'RSASSA-PKCS1-v1_5' },
        algorithmId: seq(oid(OIDS.sha256WithRSA), NULL),
        ecHalf: 0,
      },
      spki: new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey)),
    };
  }
  const curve = kind === 'p256' ? 'P-256' : 'P-384';
  const hash = kind === 'p256' ? 'SHA-256' : 'SHA-384';
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return {
    signer: {
      key: pair.privateKey,
      algorithm: { name: 'ECDSA', hash },
      algorithmId: seq(oid(kind === 'p256' ? OIDS.ecdsaSha256 : OIDS.ecdsaSha384)),
      ecHalf: kind === 'p256' ? 32 : 48,
    },
    spki: new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey)),
  };
}

function extensionsFor(role: Role, spki: Uint8Array): Uint8Array[] {
  // A key identifier in the manner of RFC 7093 §2 method 1 (SHA-256, truncated).
  const ski = digest('SHA-256', spki).subarray(0, 20);
  if (role === 'leaf') {
    return [
      extension(OIDS.basicConstraints, false, seq()),
      extension(OIDS.keyUsage, true, tlv(0x03, bytes(7, 0x80))),
      extension(OIDS.extKeyUsage, false, seq(oid(OIDS.codeSigning))),
    ];
  }
  return [
    extension(OIDS.basicConstraints, true, seq(TRUE, ...(role === 'intermediate' ? [integer(0)] : []))),
    extension(OIDS.keyUsage, true, tlv(0x03, bytes(1, 0x06))),
    extension(OIDS.subjectKeyIdentifier, false, tlv(0x04, new Uint8Array(ski))),
  ];
}

async function makeChain(chain: ChainName, serialBase: number): Promise<Member[]> {
  const kinds = chain === 'rsa' ? (['rsa', 'rsa', 'p256'] as const) : (['p384', 'p256', 'p256'] as const);
  const roles: Role[] = ['root', 'intermediate', 'leaf'];
  const keys = await Promise.all(kinds.map((k) => makeSigner(k)));
  const members: Member[] = [];
  for (let i = 0; i < 3; i++) {
    const role = roles[i]!;
    const issuer = keys[Math.max(0, i - 1)]!.signer;
    const model: Model = {
      version: tlv(0xa0, integer(2)),
      serial: integer(serialBase + i * 0x1011 + 0x7a0000),
      signature: issuer.algorithmId,
      issuer: name(`Fuzz ${chain} ${roles[Math.max(0, i - 1)]}`),
      validity: seq(utcTime('250101000000Z'), generalizedTime('20991231235959Z')),
      subject: name(`Fuzz ${chain} ${role}`),
      spki: keys[i]!.spki,
      tail: [],
      extensions: extensionsFor(role, keys[i]!.spki),
    };
    members.push({ chain, role, model, der: await sign(buildTbs(model), issuer), issuer, signer: keys[i]!.signer });
  }
  return members;
}

/* ------------------------------------------------------------------------ */
/* Mutations                                                                 */
/* ------------------------------------------------------------------------ */

const mapExtension = (
  m: Model,
  id: string,
  value: (old: Uint8Array) => Uint8Array,
  critical?: boolean | Uint8Array,
): void => {
  const encoded = oid(id);
  const index = (m.extensions ?? []).findIndex(
    (e) => childrenOf(e)[0]!.every((b, i) => b === encoded[i]) && childrenOf(e)[0]!.length === encoded.length,
  );
  const old = index >= 0 ? contentOf(childrenOf(m.extensions![index]!).at(-1)!) : new Uint8Array(0);
  const replacement = extension(id, critical, value(old));
  if (!m.extensions) m.extensions = [];
  if (index >= 0) m.extensions[index] = replacement;
  else m.extensions.push(replacement);
};
const bc =
  (...items: Uint8Array[]) =>
  (m: Model) =>
    mapExtension(m, OIDS.basicConstraints, () => seq(...items), true);
const attribute = (tag: number, value: Uint8Array) => (m: Model) => {
  m.subject = seq(set(seq(oid('2.5.4.3'), tlv(tag, value))));
};
const validity =
  (notBefore: Uint8Array, notAfter = generalizedTime('20991231235959Z')) =>
  (m: Model) => {
    m.validity = seq(notBefore, notAfter);
  };

/** Structural edits, each re-signed by the issuer so that it reaches field parsing. */
const EDITS: Record<string, (m: Model, rng: Rng) => void> = {
  // issue 12 finding 5: basicConstraints variants.
  'bc {INTEGER 0, TRUE}': bc(integer(0), TRUE),
  'bc {FALSE, TRUE}': bc(FALSE, TRUE),
  'bc {BOOLEAN 0x01}': bc(bytes(0x01, 0x01, 0x01)),
  'bc {TRUE, INTEGER -1}': bc(TRUE, bytes(0x02, 0x01, 0xff)),
  'bc {TRUE, INTEGER 00 05}': bc(TRUE, bytes(0x02, 0x02, 0x00, 0x05)),
  'bc {TRUE, 2}': bc(TRUE, integer(2)),
  'bc {FALSE}': bc(FALSE),
  'bc {}': bc(),
  'bc {TRUE} + trailing byte': (m) => mapExtension(m, OIDS.basicConstraints, () => concat(seq(TRUE), bytes(0)), true),
  'bc critical 0x01': (m) => mapExtension(m, OIDS.basicConstraints, () => seq(TRUE), bytes(0x01, 0x01, 0x01)),
  'bc critical explicit FALSE': (m) => mapExtension(m, OIDS.basicConstraints, () => seq(TRUE), FALSE),
  'bc not a SEQUENCE': (m) => mapExtension(m, OIDS.basicConstraints, () => TRUE, true),
  'duplicate extension': (m) => {
    m.extensions = [...(m.extensions ?? []), m.extensions![0]!];
  },
  'unknown critical extension': (m) => mapExtension(m, '1.2.3.4.5', () => NULL, true),
  // Versions.
  'v1 (version absent) with extensions': (m) => {
    m.version = undefined;
  },
  'v1 explicit [0] INTEGER 0 with extensions': (m) => {
    m.version = tlv(0xa0, integer(0));
  },
  'v1 without extensions': (m) => {
    m.version = undefined;
    m.extensions = undefined;
  },
  'v2 with extensions': (m) => {
    m.version = tlv(0xa0, integer(1));
  },
  'v2 with unique IDs': (m) => {
    m.version = tlv(0xa0, integer(1));
    m.extensions = undefined;
    m.tail = [tlv(0x81, bytes(0, 1, 2)), tlv(0x82, bytes(0, 3))];
  },
  'v3 with issuerUniqueID': (m) => {
    m.tail = [tlv(0x81, bytes(0, 1, 2))];
  },
  'version 4': (m) => {
    m.version = tlv(0xa0, integer(3));
  },
  'version 5': (m) => {
    m.version = tlv(0xa0, integer(4));
  },
  'version -1': (m) => {
    m.version = tlv(0xa0, bytes(0x02, 0x01, 0xff));
  },
  'version non-minimal 00 02': (m) => {
    m.version = tlv(0xa0, bytes(0x02, 0x02, 0x00, 0x02));
  },
  // keyUsage.
  'keyUsage keyCertSign only in padding bits': (m) =>
    mapExtension(m, OIDS.keyUsage, () => tlv(0x03, bytes(3, 0x84)), true),
  'keyUsage 8 unused bits': (m) => mapExtension(m, OIDS.keyUsage, () => tlv(0x03, bytes(8, 0x00)), true),
  'keyUsage empty BIT STRING': (m) => mapExtension(m, OIDS.keyUsage, () => tlv(0x03, bytes(0)), true),
  'keyUsage decipherOnly (bit 8)': (m) => mapExtension(m, OIDS.keyUsage, () => tlv(0x03, bytes(7, 0x80, 0x80)), true),
  'keyUsage trailing byte': (m) =>
    mapExtension(m, OIDS.keyUsage, () => concat(tlv(0x03, bytes(7, 0x80)), bytes(0)), true),
  // EKU.
  'eku empty': (m) => mapExtension(m, OIDS.extKeyUsage, () => seq()),
  'eku non-minimal arc': (m) =>
    mapExtension(m, OIDS.extKeyUsage, () =>
      seq(tlv(0x06, bytes(0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x80, 0x03))),
    ),
  'eku arc 2^31': (m) =>
    mapExtension(m, OIDS.extKeyUsage, () => seq(tlv(0x06, bytes(0x2b, 0x88, 0x80, 0x80, 0x80, 0x00)))),
  'eku not an OID': (m) => mapExtension(m, OIDS.extKeyUsage, () => seq(NULL)),
  'eku timeStamping and any': (m) =>
    mapExtension(m, OIDS.extKeyUsage, () => seq(oid('1.3.6.1.5.5.7.3.8'), oid('2.5.29.37.0'), oid('1.2.3.4'))),
  // Serial numbers.
  'serial leading zero': (m) => {
    m.serial = tlv(0x02, bytes(0x00, 0x12, 0x34));
  },
  'serial negative': (m) => {
    m.serial = tlv(0x02, bytes(0x92, 0x34));
  },
  'serial zero': (m) => {
    m.serial = integer(0);
  },
  'serial empty': (m) => {
    m.serial = tlv(0x02);
  },
  'serial 21 octets': (m) => {
    m.serial = tlv(0x02, bytes(0x7f, ...new Array<number>(20).fill(0xab)));
  },
  'serial long-form length': (m) => {
    m.serial = longForm(m.serial);
  },
  // Names.
  'BMPString odd length': attribute(0x1e, bytes(0, 0x41, 0)),
  'BMPString even': attribute(0x1e, bytes(0, 0x41, 0, 0x42)),
  'BMPString with terminator': attribute(0x1e, bytes(0, 0x41, 0, 0)),
  'BMPString surrogate': attribute(0x1e, bytes(0xd8, 0x00, 0xdc, 0x00)),
  'PrintableString with @': attribute(0x13, new TextEncoder().encode('a@b')),
  'PrintableString with * and &': attribute(0x13, new TextEncoder().encode('*.a&b')),
  'UTF8String invalid': attribute(0x0c, bytes(0xc3, 0x28)),
  'IA5String high byte': attribute(0x16, bytes(0x41, 0xe9)),
  'NumericString letter': attribute(0x12, new TextEncoder().encode('12a')),
  'T61String ASCII': attribute(0x14, new TextEncoder().encode('t61')),
  'UniversalString value': attribute(0x1c, bytes(0, 0, 0, 0x41)),
  'INTEGER attribute value': attribute(0x02, bytes(5)),
  'unknown attribute type': (m) => {
    m.subject = seq(
      set(seq(oid('1.2.840.113549.1.9.1'), text(0x16, 'a@b.c'))),
      set(seq(oid('2.5.4.3'), text(0x0c, 'cn'))),
    );
  },
  'attribute type non-minimal arc': (m) => {
    m.subject = seq(set(seq(tlv(0x06, bytes(0x55, 0x04, 0x80, 0x03)), text(0x0c, 'cn'))));
  },
  'empty subject': (m) => {
    m.subject = seq();
  },
  'RDN not a SET': (m) => {
    m.subject = seq(seq(seq(oid('2.5.4.3'), text(0x0c, 'cn'))));
  },
  // Times (issue 12 finding 8 and the DER-time rules).
  'UTCTime month 13': validity(utcTime('251301000000Z')),
  'UTCTime Feb 30': validity(utcTime('250230000000Z')),
  'UTCTime Feb 29 2024': validity(utcTime('240229000000Z')),
  'UTCTime Feb 29 2025': validity(utcTime('250229000000Z')),
  'UTCTime hour 24': validity(utcTime('250101240000Z')),
  'UTCTime second 60': validity(utcTime('250101235960Z')),
  'UTCTime missing Z': validity(utcTime('250101000000')),
  'UTCTime no seconds': validity(utcTime('2501010000Z')),
  'UTCTime +0100 offset': validity(utcTime('250101000000+0100')),
  'UTCTime year 49': validity(utcTime('490101000000Z')),
  'UTCTime year 50': validity(utcTime('500101000000Z')),
  'GeneralizedTime fractional seconds': validity(generalizedTime('20250101000000.5Z')),
  'GeneralizedTime year 0050': validity(generalizedTime('00500101000000Z')),
  'GeneralizedTime year 0000': validity(generalizedTime('00000101000000Z')),
  'GeneralizedTime year 0099 notAfter': validity(utcTime('250101000000Z'), generalizedTime('00991231235959Z')),
  'GeneralizedTime missing Z': validity(generalizedTime('20250101000000')),
  'GeneralizedTime -0500 offset': validity(generalizedTime('20250101000000-0500')),
  'GeneralizedTime in 2049': validity(generalizedTime('20490101000000Z')),
  'validity with a third time': (m) => {
    m.validity = seq(utcTime('250101000000Z'), generalizedTime('20991231235959Z'), utcTime('250101000000Z'));
  },
  'validity OCTET STRING time': validity(text(0x04, '250101000000Z')),
  // SubjectPublicKeyInfo (issue 12 finding 6).
  'spki algorithm params dropped': (m) => {
    const [ai, key] = childrenOf(m.spki);
    m.spki = seq(seq(childrenOf(ai!)[0]!), key!);
  },
  'spki NULL params on EC / garbage on RSA': (m) => {
    const [ai, key] = childrenOf(m.spki);
    m.spki = seq(seq(childrenOf(ai!)[0]!, NULL), key!);
  },
  'spki unknown curve': (m) => {
    const [ai, key] = childrenOf(m.spki);
    m.spki = seq(seq(childrenOf(ai!)[0]!, oid('1.2.3.4')), key!);
  },
  'spki point compressed / key truncated': (m) => {
    const [ai, key] = childrenOf(m.spki);
    const bits = contentOf(key!);
    m.spki = seq(ai!, tlv(0x03, bytes(0, 0x02), bits.subarray(2, Math.min(bits.length, 34))));
  },
  'spki point off the curve / key bit flipped': (m, rng) => {
    const [ai, key] = childrenOf(m.spki);
    const bits = contentOf(key!).slice();
    bits[2 + rng.int(bits.length - 2)]! ^= 1;
    m.spki = seq(ai!, tlv(0x03, bits));
  },
  'spki BIT STRING unused bits': (m) => {
    const [ai, key] = childrenOf(m.spki);
    const bits = contentOf(key!).slice();
    bits[0] = 1;
    m.spki = seq(ai!, tlv(0x03, bits));
  },
  'spki trailing element': (m) => {
    m.spki = seq(...childrenOf(m.spki), NULL);
  },
  'spki not a SEQUENCE': (m) => {
    m.spki = tlv(0x31, ...childrenOf(m.spki));
  },
  'spki ed25519 with params': (m) => {
    m.spki = seq(seq(oid('1.3.101.112'), NULL), tlv(0x03, bytes(0), new Uint8Array(32)));
  },
  'spki unknown algorithm': (m) => {
    m.spki = seq(seq(oid('1.2.3.4.5')), tlv(0x03, bytes(0, 1, 2, 3)));
  },
  // AlgorithmIdentifier edits on both inner and outer (re-signed, so they match).
  'inner+outer NULL params toggled': (m) => {
    const [id, params] = childrenOf(m.signature);
    m.signature = params ? seq(id!) : seq(id!, NULL);
  },
  'inner+outer garbage params': (m) => {
    m.signature = seq(childrenOf(m.signature)[0]!, bytes(0x05, 0x01, 0x00));
  },
  'inner+outer trailing element': (m) => {
    m.signature = seq(...childrenOf(m.signature), ...(childrenOf(m.signature).length === 1 ? [NULL] : []), NULL);
  },
  'inner+outer non-minimal OID arc': (m) => {
    const id = contentOf(childrenOf(m.signature)[0]!);
    m.signature = seq(tlv(0x06, bytes(id[0]!, 0x80, ...id.subarray(1))), ...childrenOf(m.signature).slice(1));
  },
  // Trailing and misplaced fields.
  'TBS trailing element': (m) => {
    m.after = NULL;
  },
  'extensions [3] empty SEQUENCE': (m) => {
    m.extensions = [];
  },
  'long-form length on a field': (m, rng) => {
    const key = rng.pick(['serial', 'issuer', 'validity', 'subject', 'spki'] as const);
    m[key] = longForm(m[key], rng.int(2) === 1);
  },
};

/** Raw edits of the whole certificate that are not re-signed: none of them may verify (issue 12 finding 3). */
const UNSIGNED: Record<string, (der: Uint8Array, member: Member, rng: Rng) => Uint8Array | undefined> = {
  'outer NULL params toggled': (der) => {
    const [tbs, ai, sig] = childrenOf(der);
    const [id, params] = childrenOf(ai!);
    return seq(tbs!, params ? seq(id!) : seq(id!, NULL), sig!);
  },
  'outer garbled NULL': (der) => {
    const [tbs, ai, sig] = childrenOf(der);
    return seq(tbs!, seq(childrenOf(ai!)[0]!, bytes(0x05, 0x01, 0x00)), sig!);
  },
  'outer long-form AlgorithmIdentifier': (der) => {
    const [tbs, ai, sig] = childrenOf(der);
    return seq(tbs!, longForm(ai!), sig!);
  },
  'outer SEQUENCE long form': (der) => longForm(der),
  'element after the signature': (der) => seq(...childrenOf(der), NULL),
  'trailing byte after the certificate': (der) => concat(der, bytes(0)),
  'signature BIT STRING long form': (der) => {
    const [tbs, ai, sig] = childrenOf(der);
    return seq(tbs!, ai!, longForm(sig!));
  },
  'signature BIT STRING 1 unused bit': (der) => {
    const [tbs, ai, sig] = childrenOf(der);
    const bits = contentOf(sig!).slice();
    bits[0] = 1;
    bits[bits.length - 1]! &= 0xfe;
    return seq(tbs!, ai!, tlv(0x03, bits));
  },
  ...ecdsaReencodings(),
};

/** The ECDSA signature value re-encoded (finding 3: SEQUENCE length one short, leading 00 on r, long form, negative r). */
function ecdsaReencodings(): Record<string, (der: Uint8Array, member: Member) => Uint8Array | undefined> {
  const withSignature = (
    der: Uint8Array,
    member: Member,
    rewrite: (sig: Uint8Array) => Uint8Array | undefined,
  ): Uint8Array | undefined => {
    if (member.issuer.ecHalf === 0) return undefined;
    const [tbs, ai, bitString] = childrenOf(der);
    const sig = contentOf(bitString!).subarray(1);
    const out = rewrite(sig);
    return out && seq(tbs!, ai!, tlv(0x03, bytes(0), out));
  };
  const rs = (sig: Uint8Array): [Uint8Array, Uint8Array] => childrenOf(sig) as [Uint8Array, Uint8Array];
  return {
    'ecdsa SEQUENCE length one short': (der, m) =>
      withSignature(der, m, (sig) => concat(bytes(0x30, sig[1]! - 1), sig.subarray(2))),
    'ecdsa SEQUENCE length one long + pad': (der, m) =>
      withSignature(der, m, (sig) => concat(bytes(0x30, sig[1]! + 1), sig.subarray(2), bytes(0))),
    'ecdsa leading 00 on r': (der, m) =>
      withSignature(der, m, (sig) => {
        const [r, s] = rs(sig);
        return seq(tlv(0x02, bytes(0), contentOf(r)), s);
      }),
    'ecdsa long-form r': (der, m) =>
      withSignature(der, m, (sig) => {
        const [r, s] = rs(sig);
        return seq(longForm(r), s);
      }),
    'ecdsa long-form SEQUENCE': (der, m) => withSignature(der, m, (sig) => longForm(sig)),
    'ecdsa negative r': (der, m) =>
      withSignature(der, m, (sig) => {
        const [r, s] = rs(sig);
        const value = contentOf(r);
        // A positive r with its top bit set carries a 00 guard; dropping it makes r "negative".
        if (value[0] === 0) return seq(tlv(0x02, value.subarray(1)), s);
        const negative = (1n << BigInt(value.length * 8)) - BigInt(`0x${toHex(value)}`);
        return seq(tlv(0x02, fromHex(negative.toString(16).padStart(value.length * 2, '0'))), s);
      }),
    'ecdsa trailing bytes': (der, m) => withSignature(der, m, (sig) => concat(sig, bytes(0))),
    'ecdsa s + n': (der, m) =>
      withSignature(der, m, (sig) => {
        const [r, s] = rs(sig);
        const order =
          m.issuer.ecHalf === 32
            ? 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
            : 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n;
        const value = BigInt(`0x${toHex(contentOf(s))}`) + order;
        const hex = value.toString(16);
        return seq(r, unsignedInteger(fromHex(hex.length % 2 ? `0${hex}` : hex)));
      }),
  };
}

/* ------------------------------------------------------------------------ */
/* The oracles                                                               */
/* ------------------------------------------------------------------------ */

export interface GoResult {
  ok: boolean;
  error?: string;
  goVersion?: string;
  version?: number;
  subject?: string;
  issuer?: string;
  serial?: string;
  notBefore?: string;
  notAfter?: string;
  isCA: boolean;
  basicConstraintsValid: boolean;
  maxPathLen: number;
  keyUsage: string[];
  extKeyUsage: string[];
  spki?: string;
}

/**
 * The oracle's source, found from this module upwards: from src/targets/ when
 * vitest runs the source, from dist/ when `pnpm fuzz` runs the bundle.
 */
const ORACLE_SOURCE = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'oracle', 'x509oracle.go');
    if (existsSync(candidate)) return candidate;
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../oracle/x509oracle.go');
})();

/** Whether the Go toolchain is on PATH. */
export function goAvailable(): boolean {
  return spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;
}

/** Builds the oracle into a cache directory keyed by its source, once. */
export function buildGoOracle(): string {
  const cache = join(tmpdir(), 'notary-fuzz-oracle');
  mkdirSync(cache, { recursive: true });
  const out = join(cache, 'x509oracle');
  const build = spawnSync('go', ['build', '-o', out, ORACLE_SOURCE], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOCACHE: process.env.GOCACHE ?? join(cache, 'gocache'),
      HOME: process.env.HOME ?? cache,
    },
  });
  if (build.status !== 0 || !existsSync(out)) throw new Error(`go build of the x509 oracle failed: ${build.stderr}`);
  return out;
}

/** A running oracle: one line in, one JSON line out. */
export class GoOracle {
  readonly #child: ChildProcessWithoutNullStreams;
  #buffer = '';
  readonly #waiting: ((line: string) => void)[] = [];

  constructor(binary: string) {
    this.#child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stdout.setEncoding('utf8');
    this.#child.stdout.on('data', (chunk: string) => {
      this.#buffer += chunk;
      for (let nl = this.#buffer.indexOf('\n'); nl >= 0; nl = this.#buffer.indexOf('\n')) {
        const line = this.#buffer.slice(0, nl);
        this.#buffer = this.#buffer.slice(nl + 1);
        this.#waiting.shift()?.(line);
      }
    });
  }

  #ask(line: string): Promise<string> {
    return new Promise((resolveLine) => {
      this.#waiting.push(resolveLine);
      this.#child.stdin.write(`${line}\n`);
    });
  }

  async version(): Promise<string> {
    return (JSON.parse(await this.#ask('version')) as GoResult).goVersion ?? 'unknown';
  }

  async parse(der: Uint8Array): Promise<GoResult> {
    return JSON.parse(await this.#ask(encodeBase64(der))) as GoResult;
  }

  close(): void {
    this.#child.stdin.end();
    this.#child.kill();
  }
}

/** openssl's verdict on one DER certificate (`openssl x509 -inform DER -noout`). */
export function opensslVerdict(der: Uint8Array): Promise<{ ok: boolean; error: string }> {
  return new Promise((resolveVerdict) => {
    const child = spawn('openssl', ['x509', '-inform', 'DER', '-noout'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let error = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (error += chunk));
    child.on('error', (e) => resolveVerdict({ ok: false, error: String(e) }));
    child.on('close', (code) => resolveVerdict({ ok: code === 0, error: error.trim().split('\n')[0] ?? '' }));
    child.stdin.end(der);
  });
}

/* ------------------------------------------------------------------------ */
/* Our side                                                                  */
/* ------------------------------------------------------------------------ */

interface Ours {
  ok: boolean;
  code?: string;
  error?: string;
  untyped?: boolean;
  cert?: Certificate;
}

function parseOurs(der: Uint8Array): Ours {
  try {
    return { ok: true, cert: Certificate.fromDer(der) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (typeof code !== 'string') return { ok: false, untyped: true, error: `${(error as Error)?.name}: ${message}` };
    return { ok: false, code, error: message };
  }
}

/** Our parsed fields in the oracle's form. */
export function fieldsOf(cert: Certificate): Omit<GoResult, 'ok' | 'error' | 'goVersion'> {
  const bc = cert.basicConstraints;
  const time = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    version: cert.version + 1,
    subject: cert.subject,
    issuer: cert.issuer,
    serial: cert.serialNumber.replace(/^0+(?=.)/, ''),
    notBefore: time(cert.notBefore),
    notAfter: time(cert.notAfter),
    isCA: bc?.ca ?? false,
    basicConstraintsValid: bc !== undefined,
    maxPathLen: bc === undefined ? 0 : (bc.pathLen ?? -1),
    keyUsage: KEY_USAGE_NAMES.filter((n) => cert.keyUsage?.usages.has(n)),
    extKeyUsage: [...(cert.extendedKeyUsage?.purposes ?? [])].sort(),
    spki: toHex(digest('SHA-256', cert.publicKey.spki)),
  };
}

/* ------------------------------------------------------------------------ */
/* Deliberate differences                                                    */
/* ------------------------------------------------------------------------ */

/**
 * Where we deliberately decide otherwise than the Go 1.19 oracle. Each names
 * the requirement or `[impl]` note; anything else is an undeclared finding.
 */
export const DELIBERATE = {
  trailing:
    '[impl:trailing] der.ts: trailing elements that Go skips inside a SEQUENCE (after the signature, in Validity, AlgorithmIdentifier, SPKI, Extension, extension values, after the extensions) are refused: DER (X.690 §10) and RFC 5280 §4.1 define none',
  extVersion:
    '[impl:ext-version] RFC 5280 §4.1.2.9: extensions (or other fields after the key) in a v1/v2 certificate are refused; Go ignores them (issue 12 finding 5)',
  timeZulu:
    '[impl:time-zulu] RFC 5280 §4.1.2.5.1–2: times must be Zulu with seconds; Go also accepts ±hhmm offsets and UTCTime without seconds',
  unreadExtension:
    'known gap, laxer than Go: extensions the Notary rules never read (SAN, name constraints, certificate policies, policy mappings/constraints; CRL distribution points and AIA are read strictly only when revocation is checked) are not decoded when a certificate is parsed, while Go refuses a certificate whose such extension is malformed',
  oidArc:
    'X.690 §8.19.2: a non-minimal OID arc (leading 0x80) is refused, as current golang.org/x/crypto/cryptobyte refuses it; the cryptobyte vendored in the Go 1.19 oracle does not check it',
  negativeSerial:
    'oracle version: Go ≥ 1.23 (notation) refuses negative serial numbers (GODEBUG x509negativeserial); the Go 1.19 oracle accepts them',
  bmpSurrogate:
    'oracle version: Go ≥ 1.23 refuses BMPString surrogates and non-characters; the Go 1.19 oracle accepts them',
  negativePathLen:
    'oracle version: Go ≥ 1.23 reads pathLenConstraint as unsigned and refuses a negative one; Go 1.19 accepts it',
  nonStringAttribute:
    'oracle version: Go ≥ 1.21 reads any attribute value (readASN1Any) and skips non-strings of known types; the Go 1.19 oracle refuses the certificate ("unsupported string type")',
  t61Latin1:
    'oracle version: Go ≥ 1.21 reads T61String as Latin-1; Go 1.19 copies the bytes (invalid UTF-8 in its output)',
} as const;

function deliberateFor(ours: Ours, go: GoResult, detail: string, der: Uint8Array): string | undefined {
  if (!ours.ok && go.ok) {
    const e = ours.error ?? '';
    if (e.includes('[impl:trailing]')) return DELIBERATE.trailing;
    if (e.includes('[impl:ext-version]')) return DELIBERATE.extVersion;
    if (e.includes('[impl:time-zulu]')) return DELIBERATE.timeZulu;
    if (e.includes('negative serial number')) return DELIBERATE.negativeSerial;
    if (e.includes('non-minimal object identifier arc')) return DELIBERATE.oidArc;
    if (e.includes('surrogate or non-character')) return DELIBERATE.bmpSurrogate;
    if (e.includes('negative pathLenConstraint')) return DELIBERATE.negativePathLen;
    return undefined;
  }
  if (ours.ok && !go.ok) {
    if ((go.error ?? '').includes('unsupported string type')) return DELIBERATE.nonStringAttribute;
    if (
      /subject alternative name|SAN |name constraint|NameConstraints|constraint value|certificate policies|CRL distribution point|authority info access|polic|inhibit/i.test(
        go.error ?? '',
      )
    ) {
      return DELIBERATE.unreadExtension;
    }
    return undefined;
  }
  if (/^(subject|issuer)/.test(detail) && hasT61(der)) return DELIBERATE.t61Latin1;
  return undefined;
}

/** Whether a T61String element with a non-ASCII byte appears (a loose scan is enough for classification). */
function hasT61(der: Uint8Array): boolean {
  for (let i = 0; i + 2 < der.length; i++) {
    if (der[i] === 0x14 && der[i + 1]! < 0x80 && i + 2 + der[i + 1]! <= der.length) {
      for (let j = 0; j < der[i + 1]!; j++) if (der[i + 2 + j]! >= 0x80) return true;
    }
  }
  return false;
}

/* ------------------------------------------------------------------------ */
/* The target                                                                */
/* ------------------------------------------------------------------------ */

interface CaseMeta {
  member: Member;
  /** Re-signed by the issuer (so it is expected to verify if it parses). */
  resigned: boolean;
}

/** Counts a run leaves behind, for the report. */
export interface CertificateRunStats {
  goVersion: string;
  cases: number;
  bothAccepted: number;
  bothRejected: number;
  disagreements: Record<string, number>;
  deliberate: Record<string, number>;
  openssl: { agreeWithGo: number; differFromGo: number; examples: string[] };
  chainChecked: number;
}

const OPENSSL_SAMPLE = 25;
const OPENSSL_DISAGREEING = 12;

export function createCertificateTarget(
  options: { openssl?: boolean } = {},
): FuzzTarget & { stats: CertificateRunStats } {
  let members: Member[] = [];
  let oracle: GoOracle | undefined;
  const meta = new Map<string, CaseMeta>();
  const stats: CertificateRunStats = {
    goVersion: '',
    cases: 0,
    bothAccepted: 0,
    bothRejected: 0,
    disagreements: {},
    deliberate: {},
    openssl: { agreeWithGo: 0, differFromGo: 0, examples: [] },
    chainChecked: 0,
  };
  const editNames = Object.keys(EDITS);
  const unsignedNames = Object.keys(UNSIGNED);

  /** Signs mutated TBS bytes with the member's issuer key; the outer AlgorithmIdentifier copies the (edited) inner one. */
  async function resign(member: Member, tbs: Uint8Array, outer = member.issuer.algorithmId): Promise<Uint8Array> {
    return sign(tbs, member.issuer, outer);
  }

  async function generate(rng: Rng, index: number): Promise<FuzzCase> {
    const member = rng.pick(members);
    const id = `certificate#${index}`;
    const kind = rng.int(10);
    let mutation: string;
    let der: Uint8Array;
    let resigned = true;
    const where = `${member.chain}/${member.role}`;
    if (kind < 4) {
      const editName = rng.pick(editNames);
      const model: Model = {
        ...member.model,
        tail: [...member.model.tail],
        extensions: member.model.extensions && [...member.model.extensions],
      };
      EDITS[editName]!(model, rng);
      der = await resign(member, buildTbs(model), model.signature);
      mutation = `${where} re-signed: ${editName}`;
    } else if (kind < 6) {
      const name = rng.pick(unsignedNames);
      const out = UNSIGNED[name]!(member.der, member, rng);
      der = out ?? member.der;
      resigned = false;
      mutation = `${where} unsigned: ${out ? name : 'unchanged'}`;
    } else {
      // Byte-level: on the whole certificate (unsigned) or on the TBS (re-signed).
      const onTbs = rng.int(2) === 0;
      const target = onTbs ? buildTbs(member.model) : member.der;
      const out = target.slice();
      const op = rng.int(4);
      const at = rng.int(out.length);
      let what: string;
      let result: Uint8Array;
      if (op === 0) {
        const bit = rng.int(8);
        out[at]! ^= 1 << bit;
        result = out;
        what = `flip byte ${at} bit ${bit}`;
      } else if (op === 1) {
        const value = rng.int(256);
        result = concat(out.subarray(0, at), bytes(value), out.subarray(at));
        what = `insert ${value} at ${at}`;
      } else if (op === 2) {
        result = concat(out.subarray(0, at), out.subarray(at + 1));
        what = `delete byte ${at}`;
      } else {
        // Nudge a length octet: find a TLV header at or after `at`.
        const headers = tlvHeaderOffsets(out);
        const offset = headers[rng.int(headers.length)]!;
        const delta = rng.pick([-1, 1, 0x40, -0x40]);
        out[offset + 1] = (out[offset + 1]! + delta) & 0xff;
        result = out;
        what = `length byte at ${offset + 1} ${delta > 0 ? '+' : ''}${delta}`;
      }
      if (onTbs) der = await resign(member, result);
      else der = result;
      resigned = onTbs;
      mutation = `${where} ${onTbs ? 're-signed TBS' : 'unsigned'}: ${what}`;
    }
    meta.set(id, { member, resigned });
    return { target: 'certificate', id, mutation, bytes: der };
  }

  /** Our chain check (CERT rules with the signature check) with `cert` in `member`'s place. */
  async function chainVerifies(member: Member, cert: Certificate): Promise<boolean> {
    const chain = members.filter((m) => m.chain === member.chain);
    const certs = ['leaf', 'intermediate', 'root'].map((role) =>
      role === member.role ? cert : Certificate.fromDer(chain.find((m) => m.role === role)!.der),
    );
    try {
      await validateCodeSigningChain(certs);
      return true;
    } catch {
      return false;
    }
  }

  async function classify(
    fuzzCase: FuzzCase,
    go: GoResult,
    openssl: { ok: boolean; error: string } | undefined,
  ): Promise<Verdict> {
    stats.cases++;
    const ours = parseOurs(fuzzCase.bytes);
    if (openssl) {
      if (openssl.ok === go.ok) stats.openssl.agreeWithGo++;
      else {
        stats.openssl.differFromGo++;
        if (stats.openssl.examples.length < 12) {
          stats.openssl.examples.push(
            `${fuzzCase.mutation}: go ${go.ok ? 'accepts' : `rejects (${go.error})`}, openssl ${openssl.ok ? 'accepts' : `rejects (${openssl.error})`}`,
          );
        }
      }
    }
    if (ours.untyped) return { kind: 'rejected-untyped', error: ours.error ?? '' };
    let detail: string | undefined;
    if (ours.ok !== go.ok) {
      detail = ours.ok ? `we accept, Go rejects: ${go.error}` : `we reject (${ours.code}: ${ours.error}), Go accepts`;
    } else if (ours.ok && go.ok) {
      const mine = fieldsOf(ours.cert!);
      for (const key of Object.keys(mine) as (keyof typeof mine)[]) {
        const a = JSON.stringify(mine[key]);
        const b = JSON.stringify(go[key]);
        if (a !== b) {
          detail = `${key} differs: ours ${a}, Go ${b}`;
          break;
        }
      }
    }
    if (detail !== undefined) {
      const deliberate = deliberateFor(ours, go, detail, fuzzCase.bytes);
      const bucket = deliberate ? 'deliberate' : 'disagreements';
      const label = deliberate ?? detail.replace(/\d+/g, 'N').slice(0, 120);
      stats[bucket][label] = (stats[bucket][label] ?? 0) + 1;
      return deliberate ? { kind: 'disagreement', detail, deliberate } : { kind: 'disagreement', detail };
    }
    if (!ours.ok) {
      stats.bothRejected++;
      return { kind: 'rejected-typed', code: ours.code! };
    }
    stats.bothAccepted++;
    const info = meta.get(fuzzCase.id);
    if (info) {
      stats.chainChecked++;
      const changed = !sameBytes(fuzzCase.bytes, info.member.der);
      const verifies = await chainVerifies(info.member, ours.cert!);
      if (changed && !info.resigned && verifies) {
        return {
          kind: 'accepted-must-reject',
          detail: `${fuzzCase.mutation}: the issuer never signed these bytes, yet the chain verifies`,
        };
      }
      if (!info.resigned && !changed)
        return { kind: 'accepted', reason: 'unchanged certificate (the mutation did not apply to this key type)' };
      return {
        kind: 'accepted',
        reason: info.resigned
          ? `the issuer signed these bytes; Go parses them with the same fields (chain check ${verifies ? 'passes' : 'fails'})`
          : 'parsed as Go parses it; the signature check rejects it',
      };
    }
    return { kind: 'accepted', reason: 'Go parses it with the same fields' };
  }

  const target: FuzzTarget & { stats: CertificateRunStats } = {
    name: 'certificate',
    stats,
    async setup() {
      members = [...(await makeChain('rsa', 0x1000)), ...(await makeChain('ec', 0x2000))];
      oracle = new GoOracle(buildGoOracle());
      stats.goVersion = await oracle.version();
    },
    generate,
    async runBatch(cases) {
      if (!oracle) throw new Error('certificate target: setup() was not run');
      const go = await Promise.all(cases.map((c) => oracle!.parse(c.bytes)));
      const openssl: ({ ok: boolean; error: string } | undefined)[] = new Array(cases.length).fill(undefined);
      if (options.openssl !== false) {
        // openssl costs a process start per certificate (about 0.1 s), so it judges a
        // sample: every 25th case and every case where we and Go disagree.
        let disagreeing = 0;
        const wanted = cases.map(
          (c, i) =>
            i % OPENSSL_SAMPLE === 0 || (parseOurs(c.bytes).ok !== go[i]!.ok && disagreeing++ < OPENSSL_DISAGREEING),
        );
        let next = 0;
        const worker = async (): Promise<void> => {
          for (let i = next++; i < cases.length; i = next++)
            if (wanted[i]) openssl[i] = await opensslVerdict(cases[i]!.bytes);
        };
        await Promise.all([worker(), worker()]);
      }
      const out: Verdict[] = [];
      for (let i = 0; i < cases.length; i++) out.push(await classify(cases[i]!, go[i]!, openssl[i]));
      return out;
    },
    async teardown() {
      oracle?.close();
      oracle = undefined;
    },
  };
  return target;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Offsets of TLV headers in well-formed DER (a walk of every constructed element). */
function tlvHeaderOffsets(der: Uint8Array): number[] {
  const out: number[] = [];
  const walk = (start: number, end: number, depth: number): void => {
    for (let offset = start; offset + 2 <= end && depth < 16; ) {
      const { header, length } = headerOf(der.subarray(offset));
      out.push(offset);
      if (der[offset]! & 0x20) walk(offset + header, offset + header + length, depth + 1);
      offset += header + length;
    }
  };
  walk(0, der.length, 0);
  return out;
}

/** The certificate target with openssl's verdict as a second opinion. */
export const certificateTarget: FuzzTarget = createCertificateTarget();
