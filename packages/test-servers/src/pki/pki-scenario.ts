/**
 * The PKI that the timestamp and revocation tests run against, made with the
 * openssl CLI at test time.
 *
 * Every certificate is issued by `openssl ca` from a per-CA database
 * (index.txt, serial, crlnumber), so the same databases drive the real
 * `openssl ocsp` responder and `openssl ca -gencrl`. Certificates point (AIA
 * OCSP, CDP) at the loopback servers, with one URL path per scenario so that
 * one OCSP server and one CRL server serve every scenario.
 *
 * All dates are relative to generation time: certificates are valid from one
 * day ago (so a timestamp's accuracy range never straddles a notBefore), CRLs
 * for 7 days, OCSP responses for 1 day.
 */

import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { opensslSync } from '../child-processes.js';
import { LOOPBACK } from '../http.js';

/** One certificate with its key. Paths are absolute. */
export interface CertFiles {
  /** PEM certificate. */
  cert: string;
  /** DER certificate. */
  certDer: string;
  /** PKCS#8 PEM private key. */
  key: string;
  /** Serial number in upper-case hex, as `openssl x509 -serial` and `openssl crl -text` print it. */
  serial: string;
  /** openssl `-subj` form. */
  subject: string;
}

/** A code-signing leaf and where its revocation status lives. */
export interface LeafFiles extends CertFiles {
  /** PEM bundle: leaf, intermediate, root (leaf first). */
  chain: string;
  /** AIA OCSP URLs, in certificate order (empty: none). */
  ocspUrls: string[];
  /** CRL distribution point URLs, in certificate order (empty: none). */
  crlUrls: string[];
}

export const LEAF_NAMES = [
  // OCSP only
  'ocsp-good',
  'ocsp-revoked',
  'ocsp-revoked-invalidity-date',
  'ocsp-unknown',
  'ocsp-down',
  'ocsp-slow',
  'ocsp-unrelated-signer',
  'ocsp-responder-no-eku',
  'ocsp-second-url',
  // CRL only
  'crl-good',
  'crl-revoked',
  'crl-delta-revoked',
  'crl-hold-then-removed',
  'crl-invalidity-date',
  'crl-delta-unavailable',
  'crl-unavailable',
  'crl-slow',
  // OCSP and CRL
  'fallback-good',
  'fallback-revoked',
  'fallback-ocsp-unknown',
  // neither
  'no-revocation-info',
] as const;

/**
 * The code-signing leaves. Each one's status:
 * - `ocsp-good`: OCSP good (`/good`). `ocsp-revoked`: OCSP revoked, keyCompromise, no invalidityDate.
 * - `ocsp-revoked-invalidity-date`: OCSP revoked with invalidityDate = `invalidityDate` (a day ahead).
 * - `ocsp-unknown`: absent from the responder's index → OCSP unknown.
 * - `ocsp-down`: AIA at a closed loopback port (connection refused).
 * - `ocsp-slow`: the responder path answers good after 3 s (> the 2 s OCSP timeout).
 * - `ocsp-unrelated-signer`: good, but the response is signed by a self-signed key unrelated to the CA.
 * - `ocsp-responder-no-eku`: good, signed by a CA-issued responder without EKU OCSPSigning.
 * - `ocsp-second-url`: two AIA URLs, the first refused, the second good.
 * - `crl-good`: not listed. `crl-revoked`: listed in the base CRL, keyCompromise.
 * - `crl-delta-revoked`: not in the base CRL, listed (keyCompromise) in its delta.
 * - `crl-hold-then-removed`: base lists it as certificateHold, the delta as removeFromCRL.
 * - `crl-invalidity-date`: base lists it, keyCompromise with invalidityDate = `invalidityDate`.
 * - `crl-delta-unavailable`: CDP at a base CRL whose FreshestCRL URL answers 404.
 * - `crl-unavailable`: CDP answers 404. `crl-slow`: CDP never answers (the server hangs).
 * - `fallback-good` / `fallback-revoked`: AIA refused, CDP at the base CRL, which does not / does list it.
 * - `fallback-ocsp-unknown`: OCSP says unknown (not in the responder's index), the base CRL does not list it.
 * - `no-revocation-info`: no AIA, no CDP.
 */
