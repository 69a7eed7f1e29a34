/**
 * Revocation fixtures made with the openssl CLI at test time: certificates
 * with AIA / CDP / FreshestCRL extensions (`openssl ca`), CRLs from
 * hand-written CA databases (`openssl ca -gencrl`), and OCSP responses
 * produced OFFLINE for the very request our code built
 * (`openssl ocsp -index … -reqin req.der -respout resp.der`).
 *
 * Everything is served through an in-memory {@link Fetcher} ({@link FakeNet}).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBase64 } from '../../src/base64.js';
import { type Certificate, parseCertificates } from '../../src/index.js';
import type { Fetcher } from '../../src/revocation/index.js';
import { EXT as CHAIN_EXT } from '../fixtures/openssl-chain.js';

export interface Issued {
  name: string;
  certPath: string;
  keyPath: string;
  cert: Certificate;
}

export interface IssueOptions {
  issuer?: Issued;
  /** Lines of an openssl extension section. */
  extensions: readonly string[];
  /** Hex serial for `openssl ca`'s serial file (default: a counter). */
  serial?: string;
  key?: 'ec256' | 'rsa2048';
  /** Reuse the key of another fixture (an impostor with the same key or name). */
  keyOf?: Issued;
  subject?: string;
}

/** The CERT-conforming extension sets of the chain fixtures, plus OCSP responders. */
export const EXT = {
  ...CHAIN_EXT,
  ocspResponder: ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=OCSPSigning'],
  plainResponder: ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature'],
} as const;

/** A copy backed by a plain ArrayBuffer (what BodyInit and WebCrypto's types want). */
export const own = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
};

export const aia = (...urls: string[]): string => `authorityInfoAccess=${urls.map((u) => `OCSP;URI:${u}`).join(',')}`;
export const cdp = (...urls: string[]): string => `crlDistributionPoints=${urls.map((u) => `URI:${u}`).join(',')}`;
export const freshest = (...urls: string[]): string => `freshestCRL=${urls.map((u) => `URI:${u}`).join(',')}`;

/** `YYMMDDHHMMSSZ` (openssl index UTCTime). */
const utcTime = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .slice(2);
/** `YYYYMMDDHHMMSSZ`. */
const generalizedTime = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');

export interface IndexEntry {
  cert: Issued;
  /** Omitted: valid (V). */
  revoked?: {
    at?: Date;
    /** openssl reason name: keyCompromise, superseded, certificateHold, removeFromCRL, … */
    reason?: string;
    /** Adds an Invalidity Date (openssl's `keyTime` form, reason keyCompromise). */
    invalidityDate?: Date;
  };
}

export interface CrlOptions {
  /** hours until nextUpdate (default 24). */
  hours?: number;
  /** CRLNumber (default 1). */
  number?: number;
  /** Lines of the crl extensions section (freshestCRL, deltaCRLIndicator, …). */
  extensions?: readonly string[];
  /** Sign with this CA cert+key instead (e.g. an impostor with the same name). */
  signer?: Issued;
}

export interface OcspOptions {
  ca: Issued;
  entries: readonly IndexEntry[];
  /** The responder (default: the CA itself). */
  signer?: Issued;
  /** nextUpdate = now + minutes; `null` omits nextUpdate. Default 60. */
  nextUpdateMinutes?: number | null;
  /** Leave the signer certificate out of the response. */
  noCerts?: boolean;
}

