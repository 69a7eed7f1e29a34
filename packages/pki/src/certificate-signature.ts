import type { HashAlgorithm } from './algorithm.js';
import type { Certificate } from './certificate.js';
import {
  type AlgorithmIdentifier,
  algorithmIdentifier,
  children,
  type DerElement,
  DerError,
  ecdsaSignatureToRaw,
  oidValue,
  readOnly,
  sequence,
  smallIntegerValue,
  TAG,
} from './der.js';
import { CertificateRuleError } from './errors.js';
import { type VerificationScheme, verifyPublicKeySignature } from './signature-verification.js';

/** Signature algorithm OIDs we verify on certificates, CRLs and OCSP responses. */
const SCHEMES: Readonly<Record<string, VerificationScheme>> = {
  '1.2.840.113549.1.1.11': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  '1.2.840.10045.4.3.2': { name: 'ECDSA', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { name: 'ECDSA', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { name: 'ECDSA', hash: 'SHA-512' },
};

/** SHA-1 signatures, banned anywhere in a chain (CERT-9). */
export const SHA1_SIGNATURE_OIDS: ReadonlySet<string> = new Set([
  '1.2.840.113549.1.1.5', // sha1WithRSAEncryption
  '1.2.840.10045.4.1', // ecdsa-with-SHA1
  '1.3.14.3.2.29', // sha1WithRSASignature (OIW)
  '1.2.840.10040.4.3', // dsa-with-sha1
]);

const RSASSA_PSS = '1.2.840.113549.1.1.10';
const MGF1 = '1.2.840.113549.1.1.8';
const HASH_BY_OID: Readonly<Record<string, HashAlgorithm>> = {
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};
const HASH_LENGTH: Readonly<Record<HashAlgorithm, number>> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/** An X.509 AlgorithmIdentifier: OID and the DER of its parameters (undefined when absent). */
export type SignatureAlgorithmIdentifier = AlgorithmIdentifier;

const isNull = (parameters: Uint8Array | undefined): boolean =>
  parameters !== undefined && parameters.length === 2 && parameters[0] === 0x05 && parameters[1] === 0x00;

/** A hash AlgorithmIdentifier inside PSS parameters: parameters absent or NULL (as Go). */
function pssHash(der: Uint8Array, element: DerElement | undefined): string {
  const [inner, ...rest] = children(der, element!);
  if (rest.length > 0) throw new DerError('malformed RSASSA-PSS parameters');
  const ai = algorithmIdentifier(der, inner, 'RSASSA-PSS parameters');
  if (ai.parameters !== undefined && !isNull(ai.parameters))
    throw new DerError('RSASSA-PSS hash parameters must be absent or NULL');
  return ai.oid;
}

/**
 * Reads RSASSA-PSS-params (RFC 4055 §3.1) as Go's getSignatureAlgorithmFromAI
 * does: the hash is SHA-256/384/512 with absent or NULL parameters, the mask
 * is MGF1 with the same hash, the salt is as long as the hash, the trailer is
 * 1. Anything else is an unknown algorithm (SHA-1 defaults included).
 */
function pssScheme(parameters: Uint8Array | undefined): VerificationScheme | undefined {
  if (parameters === undefined) return undefined;
  try {
    const fields = sequence(
      parameters,
      readOnly(parameters, TAG.SEQUENCE, 'RSASSA-PSS parameters'),
      'RSASSA-PSS parameters',
    );
    let i = 0;
    const hashOid = fields[i]?.tag === 0xa0 ? pssHash(parameters, fields[i++]) : undefined;
    let mgfHashOid: string | undefined;
    if (fields[i]?.tag === 0xa1) {
      const [mgf, ...rest] = children(parameters, fields[i++]!);
      const [mgfOid, mgfParameters, ...more] = sequence(parameters, mgf, 'RSASSA-PSS mask generation');
      if (rest.length > 0 || more.length > 0 || oidValue(parameters, mgfOid) !== MGF1) return undefined;
      const inner = algorithmIdentifier(parameters, mgfParameters, 'RSASSA-PSS mask generation hash');
      if (inner.parameters !== undefined && !isNull(inner.parameters)) return undefined;
      mgfHashOid = inner.oid;
    }
    let saltLength = 20;
    if (fields[i]?.tag === 0xa2) {
      const [salt, ...rest] = children(parameters, fields[i++]!);
      if (rest.length > 0) return undefined;
      saltLength = smallIntegerValue(parameters, salt, 'RSASSA-PSS salt length');
    }
    if (fields[i]?.tag === 0xa3) {
      const [trailer, ...rest] = children(parameters, fields[i++]!);
      if (rest.length > 0 || smallIntegerValue(parameters, trailer, 'RSASSA-PSS trailer field') !== 1) return undefined;
    }
    if (i < fields.length) return undefined;
    const hash = hashOid === undefined ? undefined : HASH_BY_OID[hashOid];
    if (!hash || mgfHashOid !== hashOid || saltLength !== HASH_LENGTH[hash]) return undefined;
    return { name: 'RSA-PSS', hash, saltLength };
  } catch (error) {
    if (error instanceof DerError) return undefined;
    throw error;
  }
}

/**
 * Whether the parameters suit the algorithm. PKCS#1 v1.5: NULL or absent
 * (RFC 4055 §5 "MUST accept the parameters being absent as well as
 * present"). ECDSA: absent (RFC 5758 §3.2). [impl:alg-params] Go's x509
 * ignores these parameters (it only compares inner and outer bytes); we
 * refuse what the RFCs forbid.
 */
function parametersFit(scheme: VerificationScheme, parameters: Uint8Array | undefined): boolean {
  if (scheme.name === 'ECDSA') return parameters === undefined;
  if (scheme.name === 'RSASSA-PKCS1-v1_5') return parameters === undefined || isNull(parameters);
  return true;
}

/**
 * The verification scheme for a signature algorithm identifier (certificate,
 * CRL, OCSP, timestamp token). Throws {@link CertificateRuleError}
 * `ERR_CERT_WEAK_SIGNATURE` for SHA-1 (CERT-9) and `ERR_CERT_CHAIN` for
 * anything unsupported, including parameters that do not fit the algorithm.
 */
export function schemeForSignatureAlgorithm(
  oid: string,
  parameters: Uint8Array | undefined,
  subject: string,
): VerificationScheme {
  if (SHA1_SIGNATURE_OIDS.has(oid)) {
    throw new CertificateRuleError(
      'ERR_CERT_WEAK_SIGNATURE',
      `certificate with subject "${subject}" is signed with SHA-1 (${oid}), which is not allowed`,
      { subject },
    );
  }
  const scheme = oid === RSASSA_PSS ? pssScheme(parameters) : SCHEMES[oid];
  if (!scheme) {
    throw new CertificateRuleError(
      'ERR_CERT_CHAIN',
      `certificate with subject "${subject}" uses an unsupported signature algorithm ${oid}`,
      { subject },
    );
  }
  if (!parametersFit(scheme, parameters)) {
    throw new CertificateRuleError(
      'ERR_CERT_CHAIN',
      `certificate with subject "${subject}" has invalid parameters for signature algorithm ${oid} [impl:alg-params]`,
      { subject },
    );
  }
  return scheme;
}

/**
 * Converts a DER ECDSA-Sig-Value to raw r‖s of the given half size, or
 * undefined unless it is the strict DER Go's ecdsa.VerifyASN1 accepts.
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | undefined {
  return ecdsaSignatureToRaw(der, size);
}

const CURVE_HALF: Readonly<Record<string, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

/**
 * Verifies a signature produced by `signer`'s key over `data`, where
 * `algorithm` is an X.509 AlgorithmIdentifier and ECDSA values are DER.
 * The one signature check for certificates, CRLs, OCSP responses and
 * timestamp tokens (issue 12 finding 3): parameters must fit the algorithm
 * and an ECDSA value must be strict DER, so no re-encoding verifies.
 */
export async function verifyX509Signature(
  signer: Certificate,
  algorithm: SignatureAlgorithmIdentifier,
  signature: Uint8Array,
  data: Uint8Array,
  subjectForErrors: string,
): Promise<boolean> {
  const scheme = schemeForSignatureAlgorithm(algorithm.oid, algorithm.parameters, subjectForErrors);
  const key = signer.publicKey;
  if (scheme.name === 'ECDSA') {
    if (key.kind !== 'EC') return false;
    const raw = ecdsaDerToRaw(signature, CURVE_HALF[key.curve]!);
    return raw !== undefined && verifyPublicKeySignature(key, scheme, raw, data);
  }
  if (key.kind !== 'RSA') return false;
  return verifyPublicKeySignature(key, scheme, signature, data);
}

/**
 * Signature checks already made, per (child, parent) certificate objects.
 * The answer depends on the two certificates' bytes only, and parsed
 * certificates are shared (Certificate.fromDer caches them), so a chain seen
 * before costs no WebCrypto call: a root's self-signature, for instance, is
 * checked once, not on every verification.
 */
const signatureChecks = new WeakMap<Certificate, WeakMap<Certificate, Promise<boolean>>>();

/** Whether `child` carries a valid signature by `parent`'s key (issuer linkage is checked separately). */
export function isSignedBy(child: Certificate, parent: Certificate): Promise<boolean> {
  let byParent = signatureChecks.get(child);
  if (!byParent) {
    byParent = new WeakMap();
    signatureChecks.set(child, byParent);
  }
  let check = byParent.get(parent);
  if (!check) {
    check = verifyX509Signature(
      parent,
      { oid: child.signatureAlgorithm, parameters: child.signatureAlgorithmParameters },
      child.signatureValue,
      child.tbs,
      child.subject,
    );
    byParent.set(parent, check);
  }
  return check;
}