export type LeafName = (typeof LEAF_NAMES)[number];

/** A CRL as served by the static server. */
export interface CrlFile {
  /** DER file, under `dir/crl/`. */
  der: string;
  pem: string;
  /** Where the CRL server serves it. */
  url: string;
  /** crlNumber in upper-case hex. */
  number: string;
  /** deltaCRLIndicator in upper-case hex (delta CRLs only). */
  deltaIndicator?: string;
}

/** How the OCSP server answers one path: `openssl ocsp -index … -CA … -rsigner … -rkey …`. */
export interface OcspRoute {
  index: string;
  caCert: string;
  signerCert: string;
  signerKey: string;
  /** Answer this much later (the `slow` path). */
  delayMs?: number;
}

/** How the TSA server answers one path: `openssl ts -reply -config … -section …`. */
export interface TsaRoute {
  config: string;
  section: string;
  signerCert: string;
  signerKey: string;
  /** PEM certificates added to the token besides the signer. */
  chain: string;
  /** Re-sign the token with this certificate and key (openssl refuses them as a TSA signer; see `resign-token.ts`). */
  resignWith?: { cert: string; key: string; chain: string };
  delayMs?: number;
}

/** OCSP server paths: `good`, `revoked`, `unknown` share the delegated responder (the index decides the status). */
export type OcspRouteName = 'good' | 'revoked' | 'unknown' | 'slow' | 'unrelated-signer' | 'responder-no-eku' | 'root';

/**
 * TSA server paths: `good` (policy `tsa.policy`, accuracy 1 s), `no-accuracy`, `baseline`
 * (policy `tsa.baselinePolicy`, no accuracy), `no-eku` (signer `tsa.leafNoEku`), `untrusted`
 * (signer `tsa.untrustedLeaf`), `slow` (answers after 6 s, beyond the 5 s TSA timeout).
 */
export type TsaRouteName = 'good' | 'no-accuracy' | 'baseline' | 'no-eku' | 'untrusted' | 'slow';

export interface PkiScenario {
  dir: string;
  /** The URL of a loopback port that nothing listens on (connection refused). */
  closedUrl: string;
  /** The invalidityDate of the `*-invalidity-date` leaves: generation time + 1 day, ISO 8601, whole seconds. */
  invalidityDate: string;
  codeSigning: {
    root: CertFiles;
    /** Issues every leaf; AIA `${ocspBase}/root` (answered by the root itself) and CDP `crls.root`. */
    intermediate: CertFiles & { ocspUrls: string[]; crlUrls: string[] };
    /** PEM bundle root + intermediate (for `-CAfile`, `-issuer` style use). */
    caBundle: string;
    /** Delegated OCSP responder: issued by the intermediate, EKU OCSPSigning, id-pkix-ocsp-nocheck. */
    ocspResponder: CertFiles;
    /** Issued by the intermediate, keyUsage digitalSignature, no EKU. */
    ocspResponderNoEku: CertFiles;
    /** Self-signed, unrelated to either CA. */
    unrelatedSigner: CertFiles;
    leaves: Record<LeafName, LeafFiles>;
  };
  crls: {
    /** Root-issued CRL covering the intermediate (lists nothing). */
    root: CrlFile;
    /** The intermediate's base CRL; FreshestCRL → `delta.url`. */
    base: CrlFile;
    /** Delta of `base`: deltaCRLIndicator = base number, own number > base number. */
    delta: CrlFile;
    /** Same entries as `base`, but FreshestCRL points at a URL that answers 404. */
    baseWithMissingDelta: CrlFile;
    tsaRoot: CrlFile;
    tsaUntrustedRoot: CrlFile;
  };
  tsa: {
    root: CertFiles;
    /** keyUsage digitalSignature, EKU critical timeStamping only; CDP `crls.tsaRoot`. */
    leaf: CertFiles;
    /** keyUsage digitalSignature, no EKU. */
    leafNoEku: CertFiles;
    /** A TSA root nobody trusts, and a well-formed TSA leaf under it. */
    untrustedRoot: CertFiles;
    untrustedLeaf: CertFiles;
    /** The default policy of every path but `baseline`. */
    policy: string;
    /** A second policy the TSA accepts when a request asks for it. */
    otherPolicy: string;
    /** notation's baseline policy (TSA-4: 1 s accuracy when the token has none). */
    baselinePolicy: string;
  };
  /** Route table of the OCSP server (path name → how to answer). */
  ocspRoutes: Record<OcspRouteName, OcspRoute>;
  /** Route table of the TSA server (path name → how to answer). */
  tsaRoutes: Record<TsaRouteName, TsaRoute>;
}

