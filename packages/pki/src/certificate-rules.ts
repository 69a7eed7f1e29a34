/**
 * The Notary certificate requirements (CERT-1 … CERT-12) for code-signing and
 * timestamping chains.
 *
 * The semantics follow notation-core-go's `x509` package (code-signing and
 * timestamp chain validation), because interoperability is tested against
 * notation: the same chain must pass or fail here as it does there, and the
 * messages use the same wording so that users see familiar errors. Where this
 * SDK is deliberately stricter than notation, the code says so and cites the
 * requirement.
 *
 * These checks are about the *shape* of the chain the signer supplied. They
 * do not decide trust (that is the trust store's job, VER-4) and they do not
 * look at the clock unless a signing time is passed: at verification time the
 * full CERT rules run "with no time check" (VER-2), and expiry is judged
 * separately with {@link checkValidityAt} / {@link checkValidityOverRange}.
 */
import { bytesEqual } from './bytes.js';
import type { Certificate } from './certificate.js';
import { OID } from './certificate.js';
import { isSignedBy, schemeForSignatureAlgorithm } from './certificate-signature.js';
import { type CertificateRuleCode, CertificateRuleError, NotaryError, UnsupportedKeyError } from './errors.js';
import { goQuote } from './go-quote.js';
import { keySpecOf } from './public-key.js';
import { formatGoTime, formatRfc1123z } from './time-format.js';

/* ------------------------------------------------------------------------ */
/* Message formatting                                                        */
/* ------------------------------------------------------------------------ */

function ruleError(
  code: CertificateRuleCode,
  cert: Pick<Certificate, 'subject'>,
  message: string,
  cause?: unknown,
): CertificateRuleError {
  return new CertificateRuleError(
    code,
    message,
    cause === undefined ? { subject: cert.subject } : { subject: cert.subject, cause },
  );
}

/* ------------------------------------------------------------------------ */
/* Signature linkage (CERT-7, CERT-8, CERT-9)                                */
/* ------------------------------------------------------------------------ */

/** Go's x509.ConstraintViolationError text. */
const CONSTRAINT_VIOLATION = 'x509: invalid signature: parent certificate cannot sign this kind of certificate';

/**
 * Why `child`'s signature does not verify with `parent`'s key, worded as Go's
 * crypto/x509 words it, or `undefined` when it verifies.
 *
 * With `asIssuer`, this is Go's `CheckSignatureFrom`: the parent must also be
 * allowed to sign certificates (RFC 5280 §4.2.1.9, §4.2.1.3): a v3 parent
 * needs basicConstraints with cA=true, and a parent with keyUsage bits needs
 * keyCertSign. Without it, this is Go's `CheckSignature`, a bare signature
 * check, which notation uses for a chain of one certificate.
 *
 * SHA-1 signatures are not a "does not verify" case: they throw
 * `ERR_CERT_WEAK_SIGNATURE` (CERT-9), so a weak chain is reported as weak and
 * never disguised as a broken link.
 *
 * @internal Shared with the path builder; not part of the package API.
 */
export async function signatureFailure(
  child: Certificate,
  parent: Certificate,
  asIssuer: boolean,
): Promise<string | undefined> {
  if (asIssuer) {
    const bc = parent.basicConstraints;
    // pkijs numbers versions from 0, so 2 is v3 (Go's Version == 3).
    if ((parent.version === 2 && bc === undefined) || (bc !== undefined && !bc.ca)) return CONSTRAINT_VIOLATION;
    // Go tests its KeyUsage bit mask against zero, so an empty keyUsage counts as absent.
    const ku = parent.keyUsage;
    if (ku !== undefined && ku.usages.size > 0 && !ku.usages.has('keyCertSign')) return CONSTRAINT_VIOLATION;
  }
  // Throws ERR_CERT_WEAK_SIGNATURE for SHA-1 (CERT-9), ERR_CERT_CHAIN for unknown algorithms.
  const scheme = schemeForSignatureAlgorithm(
    child.signatureAlgorithm,
    child.signatureAlgorithmParameters,
    child.subject,
  );
  const key = parent.publicKey;
  if (key.kind === 'unsupported') return 'x509: cannot verify signature: algorithm unimplemented';
  const wantsEc = scheme.name === 'ECDSA';
  if (wantsEc !== (key.kind === 'EC')) {
    return `x509: signature algorithm specifies an ${wantsEc ? 'ECDSA' : 'RSA'} public key, but have public key of type ${
      key.kind === 'EC' ? '*ecdsa.PublicKey' : '*rsa.PublicKey'
    }`;
  }
  try {
    if (await isSignedBy(child, parent)) return undefined;
  } catch (error) {
    if (error instanceof NotaryError) throw error;
    // A key WebCrypto refuses to import cannot have made a valid signature.
    return `x509: ${error instanceof Error ? error.message : String(error)}`;
  }
  return wantsEc ? 'x509: ECDSA verification failure' : 'crypto/rsa: verification error';
}

