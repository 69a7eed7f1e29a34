#!/usr/bin/env node
// Independent test-vector generator for the Notary Project TypeScript SDK.
//
// Why this exists: the SDK's own signer must not be the only thing producing
// the envelopes its verifier is tested against. Everything here is built from
// the byte formats in notary-requirements.md §2-7 by hand, and every key,
// certificate and signature comes from the `openssl` command line. Nothing is
// imported from /work/main/packages and node:crypto is not used at all.
//
// Usage: node test-vectors/generate.mjs   (rewrites test-vectors/out/ from scratch)

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, 'out');
const OPENSSL = process.env.OPENSSL || 'openssl';

// ---------------------------------------------------------------------------
// Fixed inputs
// ---------------------------------------------------------------------------

const CTY = 'application/vnd.cncf.notary.payload.v1+json';
const SCHEME_KEY = 'io.cncf.notary.signingScheme';
const TIME_KEY = 'io.cncf.notary.signingTime';
const EXPIRY_KEY = 'io.cncf.notary.expiry';
const AGENT_KEY = 'io.cncf.notary.signingAgent';
const AGENT = 'openssl-vector-generator/1.0';
const UNKNOWN_CRIT_KEY = 'com.example.unknown';

const SIGNING_TIME = '2026-11-25T00:00:00Z';
const SIGNING_TIME_OFFSET = '2026-11-25T08:00:00+08:00'; // same instant, +08:00 offset
const EXPIRY = '2027-11-25T00:00:00Z'; // signingTime + 1 year
const TAMPERED_TIME = '2026-11-26T00:00:00Z';

// Certificate validity (CERT vectors must not depend on the day they were generated).
const NOT_BEFORE = '20250101000000Z';
const NOT_AFTER = '20450101000000Z';
const DN_BASE = '/C=US/ST=WA/L=Seattle/O=Notary Test';

// Target artifact descriptor (PAY-6). Digest/size are arbitrary but fixed.
const ARTIFACT = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: 'sha256:73c803930ea3ba1e54bc25c2bdc53edd0284c62ed651fe7b00369da519a3c333',
  size: 16724,
};
const ANN_STD = { 'io.wabbit-networks.buildId': '123' };
// Several keys (exercises sorting) and a value with <,&,> (exercises Go's \u003c-style escaping).
const ANN_MULTI = { 'io.wabbit-networks.buildId': '123', 'com.example.stage': 'prod', 'com.example.note': 'a<b&c>d' };

// ALG-2: leaf key spec -> signature algorithm. sigHalf = ECDSA r/s size in bytes.
const KEY_SPECS = [
  { id: 'rsa-2048', name: 'RSA-2048', type: 'RSA', bits: 2048, alg: 'PS256' },
  { id: 'rsa-3072', name: 'RSA-3072', type: 'RSA', bits: 3072, alg: 'PS384' },
  { id: 'rsa-4096', name: 'RSA-4096', type: 'RSA', bits: 4096, alg: 'PS512' },
  { id: 'ec-256', name: 'EC-256', type: 'EC', curve: 'P-256', alg: 'ES256' },
  { id: 'ec-384', name: 'EC-384', type: 'EC', curve: 'P-384', alg: 'ES384' },
  { id: 'ec-521', name: 'EC-521', type: 'EC', curve: 'P-521', alg: 'ES512' },
];
const SPEC = Object.fromEntries(KEY_SPECS.map((s) => [s.id, s]));

// ENV-JWS-6 / ENV-COSE-7: algorithm name -> hash, family, COSE label.
const ALGS = {
  PS256: { hash: 'sha256', rsa: true, cose: -37 },
  PS384: { hash: 'sha384', rsa: true, cose: -38 },
  PS512: { hash: 'sha512', rsa: true, cose: -39 },
  ES256: { hash: 'sha256', rsa: false, cose: -7, sigHalf: 32 },
  ES384: { hash: 'sha384', rsa: false, cose: -35, sigHalf: 48 },
  ES512: { hash: 'sha512', rsa: false, cose: -36, sigHalf: 66 },
};
const ALG_BY_COSE = Object.fromEntries(Object.entries(ALGS).map(([n, a]) => [a.cose, n]));
const SIG_HALF_BY_CURVE = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

// ---------------------------------------------------------------------------
// openssl plumbing
// ---------------------------------------------------------------------------

let WORK; // scratch directory (CA databases, signing inputs, signatures)
let scratchCounter = 0;
const scratch = (name) => join(WORK, `${++scratchCounter}-${name}`);

