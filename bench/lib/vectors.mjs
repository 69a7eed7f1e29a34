/**
 * The test vectors of `test-vectors/out/` (made by openssl, not by the SDK)
 * and the WebCrypto parameters of the six key specs.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VECTORS = join(ROOT, 'test-vectors', 'out');

/** The six key specs with their envelope algorithm and WebCrypto parameters. */
export const SPECS = [
  { id: 'rsa-2048', keySpec: 'RSA-2048', alg: 'PS256', coseAlg: -37, hash: 'SHA-256', rsa: true, bits: 2048 },
  { id: 'rsa-3072', keySpec: 'RSA-3072', alg: 'PS384', coseAlg: -38, hash: 'SHA-384', rsa: true, bits: 3072 },
  { id: 'rsa-4096', keySpec: 'RSA-4096', alg: 'PS512', coseAlg: -39, hash: 'SHA-512', rsa: true, bits: 4096 },
  { id: 'ec-256', keySpec: 'EC-256', alg: 'ES256', coseAlg: -7, hash: 'SHA-256', rsa: false, curve: 'P-256' },
  { id: 'ec-384', keySpec: 'EC-384', alg: 'ES384', coseAlg: -35, hash: 'SHA-384', rsa: false, curve: 'P-384' },
  { id: 'ec-521', keySpec: 'EC-521', alg: 'ES512', coseAlg: -36, hash: 'SHA-512', rsa: false, curve: 'P-521' },
];

const HASH_LENGTH = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/** importKey parameters for an envelope signature (PSS / ECDSA). */
export function envelopeImportParams(spec) {
  return spec.rsa ? { name: 'RSA-PSS', hash: spec.hash } : { name: 'ECDSA', namedCurve: spec.curve };
}

/** verify parameters for an envelope signature. */
export function envelopeVerifyParams(spec) {
  return spec.rsa ? { name: 'RSA-PSS', saltLength: HASH_LENGTH[spec.hash] } : { name: 'ECDSA', hash: spec.hash };
}

export const pemBlocks = (text) => text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
export const pemToDer = (block) =>
  new Uint8Array(Buffer.from(block.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));

/** SubjectPublicKeyInfo DER of a certificate (node:crypto, not the SDK). */
export function spkiOf(certDer) {
  return new Uint8Array(new X509Certificate(certDer).publicKey.export({ type: 'spki', format: 'der' }));
}

/** Converts a DER ECDSA-Sig-Value to raw r‖s of `size`-byte halves. */
export function ecdsaDerToRaw(der, size) {
  let offset = 2;
  if (der[1] & 0x80) offset = 2 + (der[1] & 0x7f);
  const out = new Uint8Array(2 * size);
  for (let i = 0; i < 2; i++) {
    if (der[offset] !== 0x02) throw new Error('not an ECDSA-Sig-Value');
    const length = der[offset + 1];
    let value = der.subarray(offset + 2, offset + 2 + length);
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    out.set(value, (i + 1) * size - value.length);
    offset += 2 + length;
  }
  return out;
}

const CURVE_SIZE = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

/**
 * What the raw floor needs to check one certificate's signature with
 * WebCrypto: the TBS bytes, the signature in WebCrypto form, and the issuer
 * key's import and verify parameters. Read with node:crypto's X509Certificate
 * plus a minimal DER walk, so the floor shares no code with the SDK.
 */
export function certificateCheck(certDer, issuerDer) {
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
  const header = (at) => {
    const first = certDer[at + 1];
    if (first < 0x80) return { length: first, body: at + 2 };
    const n = first & 0x7f;
    let length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + certDer[at + 2 + i];
    return { length, body: at + 2 + n };
  };
  const outer = header(0);
  const tbsStart = outer.body;
  const tbs = header(tbsStart);
  const tbsEnd = tbs.body + tbs.length;
  const algorithm = header(tbsEnd);
  const algorithmEnd = algorithm.body + algorithm.length;
  const bitString = header(algorithmEnd);
  const signature = certDer.slice(bitString.body + 1, bitString.body + bitString.length);
  const issuer = new X509Certificate(issuerDer);
  const key = issuer.publicKey;
  const details = key.asymmetricKeyDetails;
  // Our chains are all signed with SHA-256 (test-vectors/README.md and bench/lib/chains.mjs).
  if (key.asymmetricKeyType === 'rsa') {
    return {
      tbs: certDer.slice(tbsStart, tbsEnd),
      signature,
      spki: spkiOf(issuerDer),
      importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      verifyParams: { name: 'RSASSA-PKCS1-v1_5' },
    };
  }
  const curve = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[details.namedCurve];
  return {
    tbs: certDer.slice(tbsStart, tbsEnd),
    signature: ecdsaDerToRaw(signature, CURVE_SIZE[curve]),
    spki: spkiOf(issuerDer),
    importParams: { name: 'ECDSA', namedCurve: curve },
    verifyParams: { name: 'ECDSA', hash: 'SHA-256' },
  };
}

/** The envelopes and chain of one spec from test-vectors/out. */
export function loadVector(spec) {
  const chainDir = join(VECTORS, 'chains', spec.id);
  const chainPem = readFileSync(join(chainDir, 'chain.pem'), 'utf8');
  const jws = new Uint8Array(readFileSync(join(VECTORS, 'envelopes', `jws-${spec.id}.jws.json`)));
  const cose = new Uint8Array(readFileSync(join(VECTORS, 'envelopes', `cose-${spec.id}.cose`)));
  const ders = pemBlocks(chainPem).map(pemToDer);
  return {
    spec,
    chainPem,
    rootPem: readFileSync(join(chainDir, 'root.pem'), 'utf8'),
    leafKeyPem: readFileSync(join(chainDir, 'leaf.key.pem'), 'utf8'),
    ders,
    leafSpki: spkiOf(ders[0]),
    jws,
    cose,
  };
}