/** Go's `isIssuedBy`: the signature verifies under issuer constraints and raw issuer == parent raw subject. */
async function issuedBy(child: Certificate, parent: Certificate): Promise<{ failure: string } | { issued: boolean }> {
  const failure = await signatureFailure(child, parent, true);
  if (failure !== undefined) return { failure };
  return { issued: bytesEqual(parent.rawSubject, child.rawIssuer) };
}

/**
 * Whether `cert` is a root: self-signed under issuer constraints (it may sign
 * certificates and its signature verifies with its own key) and self-issued
 * (raw subject == raw issuer). TS-5 requires this of every `tsa` trust-store
 * certificate and of a `--timestamp-root-cert` file.
 *
 * Returns `false` for a correctly self-signed certificate whose issuer differs
 * from its subject. Throws {@link CertificateRuleError} `ERR_CERT_CHAIN` when
 * the self-signature does not verify (the `cause` carries Go's wording, e.g.
 * `crypto/rsa: verification error`), and `ERR_CERT_WEAK_SIGNATURE` for SHA-1.
 */
export async function isRootCertificate(cert: Certificate): Promise<boolean> {
  const failure = await signatureFailure(cert, cert, true);
  if (failure !== undefined) {
    throw ruleError(
      'ERR_CERT_CHAIN',
      cert,
      `certificate with subject ${goQuote(cert.subject)} is not a root certificate: ${failure}`,
      new Error(failure),
    );
  }
  return cert.isSelfIssued;
}

/* ------------------------------------------------------------------------ */
/* Per-certificate rules                                                     */
/* ------------------------------------------------------------------------ */

/** Go's names for the key usages a leaf must not have (CERT-3), in Go's order. */
const FORBIDDEN_LEAF_KEY_USAGES = [
  ['keyEncipherment', 'KeyEncipherment'],
  ['dataEncipherment', 'DataEncipherment'],
  ['keyAgreement', 'KeyAgreement'],
  ['keyCertSign', 'CertSign'],
  ['cRLSign', 'CRLSign'],
  ['encipherOnly', 'EncipherOnly'],
  ['decipherOnly', 'DecipherOnly'],
] as const;

/**
 * Purposes a code-signing leaf must not carry (CERT-4), with Go's names for
 * them. notation rejects the first five; it does not reject
 * anyExtendedKeyUsage (the `[impl]` note on CERT-4). CERT-4 says it MUST NOT
 * be present, and a certificate good for "any" purpose is not a dedicated
 * code-signing certificate, so this SDK follows the spec and rejects it too.
 */
const FORBIDDEN_CODE_SIGNING_EKUS: readonly (readonly [string, string])[] = [
  [OID.serverAuth, 'ServerAuth'],
  [OID.clientAuth, 'ClientAuth'],
  [OID.emailProtection, 'EmailProtection'],
  [OID.timeStamping, 'Timestamping'],
  [OID.ocspSigning, 'OCSPSigning'],
  [OID.anyExtendedKeyUsage, 'Any'],
];

type Usage = 'codeSigning' | 'timestamping';

/** CERT-1: a CA must have basicConstraints with cA=true, and honour pathLenConstraint. */
function checkCaBasicConstraints(cert: Certificate, expectedPathLen: number): void {
  const bc = cert.basicConstraints;
  // Criticality is not checked, as in notation (CERT-1 [impl]); the message keeps notation's wording.
  if (bc === undefined || !bc.ca) {
    throw ruleError(
      'ERR_CERT_BASIC_CONSTRAINTS',
      cert,
      `certificate with subject ${goQuote(cert.subject)}: ca field in basic constraints must be present, critical, and set to true`,
    );
  }
  // expectedPathLen is the number of CA certificates below this one (index − 1).
  if (bc.pathLen !== undefined && bc.pathLen < expectedPathLen) {
    throw ruleError(
      'ERR_CERT_PATH_LEN',
      cert,
      `certificate with subject ${goQuote(cert.subject)}: expected path length of ${expectedPathLen} but certificate has path length ${bc.pathLen} instead`,
    );
  }
}