function openssl(args, input) {
  try {
    return execFileSync(OPENSSL, args, { input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    const err = new Error(`openssl ${args.join(' ')} failed:\n${e.stderr?.toString() ?? e.message}`);
    err.stdout = e.stdout?.toString() ?? '';
    err.stderr = e.stderr?.toString() ?? '';
    throw err;
  }
}

/** Generates a PKCS#8 PEM private key for a key spec (genpkey emits PKCS#8). */
function generateKey(spec, path) {
  const opts =
    spec.type === 'RSA'
      ? ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${spec.bits}`]
      : ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${spec.curve}`, '-pkeyopt', 'ec_param_enc:named_curve'];
  openssl(['genpkey', ...opts, '-out', path]);
  return path;
}

/**
 * Signs `data` with openssl dgst. RSA keys use PSS with salt = hash length
 * (ENV-JWS-7 / ENV-COSE-7). ECDSA output is DER (callers convert to r||s).
 */
function opensslSign(keyPath, hash, rsa, data) {
  const inFile = scratch('tbs.bin');
  const sigFile = scratch('sig.bin');
  writeFileSync(inFile, data);
  const pss = rsa ? ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:digest'] : [];
  openssl(['dgst', `-${hash}`, '-sign', keyPath, ...pss, '-out', sigFile, inFile]);
  return readFileSync(sigFile);
}

/**
 * Verifies with openssl dgst. For RSA the salt length is pinned to the digest
 * length, which is stricter than JWS needs and exactly what COSE needs.
 * `sig` must be PSS bytes or a DER ECDSA signature.
 */
function opensslVerify(pubPath, hash, rsa, data, sig) {
  const inFile = scratch('tbs.bin');
  const sigFile = scratch('sig.bin');
  writeFileSync(inFile, data);
  writeFileSync(sigFile, sig);
  const pss = rsa ? ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:digest'] : [];
  try {
    const out = openssl(['dgst', `-${hash}`, '-verify', pubPath, ...pss, '-signature', sigFile, inFile]);
    return out.toString().includes('Verified OK');
  } catch {
    return false;
  }
}

/** Extracts the public key (PEM file) from a DER certificate. */
function pubKeyFromCertDer(der) {
  const path = scratch('pub.pem');
  writeFileSync(path, openssl(['x509', '-inform', 'DER', '-pubkey', '-noout'], der));
  return path;
}

// ---------------------------------------------------------------------------
// Certificates (CERT-1..4). `openssl ca` is used because openssl 3.0's
// `x509 -req` has no -not_before/-not_after; `ca` has -startdate/-enddate,
// which gives fixed validity dates.
// ---------------------------------------------------------------------------

const EXTENSIONS = `
[ root_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ inter_ext ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ inter_no_keycertsign_ext ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf_eku_serverauth_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf_ca_true_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf_no_digital_signature_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyEncipherment
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`;

/** A throwaway `openssl ca` database per chain, so serials/index never clash. */
function makeCaConfig(name) {
  const dir = join(WORK, `ca-${name}`);
  mkdirSync(join(dir, 'newcerts'), { recursive: true });
  writeFileSync(join(dir, 'index.txt'), '');
  const cnf = `
[ ca ]
default_ca = CA_default
[ CA_default ]
database = ${join(dir, 'index.txt')}
new_certs_dir = ${join(dir, 'newcerts')}
serial = ${join(dir, 'serial')}
policy = policy_any
unique_subject = no
email_in_dn = no
[ policy_any ]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
commonName = supplied
${EXTENSIONS}`;
  const path = join(dir, 'ca.cnf');
  writeFileSync(path, cnf);
  return { dir, path };
}

/**
 * Issues one certificate. issuer = null means self-signed (root).
 * Serial: 128 random bits from openssl with the top bit cleared (positive INTEGER).
 */
function issueCert(ca, { subject, keyPath, issuer, ext, md = 'sha256', out }) {
  const serial = '4' + openssl(['rand', '-hex', '16']).toString().trim().slice(1);
  writeFileSync(join(ca.dir, 'serial'), serial + '\n');
  const csr = scratch('req.csr');
  openssl(['req', '-new', '-key', keyPath, '-subj', subject, '-out', csr]);
  const signer = issuer ? ['-cert', issuer.certPath, '-keyfile', issuer.keyPath] : ['-selfsign', '-keyfile', keyPath];
  openssl([
    'ca',
    '-batch',
    '-config',
    ca.path,
    ...signer,
    '-in',
    csr,
    '-out',
    out,
    '-notext',
    '-preserveDN',
    '-md',
    md,
    '-startdate',
    NOT_BEFORE,
    '-enddate',
    NOT_AFTER,
    '-extensions',
    ext,
  ]);
  return out;
}

const pemBlocks = (text) => text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
const pemToDer = (block) => Buffer.from(block.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

/**
 * Builds root -> intermediate -> leaf into `dir`. All three keys use `spec`.
 * Variants change exactly one thing for negative chains.
 */
function buildChain(dir, spec, label, variant = {}) {
  const {
    leafExt = 'leaf_ext',
    interExt = 'inter_ext',
    interMd = 'sha256',
    order = ['leaf', 'intermediate', 'root'],
  } = variant;
  mkdirSync(dir, { recursive: true });
  const ca = makeCaConfig(label.replace(/[^a-z0-9-]/gi, '_'));
  const rootKey = generateKey(spec, scratch('root.key.pem'));
  const interKey = generateKey(spec, scratch('intermediate.key.pem'));
  const leafKey = generateKey(spec, join(dir, 'leaf.key.pem'));

  const root = { keyPath: rootKey, certPath: join(dir, 'root.pem') };
  issueCert(ca, {
    subject: `${DN_BASE}/CN=root-${label}`,
    keyPath: rootKey,
    issuer: null,
    ext: 'root_ext',
    out: root.certPath,
  });
  const inter = { keyPath: interKey, certPath: join(dir, 'intermediate.pem') };
  issueCert(ca, {
    subject: `${DN_BASE}/CN=intermediate-${label}`,
    keyPath: interKey,
    issuer: root,
    ext: interExt,
    md: interMd,
    out: inter.certPath,
  });
  const leafPath = join(dir, 'leaf.pem');
  issueCert(ca, {
    subject: `${DN_BASE}/CN=leaf-${label}`,
    keyPath: leafKey,
    issuer: inter,
    ext: leafExt,
    out: leafPath,
  });

  // PKCS#8 DER. (`openssl pkey -outform DER` writes the traditional format in 3.0, so use pkcs8 -topk8.)
  openssl(['pkcs8', '-topk8', '-nocrypt', '-in', leafKey, '-outform', 'DER', '-out', join(dir, 'leaf.key.der')]);
  assertPkcs8Der(readFileSync(join(dir, 'leaf.key.der')));

  const pem = {
    leaf: readFileSync(leafPath, 'utf8'),
    intermediate: readFileSync(inter.certPath, 'utf8'),
    root: readFileSync(root.certPath, 'utf8'),
  };
  const chainPem = order.map((r) => pem[r]).join('');
  writeFileSync(join(dir, 'chain.pem'), chainPem);
  const ders = pemBlocks(chainPem).map(pemToDer); // envelope chain, in chain.pem order
  const leafPub = scratch('leaf.pub.pem');
  writeFileSync(leafPub, openssl(['x509', '-in', leafPath, '-pubkey', '-noout']));
  return { dir, spec, label, leafKey, leafPub, ders };
}

/** PrivateKeyInfo starts SEQUENCE { INTEGER 0, SEQUENCE AlgorithmIdentifier ... }. */
function assertPkcs8Der(der) {
  let off = 1;
  off += der[off] < 0x80 ? 1 : 1 + (der[off] & 0x7f);
  if (der[0] !== 0x30 || der[off] !== 0x02 || der[off + 1] !== 0x01 || der[off + 2] !== 0x00 || der[off + 3] !== 0x30) {
    throw new Error('leaf.key.der is not PKCS#8');
  }
}

function opensslVerifyChain(dir, { strict = true } = {}) {
  const args = [
    'verify',
    ...(strict ? ['-x509_strict'] : []),
    '-CAfile',
    join(dir, 'root.pem'),
    '-untrusted',
    join(dir, 'intermediate.pem'),
    join(dir, 'leaf.pem'),
  ];
  try {
    return { ok: true, out: openssl(args).toString() };
  } catch (e) {
    return { ok: false, out: e.stdout + e.stderr };
  }
}

// ---------------------------------------------------------------------------
// Encoding helpers: base64url, Go-compatible JSON, DER ECDSA <-> raw, CBOR.
// ---------------------------------------------------------------------------

const b64url = (buf) => Buffer.from(buf).toString('base64url'); // Node emits no padding
const b64 = (buf) => Buffer.from(buf).toString('base64');
const epoch = (rfc3339) => Date.parse(rfc3339) / 1000;

/** JSON.stringify plus Go encoding/json's HTML escaping (<, >, & and U+2028/9 -> \u00xx, lowercase hex). */
function goJsonString(s) {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Compact JSON. sortKeys = true sorts object keys at every level (jwt MapClaims / JWS header). */
function goJson(v, sortKeys) {
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return '[' + v.map((x) => goJson(x, sortKeys)).join(',') + ']';
  const keys = Object.keys(v);
  if (sortKeys) keys.sort(); // UTF-16 order == byte order for the ASCII keys used here
  return '{' + keys.map((k) => goJsonString(k) + ':' + goJson(v[k], sortKeys)).join(',') + '}';
}

const sortedObject = (o) =>
  Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );

/** PAY-6 payload bytes. JWS: sorted keys everywhere. COSE: Go struct order, annotations sorted/omitted. */
function payloadJws(annotations, size = ARTIFACT.size) {
  const ta = { ...ARTIFACT, size };
  if (annotations) ta.annotations = annotations;
  return goJson({ targetArtifact: ta }, true);
}
function payloadCose(annotations, size = ARTIFACT.size) {
  const ta = { mediaType: ARTIFACT.mediaType, digest: ARTIFACT.digest, size };
  if (annotations) ta.annotations = sortedObject(annotations);
  return goJson({ targetArtifact: ta }, false);
}

function derLength(n) {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  return Buffer.from([0x82, n >> 8, n & 0xff]);
}
function derReadLength(buf, off) {
  const first = buf[off];
  if (first < 0x80) return [first, off + 1];
  let len = 0;
  for (let i = 0; i < (first & 0x7f); i++) len = len * 256 + buf[off + 1 + i];
  return [len, off + 1 + (first & 0x7f)];
}

/** ECDSA-Sig-Value DER -> r||s with each half left-padded to `half` bytes (ENV-JWS-7). */
function ecdsaDerToRaw(der, half) {
  if (der[0] !== 0x30) throw new Error('ECDSA signature is not a DER SEQUENCE');
  let [seqLen, off] = derReadLength(der, 1);
  if (off + seqLen !== der.length) throw new Error('bad ECDSA DER length');
  const parts = [];
  for (let i = 0; i < 2; i++) {
    if (der[off] !== 0x02) throw new Error('ECDSA DER: expected INTEGER');
    const [len, start] = derReadLength(der, off + 1);
    let v = der.subarray(start, start + len);
    while (v.length > 1 && v[0] === 0) v = v.subarray(1);
    if (v.length > half) throw new Error('ECDSA integer too large for curve');
    parts.push(Buffer.concat([Buffer.alloc(half - v.length), v]));
    off = start + len;
  }
  return Buffer.concat(parts);
}

/** r||s -> ECDSA-Sig-Value DER (minimal positive INTEGERs), for verifying with openssl. */
function ecdsaRawToDer(raw) {
  const half = raw.length / 2;
  const int = (b) => {
    let v = b;
    while (v.length > 1 && v[0] === 0) v = v.subarray(1);
    if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02]), derLength(v.length), v]);
  };
  const body = Buffer.concat([int(raw.subarray(0, half)), int(raw.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

// --- CBOR (definite-length only, except where a test case builds bytes by hand) ---

class Tag {
  constructor(tag, value) {
    this.tag = tag;
    this.value = value;
  }
}
/** A CBOR map. entries = [[key, value], ...], always written in deterministic key order. allowDuplicates is only for the duplicate-key case. */
class CborMap {
  constructor(entries, { allowDuplicates = false } = {}) {
    this.entries = entries;
    this.allowDuplicates = allowDuplicates;
  }
}

function cborHead(major, n) {
  const m = major << 5;
  if (n < 24) return Buffer.from([m | n]);
  if (n < 0x100) return Buffer.from([m | 24, n]);
  if (n < 0x10000) {
    const b = Buffer.alloc(3);
    b[0] = m | 25;
    b.writeUInt16BE(n, 1);
    return b;
  }
  if (n < 0x100000000) {
    const b = Buffer.alloc(5);
    b[0] = m | 26;
    b.writeUInt32BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = m | 27;
  b.writeBigUInt64BE(BigInt(n), 1);
  return b;
}

function cborEncode(v) {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error('CBOR: only integers supported');
    return v >= 0 ? cborHead(0, v) : cborHead(1, -1 - v);
  }
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([cborHead(3, b.length), b]);
  }
  if (Buffer.isBuffer(v)) return Buffer.concat([cborHead(2, v.length), v]);
  if (Array.isArray(v)) return Buffer.concat([cborHead(4, v.length), ...v.map(cborEncode)]);
  if (v instanceof Tag) return Buffer.concat([cborHead(6, v.tag), cborEncode(v.value)]);
  if (v instanceof CborMap) {
    const pairs = v.entries.map(([k, val]) => [cborEncode(k), cborEncode(val)]);
    // Length-first (RFC 7049 canonical) order. For every key set used here this
    // equals RFC 8949 core-deterministic (bytewise) order; assert that so the
    // vectors are valid under either reading of ENV-COSE-8. (Array sort is stable,
    // so duplicate keys stay adjacent in insertion order.)
    const lengthFirst = [...pairs].sort(([a], [b]) => a.length - b.length || Buffer.compare(a, b));
    const bytewise = [...pairs].sort(([a], [b]) => Buffer.compare(a, b));
    if (lengthFirst.some(([k], i) => !k.equals(bytewise[i][0]))) throw new Error('CBOR: key orders disagree');
    if (!v.allowDuplicates) {
      for (let i = 1; i < lengthFirst.length; i++)
        if (lengthFirst[i][0].equals(lengthFirst[i - 1][0])) throw new Error('CBOR: duplicate key');
    }
    return Buffer.concat([cborHead(5, lengthFirst.length), ...lengthFirst.flat()]);
  }
  throw new Error(`CBOR: cannot encode ${typeof v}`);
}

/** Strict minimal decoder (definite lengths, no duplicate keys) used only to re-check written positive files. */
function cborDecode(buf) {
  let off = 0;
  const arg = (ai) => {
    if (ai < 24) return ai;
    const n = { 24: 1, 25: 2, 26: 4, 27: 8 }[ai];
    if (!n) throw new Error(`CBOR decode: unsupported additional info ${ai}`);
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(buf[off++]);
    return Number(v);
  };
  const item = () => {
    const ib = buf[off++];
    const major = ib >> 5;
    const n = arg(ib & 31);
    switch (major) {
      case 0:
        return n;
      case 1:
        return -1 - n;
      case 2: {
        const b = buf.subarray(off, off + n);
        off += n;
        return Buffer.from(b);
      }
      case 3: {
        const s = buf.subarray(off, off + n).toString('utf8');
        off += n;
        return s;
      }
      case 4:
        return Array.from({ length: n }, item);
      case 5: {
        const m = new Map();
        for (let i = 0; i < n; i++) {
          const k = item();
          if (m.has(k)) throw new Error('CBOR decode: duplicate key');
          m.set(k, item());
        }
        return m;
      }
      case 6:
        return new Tag(n, item());
      default:
        throw new Error(`CBOR decode: unsupported major type ${major}`);
    }
  };
  const v = item();
  if (off !== buf.length) throw new Error('CBOR decode: trailing bytes');
  return v;
}

// ---------------------------------------------------------------------------
// Envelope builders
// ---------------------------------------------------------------------------

/**
 * Signs `data` with the chain's leaf key and returns the signature in the
 * requested wire form. The freshly made signature is verified with openssl
 * against the leaf certificate's public key before it is used, so every
 * envelope (positive or negative) starts out correctly signed.
 */
function signAndCheck(chain, hash, data, { ecdsaForm = 'raw' } = {}) {
  const rsa = chain.spec.type === 'RSA';
  const sig = opensslSign(chain.leafKey, hash, rsa, data);
  if (!opensslVerify(chain.leafPub, hash, rsa, data, sig))
    throw new Error(`self-check: fresh ${hash} signature does not verify (${chain.label})`);
  if (rsa || ecdsaForm === 'der') return sig;
  const raw = ecdsaDerToRaw(sig, SIG_HALF_BY_CURVE[chain.spec.curve]);
  if (!opensslVerify(chain.leafPub, hash, rsa, data, ecdsaRawToDer(raw)))
    throw new Error('self-check: DER->raw->DER round trip failed');
  return raw;
}

/** Asserts that a tampered envelope no longer verifies (so only the tampering breaks it). */
function assertBroken(chain, hash, data, wireSig) {
  const rsa = chain.spec.type === 'RSA';
  const sig = rsa ? wireSig : ecdsaRawToDer(wireSig);
  if (opensslVerify(chain.leafPub, hash, rsa, data, sig))
    throw new Error('self-check: tampered envelope still verifies');
}

/**
 * JWS (ENV-JWS-1..8).
 * opts: chain, alg (header alg), hash (signing hash; defaults to the alg's),
 *       protected (object; serialised with sorted keys), payload (string),
 *       x5c (default true), ecdsaForm, tamper {payload?, protected?},
 *       layout: 'flattened' | 'general' | 'extra-member'.
 */
function buildJws(o) {
  const hash = o.hash ?? ALGS[o.alg].hash;
  const protectedJson = goJson(o.protected, true);
  const signingInput = Buffer.from(b64url(protectedJson) + '.' + b64url(o.payload), 'ascii');
  const sig = signAndCheck(o.chain, hash, signingInput, { ecdsaForm: o.ecdsaForm });

  let protectedOut = protectedJson;
  let payloadOut = o.payload;
  if (o.tamper) {
    if (o.tamper.protected) protectedOut = o.tamper.protected(protectedJson);
    if (o.tamper.payload) payloadOut = o.tamper.payload;
    assertBroken(o.chain, hash, Buffer.from(b64url(protectedOut) + '.' + b64url(payloadOut), 'ascii'), sig);
  }

  const header = {};
  if (o.x5c !== false) header.x5c = o.chain.ders.map(b64);
  header[AGENT_KEY] = AGENT;
  let env;
  if (o.layout === 'general') {
    env = {
      payload: b64url(payloadOut),
      signatures: [{ protected: b64url(protectedOut), header, signature: b64url(sig) }],
    };
  } else {
    env = { payload: b64url(payloadOut), protected: b64url(protectedOut), header, signature: b64url(sig) };
    if (o.layout === 'extra-member') env.foo = 1;
  }
  return { bytes: Buffer.from(JSON.stringify(env)), payload: payloadOut, protectedJson: protectedOut };
}

/** Standard notary.x509 JWS protected header fields (sorted at serialisation time). */
function jwsHeader(
  alg,
  { signingTime = SIGNING_TIME, expiry, scheme = 'notary.x509', cty = CTY, crit, extra = {} } = {},
) {
  const h = {
    alg,
    crit: crit ?? [SCHEME_KEY, ...Object.keys(extra), ...(expiry ? [EXPIRY_KEY] : [])],
    cty,
    [SCHEME_KEY]: scheme,
    ...extra,
  };
  if (signingTime !== null) h[TIME_KEY] = signingTime;
  if (expiry) h[EXPIRY_KEY] = expiry;
  return h;
}

/**
 * COSE protected header map (ENV-COSE-3/8). Returns entries; CborMap sorts them.
 * Time values are tag 1 + uint unless timeTagged = false.
 */
function coseHeader(
  alg,
  { signingTime = SIGNING_TIME, expiry, scheme = 'notary.x509', cty = CTY, crit, extra = [], timeTagged = true } = {},
) {
  const t = (s) => (timeTagged ? new Tag(1, epoch(s)) : epoch(s));
  const entries = [
    [1, ALGS[alg].cose],
    [2, crit ?? [SCHEME_KEY, ...(expiry ? [EXPIRY_KEY] : []), ...extra.map(([k]) => k)]],
    [3, cty],
    [SCHEME_KEY, scheme],
  ];
  if (signingTime !== null) entries.push([TIME_KEY, t(signingTime)]);
  if (expiry) entries.push([EXPIRY_KEY, t(expiry)]);
  entries.push(...extra);
  return entries;
}

/**
 * COSE_Sign1 (ENV-COSE-1..8).
 * opts: chain, alg, hash?, protectedEntries, allowDuplicateKeys (duplicate-key case only),
 *       payload (string), x5chain (default true), ecdsaForm, tamper {payload?, protectedEntries?},
 *       layout: 'tagged' | 'untagged' | 'indefinite'.
 */
function buildCose(o) {
  const hash = o.hash ?? ALGS[o.alg].hash;
  const protectedBstr = cborEncode(new CborMap(o.protectedEntries, { allowDuplicates: !!o.allowDuplicateKeys }));
  const payload = Buffer.from(o.payload, 'utf8');
  const sigStructure = (p, pl) => cborEncode(['Signature1', p, Buffer.alloc(0), pl]);
  const sig = signAndCheck(o.chain, hash, sigStructure(protectedBstr, payload), { ecdsaForm: o.ecdsaForm });

  let protectedOut = protectedBstr;
  let payloadOut = payload;
  if (o.tamper) {
    if (o.tamper.protectedEntries) protectedOut = cborEncode(new CborMap(o.tamper.protectedEntries));
    if (o.tamper.payload) payloadOut = Buffer.from(o.tamper.payload, 'utf8');
    assertBroken(o.chain, hash, sigStructure(protectedOut, payloadOut), sig);
  }

  const unprotected = [];
  if (o.x5chain !== false) unprotected.push([33, o.chain.ders]);
  unprotected.push([AGENT_KEY, AGENT]);
  const items = [protectedOut, new CborMap(unprotected), payloadOut, sig];

  let bytes;
  if (o.layout === 'untagged') bytes = cborEncode(items);
  else if (o.layout === 'indefinite')
    bytes = Buffer.concat([cborHead(6, 18), Buffer.from([0x9f]), ...items.map(cborEncode), Buffer.from([0xff])]);
  else bytes = cborEncode(new Tag(18, items));
  return { bytes, payload: payloadOut.toString('utf8') };
}

// ---------------------------------------------------------------------------
// Independent re-verification of written positive envelopes (parse the file
// back, rebuild the signing input from the received bytes, verify with the
// public key taken from the embedded leaf certificate).
// ---------------------------------------------------------------------------

function verifyJwsFile(path) {
  const env = JSON.parse(readFileSync(path, 'utf8'));
  const keys = Object.keys(env).sort().join(',');
  if (keys !== 'header,payload,protected,signature') throw new Error(`${path}: unexpected members ${keys}`);
  const hdr = JSON.parse(Buffer.from(env.protected, 'base64url').toString('utf8'));
  const alg = ALGS[hdr.alg];
  const leaf = Buffer.from(env.header.x5c[0], 'base64');
  let sig = Buffer.from(env.signature, 'base64url');
  if (!alg.rsa) {
    if (sig.length !== 2 * alg.sigHalf) throw new Error(`${path}: raw ECDSA signature has wrong length`);
    sig = ecdsaRawToDer(sig);
  }
  const input = Buffer.from(env.protected + '.' + env.payload, 'ascii');
  if (!opensslVerify(pubKeyFromCertDer(leaf), alg.hash, alg.rsa, input, sig))
    throw new Error(`${path}: does not verify`);
}

function verifyCoseFile(path) {
  const bytes = readFileSync(path);
  if (bytes[0] !== 0xd2 || bytes[1] !== 0x84) throw new Error(`${path}: not tagged COSE_Sign1`);
  const [prot, unprot, payload, sigWire] = cborDecode(bytes).value;
  const algName = ALG_BY_COSE[cborDecode(prot).get(1)];
  const alg = ALGS[algName];
  const leaf = unprot.get(33)[0];
  let sig = sigWire;
  if (!alg.rsa) {
    if (sig.length !== 2 * alg.sigHalf) throw new Error(`${path}: raw ECDSA signature has wrong length`);
    sig = ecdsaRawToDer(sig);
  }
  const input = cborEncode(['Signature1', prot, Buffer.alloc(0), payload]);
  if (!opensslVerify(pubKeyFromCertDer(leaf), alg.hash, alg.rsa, input, sig))
    throw new Error(`${path}: does not verify`);
}

// ---------------------------------------------------------------------------
// Case catalogue
// ---------------------------------------------------------------------------

const manifest = [];
const valid = () => ({ outcome: 'valid' });
const invalid = (code) => ({ outcome: 'invalid', code });

function generateChains() {
  const chains = {};
  for (const spec of KEY_SPECS) {
    const dir = join(OUT, 'chains', spec.id);
    chains[spec.id] = buildChain(dir, spec, spec.id);
    const r = opensslVerifyChain(dir);
    if (!r.ok) throw new Error(`self-check: openssl verify failed for ${spec.id}: ${r.out}`);
    manifest.push({
      id: `chain/${spec.id}`,
      kind: 'chain',
      file: `chains/${spec.id}/chain.pem`,
      keySpec: spec.name,
      alg: spec.alg,
      expect: valid(),
      description: `root -> intermediate -> leaf, all ${spec.name}; leaf is a valid code-signing certificate`,
    });
  }

  // Negative chains: EC-256 everywhere, one defect each.
  // opensslOk: what plain `openssl verify` (no purpose, no x509_strict) should say,
  // proving that the chain is otherwise well-formed and signed.
  const NEG = [
    {
      name: 'leaf-eku-serverauth',
      variant: { leafExt: 'leaf_eku_serverauth_ext' },
      code: 'ERR_CERT_EKU',
      opensslOk: true,
      description: 'leaf extendedKeyUsage is serverAuth instead of codeSigning',
    },
    {
      name: 'leaf-ca-true',
      variant: { leafExt: 'leaf_ca_true_ext' },
      code: 'ERR_CERT_BASIC_CONSTRAINTS',
      opensslOk: true,
      description: 'leaf basicConstraints critical CA:TRUE',
    },
    {
      name: 'sha1-intermediate',
      variant: { interMd: 'sha1' },
      code: 'ERR_CERT_WEAK_SIGNATURE',
      opensslOk: true,
      description: 'intermediate certificate signed by the root with ecdsa-with-SHA1',
    },
    {
      name: 'out-of-order',
      variant: { order: ['leaf', 'root', 'intermediate'] },
      code: 'ERR_CERT_CHAIN',
      opensslOk: true,
      description: 'chain.pem ordered leaf, root, intermediate (certificates themselves are valid)',
    },
    {
      name: 'leaf-missing-digital-signature',
      variant: { leafExt: 'leaf_no_digital_signature_ext' },
      code: 'ERR_CERT_KEY_USAGE',
      opensslOk: true,
      description: 'leaf keyUsage is critical keyEncipherment only (no digitalSignature)',
    },
    {
      name: 'intermediate-no-keycertsign',
      variant: { interExt: 'inter_no_keycertsign_ext' },
      code: 'ERR_CERT_CHAIN',
      opensslOk: false,
      // Go's CheckSignatureFrom refuses a parent without keyCertSign, so the chain link breaks first.
      description: 'intermediate keyUsage is critical cRLSign only (no keyCertSign)',
    },
  ];
  const negative = {};
  for (const n of NEG) {
    const dir = join(OUT, 'chains', 'negative', n.name);
    negative[n.name] = buildChain(dir, SPEC['ec-256'], `neg-${n.name}`, n.variant);
    const r = opensslVerifyChain(dir, { strict: false });
    if (r.ok !== n.opensslOk)
      throw new Error(`self-check: openssl verify on negative chain ${n.name} returned ${r.ok}: ${r.out}`);
    if (!n.opensslOk && !/certificate signing/i.test(r.out))
      throw new Error(`self-check: ${n.name} failed for an unexpected reason: ${r.out}`);
    manifest.push({
      id: `chain/negative/${n.name}`,
      kind: 'chain',
      file: `chains/negative/${n.name}/chain.pem`,
      keySpec: 'EC-256',
      alg: 'ES256',
      expect: invalid(n.code),
      description: n.description,
    });
  }
  return { chains, negative, negativeCodes: Object.fromEntries(NEG.map((n) => [n.name, n])) };
}

function writeEnvelope(kind, caseId, built, meta) {
  const fileName = caseId.replace('/', '-') + (kind === 'jws' ? '.jws.json' : '.cose');
  writeFileSync(join(OUT, 'envelopes', fileName), built.bytes);
  const entry = {
    id: caseId,
    kind: `${kind}-envelope`,
    file: `envelopes/${fileName}`,
    chain: meta.chainPath,
    keySpec: meta.chain.spec.name,
    alg: meta.alg,
    expect: meta.expect,
    payload: built.payload,
  };
  if (meta.signingTime) entry.signingTime = meta.signingTime;
  if (meta.expiry) entry.expiry = meta.expiry;
  entry.description = meta.description;
  manifest.push(entry);
  if (meta.expect.outcome === 'valid')
    (kind === 'jws' ? verifyJwsFile : verifyCoseFile)(join(OUT, 'envelopes', fileName));
}

function generateEnvelopes({ chains, negative, negativeCodes }) {
  mkdirSync(join(OUT, 'envelopes'), { recursive: true });
  const ec = chains['ec-256'];
  const ecPath = 'chains/ec-256';

  // Helper: emit one JWS case.
  const jws = (
    id,
    {
      chain = ec,
      chainPath = ecPath,
      alg = chain.spec.alg,
      header,
      payload = payloadJws(ANN_STD),
      signingTime = SIGNING_TIME,
      expiry,
      expect = valid(),
      description,
      ...rest
    },
  ) => {
    const built = buildJws({
      chain,
      alg,
      protected: header ?? jwsHeader(alg, { signingTime, expiry }),
      payload,
      ...rest,
    });
    writeEnvelope('jws', `jws/${id}`, built, { chain, chainPath, alg, expect, signingTime, expiry, description });
  };
  const cose = (
    id,
    {
      chain = ec,
      chainPath = ecPath,
      alg = chain.spec.alg,
      entries,
      payload = payloadCose(ANN_STD),
      signingTime = SIGNING_TIME,
      expiry,
      expect = valid(),
      description,
      ...rest
    },
  ) => {
    const built = buildCose({
      chain,
      alg,
      protectedEntries: entries ?? coseHeader(alg, { signingTime, expiry }),
      payload,
      ...rest,
    });
    writeEnvelope('cose', `cose/${id}`, built, { chain, chainPath, alg, expect, signingTime, expiry, description });
  };

  // --- Positive: one JWS and one COSE per key spec. EC-384 carries no annotations. ---
  for (const spec of KEY_SPECS) {
    const ann = spec.id === 'ec-384' ? null : ANN_STD;
    const note = ann ? '' : ' (payload without annotations)';
    jws(spec.id, {
      chain: chains[spec.id],
      chainPath: `chains/${spec.id}`,
      payload: payloadJws(ann),
      description: `valid ${spec.alg} JWS signed by the ${spec.name} leaf${note}`,
    });
    cose(spec.id, {
      chain: chains[spec.id],
      chainPath: `chains/${spec.id}`,
      payload: payloadCose(ann),
      description: `valid ${spec.alg} COSE_Sign1 signed by the ${spec.name} leaf${note}`,
    });
  }
  jws('signing-time-offset', {
    signingTime: SIGNING_TIME_OFFSET,
    description: 'valid ES256 JWS whose signingTime uses a +08:00 offset (same instant as 2026-11-25T00:00:00Z)',
  });
  const rsa = chains['rsa-2048'];
  jws('with-expiry', {
    chain: rsa,
    chainPath: 'chains/rsa-2048',
    expiry: EXPIRY,
    payload: payloadJws(ANN_MULTI),
    description:
      'valid PS256 JWS with expiry = signingTime + 1 year (critical); annotations need sorting and Go HTML escaping',
  });
  cose('with-expiry', {
    chain: rsa,
    chainPath: 'chains/rsa-2048',
    expiry: EXPIRY,
    payload: payloadCose(ANN_MULTI),
    description:
      'valid PS256 COSE_Sign1 with expiry = signingTime + 1 year (critical); annotations need sorting and Go HTML escaping',
  });

  // --- Negative: signature integrity ---
  const SIG_FAIL = 'ERR_SIGNATURE_VERIFICATION_FAILED';
  jws('tampered-payload', {
    tamper: { payload: payloadJws(ANN_STD, ARTIFACT.size + 1) },
    expect: invalid(SIG_FAIL),
    description: 'payload size changed 16724 -> 16725 after signing',
  });
  cose('tampered-payload', {
    tamper: { payload: payloadCose(ANN_STD, ARTIFACT.size + 1) },
    expect: invalid(SIG_FAIL),
    description: 'payload size changed 16724 -> 16725 after signing',
  });
  // The header is signed with SIGNING_TIME; `signingTime` here only records the value left in the file.
  jws('tampered-protected', {
    signingTime: TAMPERED_TIME,
    header: jwsHeader('ES256'),
    expect: invalid(SIG_FAIL),
    tamper: { protected: (p) => p.replace(SIGNING_TIME, TAMPERED_TIME) },
    description: 'protected signingTime changed from 2026-11-25 to 2026-11-26 after signing',
  });
  cose('tampered-protected', {
    signingTime: TAMPERED_TIME,
    entries: coseHeader('ES256'),
    expect: invalid(SIG_FAIL),
    tamper: { protectedEntries: coseHeader('ES256', { signingTime: TAMPERED_TIME }) },
    description: 'protected signingTime changed by +1 day after signing',
  });
  jws('ecdsa-der-signature', {
    ecdsaForm: 'der',
    expect: invalid(SIG_FAIL),
    description: 'ES256 signature left in ASN.1 DER form instead of raw r||s (valid DER signature)',
  });
  cose('ecdsa-der-signature', {
    ecdsaForm: 'der',
    expect: invalid(SIG_FAIL),
    description: 'ES256 signature left in ASN.1 DER form instead of raw r||s (valid DER signature)',
  });

  // --- Negative: algorithm substitution. Signed with the P-256 key over SHA-384, raw r||s of 2x32 bytes. ---
  jws('alg-mismatch', {
    alg: 'ES384',
    hash: 'sha384',
    expect: invalid('ERR_ALGORITHM_MISMATCH'),
    description:
      'header alg ES384 but leaf is P-256 (signature is a valid P-256/SHA-384 ECDSA signature, 64-byte r||s)',
  });
  cose('alg-mismatch', {
    alg: 'ES384',
    hash: 'sha384',
    expect: invalid('ERR_ALGORITHM_MISMATCH'),
    description:
      'protected alg -35 (ES384) but leaf is P-256 (signature is a valid P-256/SHA-384 ECDSA signature, 64-byte r||s)',
  });

  // --- Negative: header rules ---
  const HDR = 'ERR_ENVELOPE_HEADER_INVALID';
  jws('crit-missing-scheme', {
    expiry: EXPIRY,
    header: jwsHeader('ES256', { expiry: EXPIRY, crit: [EXPIRY_KEY] }),
    expect: invalid(HDR),
    description: 'crit is ["io.cncf.notary.expiry"]: signingScheme not listed as critical',
  });
  cose('crit-missing-scheme', {
    expiry: EXPIRY,
    entries: coseHeader('ES256', { expiry: EXPIRY, crit: [EXPIRY_KEY] }),
    expect: invalid(HDR),
    description: 'crit is ["io.cncf.notary.expiry"]: signingScheme not listed as critical',
  });
  jws('unknown-critical', {
    header: jwsHeader('ES256', { extra: { [UNKNOWN_CRIT_KEY]: 'x' } }),
    expect: invalid('ERR_ENVELOPE_UNKNOWN_CRITICAL'),
    description: 'extra protected attribute "com.example.unknown":"x" listed in crit',
  });
  cose('unknown-critical', {
    entries: coseHeader('ES256', { extra: [[UNKNOWN_CRIT_KEY, 'x']] }),
    expect: invalid('ERR_ENVELOPE_UNKNOWN_CRITICAL'),
    description: 'extra protected attribute "com.example.unknown":"x" listed in crit',
  });
  jws('wrong-cty', {
    header: jwsHeader('ES256', { cty: 'application/json' }),
    expect: invalid(HDR),
    description: 'cty is application/json',
  });
  cose('wrong-cty', {
    entries: coseHeader('ES256', { cty: 'application/json' }),
    expect: invalid(HDR),
    description: 'content type (label 3) is application/json',
  });
  jws('signing-time-missing', {
    signingTime: null,
    expect: invalid(HDR),
    description: 'notary.x509 protected header without io.cncf.notary.signingTime',
  });
  jws('expiry-not-after-signing-time', {
    expiry: SIGNING_TIME,
    expect: invalid(HDR),
    description: 'expiry equals signingTime (listed in crit); expiry must be strictly after signingTime',
  });
  jws('bad-scheme', {
    header: jwsHeader('ES256', { scheme: 'notary.foo' }),
    expect: invalid(HDR),
    description: 'signingScheme is "notary.foo"',
  });
  cose('time-untagged', {
    entries: coseHeader('ES256', { timeTagged: false }),
    expect: invalid(HDR),
    description: 'signingTime is a plain unsigned integer, not tag 1',
  });

  // --- Negative: envelope structure ---
  const MAL = 'ERR_ENVELOPE_MALFORMED';
  jws('missing-x5c', { x5c: false, expect: invalid(MAL), description: 'unprotected header has no x5c' });
  cose('missing-x5chain', {
    x5chain: false,
    expect: invalid(MAL),
    description: 'unprotected header has no label 33 (x5chain)',
  });
  jws('general-serialization', {
    layout: 'general',
    expect: invalid(MAL),
    description: 'general JWS JSON serialization ({"payload","signatures":[...]}) instead of flattened',
  });
  jws('extra-top-level-member', {
    layout: 'extra-member',
    expect: invalid(MAL),
    description: 'extra top-level member "foo":1 next to payload/protected/header/signature',
  });
  cose('untagged', {
    layout: 'untagged',
    expect: invalid(MAL),
    description: 'COSE_Sign1 array without tag 18 (starts 0x84)',
  });
  cose('indefinite-length', {
    layout: 'indefinite',
    expect: invalid(MAL),
    description: 'tag 18 around an indefinite-length array (0x9f ... 0xff)',
  });
  cose('duplicate-map-key', {
    allowDuplicateKeys: true,
    expect: invalid(MAL),
    entries: [...coseHeader('ES256'), [3, CTY]],
    description: 'protected map contains label 3 (content type) twice, same value',
  });

  // --- Negative: envelopes correctly signed by the negative chains' leaves ---
  const chainCases = [
    ['leaf-eku-serverauth', 'leaf-eku-serverauth'],
    ['leaf-ca-true', 'leaf-ca-true'],
    ['chain-out-of-order', 'out-of-order'],
    ['sha1-intermediate', 'sha1-intermediate'],
    ['leaf-missing-digital-signature', 'leaf-missing-digital-signature'],
    ['intermediate-no-keycertsign', 'intermediate-no-keycertsign'],
  ];
  for (const [id, chainName] of chainCases) {
    const n = negativeCodes[chainName];
    const opts = { chain: negative[chainName], chainPath: `chains/negative/${chainName}`, expect: invalid(n.code) };
    jws(id, { ...opts, description: `valid ES256 JWS whose x5c is chains/negative/${chainName}: ${n.description}` });
    cose(id, {
      ...opts,
      description: `valid ES256 COSE_Sign1 whose x5chain is chains/negative/${chainName}: ${n.description}`,
    });
  }
}

// ---------------------------------------------------------------------------

function main() {
  const started = Date.now();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  WORK = mkdtempSync(join(tmpdir(), 'notary-vectors-'));
  try {
    const chains = generateChains();
    generateEnvelopes(chains);
  } finally {
    rmSync(WORK, { recursive: true, force: true });
  }
  const ids = new Set();
  for (const m of manifest) {
    if (ids.has(m.id)) throw new Error(`duplicate case id ${m.id}`);
    ids.add(m.id);
  }
  writeFileSync(join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const count = (k) => manifest.filter((m) => m.kind === k).length;
  console.log(
    `wrote ${manifest.length} cases (${count('chain')} chains, ${count('jws-envelope')} JWS, ${count('cose-envelope')} COSE) ` +
      `to ${OUT} in ${((Date.now() - started) / 1000).toFixed(1)}s`,
  );
}

main();
