/**
 * CRL status of one certificate (REV-4, RFC 5280 §5, §6.3), after
 * notation-core-go's `revocation/internal/crl` and `revocation/crl` fetcher:
 *
 * - Every CRL distribution point URL of the certificate is checked (AMB-14),
 *   not just the first that answers, because distribution points may carry
 *   partial CRLs. Only `http` URLs; 5 s and 32 MiB per download by default.
 * - A delta CRL is taken from the base CRL's FreshestCRL extension (its URLs
 *   are tried in order until one downloads). A certificate that has its own
 *   FreshestCRL extension but whose base CRL yields no delta is `unknown`.
 * - Base and delta are verified with the issuer's key (which must be allowed
 *   to sign CRLs), must have a nextUpdate that has not passed, and must not
 *   carry unknown critical extensions (IssuingDistributionPoint and
 *   DeltaCRLIndicator are allowed). The delta's CRLNumber must be greater
 *   than the base's, and its DeltaCRLIndicator at most the base's number.
 * - Entries: certificateHold (6) revokes unless a later removeFromCRL (8)
 *   entry lifts it; any other reason revokes, unless the signing time is
 *   before the entry's invalidityDate.
 *
 * Stricter than notation, on purpose: the CRL's issuer name must equal the
 * certificate's issuer (no indirect CRLs); a base CRL that is itself a delta
 * is refused; thisUpdate may not be in the future (beyond a 5-minute skew);
 * an entry spared by its invalidityDate does not end the scan (notation
 * returns `ok` at once, ignoring later entries); all distribution points are
 * checked even after one fails, so a `revoked` answer from a later one is
 * not hidden behind an `unknown`.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesEqual } from '../bytes.js';
import { type Certificate, pkijsCertificate } from '../certificate.js';
import { verifyX509Signature } from '../certificate-signature.js';
import { signedStructureSignature } from '../der.js';
import {
  algorithmOf,
  CRL_REASON_NAMES,
  decodeEnumeratedExtension,
  decodeGeneralizedTimeExtension,
  decodeIntegerExtension,
  distributionPointUrls,
  integerValue,
  iso,
  malformed,
  parseDer,
  REV_OID,
  rawBytes,
} from './asn1.js';
import type { CrlBundle, CrlCache } from './crl-cache.js';
import { checkHttpUrl, type Fetcher, httpGetBytes } from './fetcher.js';
import { CLOCK_SKEW_MS } from './ocsp.js';
import { errorMessage, RevocationError, type RevocationStatus, type ServerResult, unknownResult } from './result.js';

/** CRL download limit (§17). Exactly 32 MiB is accepted; notation refuses a body of exactly that size. */
export const CRL_MAX_BYTES = 32 * 1024 * 1024;
/** Default per-distribution-point timeout (§17). */
export const CRL_DEFAULT_TIMEOUT_MS = 5000;

const REASON_CERTIFICATE_HOLD = 6;
const REASON_REMOVE_FROM_CRL = 8;

export interface CrlCheckOptions {
  fetcher: Fetcher;
  now: Date;
  timeoutMs: number;
  /** Entries whose invalidityDate is after this instant do not revoke. */
  signingTime?: Date;
  cache?: CrlCache;
}

export interface CrlCheckResult {
  status: RevocationStatus;
  serverResults: ServerResult[];
}

interface CrlEntry {
  serial: bigint;
  revocationTime: Date;
  extensions: readonly pkijs.Extension[];
}

/** A parsed, not yet verified, CRL. */
export interface ParsedCrl {
  der: Uint8Array;
  tbs: Uint8Array;
  issuerRaw: Uint8Array;
  signatureAlgorithm: { oid: string; parameters: Uint8Array | undefined };
  signature: Uint8Array;
  /** Outer and TBS AlgorithmIdentifier DER, which must be equal (RFC 5280 §5.1.1.2). */
  algorithmsMatch: boolean;
  thisUpdate: Date;
  nextUpdate: Date | undefined;
  number: bigint | undefined;
  deltaIndicator: bigint | undefined;
  /** URLs of the FreshestCRL extension (where the delta CRL is). */
  freshestUrls: string[];
  extensions: readonly pkijs.Extension[];
  entries: readonly CrlEntry[];
}

