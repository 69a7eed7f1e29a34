/**
 * A small certification-path builder for RFC 3161 timestamp verification.
 *
 * The signing chain of an envelope is judged by byte equality with trust-store
 * certificates (AMB-11), but notation builds the TSA chain as Go's
 * `x509.Verify` does: the token's certificates are untrusted intermediates,
 * the `tsa` store's certificates are roots, and the clock is the token's
 * genTime (TSA-3). This module does the same job for us.
 *
 * We do not use pkijs' CertificateChainValidationEngine: it validates the last
 * certificate of its input rather than a designated leaf, which makes it easy
 * to "verify" the wrong certificate.
 */
import { bytesEqual } from './bytes.js';
import type { Certificate } from './certificate.js';
import { signatureFailure } from './certificate-rules.js';
import { CertificateRuleError } from './errors.js';
import { goQuote } from './go-quote.js';

/** Longest path we try, leaf and root included; real TSA paths have 2–4 certificates. */
const MAX_PATH_LENGTH = 10;

export interface CertificatePathOptions {
  /** The certificate to build a path for (e.g. the TSA signing certificate). */
  leaf: Certificate;
  /** Untrusted certificates that may appear in the path (e.g. the token's certificates). */
  intermediates: readonly Certificate[];
  /** Trust anchors; a path must end at a certificate byte-equal to one of them. */
  roots: readonly Certificate[];
  /** Every certificate of the path must be valid at this instant (inclusive bounds). */
  at: Date;
}

function dedupe(certificates: readonly Certificate[]): Certificate[] {
  const out: Certificate[] = [];
  for (const c of certificates) if (!out.some((o) => bytesEqual(o.der, c.der))) out.push(c);
  return out;
}

/**
 * Builds a path leaf → … → root (the returned array is in that order).
 *
 * A candidate issuer of a certificate must:
 * - have a raw subject equal to the certificate's raw issuer;
 * - verify the certificate's signature with its key, under the issuer
 *   constraints of Go's `CheckSignatureFrom` (a v3 issuer needs cA=true, an
 *   issuer with keyUsage needs keyCertSign);
 * - if it is not itself a root, have basicConstraints with cA=true (as
 *   `x509.Verify` requires of intermediates);
 * - honour its pathLenConstraint against the intermediates below it;
 * - be valid at `at` and not already be on the path (no loops).
 *
 * Roots are tried before intermediates, so the shortest path is found first;
 * other candidates are explored by backtracking. A leaf that is itself
 * byte-equal to a root is a path of one.
 *
 * Throws {@link CertificateRuleError} `ERR_CERT_CHAIN` when there is no path,
 * with the reasons candidates were refused, and `ERR_CERT_WEAK_SIGNATURE` when
 * a certificate on the way is signed with SHA-1 (CERT-9).
 */
export async function buildCertificatePath(options: CertificatePathOptions): Promise<Certificate[]> {
  const { leaf, roots, at } = options;
  const isRoot = (c: Certificate): boolean => roots.some((r) => bytesEqual(r.der, c.der));
  const describe = (c: Certificate): string => `certificate with subject ${goQuote(c.subject)}`;
  const validity = (c: Certificate): string =>
    `${describe(c)} is not valid at ${at.toISOString()} (valid from ${c.notBefore.toISOString()} to ${c.notAfter.toISOString()})`;

  if (!leaf.isValidAt(at)) {
    throw new CertificateRuleError('ERR_CERT_CHAIN', `no path to a trusted root: ${validity(leaf)}`, {
      subject: leaf.subject,
    });
  }
  if (isRoot(leaf)) return [leaf];

  const pool = dedupe([...roots, ...options.intermediates]);
  const refusals = new Set<string>();

  const extend = async (path: Certificate[]): Promise<Certificate[] | undefined> => {
    const child = path[path.length - 1]!;
    if (path.length >= MAX_PATH_LENGTH) {
      refusals.add(`path longer than ${MAX_PATH_LENGTH} certificates`);
      return undefined;
    }
    for (const candidate of pool) {
      if (!bytesEqual(candidate.rawSubject, child.rawIssuer)) continue;
      if (path.some((p) => bytesEqual(p.der, candidate.der))) continue;
      const root = isRoot(candidate);
      if (!candidate.isValidAt(at)) {
        refusals.add(validity(candidate));
        continue;
      }
      if (!root && candidate.basicConstraints?.ca !== true) {
        refusals.add(`${describe(candidate)} is not a CA certificate`);
        continue;
      }
      // Intermediates below the candidate: the path minus its leaf.
      const below = path.length - 1;
      const pathLen = candidate.basicConstraints?.pathLen;
      if (pathLen !== undefined && below > pathLen) {
        refusals.add(`${describe(candidate)} allows ${pathLen} intermediate certificate(s) below it, found ${below}`);
        continue;
      }
      const failure = await signatureFailure(child, candidate, true);
      if (failure !== undefined) {
        refusals.add(`${describe(child)} is not signed by ${describe(candidate)}: ${failure}`);
        continue;
      }
      if (root) return [...path, candidate];
      const found = await extend([...path, candidate]);
      if (found) return found;
    }
    return undefined;
  };

  const path = await extend([leaf]);
  if (path) return path;
  const detail =
    refusals.size > 0
      ? [...refusals].join('; ')
      : `no certificate found for issuer ${goQuote(leaf.issuer)} of ${describe(leaf)}`;
  throw new CertificateRuleError('ERR_CERT_CHAIN', `no path to a trusted root: ${detail}`, { subject: leaf.subject });
}