const DAY_MS = 86_400_000;

/** `YYYYMMDDHHMMSSZ`, the form `openssl ca` takes for dates. */
function generalizedTime(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** A port that was free a moment ago; nothing listens on it, so a connect is refused. */
async function closedLoopbackUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, LOOPBACK, resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://${LOOPBACK}:${port}`;
}

/** A CA: its certificate and key plus an `openssl ca` database. */
interface Ca {
  /** The `openssl ca` database directory. */
  dir: string;
  cert: string;
  key: string;
}

type KeyKind = 'ec' | 'rsa';

class Generator {
  readonly now = new Date();
  readonly #notBefore = generalizedTime(new Date(this.now.getTime() - DAY_MS));
  #configs = 0;

  constructor(readonly dir: string) {}

  openssl(...args: string[]): Buffer {
    return opensslSync(args, this.dir);
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** An empty `openssl ca` database; `serial` makes each CA's serials recognisable (root 01…, intermediate 1000…). */
  database(id: string, serial: string, crlNumber = '01'): string {
    const db = this.path('ca', id);
    mkdirSync(join(db, 'newcerts'), { recursive: true });
    writeFileSync(join(db, 'index.txt'), '');
    writeFileSync(join(db, 'index.txt.attr'), 'unique_subject = no\n');
    writeFileSync(join(db, 'serial'), `${serial}\n`);
    writeFileSync(join(db, 'crlnumber'), `${crlNumber}\n`);
    return db;
  }

  /** An `openssl ca` config for `ca` over database `db` (a delta CRL uses a second database with the same key). */
  caConfig(ca: Ca, db: string, crlExtensions: readonly string[] = []): string {
    const path = join(db, `ca-${++this.#configs}.cnf`);
    writeFileSync(
      path,
      [
        '[ca]',
        'default_ca = ca_default',
        '[ca_default]',
        `dir = ${db}`,
        'database = $dir/index.txt',
        'new_certs_dir = $dir/newcerts',
        'serial = $dir/serial',
        'crlnumber = $dir/crlnumber',
        `certificate = ${ca.cert}`,
        `private_key = ${ca.key}`,
        'default_md = sha256',
        'default_crl_days = 7',
        'policy = policy_any',
        'unique_subject = no',
        'email_in_dn = no',
        '[policy_any]',
        'organizationName = optional',
        'commonName = supplied',
        '[crl_ext]',
        'authorityKeyIdentifier = keyid:always',
        ...crlExtensions,
        '[req]',
        'distinguished_name = dn',
        '[dn]',
        '',
      ].join('\n'),
    );
    return path;
  }

  /**
   * Issues certificate `id` (file name) with `openssl ca`: only `ca` can backdate
   * notBefore on OpenSSL 3.0. Without `issuer` it is self-signed (`-selfsign`),
   * which needs a database of its own: that is the one `ca()` then reuses.
   */
  issue(
    id: string,
    cn: string,
    options: { kind: KeyKind; extensions: readonly string[]; issuer?: Ca; days: number },
  ): CertFiles {
    const subject = `/O=Notary Test/CN=${cn}`;
    const key = this.path('keys', `${id}.key`);
    const [cert, certDer, ext, csr] = ['pem', 'der', 'ext', 'csr'].map((suffix) =>
      this.path('certs', `${id}.${suffix}`),
    ) as [string, string, string, string];
    writeFileSync(ext, `[ext]\n${options.extensions.join('\n')}\n`);
    // -selfsign never reads the config's `certificate`, so the not-yet-written path is fine.
    const signer = options.issuer ?? { dir: this.database(id, '01'), cert, key };
    const config = this.caConfig(signer, signer.dir);
    // One run makes the key (PKCS#8) and the request: scenario generation is mostly process start-up.
    const newKey =
      options.kind === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    this.openssl('req', '-new', '-config', config, ...newKey, '-nodes', '-keyout', key, '-subj', subject, '-out', csr);
    this.openssl(
      'ca',
      '-batch',
      '-notext',
      '-config',
      config,
      '-in',
      csr,
      '-out',
      cert,
      '-extfile',
      ext,
      '-extensions',
      'ext',
      '-startdate',
      this.#notBefore,
      '-enddate',
      generalizedTime(new Date(this.now.getTime() + options.days * DAY_MS)),
      ...(options.issuer ? [] : ['-selfsign']),
    );
    const x509 = new X509Certificate(readFileSync(cert));
    writeFileSync(certDer, x509.raw);
    // Node prints the serial as openssl does: upper-case hex, even number of digits.
    const serial = x509.serialNumber;
    return { cert, certDer, key, serial, subject };
  }

  /**
   * Makes `files` a CA. A self-signed certificate already has its database (which
   * issued it, so its serials go on from there); others get one with serials from `serial`.
   */
  ca(id: string, files: CertFiles, serial = '01'): Ca {
    const dir = this.path('ca', id);
    if (!existsSync(dir)) this.database(id, serial);
    return { dir, cert: files.cert, key: files.key };
  }

  /** `openssl ca -revoke` into database `db` (which need not have issued the certificate: openssl adds it). */
  revoke(ca: Ca, db: string, cert: string, how: string[]): void {
    this.openssl('ca', '-config', this.caConfig(ca, db), '-revoke', cert, ...how);
  }

  /**
   * `openssl ca -gencrl -crldays 7` over database `db`, written as DER (and PEM) under
   * `dir/crl/`. `freshest` adds a FreshestCRL URL; `deltaOf` makes it a delta of that CRL.
   */
  gencrl(
    ca: Ca,
    db: string,
    name: string,
    url: string,
    options: { freshest?: string; deltaOf?: CrlFile } = {},
  ): CrlFile {
    const pem = this.path('crl', `${name}.pem`);
    const der = this.path('crl', `${name}.crl`);
    // The number openssl is about to use (it then increments the file).
    const number = readFileSync(join(db, 'crlnumber'), 'utf8').trim().toUpperCase();
    const extensions = [
      ...(options.freshest ? [`freshestCRL = URI:${options.freshest}`] : []),
      // openssl has no text form for deltaCRL, so the value is given as its ASN.1 INTEGER.
      ...(options.deltaOf ? [`deltaCRL = critical,ASN1:INTEGER:0x${options.deltaOf.number}`] : []),
    ];
    this.openssl(
      'ca',
      '-gencrl',
      '-config',
      this.caConfig(ca, db, extensions),
      '-crlexts',
      'crl_ext',
      '-crldays',
      '7',
      '-out',
      pem,
    );
    this.openssl('crl', '-in', pem, '-outform', 'DER', '-out', der);
    return { der, pem, url, number, ...(options.deltaOf ? { deltaIndicator: options.deltaOf.number } : {}) };
  }
}

const EXT = {
  root: [
    'basicConstraints = critical,CA:TRUE',
    'keyUsage = critical,keyCertSign,cRLSign',
    'subjectKeyIdentifier = hash',
  ],
  intermediate: [
    'basicConstraints = critical,CA:TRUE,pathlen:0',
    'keyUsage = critical,keyCertSign,cRLSign',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid:always',
  ],
  leaf: [
    'basicConstraints = CA:FALSE',
    'keyUsage = critical,digitalSignature',
    'extendedKeyUsage = codeSigning',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid:always',
  ],
  tsaLeaf: [
    'basicConstraints = CA:FALSE',
    'keyUsage = critical,digitalSignature',
    'extendedKeyUsage = critical,timeStamping',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid:always',
  ],
  noEku: [
    'basicConstraints = CA:FALSE',
    'keyUsage = critical,digitalSignature',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid:always',
  ],
  ocspResponder: [
    'basicConstraints = CA:FALSE',
    'keyUsage = critical,digitalSignature',
    'extendedKeyUsage = OCSPSigning',
    'noCheck = ignored',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid:always',
  ],
};

/** AIA and CDP extension lines for the given URLs. */
function revocationExtensions(ocspUrls: readonly string[], crlUrls: readonly string[]): string[] {
  const lines: string[] = [];
  if (ocspUrls.length > 0) lines.push(`authorityInfoAccess = ${ocspUrls.map((u) => `OCSP;URI:${u}`).join(',')}`);
  if (crlUrls.length > 0) lines.push(`crlDistributionPoints = ${crlUrls.map((u) => `URI:${u}`).join(',')}`);
  return lines;
}

function cat(target: string, ...sources: string[]): string {
  writeFileSync(target, sources.map((s) => readFileSync(s, 'utf8')).join(''));
  return target;
}

/** Generates the whole PKI into `dir` (which must exist and be empty). */
export async function createPkiScenario(
  dir: string,
  urls: { ocspBase: string; crlBase: string },
): Promise<PkiScenario> {
  for (const sub of ['keys', 'certs', 'ca', 'crl', 'ocsp', 'tsa']) mkdirSync(join(dir, sub), { recursive: true });
  const g = new Generator(dir);
  const closedUrl = await closedLoopbackUrl();
  const { ocspBase, crlBase } = urls;

  // Code-signing CAs. The intermediate is checked through the root's own OCSP answers and CRL.
  const root = g.issue('root', 'Notary Test Root', { kind: 'ec', extensions: EXT.root, days: 3650 });
  const rootCa = g.ca('root', root);
  const rootCrlUrl = `${crlBase}/root.crl`;
  const intermediateUrls = { ocspUrls: [`${ocspBase}/root`], crlUrls: [rootCrlUrl] };
  const intermediate = g.issue('intermediate', 'Notary Test Intermediate', {
    kind: 'ec',
    issuer: rootCa,
    days: 1825,
    extensions: [...EXT.intermediate, ...revocationExtensions(intermediateUrls.ocspUrls, intermediateUrls.crlUrls)],
  });
  // Serials from 1000 tell the intermediate's certificates from the root's in CRL and OCSP dumps.
  const inter = g.ca('intermediate', intermediate, '1000');
  const caBundle = cat(g.path('certs', 'ca-bundle.pem'), root.cert, intermediate.cert);

  const ocspResponder = g.issue('ocsp-responder', 'Notary Test OCSP Responder', {
    kind: 'ec',
    issuer: inter,
    days: 365,
    extensions: EXT.ocspResponder,
  });
  const ocspResponderNoEku = g.issue('ocsp-responder-no-eku', 'Notary Test OCSP Responder No EKU', {
    kind: 'ec',
    issuer: inter,
    days: 365,
    extensions: EXT.noEku,
  });
  const unrelatedSigner = g.issue('unrelated-signer', 'Unrelated OCSP Signer', {
    kind: 'ec',
    days: 365,
    extensions: EXT.root,
  });

  // Leaves: where their AIA and CDP point.
  const ocsp = (path: string) => `${ocspBase}/${path}`;
  const baseCrlUrl = `${crlBase}/inter.crl`;
  const deltaCrlUrl = `${crlBase}/inter-delta.crl`;
  const plan: Record<LeafName, { ocsp?: string[]; crl?: string[] }> = {
    'ocsp-good': { ocsp: [ocsp('good')] },
    'ocsp-revoked': { ocsp: [ocsp('revoked')] },
    'ocsp-revoked-invalidity-date': { ocsp: [ocsp('revoked')] },
    'ocsp-unknown': { ocsp: [ocsp('unknown')] },
    'ocsp-down': { ocsp: [`${closedUrl}/down`] },
    'ocsp-slow': { ocsp: [ocsp('slow')] },
    'ocsp-unrelated-signer': { ocsp: [ocsp('unrelated-signer')] },
    'ocsp-responder-no-eku': { ocsp: [ocsp('responder-no-eku')] },
    'ocsp-second-url': { ocsp: [`${closedUrl}/down`, ocsp('good')] },
    'crl-good': { crl: [baseCrlUrl] },
    'crl-revoked': { crl: [baseCrlUrl] },
    'crl-delta-revoked': { crl: [baseCrlUrl] },
    'crl-hold-then-removed': { crl: [baseCrlUrl] },
    'crl-invalidity-date': { crl: [baseCrlUrl] },
    'crl-delta-unavailable': { crl: [`${crlBase}/inter-missing-delta.crl`] },
    'crl-unavailable': { crl: [`${crlBase}/missing.crl`] },
    'crl-slow': { crl: [`${crlBase}/hang/inter.crl`] },
    'fallback-good': { ocsp: [`${closedUrl}/down`], crl: [baseCrlUrl] },
    'fallback-revoked': { ocsp: [`${closedUrl}/down`], crl: [baseCrlUrl] },
    'fallback-ocsp-unknown': { ocsp: [ocsp('unknown')], crl: [baseCrlUrl] },
    'no-revocation-info': {},
  };
  const leaves = {} as Record<LeafName, LeafFiles>;
  for (const name of LEAF_NAMES) {
    const { ocsp: ocspUrls = [], crl: crlUrls = [] } = plan[name];
    // `leaf-` keeps leaf files apart from the responders' (`ocsp-responder-no-eku` is both).
    const leaf = g.issue(`leaf-${name}`, name, {
      kind: 'ec',
      issuer: inter,
      days: 365,
      extensions: [...EXT.leaf, ...revocationExtensions(ocspUrls, crlUrls)],
    });
    const chain = cat(g.path('certs', `leaf-${name}.chain.pem`), leaf.cert, intermediate.cert, root.cert);
    leaves[name] = { ...leaf, chain, ocspUrls, crlUrls };
  }

  // Revocations in the intermediate's (base) database. -crl_compromise records a compromise
  // time, which both `openssl ca -gencrl` and `openssl ocsp` emit as invalidityDate.
  const invalidity = new Date(Math.floor(g.now.getTime() / 1000) * 1000 + DAY_MS);
  const compromise = ['-crl_compromise', generalizedTime(invalidity)];
  const keyCompromise = ['-crl_reason', 'keyCompromise'];
  g.revoke(inter, inter.dir, leaves['ocsp-revoked'].cert, keyCompromise);
  g.revoke(inter, inter.dir, leaves['ocsp-revoked-invalidity-date'].cert, compromise);
  g.revoke(inter, inter.dir, leaves['crl-revoked'].cert, keyCompromise);
  g.revoke(inter, inter.dir, leaves['crl-invalidity-date'].cert, compromise);
  g.revoke(inter, inter.dir, leaves['fallback-revoked'].cert, keyCompromise);
  // holdInstructionCallIssuer: openssl requires an instruction with -crl_hold.
  g.revoke(inter, inter.dir, leaves['crl-hold-then-removed'].cert, ['-crl_hold', '1.2.840.10040.2.2']);

  // The delta: `openssl ca` has no delta mode, and `openssl crl -gendelta` only copies entries
  // the base lacks (it cannot express removeFromCRL for a held serial). So the delta is a plain
  // -gencrl over a second database holding only the changes since the base, signed by the same
  // key, with deltaCRLIndicator set in its CRL extensions and a crlNumber above the base's.
  const deltaDb = g.database('inter-delta', '01', '2000');
  g.revoke(inter, deltaDb, leaves['crl-delta-revoked'].cert, keyCompromise);
  g.revoke(inter, deltaDb, leaves['crl-hold-then-removed'].cert, ['-crl_reason', 'removeFromCRL']);

  writeFileSync(join(inter.dir, 'crlnumber'), '1000\n');
  const base = g.gencrl(inter, inter.dir, 'inter', baseCrlUrl, { freshest: deltaCrlUrl });
  const delta = g.gencrl(inter, deltaDb, 'inter-delta', deltaCrlUrl, { deltaOf: base });
  const baseWithMissingDelta = g.gencrl(inter, inter.dir, 'inter-missing-delta', `${crlBase}/inter-missing-delta.crl`, {
    freshest: `${crlBase}/missing-delta.crl`,
  });
  const rootCrl = g.gencrl(rootCa, rootCa.dir, 'root', rootCrlUrl);

  // The responder's index: the intermediate's database without the leaves that must be "unknown".
  const unknown = new Set([leaves['ocsp-unknown'].serial, leaves['fallback-ocsp-unknown'].serial]);
  const ocspIndex = g.path('ocsp', 'inter-index.txt');
  const lines = readFileSync(join(inter.dir, 'index.txt'), 'utf8').split('\n');
  writeFileSync(ocspIndex, lines.filter((line) => !unknown.has(line.split('\t')[3] ?? '')).join('\n'));
  const responder = {
    index: ocspIndex,
    caCert: intermediate.cert,
    signerCert: ocspResponder.cert,
    signerKey: ocspResponder.key,
  };
  const ocspRoutes: Record<OcspRouteName, OcspRoute> = {
    good: responder,
    revoked: responder,
    unknown: responder,
    slow: { ...responder, delayMs: 3000 },
    'unrelated-signer': { ...responder, signerCert: unrelatedSigner.cert, signerKey: unrelatedSigner.key },
    'responder-no-eku': { ...responder, signerCert: ocspResponderNoEku.cert, signerKey: ocspResponderNoEku.key },
    // The root answers for the intermediate itself, signing with the CA key (no delegation).
    root: { index: join(rootCa.dir, 'index.txt'), caCert: root.cert, signerCert: root.cert, signerKey: root.key },
  };

  // Timestamping PKI (RSA, as public TSAs use).
  const tsaRoot = g.issue('tsa-root', 'Notary Test TSA Root', { kind: 'rsa', extensions: EXT.root, days: 3650 });
  const tsaRootCa = g.ca('tsa-root', tsaRoot);
  const tsaRootCrlUrl = `${crlBase}/tsa-root.crl`;
  const tsaCdp = revocationExtensions([], [tsaRootCrlUrl]);
  const tsaLeaf = g.issue('tsa', 'Notary Test TSA', {
    kind: 'rsa',
    issuer: tsaRootCa,
    days: 1825,
    extensions: [...EXT.tsaLeaf, ...tsaCdp],
  });
  const tsaNoEku = g.issue('tsa-no-eku', 'Notary Test TSA No EKU', {
    kind: 'rsa',
    issuer: tsaRootCa,
    days: 1825,
    extensions: [...EXT.noEku, ...tsaCdp],
  });
  const untrustedRoot = g.issue('tsa-untrusted-root', 'Untrusted TSA Root', {
    kind: 'rsa',
    extensions: EXT.root,
    days: 3650,
  });
  const untrustedRootCa = g.ca('tsa-untrusted-root', untrustedRoot);
  const untrustedCrlUrl = `${crlBase}/tsa-untrusted-root.crl`;
  const untrustedLeaf = g.issue('tsa-untrusted', 'Untrusted TSA', {
    kind: 'rsa',
    issuer: untrustedRootCa,
    days: 1825,
    extensions: [...EXT.tsaLeaf, ...revocationExtensions([], [untrustedCrlUrl])],
  });
  const tsaRootCrl = g.gencrl(tsaRootCa, tsaRootCa.dir, 'tsa-root', tsaRootCrlUrl);
  const untrustedRootCrl = g.gencrl(untrustedRootCa, untrustedRootCa.dir, 'tsa-untrusted-root', untrustedCrlUrl);

  // 2.999 is the ITU example arc; 1.2.3.4.x would print as openssl.cnf's tsa_policy names.
  const policies = { policy: '2.999.1.1', otherPolicy: '2.999.1.2', baselinePolicy: '0.4.0.2023.1.1' };
  const tsaConfig = writeTsaConfig(g.path('tsa'), policies);
  const tsaChain = cat(g.path('tsa', 'chain.pem'), tsaRoot.cert);
  const tsaGood: TsaRoute = {
    config: tsaConfig,
    section: 'tsa_good',
    signerCert: tsaLeaf.cert,
    signerKey: tsaLeaf.key,
    chain: tsaChain,
  };
  const tsaRoutes: Record<TsaRouteName, TsaRoute> = {
    good: tsaGood,
    'no-accuracy': { ...tsaGood, section: 'tsa_no_accuracy' },
    baseline: { ...tsaGood, section: 'tsa_baseline' },
    // openssl ts refuses a signer without the (critical, sole) timeStamping EKU, so openssl makes
    // the TSTInfo and the token is then re-signed with the no-EKU certificate.
    'no-eku': { ...tsaGood, resignWith: { cert: tsaNoEku.cert, key: tsaNoEku.key, chain: tsaChain } },
    untrusted: {
      ...tsaGood,
      signerCert: untrustedLeaf.cert,
      signerKey: untrustedLeaf.key,
      chain: cat(g.path('tsa', 'untrusted-chain.pem'), untrustedRoot.cert),
    },
    // Longer than the 5 s TSA client timeout.
    slow: { ...tsaGood, delayMs: 6000 },
  };

  return {
    dir,
    closedUrl,
    invalidityDate: invalidity.toISOString().replace(/\.000Z$/, 'Z'),
    codeSigning: {
      root: root,
      intermediate: { ...intermediate, ...intermediateUrls },
      caBundle,
      ocspResponder: ocspResponder,
      ocspResponderNoEku: ocspResponderNoEku,
      unrelatedSigner: unrelatedSigner,
      leaves,
    },
    crls: { root: rootCrl, base, delta, baseWithMissingDelta, tsaRoot: tsaRootCrl, tsaUntrustedRoot: untrustedRootCrl },
    tsa: {
      root: tsaRoot,
      leaf: tsaLeaf,
      leafNoEku: tsaNoEku,
      untrustedRoot: untrustedRoot,
      untrustedLeaf: untrustedLeaf,
      ...policies,
    },
    ocspRoutes,
    tsaRoutes,
  };
}

/** The `openssl ts -reply` config: one section per TSA behaviour, all sharing one serial file. */
function writeTsaConfig(
  dir: string,
  policies: { policy: string; otherPolicy: string; baselinePolicy: string },
): string {
  const serial = join(dir, 'serial');
  writeFileSync(serial, '01\n');
  const section = (name: string, lines: readonly string[]) => [
    `[${name}]`,
    `serial = ${serial}`,
    'crypto_device = builtin',
    'signer_digest = sha256',
    `other_policies = ${policies.otherPolicy}`,
    'digests = sha256, sha384, sha512',
    'ordering = no',
    'tsa_name = no',
    'ess_cert_id_chain = no',
    // sha256 here makes openssl emit signing-certificate-v2 (TSA-3.4) instead of v1.
    'ess_cert_id_alg = sha256',
    ...lines,
  ];
  const path = join(dir, 'tsa.cnf');
  writeFileSync(
    path,
    [
      '[tsa]',
      'default_tsa = tsa_good',
      ...section('tsa_good', [`default_policy = ${policies.policy}`, 'accuracy = secs:1']),
      ...section('tsa_no_accuracy', [`default_policy = ${policies.policy}`]),
      ...section('tsa_baseline', [`default_policy = ${policies.baselinePolicy}`]),
      '',
    ].join('\n'),
  );
  return path;
}