/** CERT-1, CERT-3: keyUsage must be present; critical for code signing only (TSA criticality is a SHOULD, unchecked as in notation). */
function checkKeyUsagePresent(cert: Certificate, usage: Usage): NonNullable<Certificate['keyUsage']> {
  const ku = cert.keyUsage;
  if (ku === undefined) {
    throw ruleError(
      'ERR_CERT_KEY_USAGE',
      cert,
      `certificate with subject ${goQuote(cert.subject)}: key usage extension must be present`,
    );
  }
  if (usage === 'codeSigning' && !ku.critical) {
    throw ruleError(
      'ERR_CERT_KEY_USAGE',
      cert,
      `certificate with subject ${goQuote(cert.subject)}: key usage extension must be marked critical`,
    );
  }
  return ku;
}

function checkCaCertificate(cert: Certificate, expectedPathLen: number, usage: Usage): void {
  checkCaBasicConstraints(cert, expectedPathLen);
  const ku = checkKeyUsagePresent(cert, usage);
  if (!ku.usages.has('keyCertSign')) {
    throw ruleError(
      'ERR_CERT_KEY_USAGE',
      cert,
      `certificate with subject ${goQuote(cert.subject)}: key usage must have the bit positions for key cert sign set`,
    );
  }
}

function checkLeafCertificate(cert: Certificate, usage: Usage): void {
  // CERT-2: basicConstraints is optional for a leaf, but must not make it a CA.
  if (cert.basicConstraints?.ca === true) {
    throw ruleError(
      'ERR_CERT_BASIC_CONSTRAINTS',
      cert,
      `certificate with subject ${goQuote(cert.subject)}: if the basic constraints extension is present, the ca field must be set to false`,
    );
  }
  // CERT-3: digitalSignature and nothing that would let the key encrypt or act as a CA.
  const ku = checkKeyUsagePresent(cert, usage);
  if (!ku.usages.has('digitalSignature')) {
    throw ruleError(
      'ERR_CERT_KEY_USAGE',
      cert,
      `the certificate with subject ${goQuote(cert.subject)} is invalid. The key usage must have the bit positions for "Digital Signature" set`,
    );
  }
  const forbidden = FORBIDDEN_LEAF_KEY_USAGES.filter(([name]) => ku.usages.has(name)).map(
    ([, goName]) => `"${goName}"`,
  );
  if (forbidden.length > 0) {
    throw ruleError(
      'ERR_CERT_KEY_USAGE',
      cert,
      `the certificate with subject ${goQuote(cert.subject)} is invalid. The key usage must be "Digital Signature" only, but found ${forbidden.join(', ')}`,
    );
  }
  if (usage === 'codeSigning') checkCodeSigningEku(cert);
  else checkTimestampingEku(cert);
  // CERT-6, AMB-12: the leaf key must be exactly one of the six key specs (TSA leaves included).
  try {
    keySpecOf(cert.publicKey);
  } catch (error) {
    if (!(error instanceof UnsupportedKeyError)) throw error;
    throw new UnsupportedKeyError(`certificate with subject ${goQuote(cert.subject)}: ${error.message}`, {
      cause: error,
    });
  }
}

/** CERT-4: EKU is optional; when present it must not name another purpose. */
function checkCodeSigningEku(cert: Certificate): void {
  const purposes = cert.extendedKeyUsage?.purposes ?? [];
  // Same precedence as notation: the first offending purpose in certificate order.
  for (const purpose of purposes) {
    const forbidden = FORBIDDEN_CODE_SIGNING_EKUS.find(([oid]) => oid === purpose);
    if (forbidden) {
      throw ruleError(
        'ERR_CERT_EKU',
        cert,
        `certificate with subject ${goQuote(cert.subject)}: extended key usage must not contain ${forbidden[1]} eku`,
      );
    }
  }
}

/** CERT-5 (RFC 3161 §2.3): EKU present, critical, and exactly id-kp-timeStamping. */
function checkTimestampingEku(cert: Certificate): void {
  const eku = cert.extendedKeyUsage;
  if (eku === undefined || eku.purposes.length !== 1 || eku.purposes[0] !== OID.timeStamping) {
    throw ruleError(
      'ERR_CERT_EKU',
      cert,
      `timestamp signing certificate with subject ${goQuote(cert.subject)} must have and only have Timestamping as extended key usage`,
    );
  }
  if (!eku.critical) {
    throw ruleError(
      'ERR_CERT_EKU',
      cert,
      `timestamp signing certificate with subject ${goQuote(cert.subject)} must have extended key usage extension marked as critical`,
    );
  }
}

