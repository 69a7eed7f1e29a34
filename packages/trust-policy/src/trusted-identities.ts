/**
 * Trusted identities (TP-10) and matching the signing leaf against them
 * (DN-4), with notation-go's messages.
 */
import type { Certificate } from '@x/notary-pki';
import { goQuote, goQuoteMapList } from '@x/notary-pki/foundation';
import { type DistinguishedName, isSubsetDN, parseDistinguishedName } from './distinguished-name.js';
import { TrustPolicyError } from './errors.js';

export const WILDCARD_IDENTITY = '*';
export const X509_SUBJECT_PREFIX = 'x509.subject';

/** One `trustedIdentities` entry split at its first `:`. */
export interface TrustedIdentity {
  readonly prefix: string;
  readonly value: string;
}

function cut(identity: string): TrustedIdentity | undefined {
  const at = identity.indexOf(':');
  return at < 0 ? undefined : { prefix: identity.slice(0, at), value: identity.slice(at + 1) };
}

/**
 * TP-10 / DN-1 … DN-3 at load time: `*` only alone; every other entry is
 * `prefix:value`; `x509.subject` values are parsed DNs that do not overlap.
 * Other prefixes pass (plugins use them) but are not interpreted here.
 * Messages are notation's statement-level ones; the document parser prefixes
 * them. DN problems are `ERR_IDENTITY_INVALID`, the rest `ERR_POLICY_INVALID`.
 * Returns the parsed `x509.subject` identities.
 */
export function validateTrustedIdentities(
  statementName: string,
  identities: readonly string[],
  field = 'trustedIdentities',
): DistinguishedName[] {
  const q = goQuote(statementName);
  const fail = (
    code: 'ERR_POLICY_INVALID' | 'ERR_IDENTITY_INVALID',
    message: string,
    at: string,
    cause?: unknown,
  ): never => {
    throw new TrustPolicyError(code, message, { statement: statementName, field: at, cause });
  };
  if (identities.length > 1 && identities.includes(WILDCARD_IDENTITY)) {
    fail(
      'ERR_POLICY_INVALID',
      `trust policy statement ${q} uses a wildcard trusted identity '*', a wildcard identity cannot be used in conjunction with other values`,
      field,
    );
  }
  const parsed: { raw: string; dn: DistinguishedName }[] = [];
  identities.forEach((identity, i) => {
    const at = `${field}[${i}]`;
    if (identity === '') fail('ERR_POLICY_INVALID', `trust policy statement ${q} has an empty trusted identity`, at);
    if (identity === WILDCARD_IDENTITY) return;
    const parts = cut(identity);
    if (parts === undefined)
      fail(
        'ERR_POLICY_INVALID',
        `trust policy statement ${q} has trusted identity ${goQuote(identity)} missing separator`,
        at,
      );
    if (parts!.prefix !== X509_SUBJECT_PREFIX) return;
    if (parts!.value === '')
      fail(
        'ERR_POLICY_INVALID',
        `trust policy statement ${q} has trusted identity ${goQuote(identity)} without an identity value`,
        at,
      );
    try {
      parsed.push({ raw: identity, dn: parseDistinguishedName(parts!.value) });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      fail(
        'ERR_IDENTITY_INVALID',
        `trust policy statement ${q} has trusted identity ${goQuote(identity)} with invalid identity value: ${reason}`,
        at,
        error,
      );
    }
  });
  // DN-3 [impl]: notation only tests for one identity being a subset of another.
  for (let i = 0; i < parsed.length; i++) {
    for (let j = 0; j < parsed.length; j++) {
      if (i !== j && isSubsetDN(parsed[i]!.dn, parsed[j]!.dn)) {
        fail(
          'ERR_IDENTITY_INVALID',
          `trust policy statement ${q} has overlapping x509 trustedIdentities, ${goQuote(parsed[i]!.raw)} overlaps with ${goQuote(parsed[j]!.raw)}`,
          field,
        );
      }
    }
  }
  return parsed.map((p) => p.dn);
}

/**
 * DN-4 / VER-4: succeeds when the statement trusts `*` or one of its
 * `x509.subject` identities is a subset of the leaf subject (as Go renders
 * and notation parses it). Throws {@link TrustPolicyError}
 * `ERR_IDENTITY_MISMATCH` otherwise (also when the statement has no
 * `x509.subject` identity, or the leaf subject cannot be parsed), or
 * `ERR_IDENTITY_INVALID` / `ERR_POLICY_INVALID` for a malformed identity in
 * a statement that was not validated. Messages are notation-go's.
 */
export function verifyTrustedIdentities(
  statement: { readonly name: string; readonly trustedIdentities?: readonly string[] | undefined },
  leaf: Pick<Certificate, 'subject'>,
): void {
  const identities = statement.trustedIdentities ?? [];
  const q = goQuote(statement.name);
  if (identities.includes(WILDCARD_IDENTITY)) return;
  const trusted: DistinguishedName[] = [];
  for (const identity of identities) {
    const parts = cut(identity);
    if (parts === undefined) {
      throw new TrustPolicyError(
        'ERR_POLICY_INVALID',
        `trust policy statement ${q} has trusted identity ${goQuote(identity)} missing separator`,
        {
          statement: statement.name,
        },
      );
    }
    if (parts.prefix !== X509_SUBJECT_PREFIX) continue;
    if (parts.value === '') {
      throw new TrustPolicyError(
        'ERR_POLICY_INVALID',
        `trust policy statement ${q} has trusted identity ${goQuote(identity)} without an identity value`,
        {
          statement: statement.name,
        },
      );
    }
    trusted.push(parseDistinguishedName(parts.value));
  }
  if (trusted.length === 0) {
    throw new TrustPolicyError(
      'ERR_IDENTITY_MISMATCH',
      `no x509 trusted identities are configured in the trust policy ${q}`,
      { statement: statement.name },
    );
  }
  let subject: DistinguishedName;
  try {
    subject = parseDistinguishedName(leaf.subject);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TrustPolicyError(
      'ERR_IDENTITY_MISMATCH',
      `error while parsing the certificate subject from the digital signature. error : ${goQuote(reason)}`,
      { statement: statement.name, cause: error },
    );
  }
  if (trusted.some((dn) => isSubsetDN(dn, subject))) return;
  throw new TrustPolicyError(
    'ERR_IDENTITY_MISMATCH',
    `signing certificate from the digital signature does not match the X.509 trusted identities ${goQuoteMapList(trusted)} defined in the trust policy ${q}`,
    { statement: statement.name },
  );
}