export class RevocationPki {
  readonly dir: string;
  #counter = 0;
  #serial = 0x1000;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'notary-revocation-'));
    writeFileSync(join(this.dir, 'issued.txt'), '');
    writeFileSync(join(this.dir, 'issued.txt.attr'), 'unique_subject = no\n');
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  openssl(args: readonly string[]): Buffer {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  key(type: 'ec256' | 'rsa2048', base: string): string {
    const path = this.path(`${base}.key`);
    if (type === 'rsa2048')
      this.openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', path]);
    else
      this.openssl([
        'genpkey',
        '-algorithm',
        'EC',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-pkeyopt',
        'ec_param_enc:named_curve',
        '-out',
        path,
      ]);
    return path;
  }

  /** Issues a certificate with `openssl ca` (self-signed without `issuer`). */
  issue(name: string, options: IssueOptions): Issued {
    const base = `${name}.${++this.#counter}`;
    const keyPath = options.keyOf?.keyPath ?? this.key(options.key ?? 'ec256', base);
    const conf = this.path(`${base}.cnf`);
    const csr = this.path(`${base}.csr`);
    const certPath = this.path(`${base}.pem`);
    writeFileSync(
      conf,
      [
        '[ca]',
        'default_ca = ca_default',
        '[ca_default]',
        `database = ${this.path('issued.txt')}`,
        `new_certs_dir = ${this.dir}`,
        `serial = ${this.path('serial')}`,
        'policy = policy_any',
        'unique_subject = no',
        '[policy_any]',
        'commonName = optional',
        '[req]',
        'distinguished_name = dn',
        '[dn]',
        '[ext]',
        ...options.extensions,
        '',
      ].join('\n'),
    );
    writeFileSync(this.path('serial'), `${options.serial ?? (this.#serial++).toString(16).toUpperCase()}\n`);
    this.openssl([
      'req',
      '-new',
      '-config',
      conf,
      '-key',
      keyPath,
      '-subj',
      options.subject ?? `/O=Notary Test/CN=${name}`,
      '-out',
      csr,
    ]);
    if (options.serial && options.serial.length > 200 && options.issuer) {
      // `openssl ca` names its output file after the serial, which is too long for the file system here.
      this.openssl([
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        options.issuer.certPath,
        '-CAkey',
        options.issuer.keyPath,
        '-set_serial',
        `0x${options.serial}`,
        '-extfile',
        conf,
        '-extensions',
        'ext',
        '-days',
        '365',
        '-sha256',
        '-out',
        certPath,
      ]);
      return { name, certPath, keyPath, cert: parseCertificates(readFileSync(certPath, 'utf8'))[0]! };
    }
    const now = Date.now();
    const args = [
      'ca',
      '-batch',
      '-notext',
      '-config',
      conf,
      '-in',
      csr,
      '-out',
      certPath,
      '-extensions',
      'ext',
      '-md',
      'sha256',
      '-startdate',
      generalizedTime(new Date(now - 86_400_000)),
      '-enddate',
      generalizedTime(new Date(now + 3650 * 86_400_000)),
    ];
    if (options.issuer) args.push('-cert', options.issuer.certPath, '-keyfile', options.issuer.keyPath);
    else args.push('-selfsign', '-keyfile', keyPath);
    this.openssl(args);
    return { name, certPath, keyPath, cert: parseCertificates(readFileSync(certPath, 'utf8'))[0]! };
  }

  /** An openssl CA database (index.txt) listing `entries`. */
  writeIndex(entries: readonly IndexEntry[]): string {
    const path = this.path(`index.${++this.#counter}.txt`);
    const lines = entries.map(({ cert, revoked }) => {
      const serial = BigInt(`0x${cert.cert.serialNumber}`).toString(16).toUpperCase();
      const evenSerial = serial.length % 2 === 0 ? serial : `0${serial}`;
      const expiry = utcTime(cert.cert.notAfter);
      if (!revoked) return `V\t${expiry}\t\t${evenSerial}\tunknown\t/CN=${cert.name}`;
      let field = utcTime(revoked.at ?? new Date(Date.now() - 3_600_000));
      if (revoked.invalidityDate) field += `,keyTime,${generalizedTime(revoked.invalidityDate)}`;
      else if (revoked.reason === 'certificateHold') field += ',holdInstruction,holdInstructionNone';
      else if (revoked.reason) field += `,${revoked.reason}`;
      return `R\t${expiry}\t${field}\t${evenSerial}\tunknown\t/CN=${cert.name}`;
    });
    writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
    writeFileSync(`${path}.attr`, 'unique_subject = no\n');
    return path;
  }

  /** A DER CRL issued by `ca` listing the revoked `entries`. */
  crl(ca: Issued, entries: readonly IndexEntry[], options: CrlOptions = {}): Uint8Array<ArrayBuffer> {
    const index = this.writeIndex(entries);
    const base = `crl.${++this.#counter}`;
    const conf = this.path(`${base}.cnf`);
    const numberFile = this.path(`${base}.number`);
    writeFileSync(numberFile, `${(options.number ?? 1).toString(16).padStart(2, '0').toUpperCase()}\n`);
    writeFileSync(
      conf,
      [
        '[ca]',
        'default_ca = d',
        '[d]',
        `database = ${index}`,
        `crlnumber = ${numberFile}`,
        'default_md = sha256',
        '[crlext]',
        ...(options.extensions ?? []),
        '',
      ].join('\n'),
    );
    const signer = options.signer ?? ca;
    const pem = this.path(`${base}.pem`);
    this.openssl([
      'ca',
      '-gencrl',
      '-config',
      conf,
      '-keyfile',
      signer.keyPath,
      '-cert',
      signer.certPath,
      '-crlhours',
      String(options.hours ?? 24),
      ...(options.extensions?.length ? ['-crlexts', 'crlext'] : []),
      '-out',
      pem,
    ]);
    return own(this.openssl(['crl', '-in', pem, '-outform', 'DER']));
  }

  /** An OCSP response for the DER request `request`, made offline by `openssl ocsp`. */
  ocspResponse(request: Uint8Array, options: OcspOptions): Uint8Array<ArrayBuffer> {
    const base = `ocsp.${++this.#counter}`;
    const reqPath = this.path(`${base}.req.der`);
    const respPath = this.path(`${base}.resp.der`);
    writeFileSync(reqPath, request);
    const signer = options.signer ?? options.ca;
    const next = options.nextUpdateMinutes === undefined ? 60 : options.nextUpdateMinutes;
    this.openssl([
      'ocsp',
      '-index',
      this.writeIndex(options.entries),
      '-CA',
      options.ca.certPath,
      '-rsigner',
      signer.certPath,
      '-rkey',
      signer.keyPath,
      '-reqin',
      reqPath,
      '-respout',
      respPath,
      ...(next === null ? [] : ['-nmin', String(next)]),
      ...(options.noCerts ? ['-resp_no_certs'] : []),
    ]);
    return own(readFileSync(respPath));
  }

  /** PKCS#8 DER of a fixture's private key, for re-signing structures with WebCrypto. */
  pkcs8(issued: Issued): Uint8Array<ArrayBuffer> {
    return own(this.openssl(['pkcs8', '-topk8', '-nocrypt', '-in', issued.keyPath, '-outform', 'DER']));
  }
}

export interface RecordedRequest {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Uint8Array;
}

export type Handler = (request: RecordedRequest & { signal: AbortSignal }) => Response | Promise<Response>;

/** An in-memory network: URL prefix → handler; records every request. Unrouted URLs are refused like a closed port. */
export class FakeNet {
  readonly routes = new Map<string, Handler>();
  readonly requests: RecordedRequest[] = [];