/** CERT-11: notBefore ≤ signingTime ≤ notAfter, in notation's wording. */
function checkSigningTime(cert: Certificate, signingTime: Date | undefined): void {
  if (signingTime === undefined || cert.isValidAt(signingTime)) return;
  throw ruleError(
    'ERR_CERT_VALIDITY',
    cert,
    `certificate with subject ${goQuote(cert.subject)} was invalid at signing time of ${formatGoTime(signingTime)}. ` +
      `Certificate is valid from [${formatGoTime(cert.notBefore)}] to [${formatGoTime(cert.notAfter)}]`,
  );
}

/** Re-throws a leaf-rule failure of a one-certificate chain with notation's prefix, keeping the code. */
function wrapSelfSigned(error: unknown): never {
  const prefix = 'invalid self-signed certificate. Error: ';
  if (error instanceof CertificateRuleError) {
    throw new CertificateRuleError(error.code, prefix + error.message, {
      cause: error,
      ...(error.subject === undefined ? {} : { subject: error.subject }),
    });
  }
  if (error instanceof UnsupportedKeyError) throw new UnsupportedKeyError(prefix + error.message, { cause: error });
  throw error;
}

/* ------------------------------------------------------------------------ */
/* Chains                                                                    */
/* ------------------------------------------------------------------------ */

async function validateChain(
  chain: readonly Certificate[],
  usage: Usage,
  signingTime: Date | undefined,
): Promise<void> {
  if (chain.length === 0) {
    throw new CertificateRuleError('ERR_CERT_CHAIN', 'certificate chain must contain at least one certificate');
  }

  // CERT-7: a chain of one is a self-signed leaf. notation checks it with a bare
  // signature check (no CA constraint, since a leaf is not a CA) plus raw subject == issuer,
  // then applies the leaf rules and skips the CA rules.
  if (chain.length === 1) {
    const cert = chain[0]!;
    // Go's CheckSignature would accept a SHA-1 self-signature here; CERT-9 bans SHA-1
    // anywhere in the chain, so ours throws ERR_CERT_WEAK_SIGNATURE instead.
    const failure = await signatureFailure(cert, cert, false);
    if (failure !== undefined) {
      throw ruleError(
        'ERR_CERT_CHAIN',
        cert,
        `invalid self-signed certificate. subject: ${goQuote(cert.subject)}. Error: ${failure}`,
        new Error(failure),
      );
    }
    if (!cert.isSelfIssued) {
      // notation's two validators differ by one space here; keep each one's wording.
      const [open, close] = usage === 'codeSigning' ? ['issuer(', 'subject('] : ['issuer (', 'subject ('];
      throw ruleError(
        'ERR_CERT_CHAIN',
        cert,
        `invalid self-signed certificate. subject: ${goQuote(cert.subject)}. Error: ${open}${cert.issuer}) and ${close}${cert.subject}) are not the same`,
      );
    }
    checkSigningTime(cert, signingTime);
    try {
      checkLeafCertificate(cert, usage);
    } catch (error) {
      wrapSelfSigned(error);
    }
    return;
  }

  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i]!;
    checkSigningTime(cert, signingTime);
    if (i === chain.length - 1) {
      // CERT-7: the chain must end in a self-signed, self-issued root.
      const self = await issuedBy(cert, cert);
      if ('failure' in self) {
        throw ruleError(
          'ERR_CERT_CHAIN',
          cert,
          `root certificate with subject ${goQuote(cert.subject)} is invalid or not self-signed. ` +
            `Certificate chain must end with a valid self-signed root certificate. Error: ${self.failure}`,
          new Error(self.failure),
        );
      }
      if (!self.issued) {
        throw ruleError(
          'ERR_CERT_CHAIN',
          cert,
          `root certificate with subject ${goQuote(cert.subject)} is not self-signed. Certificate chain must end with a valid self-signed root certificate`,
        );
      }
    } else {
      // CERT-8: no second root (or self-signed leaf) before the end of the chain. A
      // failure of this self-check is the expected outcome for a non-root, so only
      // a successful self-signature is an error.
      // Only a self-issued certificate can be self-signed in Go's sense, so the
      // signature check is skipped for the others (it would always fail).
      const self = cert.isSelfIssued ? await issuedBy(cert, cert) : { issued: false };
      if ('issued' in self && self.issued) {
        throw ruleError(
          'ERR_CERT_CHAIN',
          cert,
          i === 0
            ? `leaf certificate with subject ${goQuote(cert.subject)} is self-signed. Certificate chain must not contain self-signed leaf certificate`
            : `intermediate certificate with subject ${goQuote(cert.subject)} is self-signed. Certificate chain must not contain self-signed intermediate certificate`,
        );
      }
      // CERT-7, CERT-8: strictly ordered, each certificate issued by the next one.
      const parent = chain[i + 1]!;
      const link = await issuedBy(cert, parent);
      if ('failure' in link) {
        throw ruleError(
          'ERR_CERT_CHAIN',
          cert,
          `invalid certificates or certificate with subject ${goQuote(cert.subject)} is not issued by ${goQuote(parent.subject)}. Error: ${link.failure}`,
          new Error(link.failure),
        );
      }
      if (!link.issued) {
        throw ruleError(
          'ERR_CERT_CHAIN',
          cert,
          `certificate with subject ${goQuote(cert.subject)} is not issued by ${goQuote(parent.subject)}`,
        );
      }
    }
    if (i === 0) checkLeafCertificate(cert, usage);
    else checkCaCertificate(cert, i - 1, usage);
  }
}