/** Parses a DER CRL; throws `ERR_REVOCATION_MALFORMED`. */
export function parseCrl(der: Uint8Array, what = 'CRL'): ParsedCrl {
  const node = parseDer(der, what);
  // CertificateList is exactly {tbsCertList, signatureAlgorithm, signatureValue}
  // (RFC 5280 §5.1; no extension marker). [impl] Stricter than Go's
  // encoding/asn1, which skips elements after the last (issue 12, REV-4).
  if ((node as asn1js.Sequence).valueBlock?.value?.length !== 3)
    throw malformed(`malformed ${what}: a CertificateList has exactly three fields`);
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = new pkijs.CertificateRevocationList({ schema: node });
  } catch (error) {
    throw malformed(`malformed ${what}: ${errorMessage(error)}`, error);
  }
  let signature: Uint8Array;
  try {
    signature = signedStructureSignature(der, what);
  } catch (error) {
    throw malformed(`malformed ${what}: ${errorMessage(error)}`, error);
  }
  const outer = (node as asn1js.Sequence).valueBlock.value;
  const tbsFields = (outer[0] as asn1js.Sequence).valueBlock.value;
  const tbsAlgorithm = tbsFields.find((n) => n instanceof asn1js.Sequence);
  const extensions = crl.crlExtensions?.extensions ?? [];
  const find = (oid: string): pkijs.Extension | undefined => extensions.find((e) => e.extnID === oid);
  const extensionValue = (e: pkijs.Extension): Uint8Array => e.extnValue.valueBlock.valueHexView;
  const numberExt = find(REV_OID.crlNumber);
  const deltaExt = find(REV_OID.deltaCrlIndicator);
  const freshestExt = find(REV_OID.freshestCrl);
  return {
    der,
    tbs: crl.tbsView,
    issuerRaw: new Uint8Array(crl.issuer.valueBeforeDecode),
    signatureAlgorithm: algorithmOf(crl.signatureAlgorithm),
    signature,
    algorithmsMatch:
      tbsAlgorithm !== undefined && outer[1] !== undefined && bytesEqual(rawBytes(tbsAlgorithm), rawBytes(outer[1])),
    thisUpdate: crl.thisUpdate.value,
    nextUpdate: crl.nextUpdate?.value,
    number: numberExt ? decodeIntegerExtension(extensionValue(numberExt), 'CRLNumber') : undefined,
    deltaIndicator: deltaExt ? decodeIntegerExtension(extensionValue(deltaExt), 'DeltaCRLIndicator') : undefined,
    freshestUrls: freshestExt ? distributionPointUrls(extensionValue(freshestExt), 'FreshestCRL extension') : [],
    extensions,
    entries: (crl.revokedCertificates ?? []).map((r) => ({
      serial: integerValue(r.userCertificate.valueBlock.valueHexView),
      revocationTime: r.revocationDate.value,
      extensions: r.crlEntryExtensions?.extensions ?? [],
    })),
  };
}

const signatureError = (message: string): RevocationError => new RevocationError('ERR_REVOCATION_SIGNATURE', message);

