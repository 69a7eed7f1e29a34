import * as asn1js from 'asn1js';
import type { HashAlgorithm } from './algorithm.js';
import type { Certificate } from './certificate.js';
import { CertificateRuleError } from './errors.js';
import { verifySignature, type VerificationScheme } from './signature-verification.js';

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
const HASH_BY_OID: Readonly<Record<string, HashAlgorithm>> = {
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

/** Reads RSASSA-PSS-params (RFC 4055 §3.1); SHA-1 defaults are refused as weak. */
function pssScheme(parameters: asn1js.AsnType | undefined): VerificationScheme | undefined {
  if (!(parameters instanceof asn1js.Sequence)) return undefined;
  let hash: HashAlgorithm | undefined;
  let saltLength = 20;
  for (const field of parameters.valueBlock.value) {
    const tag = field.idBlock.tagNumber;
    const inner = (field as asn1js.Constructed).valueBlock.value?.[0];
    if (tag === 0 && inner instanceof asn1js.Sequence) {
      const oid = inner.valueBlock.value[0];
      if (oid instanceof asn1js.ObjectIdentifier) hash = HASH_BY_OID[oid.valueBlock.toString()];
    } else if (tag === 2 && inner instanceof asn1js.Integer) {
      saltLength = inner.valueBlock.valueDec;
    }
  }
  return hash ? { name: 'RSA-PSS', hash, saltLength } : undefined;
}

/**
 * The verification scheme for a signature algorithm identifier (certificate,
 * CRL, OCSP). Throws {@link CertificateRuleError} `ERR_CERT_WEAK_SIGNATURE`
 * for SHA-1 (CERT-9) and `ERR_CERT_CHAIN` for anything unsupported.
 */
export function schemeForSignatureAlgorithm(oid: string, parameters: asn1js.AsnType | undefined, subject: string): VerificationScheme {
  if (SHA1_SIGNATURE_OIDS.has(oid)) {
    throw new CertificateRuleError('ERR_CERT_WEAK_SIGNATURE', `certificate with subject "${subject}" is signed with SHA-1 (${oid}), which is not allowed`, { subject });
  }
  const scheme = oid === RSASSA_PSS ? pssScheme(parameters) : SCHEMES[oid];
  if (!scheme) {
    throw new CertificateRuleError('ERR_CERT_CHAIN', `certificate with subject "${subject}" uses an unsupported signature algorithm ${oid}`, { subject });
  }
  return scheme;
}

/** Converts a DER ECDSA-Sig-Value to raw r‖s of the given half size, or undefined if malformed. */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | undefined {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset !== der.length || !(parsed.result instanceof asn1js.Sequence)) return undefined;
  const values = parsed.result.valueBlock.value;
  if (values.length !== 2 || !values.every((v) => v instanceof asn1js.Integer)) return undefined;
  const out = new Uint8Array(2 * size);
  for (let i = 0; i < 2; i++) {
    let bytes = (values[i] as asn1js.Integer).valueBlock.valueHexView;
    while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
    if (bytes.length > size) return undefined;
    out.set(bytes, (i + 1) * size - bytes.length);
  }
  return out;
}

const CURVE_HALF: Readonly<Record<string, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

/**
 * Verifies a signature produced by `signer`'s key over `data`, where
 * `algorithm` is an X.509 AlgorithmIdentifier and ECDSA values are DER.
 */
export async function verifyX509Signature(
  signer: Certificate,
  algorithm: { oid: string; parameters: asn1js.AsnType | undefined },
  signature: Uint8Array,
  data: Uint8Array,
  subjectForErrors: string,
): Promise<boolean> {
  const scheme = schemeForSignatureAlgorithm(algorithm.oid, algorithm.parameters, subjectForErrors);
  const key = signer.publicKey;
  if (scheme.name === 'ECDSA') {
    if (key.kind !== 'EC') return false;
    const raw = ecdsaDerToRaw(signature, CURVE_HALF[key.curve]!);
    return raw !== undefined && verifySignature(key, scheme, raw, data);
  }
  if (key.kind !== 'RSA') return false;
  return verifySignature(key, scheme, signature, data);
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
