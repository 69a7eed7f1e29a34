/**
 * Verification levels and overrides (TP-4, TP-6, TP-11 … TP-13): what each
 * level does with each validation, and the rules for customising it.
 */

import { goQuote, goQuoteList } from '@x/notary-pki/foundation';
import { TrustPolicyError } from './errors.js';

/** TP-4. */
export type VerificationLevel = 'strict' | 'permissive' | 'audit' | 'skip';
/** TP-11 columns, in notation's order. */
export type ValidationType = 'integrity' | 'authenticity' | 'authenticTimestamp' | 'expiry' | 'revocation';
export type ValidationAction = 'enforce' | 'log' | 'skip';
/** TP-5: `always` is the default when unset. */
export type VerifyTimestampOption = 'always' | 'afterCertExpiry';

export interface SignatureVerification {
  readonly level: VerificationLevel;
  readonly override?: Readonly<Partial<Record<ValidationType, ValidationAction>>>;
  readonly verifyTimestamp?: VerifyTimestampOption;
}

export type VerificationActions = Readonly<Record<ValidationType, ValidationAction>>;

export const VERIFICATION_LEVELS: readonly VerificationLevel[] = Object.freeze([
  'strict',
  'permissive',
  'audit',
  'skip',
] as const);
export const VALIDATION_TYPES: readonly ValidationType[] = Object.freeze([
  'integrity',
  'authenticity',
  'authenticTimestamp',
  'expiry',
  'revocation',
] as const);
export const VALIDATION_ACTIONS: readonly ValidationAction[] = Object.freeze(['enforce', 'log', 'skip'] as const);
export const VERIFY_TIMESTAMP_OPTIONS: readonly VerifyTimestampOption[] = Object.freeze([
  'always',
  'afterCertExpiry',
] as const);

const E = 'enforce';
const L = 'log';
const S = 'skip';

/** TP-11: the preset actions of each level. */
export const LEVEL_ACTIONS: Readonly<Record<VerificationLevel, VerificationActions>> = Object.freeze({
  strict: Object.freeze({ integrity: E, authenticity: E, authenticTimestamp: E, expiry: E, revocation: E }),
  permissive: Object.freeze({ integrity: E, authenticity: E, authenticTimestamp: L, expiry: L, revocation: L }),
  audit: Object.freeze({ integrity: E, authenticity: L, authenticTimestamp: L, expiry: L, revocation: L }),
  skip: Object.freeze({ integrity: S, authenticity: S, authenticTimestamp: S, expiry: S, revocation: S }),
});

function invalid(message: string, field: string): TrustPolicyError {
  return new TrustPolicyError('ERR_POLICY_INVALID', message, { field });
}

/**
 * TP-11 + TP-6: the action for every validation type. Throws
 * {@link TrustPolicyError} `ERR_POLICY_INVALID` (notation's message, without
 * the statement prefix the document parser adds) for an unknown level, an
 * override on `skip`, an unknown key or value, overriding `integrity`, or
 * `skip` for anything but `revocation`. Overrides are checked in the order
 * written (notation iterates a Go map, so its first error is random).
 */
export function resolveVerificationActions(signatureVerification: {
  readonly level: string;
  readonly override?: Readonly<Record<string, string>> | undefined;
}): VerificationActions {
  const level = signatureVerification.level;
  if (level === '' || level === undefined) {
    throw invalid('signature verification level is empty or missing in the trust policy statement', 'level');
  }
  if (!(VERIFICATION_LEVELS as readonly string[]).includes(level)) {
    throw invalid(`invalid signature verification level ${goQuote(level)}`, 'level');
  }
  const base = LEVEL_ACTIONS[level as VerificationLevel];
  const override = Object.entries(signatureVerification.override ?? {});
  if (override.length === 0) return base;
  if (level === 'skip') {
    throw invalid(
      `signature verification level ${goQuote(level)} can't be used to customize signature verification`,
      'override',
    );
  }
  const actions: Record<ValidationType, ValidationAction> = { ...base };
  for (const [key, value] of override) {
    if (!(VALIDATION_TYPES as readonly string[]).includes(key)) {
      throw invalid(
        `verification type ${goQuote(key)} in custom signature verification is not supported, supported values are ${goQuoteList(VALIDATION_TYPES)}`,
        `override.${key}`,
      );
    }
    if (!(VALIDATION_ACTIONS as readonly string[]).includes(value)) {
      throw invalid(
        `verification action ${goQuote(String(value))} in custom signature verification is not supported, supported values are ${goQuoteList(VALIDATION_ACTIONS)}`,
        `override.${key}`,
      );
    }
    if (key === 'integrity')
      throw invalid(
        `${goQuote(key)} verification can not be overridden in custom signature verification`,
        `override.${key}`,
      );
    if (key !== 'revocation' && value === 'skip') {
      throw invalid(
        `${goQuote(key)} verification can not be skipped in custom signature verification`,
        `override.${key}`,
      );
    }
    actions[key as ValidationType] = value as ValidationAction;
  }
  return Object.freeze(actions);
}

/** TP-13: a `skip` statement succeeds without looking at any signature. */
export function isSkipLevel(signatureVerification: { readonly level: string }): boolean {
  return signatureVerification.level === 'skip';
}

/**
 * TP-12: a failed check stops verification only when its action is
 * `enforce`; a `log` failure is recorded and verification continues; a
 * `skip`ped check is not run at all (so it cannot fail).
 */
export function isCriticalFailure(action: ValidationAction, failed: boolean): boolean {
  return failed && action === 'enforce';
}