/** Verifies one CRL against the certificate's issuer at `now`. */
export async function validateCrl(
  crl: ParsedCrl,
  issuer: Certificate,
  now: Date,
  role: 'base' | 'delta',
): Promise<void> {
  const label = role === 'base' ? 'CRL' : 'delta CRL';
  if (!bytesEqual(crl.issuerRaw, issuer.rawSubject)) {
    throw signatureError(
      `${label} issuer does not match the certificate issuer ${JSON.stringify(issuer.subject)} (indirect CRLs are not supported)`,
    );
  }
  // Go's RevocationList.CheckSignatureFrom: the issuer must be a CA allowed to sign CRLs.
  const bc = issuer.basicConstraints;
  const ku = issuer.keyUsage;
  if (
    (issuer.version === 2 && bc === undefined) ||
    (bc !== undefined && !bc.ca) ||
    (ku !== undefined && ku.usages.size > 0 && !ku.usages.has('cRLSign'))
  ) {
    throw signatureError(
      `${label} is not signed by CA ${JSON.stringify(issuer.subject)}: the CA certificate may not sign CRLs`,
    );
  }
  if (!crl.algorithmsMatch)
    throw malformed(`malformed ${label}: signature algorithm does not match the one in TBSCertList`);
  let verified: boolean;
  try {
    verified = await verifyX509Signature(issuer, crl.signatureAlgorithm, crl.signature, crl.tbs, issuer.subject);
  } catch (error) {
    throw signatureError(`${label} signature cannot be verified: ${errorMessage(error)}`);
  }
  if (!verified) throw signatureError(`${label} is not signed by CA ${JSON.stringify(issuer.subject)}`);

  if (crl.nextUpdate === undefined) throw new RevocationError('ERR_REVOCATION_STALE', `${label} NextUpdate is not set`);
  if (now.getTime() > crl.nextUpdate.getTime()) {
    throw new RevocationError(
      'ERR_REVOCATION_STALE',
      `expired ${label}: current time ${iso(now)} is after NextUpdate ${iso(crl.nextUpdate)}`,
    );
  }
  if (crl.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw new RevocationError(
      'ERR_REVOCATION_STALE',
      `${label} ThisUpdate ${iso(crl.thisUpdate)} is in the future (now ${iso(now)})`,
    );
  }
  for (const ext of crl.extensions) {
    if (ext.critical && ext.extnID !== REV_OID.issuingDistributionPoint && ext.extnID !== REV_OID.deltaCrlIndicator) {
      throw new RevocationError(
        'ERR_REVOCATION_CRITICAL_EXTENSION',
        `unsupported critical extension found in ${label}: ${ext.extnID}`,
      );
    }
  }
  if (role === 'base' && crl.deltaIndicator !== undefined) {
    throw new RevocationError(
      'ERR_REVOCATION_DELTA_CRL',
      'the CRL at the distribution point is a delta CRL, not a base CRL',
    );
  }
  if (role === 'delta' && crl.deltaIndicator === undefined) {
    throw new RevocationError('ERR_REVOCATION_DELTA_CRL', 'delta CRL indicator extension is not found');
  }
}

interface LoadedBundle {
  base: ParsedCrl;
  delta?: ParsedCrl;
}

/** Base and delta verification plus their numbering rules (RFC 5280 §5.2.4). */
async function validateBundle(bundle: LoadedBundle, issuer: Certificate, now: Date): Promise<void> {
  await validateCrl(bundle.base, issuer, now, 'base');
  const { base, delta } = bundle;
  if (!delta) return;
  await validateCrl(delta, issuer, now, 'delta');
  if (base.number === undefined)
    throw new RevocationError(
      'ERR_REVOCATION_DELTA_CRL',
      'base CRL has no CRL number, so its delta CRL cannot be applied',
    );
  if (delta.number === undefined) throw new RevocationError('ERR_REVOCATION_DELTA_CRL', 'delta CRL has no CRL number');
  if (delta.number <= base.number) {
    throw new RevocationError(
      'ERR_REVOCATION_DELTA_CRL',
      `delta CRL number ${delta.number} is not greater than the base CRL number ${base.number}`,
    );
  }
  if (delta.deltaIndicator! > base.number) {
    throw new RevocationError(
      'ERR_REVOCATION_DELTA_CRL',
      `delta CRL indicator ${delta.deltaIndicator} is not less than or equal to the base CRL number ${base.number}`,
    );
  }
}

