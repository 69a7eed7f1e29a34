import { describe, expect, it } from 'vitest';
import {
  chainValidityProblemAt,
  hasTsaTrustStore,
  resolveVerificationActions,
  shouldVerifyTimestamp,
} from '../src/index.js';

const now = new Date('2025-06-01T00:00:00Z');
const valid = {
  notBefore: new Date('2024-01-01T00:00:00Z'),
  notAfter: new Date('2026-01-01T00:00:00Z'),
  subject: 'CN=leaf,O=Notary,ST=WA,C=US',
};
const expired = { ...valid, notAfter: new Date('2025-01-01T00:00:00Z') };
const base = {
  actions: resolveVerificationActions({ level: 'strict' }),
  scheme: 'notary.x509',
  hasTsaStore: true,
  signingChain: [valid],
  now,
};

describe('timestamp decision', () => {
  it('TP-14: verified when not skipped, notary.x509, a tsa store, and verifyTimestamp unset or always', () => {
    expect(shouldVerifyTimestamp(base)).toBe(true);
    expect(shouldVerifyTimestamp({ ...base, verifyTimestamp: 'always' })).toBe(true);
  });

  it('TP-14: not verified when any condition fails', () => {
    expect(shouldVerifyTimestamp({ ...base, actions: resolveVerificationActions({ level: 'skip' }) })).toBe(false);
    expect(shouldVerifyTimestamp({ ...base, scheme: 'notary.x509.signingAuthority' })).toBe(false);
    expect(shouldVerifyTimestamp({ ...base, hasTsaStore: false })).toBe(false);
  });

  it('TP-14: afterCertExpiry verifies only once a chain certificate has expired (now > notAfter)', () => {
    expect(shouldVerifyTimestamp({ ...base, verifyTimestamp: 'afterCertExpiry' })).toBe(false);
    expect(shouldVerifyTimestamp({ ...base, verifyTimestamp: 'afterCertExpiry', signingChain: [valid, expired] })).toBe(
      true,
    );
    // Exactly at notAfter the certificate is not yet expired.
    expect(
      shouldVerifyTimestamp({
        ...base,
        verifyTimestamp: 'afterCertExpiry',
        now: expired.notAfter,
        signingChain: [expired],
      }),
    ).toBe(false);
  });

  it('TP-14: a tsa store means a tsa: reference in the statement', () => {
    expect(hasTsaTrustStore({ trustStores: ['ca:a', 'tsa:t'] })).toBe(true);
    expect(hasTsaTrustStore({ trustStores: ['ca:a', 'signingAuthority:tsa'] })).toBe(false);
    expect(hasTsaTrustStore({})).toBe(false);
  });

  it('TP-14: without timestamp verification the chain must be valid now (notation wording)', () => {
    expect(chainValidityProblemAt([valid], now)).toBeUndefined();
    expect(chainValidityProblemAt([valid, expired], now)).toBe(
      'verification time is after certificate "CN=leaf,O=Notary,ST=WA,C=US" validity period, it was expired at "Wed, 01 Jan 2025 00:00:00 +0000"',
    );
    expect(chainValidityProblemAt([valid], new Date('2023-01-01T00:00:00Z'))).toBe(
      'verification time is before certificate "CN=leaf,O=Notary,ST=WA,C=US" validity period, it will be valid from "Mon, 01 Jan 2024 00:00:00 +0000"',
    );
  });
});
