/**
 * verifySignatureEnvelope against the live loopback TSA, OCSP responder and CRL
 * server (the pki test servers, started by this package's global setup):
 * timestamps under `always` and `afterCertExpiry` (TP-14, VER-6), and
 * revoked or unknown revocation under every level (VER-7, REV-1, TP-11).
 */
import { readFile } from 'node:fs/promises';
import * as envelope from '@x/notary-envelope';
import * as pki from '@x/notary-pki';
import { selfSignedSigner } from '@x/notary-test-servers/certificates';
// The global setup's `provide('pkiServers', …)` type.
import type {} from '@x/notary-test-servers/pki/global-setup';
import * as policy from '@x/notary-trust-policy';
import { describe, expect, inject, it } from 'vitest';
import { VerificationError, type VerificationResult, verifySignatureEnvelope } from '../../src/index.js';

const servers = inject('pkiServers');
const s = servers.scenario;
const DAY = 86_400_000;
const text = async (path: string): Promise<string> => readFile(path, 'utf8');
const targetArtifact = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${'7c'.repeat(32)}`,
  size: 99,
};

const timestampWith = (url: string) => async (signature: Uint8Array, hash: pki.HashAlgorithm) =>
  (await pki.requestTimestamp(signature, hash, { url, timeoutMs: 30_000 })).der;

async function signed(
  signer: envelope.Signer,
  timestamp?: (signature: Uint8Array) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  return (
    await envelope.signEnvelope({
      mediaType: envelope.MEDIA_TYPE_JWS,
      signer,
      targetArtifact,
      ...(timestamp ? { timestamp } : {}),
    })
  ).bytes;
}

async function outcome(
  bytes: Uint8Array,
  options: Parameters<typeof verifySignatureEnvelope>[2],
): Promise<VerificationResult> {
  try {
    return await verifySignatureEnvelope(bytes, envelope.MEDIA_TYPE_JWS, options);
  } catch (error) {
    expect(error).toBeInstanceOf(VerificationError);
    return (error as VerificationError).result;
  }
}

describe('authentic timestamps from the live TSA (TP-14, VER-6, TSA-3)', async () => {
  const tsaRoot = await text(s.tsa.root.cert);
  // A one-day certificate: verifying two days later, only a timestamp keeps the signature valid.
  // notBefore a minute back: the timestamp range (genTime ± accuracy) must fit inside the validity (TSA-4).
  const shortLived = await selfSignedSigner(pki.Certificate.fromDer, {
    name: 'short-lived.example',
    keySpec: 'EC-256',
    validityDays: 1,
    notBefore: new Date(Date.now() - 60_000),
  });
  const signer = envelope.signerFromCryptoKey(shortLived.privateKey, [shortLived.certificate]);
  const hash = pki.algorithmSuiteOf(signer.keySpec).hash;
  const withToken = await signed(signer, (sig) => timestampWith(servers.tsa.routes.good)(sig, hash));
  const withoutToken = await signed(signer);
  const trustStore = new policy.MemoryTrustStore({ 'ca:acme': [shortLived.certificate], 'tsa:tsa': tsaRoot });
  const statement = (
    verifyTimestamp: 'always' | 'afterCertExpiry',
    stores = ['ca:acme', 'tsa:tsa'],
  ): policy.TrustPolicyStatement => ({
    name: 'timestamped',
    registryScopes: ['*'],
    signatureVerification: { level: 'strict', verifyTimestamp },
    trustStores: stores,
    trustedIdentities: ['*'],
  });
  const later = new Date(Date.now() + 2 * DAY);

  it('TP-14 VER-6 TSA-4: always: an expired certificate with a valid timestamp verifies, and the range is in the result', async () => {
    const result = await outcome(withToken, { statement: statement('always'), trustStore, now: later });
    expect(result.checks.authenticTimestamp.outcome, result.checks.authenticTimestamp.error?.message).toBe('passed');
    expect(result.verified).toBe(true);
    expect(result.timestamp?.tsaChain.length).toBe(2);
    expect(Math.abs(result.timestamp!.range.genTime.getTime() - Date.now())).toBeLessThan(120_000);
  });

  it('TP-14: afterCertExpiry with an expired certificate verifies the timestamp', async () => {
    const result = await outcome(withToken, { statement: statement('afterCertExpiry'), trustStore, now: later });
    expect(result.checks.authenticTimestamp.outcome).toBe('passed');
    expect(result.timestamp).toBeDefined();
  });

  it('TP-14: afterCertExpiry with an unexpired certificate does not look at the timestamp', async () => {
    const result = await outcome(withoutToken, { statement: statement('afterCertExpiry'), trustStore });
    expect(result.checks.authenticTimestamp.outcome).toBe('passed');
    expect(result.timestamp).toBeUndefined();
  });

  it('TSA-3 TP-14: always with no timestamp fails, even while the certificate is valid', async () => {
    const result = await outcome(withoutToken, { statement: statement('always'), trustStore });
    expect(result.checks.authenticTimestamp.outcome).toBe('failed-enforced');
    expect(result.checks.authenticTimestamp.error?.code).toBe('ERR_TIMESTAMP_MISSING');
  });

  it('TP-14 CERT-12: an expired certificate without a tsa store fails on the verification time, token or not', async () => {
    const result = await outcome(withToken, { statement: statement('always', ['ca:acme']), trustStore, now: later });
    expect(result.checks.authenticTimestamp.error?.code).toBe('ERR_CERTIFICATE_EXPIRED');
  });

  it('TSA-3: a token over other bytes fails the authentic timestamp', async () => {
    const mismatched = await signed(
      signer,
      async () =>
        (
          await pki.requestTimestamp(new TextEncoder().encode('other'), hash, {
            url: servers.tsa.routes.good,
            timeoutMs: 30_000,
          })
        ).der,
    );
    const result = await outcome(mismatched, { statement: statement('always'), trustStore, now: later });
    expect(result.checks.authenticTimestamp.outcome).toBe('failed-enforced');
    expect(result.checks.authenticTimestamp.error?.code).toBe('ERR_TIMESTAMP_INVALID');
  });

  it('TSA-3 AMB-11: a token from a TSA outside the tsa store fails', async () => {
    const untrusted = await signed(signer, (sig) => timestampWith(servers.tsa.routes.untrusted)(sig, hash));
    const result = await outcome(untrusted, { statement: statement('always'), trustStore, now: later });
    expect(result.checks.authenticTimestamp.error?.code).toBe('ERR_TIMESTAMP_UNTRUSTED');
  });
});

describe('revocation from the live OCSP responder and CRL server under each level (VER-7, REV-1, TP-11)', async () => {
  const root = await text(s.codeSigning.root.cert);
  const chainPem = async (leaf: keyof typeof s.codeSigning.leaves): Promise<string> =>
    (await text(s.codeSigning.leaves[leaf].cert)) + (await text(s.codeSigning.intermediate.cert)) + root;
  const envelopeFor = async (leaf: keyof typeof s.codeSigning.leaves): Promise<Uint8Array> =>
    signed(await envelope.signerFromPrivateKey(await text(s.codeSigning.leaves[leaf].key), await chainPem(leaf)));
  const trustStore = new policy.MemoryTrustStore({ 'ca:root': root });
  const statement = (level: string, override?: Record<string, string>): policy.TrustPolicyStatement => ({
    name: 'revocation',
    registryScopes: ['*'],
    signatureVerification: { level: level as policy.VerificationLevel, ...(override ? { override } : {}) },
    trustStores: ['ca:root'],
    trustedIdentities: ['*'],
  });
  const expected = { strict: 'failed-enforced', permissive: 'failed-logged', audit: 'failed-logged' } as const;

  for (const [leaf, status, code] of [
    ['ocsp-revoked', 'revoked', 'ERR_CERTIFICATE_REVOKED'],
    ['crl-revoked', 'revoked', 'ERR_CERTIFICATE_REVOKED'],
    ['ocsp-unknown', 'unknown', 'ERR_REVOCATION_UNKNOWN'],
    ['crl-unavailable', 'unknown', 'ERR_REVOCATION_UNKNOWN'],
  ] as const) {
    for (const level of ['strict', 'permissive', 'audit'] as const) {
      it(`VER-7 REV-1 TP-11: ${leaf} (${status}) at ${level} is ${expected[level]}`, async () => {
        const result = await outcome(await envelopeFor(leaf), {
          statement: statement(level),
          trustStore,
          target: targetArtifact,
        });
        expect(result.checks.revocation.outcome).toBe(expected[level]);
        expect(result.checks.revocation.error?.code).toBe(code);
        expect(result.revocation?.[0]?.status).toBe(status);
        expect(result.verified).toBe(level !== 'strict');
      });
    }
  }

  it('VER-7 REV-1: a good OCSP and a good CRL answer pass; revocation:skip does not ask at all', async () => {
    for (const leaf of ['ocsp-good', 'crl-good'] as const) {
      const result = await outcome(await envelopeFor(leaf), {
        statement: statement('strict'),
        trustStore,
        target: targetArtifact,
      });
      expect(result.checks.revocation.outcome, result.checks.revocation.error?.message).toBe('passed');
      expect(result.revocation?.map((r) => r.status)).toEqual(['ok', 'ok']);
    }
    const skipped = await outcome(await envelopeFor('ocsp-revoked'), {
      statement: statement('strict', { revocation: 'skip' }),
      trustStore,
      target: targetArtifact,
    });
    expect(skipped.checks.revocation.outcome).toBe('skipped');
    expect(skipped.verified).toBe(true);
  });
});