function isEffective(crl: ParsedCrl, now: Date): boolean {
  return crl.nextUpdate !== undefined && now.getTime() <= crl.nextUpdate.getTime();
}

async function download(url: string, what: string, options: CrlCheckOptions): Promise<ParsedCrl> {
  const der = await httpGetBytes(options.fetcher, {
    url,
    method: 'GET',
    timeoutMs: options.timeoutMs,
    maxBytes: CRL_MAX_BYTES,
    what,
  });
  return parseCrl(der, what);
}

/** Downloads the base CRL and, when its FreshestCRL names one, the delta CRL (URLs tried in order). */
async function downloadBundle(url: string, options: CrlCheckOptions): Promise<LoadedBundle> {
  const base = await download(url, 'CRL', options);
  if (base.freshestUrls.length === 0) return { base };
  let lastError: unknown;
  for (const deltaUrl of base.freshestUrls) {
    try {
      return { base, delta: await download(deltaUrl, 'delta CRL', options) };
    } catch (error) {
      lastError = error;
    }
  }
  throw new RevocationError(
    'ERR_REVOCATION_DELTA_CRL',
    `failed to fetch the delta CRL named by the base CRL from ${url}: ${errorMessage(lastError)}`,
    {
      cause: lastError,
    },
  );
}

/** A fresh, verified bundle from the cache when there is one, else from the network (then cached). */
async function loadBundle(url: string, issuer: Certificate, options: CrlCheckOptions): Promise<LoadedBundle> {
  const { cache, now } = options;
  if (cache) {
    let cached: CrlBundle | undefined;
    try {
      cached = await cache.get(url);
    } catch {
      cached = undefined; // a failing cache is a miss
    }
    if (cached) {
      try {
        const bundle: LoadedBundle = { base: parseCrl(cached.baseCrl) };
        if (cached.deltaCrl) bundle.delta = parseCrl(cached.deltaCrl, 'delta CRL');
        if (isEffective(bundle.base, now) && (!bundle.delta || isEffective(bundle.delta, now))) {
          await validateBundle(bundle, issuer, now);
          return bundle;
        }
      } catch {
        // Unparsable or no longer verifiable: refetch and overwrite.
      }
    }
  }
  const bundle = await downloadBundle(url, options);
  await validateBundle(bundle, issuer, now);
  if (cache) {
    const entry: CrlBundle = bundle.delta
      ? { baseCrl: bundle.base.der, deltaCrl: bundle.delta.der }
      : { baseCrl: bundle.base.der };
    await cache.set(url, entry).catch(() => undefined);
  }
  return bundle;
}

interface EntryDecision {
  status: 'ok' | 'revoked';
  entry?: CrlEntry;
  reasonCode?: number;
  note?: string;
}