/**
 * Validates an ordered code-signing chain (leaf first, root last) against
 * CERT-1 … CERT-11, as notation's `ValidateCodeSigningCertChain` does.
 *
 * With `signingTime`, every certificate must be valid at that instant
 * (CERT-11, inclusive bounds). Without it there is no time check at all: at
 * verification time VER-2 runs these rules "with no time check", and expiry
 * is a separate step ({@link checkValidityAt}, CERT-12).
 *
 * Throws {@link CertificateRuleError} (codes `ERR_CERT_*`) or
 * {@link UnsupportedKeyError} (`ERR_CERT_UNSUPPORTED_KEY`) for the first
 * failure found, walking from the leaf to the root.
 */
export async function validateCodeSigningChain(
  chain: readonly Certificate[],
  options?: { signingTime?: Date },
): Promise<void> {
  await validateChain(chain, 'codeSigning', options?.signingTime);
}

/**
 * Validates an ordered timestamping chain (TSA leaf first, root last), as
 * notation's `ValidateTimestampingCertChain` does: the CA and leaf rules of
 * CERT-1 … CERT-3 with TSA criticality relaxed, the TSA EKU rule (CERT-5) and
 * exact key specs (CERT-6). No time check: the TSA chain's validity is judged
 * at genTime when the path is built (TSA-3).
 */
export async function validateTimestampingChain(chain: readonly Certificate[]): Promise<void> {
  await validateChain(chain, 'timestamping', undefined);
}

/* ------------------------------------------------------------------------ */
/* Validity periods                                                          */
/* ------------------------------------------------------------------------ */

/** What the validity checks read of a certificate. */
export type ValidityWindow = Pick<Certificate, 'notBefore' | 'notAfter' | 'subject'>;

/**
 * Every certificate must be valid at `instant`, bounds included
 * (CERT-11 at signing time, CERT-12 at verification time without an authentic
 * timestamp). Validity periods do not have to nest. Throws
 * `ERR_CERT_VALIDITY` naming the first certificate that is not yet valid or
 * has expired, in notation's wording.
 */
export function checkValidityAt(chain: readonly ValidityWindow[], instant: Date): void {
  for (const cert of chain) {
    if (instant.getTime() < cert.notBefore.getTime()) {
      throw ruleError(
        'ERR_CERT_VALIDITY',
        cert,
        `verification time is before certificate ${goQuote(cert.subject)} validity period, it will be valid from ${goQuote(formatRfc1123z(cert.notBefore))}`,
      );
    }
    if (instant.getTime() > cert.notAfter.getTime()) {
      throw ruleError(
        'ERR_CERT_VALIDITY',
        cert,
        `verification time is after certificate ${goQuote(cert.subject)} validity period, it was expired at ${goQuote(formatRfc1123z(cert.notAfter))}`,
      );
    }
  }
}

/**
 * TSA-4: the whole timestamp range [from, to] (genTime ± accuracy) must lie
 * inside every certificate's [notBefore, notAfter], bounds included. A range
 * that only overlaps a validity period is not enough, because the signature
 * may have been made at any instant of the range.
 */
export function checkValidityOverRange(chain: readonly ValidityWindow[], from: Date, to: Date): void {
  if (from.getTime() > to.getTime()) throw new RangeError('checkValidityOverRange: `from` is after `to`');
  for (const cert of chain) {
    if (from.getTime() < cert.notBefore.getTime()) {
      throw ruleError(
        'ERR_CERT_VALIDITY',
        cert,
        `timestamp can be before certificate ${goQuote(cert.subject)} validity period, it will be valid from ${goQuote(formatRfc1123z(cert.notBefore))}`,
      );
    }
    if (to.getTime() > cert.notAfter.getTime()) {
      throw ruleError(
        'ERR_CERT_VALIDITY',
        cert,
        `timestamp can be after certificate ${goQuote(cert.subject)} validity period, it was expired at ${goQuote(formatRfc1123z(cert.notAfter))}`,
      );
    }
  }
}
