import { describe, expect, it } from 'vitest';
import { isSkipLevel, resolveVerificationActions, TrustPolicyError } from '../src/index.js';
import { isCriticalFailure, LEVEL_ACTIONS } from '../src/verification-level.js';

describe('verification levels', () => {
  it('TP-11: each level maps every validation to enforce / log / skip', () => {
    expect(resolveVerificationActions({ level: 'strict' })).toEqual({
      integrity: 'enforce',
      authenticity: 'enforce',
      authenticTimestamp: 'enforce',
      expiry: 'enforce',
      revocation: 'enforce',
    });
    expect(resolveVerificationActions({ level: 'permissive' })).toEqual({
      integrity: 'enforce',
      authenticity: 'enforce',
      authenticTimestamp: 'log',
      expiry: 'log',
      revocation: 'log',
    });
    expect(resolveVerificationActions({ level: 'audit' })).toEqual({
      integrity: 'enforce',
      authenticity: 'log',
      authenticTimestamp: 'log',
      expiry: 'log',
      revocation: 'log',
    });
    expect(resolveVerificationActions({ level: 'skip' })).toEqual({
      integrity: 'skip',
      authenticity: 'skip',
      authenticTimestamp: 'skip',
      expiry: 'skip',
      revocation: 'skip',
    });
    expect(Object.isFrozen(LEVEL_ACTIONS.strict)).toBe(true);
  });

  it('TP-6: overrides replace one action; integrity cannot be overridden; skip only for revocation; not with the skip level', () => {
    expect(
      resolveVerificationActions({ level: 'audit', override: { authenticity: 'enforce', revocation: 'skip' } }),
    ).toMatchObject({ authenticity: 'enforce', revocation: 'skip' });
    expect(
      resolveVerificationActions({ level: 'strict', override: { authenticTimestamp: 'log' } }).authenticTimestamp,
    ).toBe('log');
    const bad: [Record<string, string>, string, string?][] = [
      [{ integrity: 'enforce' }, '"integrity" verification can not be overridden in custom signature verification'],
      [{ authenticity: 'skip' }, '"authenticity" verification can not be skipped in custom signature verification'],
      [
        { authenticTimestamp: 'skip' },
        '"authenticTimestamp" verification can not be skipped in custom signature verification',
      ],
      [{ expiry: 'skip' }, '"expiry" verification can not be skipped in custom signature verification'],
      [
        { expiry: 'log' },
        `signature verification level "skip" can't be used to customize signature verification`,
        'skip',
      ],
    ];
    for (const [override, message, level = 'strict'] of bad) {
      let caught: unknown;
      try {
        resolveVerificationActions({ level, override });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(TrustPolicyError);
      expect((caught as TrustPolicyError).code).toBe('ERR_POLICY_INVALID');
      expect((caught as TrustPolicyError).message).toBe(message);
    }
  });

  it('TP-12: only an enforced failure is critical; logged failures let verification continue', () => {
    expect(isCriticalFailure('enforce', true)).toBe(true);
    expect(isCriticalFailure('log', true)).toBe(false);
    expect(isCriticalFailure('skip', true)).toBe(false);
    expect(isCriticalFailure('enforce', false)).toBe(false);
    // audit logs authenticity failures but integrity stays critical.
    const audit = resolveVerificationActions({ level: 'audit' });
    expect(isCriticalFailure(audit.authenticity, true)).toBe(false);
    expect(isCriticalFailure(audit.integrity, true)).toBe(true);
  });

  it('TP-13: skip succeeds without verifying anything', () => {
    expect(isSkipLevel({ level: 'skip' })).toBe(true);
    expect(isSkipLevel({ level: 'audit' })).toBe(false);
    expect(Object.values(resolveVerificationActions({ level: 'skip' })).every((a) => a === 'skip')).toBe(true);
  });
});