/** Looks `cert` up in the base and delta entries. Throws for an entry with an unknown critical extension. */
function decide(cert: Certificate, bundle: LoadedBundle, signingTime: Date | undefined): EntryDecision {
  const serial = integerValue(pkijsCertificate(cert).serialNumber.valueBlock.valueHexView);
  const entries = [...bundle.base.entries, ...(bundle.delta?.entries ?? [])];
  let latestTemporary: { entry: CrlEntry; reasonCode: number } | undefined;
  let spared: string | undefined;
  for (const entry of entries) {
    if (entry.serial !== serial) continue;
    let reasonCode: number | undefined;
    let invalidityDate: Date | undefined;
    for (const ext of entry.extensions) {
      const value = ext.extnValue.valueBlock.valueHexView;
      if (ext.extnID === REV_OID.invalidityDate)
        invalidityDate = decodeGeneralizedTimeExtension(value, 'invalidityDate');
      else if (ext.critical) {
        // Includes certificateIssuer (indirect CRLs), as in notation (RFC 5280 §5.3).
        throw new RevocationError(
          'ERR_REVOCATION_CRITICAL_EXTENSION',
          `unsupported critical extension found in CRL entry: ${ext.extnID}`,
        );
      } else if (ext.extnID === REV_OID.crlReason) reasonCode = decodeEnumeratedExtension(value, 'CRLReason');
    }
    if (signingTime && invalidityDate && signingTime.getTime() < invalidityDate.getTime()) {
      // Not revoked at signing time (REV-4): this entry does not count.
      spared = `CRL lists the certificate, but its invalidity date ${iso(invalidityDate)} is after the signing time ${iso(signingTime)}`;
      continue;
    }
    if (reasonCode === REASON_CERTIFICATE_HOLD || reasonCode === REASON_REMOVE_FROM_CRL) {
      // The most recent hold/remove entry wins; on equal times the later-listed (delta) one does.
      if (!latestTemporary || entry.revocationTime.getTime() >= latestTemporary.entry.revocationTime.getTime()) {
        latestTemporary = { entry, reasonCode };
      }
      continue;
    }
    return { status: 'revoked', entry, ...(reasonCode === undefined ? {} : { reasonCode }) };
  }
  if (latestTemporary?.reasonCode === REASON_CERTIFICATE_HOLD) {
    return { status: 'revoked', entry: latestTemporary.entry, reasonCode: REASON_CERTIFICATE_HOLD };
  }
  if (latestTemporary) return { status: 'ok', note: 'certificate hold was removed from the CRL (removeFromCRL)' };
  return spared ? { status: 'ok', note: spared } : { status: 'ok' };
}

async function checkDistributionPoint(
  url: string,
  cert: Certificate,
  issuer: Certificate,
  options: CrlCheckOptions,
): Promise<ServerResult> {
  try {
    checkHttpUrl(url);
    const bundle = await loadBundle(url, issuer, options);
    if (cert.extension(REV_OID.freshestCrl) && !bundle.delta) {
      // notation-core-go: a delta named only by the certificate may have another scope; not supported.
      throw new RevocationError(
        'ERR_REVOCATION_DELTA_CRL',
        'the certificate has a FreshestCRL extension but the base CRL names no delta CRL',
      );
    }
    const decision = decide(cert, bundle, options.signingTime);
    if (decision.status === 'ok')
      return { url, status: 'ok', method: 'crl', ...(decision.note ? { reason: decision.note } : {}) };
    const reasonName =
      decision.reasonCode === undefined
        ? undefined
        : (CRL_REASON_NAMES[decision.reasonCode] ?? `reason ${decision.reasonCode}`);
    return {
      url,
      status: 'revoked',
      method: 'crl',
      reason: `certificate is revoked via CRL${reasonName ? ` (${reasonName})` : ''} at ${iso(decision.entry!.revocationTime)}`,
      revocationTime: decision.entry!.revocationTime,
      ...(decision.reasonCode === undefined ? {} : { crlReason: decision.reasonCode }),
    };
  } catch (error) {
    return unknownResult(url, 'crl', error);
  }
}

/**
 * Checks `cert` (issued by `issuer`) against every one of its CRL
 * distribution points, concurrently. `revoked` if any says so, else
 * `unknown` if any could not decide, else `ok`; `nonRevokable` without URLs.
 */
export async function checkCrl(
  cert: Certificate,
  issuer: Certificate,
  urls: readonly string[],
  options: CrlCheckOptions,
): Promise<CrlCheckResult> {
  if (urls.length === 0) {
    return {
      status: 'nonRevokable',
      serverResults: [
        { url: '', status: 'nonRevokable', method: 'crl', reason: 'certificate has no CRL distribution point' },
      ],
    };
  }
  const serverResults = await Promise.all(urls.map((url) => checkDistributionPoint(url, cert, issuer, options)));
  const status = serverResults.some((r) => r.status === 'revoked')
    ? 'revoked'
    : serverResults.some((r) => r.status !== 'ok')
      ? 'unknown'
      : 'ok';
  return { status, serverResults };
}