  route(prefix: string, handler: Handler): this {
    this.routes.set(prefix, handler);
    return this;
  }

  /** Serves fixed bytes at exactly `url`. */
  serve(url: string, body: Uint8Array | (() => Uint8Array), contentType = 'application/pkix-crl'): this {
    return this.route(
      url,
      () =>
        new Response(own(typeof body === 'function' ? body() : body), {
          status: 200,
          headers: { 'content-type': contentType },
        }),
    );
  }

  /** An OCSP responder at `prefix` answering with `openssl ocsp` for whatever request arrives (GET or POST). */
  ocsp(pki: RevocationPki, prefix: string, options: OcspOptions | (() => OcspOptions)): this {
    return this.route(prefix, ({ url, method, body }) => {
      const request = method === 'POST' ? body! : decodeBase64(decodeURIComponent(url.slice(url.lastIndexOf('/') + 1)));
      const response = pki.ocspResponse(request, typeof options === 'function' ? options() : options);
      return new Response(response, { status: 200, headers: { 'content-type': 'application/ocsp-response' } });
    });
  }

  count(prefix: string): number {
    return this.requests.filter((r) => r.url.startsWith(prefix)).length;
  }

  readonly fetcher: Fetcher = async (url, init) => {
    this.requests.push({
      url,
      method: init.method,
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body ? { body: init.body } : {}),
    });
    let best: string | undefined;
    for (const prefix of this.routes.keys()) {
      if (url.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
    }
    if (best === undefined) throw new TypeError(`fetch failed: connect ECONNREFUSED (${url})`);
    return this.routes.get(best)!({
      url,
      method: init.method,
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body ? { body: init.body } : {}),
      signal: init.signal,
    });
  };
}

/** A fetcher that answers nothing until its signal aborts (then rejects like fetch does). */
export const hangingHandler: Handler = ({ signal }) =>
  new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
