/**
 * Revocation checking of a certificate chain (REV-1 … REV-6), after
 * notation-core-go's `revocation.ValidateContext`.
 */
import type { Certificate } from '../certificate.js';
import { validateCodeSigningChain, validateTimestampingChain } from '../certificate-rules.js';
import { crlUrls, ocspUrls } from './asn1.js';
import { CRL_DEFAULT_TIMEOUT_MS, checkCrl } from './crl.js';
import type { CrlCache } from './crl-cache.js';
import { defaultFetcher, type Fetcher } from './fetcher.js';
import { checkOcsp, OCSP_DEFAULT_TIMEOUT_MS } from './ocsp.js';
import { type CertificateRevocationResult, type RevocationPurpose, unknownResult } from './result.js';

export interface RevocationOptions {
  /** `codeSigning` for a signature's chain, `timestamping` for a TSA chain (REV-6). Selects the CERT rules the chain must pass first. */
  purpose: RevocationPurpose;
  /** Verification instant (default now): freshness of OCSP responses and CRLs is judged at this time. */
  now?: Date;
  /**
   * Authentic signing time (signingAuthority) or the timestamp time: a CRL
   * entry whose invalidityDate is after it does not revoke (REV-4), nor does
   * an OCSP `revoked` response with such an invalidityDate when
   * {@link signingAuthority} is set (REV-3). notation passes nothing here for
   * notary.x509 signatures and for TSA chains.
   */
  signingTime?: Date;
  /** True when the signature uses notary.x509.signingAuthority (REV-3 [impl]: the OCSP invalidityDate exception applies only then). */
  signingAuthority?: boolean;
  /** HTTP client; default `globalThis.fetch`. */
  fetcher?: Fetcher;
  /** CRL cache (REV-5); default none. */
  crlCache?: CrlCache;
  /** Per OCSP responder URL; default 2000 ms (§17). */
  ocspTimeoutMs?: number;
  /** Per CRL download (base or delta); default 5000 ms (§17). */
  crlTimeoutMs?: number;
}

const PURPOSES: ReadonlySet<string> = new Set<RevocationPurpose>(['codeSigning', 'timestamping']);

function timeout(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of milliseconds`);
  return value;
}

/**
 * Checks the revocation status of every certificate of `chain` (leaf first,
 * root last) except the root.
 *
 * 1. The chain is validated with the CERT rules of `options.purpose`
 *    (`validateCodeSigningChain` / `validateTimestampingChain`, no time
 *    check); an invalid chain throws that error (REV-2 [impl]). So does an
 *    empty chain, a bad purpose or a bad timeout (programmer errors).
 * 2. Each certificate but the last is checked against its issuer, the next
 *    certificate, all concurrently: OCSP first when it names responders; if
 *    OCSP cannot decide (`unknown`) and it has CRL distribution points, the
 *    CRL decides (method `ocspFallbackCrl`, server results of both); with
 *    only distribution points, CRL; with neither, `nonRevokable`.
 *
 * The result has one entry per certificate **except the root**, in chain
 * order (so a single self-signed certificate gives `[]`). The root is trusted
 * by other means and never checked, as in notation; note that notation-core-go
 * nevertheless appends a `NonRevokable` placeholder result for it, which this
 * API leaves out.
 *
 * Network failures, timeouts, oversized or invalid responses never throw:
 * they are `unknown` results whose server results carry a reason and error.
 * Combining results (revoked beats unknown; ok and nonRevokable pass) and
 * enforcing or logging them (REV-1) is the caller's decision.
 */
export async function checkRevocation(
  chain: readonly Certificate[],
  options: RevocationOptions,
): Promise<CertificateRevocationResult[]> {
  if (!options || !PURPOSES.has(options.purpose)) {
    throw new TypeError(
      `checkRevocation: unsupported purpose ${JSON.stringify(options?.purpose)}; use 'codeSigning' or 'timestamping'`,
    );
  }
  const ocspTimeoutMs = timeout(options.ocspTimeoutMs, OCSP_DEFAULT_TIMEOUT_MS, 'ocspTimeoutMs');
  const crlTimeoutMs = timeout(options.crlTimeoutMs, CRL_DEFAULT_TIMEOUT_MS, 'crlTimeoutMs');
  const now = options.now ?? new Date();
  if (Number.isNaN(now.getTime())) throw new RangeError('checkRevocation: `now` is an invalid Date');
  if (options.signingTime !== undefined && Number.isNaN(options.signingTime.getTime()))
    throw new RangeError('checkRevocation: `signingTime` is an invalid Date');
  const fetcher = options.fetcher ?? defaultFetcher;

  if (options.purpose === 'codeSigning') await validateCodeSigningChain(chain);
  else await validateTimestampingChain(chain);

  const ocspOptions = {
    fetcher,
    now,
    timeoutMs: ocspTimeoutMs,
    ...(options.signingTime ? { signingTime: options.signingTime } : {}),
    ...(options.signingAuthority ? { signingAuthority: true } : {}),
  };
  const crlOptions = {
    fetcher,
    now,
    timeoutMs: crlTimeoutMs,
    ...(options.signingTime ? { signingTime: options.signingTime } : {}),
    ...(options.crlCache ? { cache: options.crlCache } : {}),
  };

  return Promise.all(
    chain.slice(0, -1).map(async (certificate, i): Promise<CertificateRevocationResult> => {
      const issuer = chain[i + 1]!;
      let ocsp: string[];
      let crl: string[];
      try {
        ocsp = ocspUrls(certificate);
        crl = crlUrls(certificate);
      } catch (error) {
        // A malformed AIA or CDP extension: Go would not even parse the certificate. Undecidable.
        return {
          certificate,
          status: 'unknown',
          method: 'none',
          serverResults: [{ ...unknownResult('', 'ocsp', error), method: 'none' }],
        };
      }
      if (ocsp.length > 0) {
        const ocspResult = await checkOcsp(certificate, issuer, ocsp, ocspOptions);
        if (ocspResult.status === 'unknown' && crl.length > 0) {
          const crlResult = await checkCrl(certificate, issuer, crl, crlOptions);
          return {
            certificate,
            status: crlResult.status,
            method: 'ocspFallbackCrl',
            serverResults: [...ocspResult.serverResults, ...crlResult.serverResults],
          };
        }
        return { certificate, status: ocspResult.status, method: 'ocsp', serverResults: ocspResult.serverResults };
      }
      if (crl.length > 0) {
        const crlResult = await checkCrl(certificate, issuer, crl, crlOptions);
        return { certificate, status: crlResult.status, method: 'crl', serverResults: crlResult.serverResults };
      }
      return {
        certificate,
        status: 'nonRevokable',
        method: 'none',
        serverResults: [
          {
            url: '',
            status: 'nonRevokable',
            method: 'none',
            reason: 'certificate has neither an OCSP responder nor a CRL distribution point',
          },
        ],
      };
    }),
  );
}
