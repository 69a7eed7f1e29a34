/**
 * `"type:name"` references from a statement's `trustStores` (TP-7) and the
 * store-name grammar shared with the trust stores themselves (TS-4 [impl]).
 */

/** TS-1, TP-7: the three kinds of named store. */
export type TrustStoreType = 'ca' | 'signingAuthority' | 'tsa';

export const TRUST_STORE_TYPES: readonly TrustStoreType[] = Object.freeze(['ca', 'signingAuthority', 'tsa'] as const);

const STORE_NAME = /^[a-zA-Z0-9_.-]+$/;

export function isTrustStoreType(value: string): value is TrustStoreType {
  return (TRUST_STORE_TYPES as readonly string[]).includes(value);
}

/**
 * TP-7, TS-4 [impl]: a named store is a portable file name, `^[a-zA-Z0-9_.-]+$`,
 * other than `.` and `..` (issue 12 finding 10). [impl] Stricter than
 * notation-go, whose pattern alone lets `ca:..` through to a path join that
 * resolves to a parent of the named store (`x509/ca`, `x509`).
 */
export function isValidTrustStoreName(name: string): boolean {
  return STORE_NAME.test(name) && name !== '.' && name !== '..';
}

/** The rule an invalid store name broke, for messages: notation's wording, plus the dot names. */
export function trustStoreNameRule(name: string): string {
  return STORE_NAME.test(name) ? '[a-zA-Z0-9_.-]+ format and cannot be "." or ".."' : '[a-zA-Z0-9_.-]+ format';
}

/** One `trustStores` entry split at its first `:` (notation's `strings.Cut`). */
export interface TrustStoreReference {
  readonly type: string;
  readonly name: string;
}

/** Splits at the first `:`; `undefined` when there is none. Validation is the caller's. */
export function splitTrustStoreReference(reference: string): TrustStoreReference | undefined {
  const at = reference.indexOf(':');
  return at < 0 ? undefined : { type: reference.slice(0, at), name: reference.slice(at + 1) };
}
