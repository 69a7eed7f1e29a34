import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIGNING_AGENT,
  type EnvelopeMediaType,
  HEADER,
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  signEnvelope,
  verifyEnvelopeIntegrity,
} from '../src/index.js';
import { expectEnvelopeError, FORMATS, fmt, SIGNING_TIME, signerFor, splitCose, splitJws, TARGET } from './helpers.js';

const TABLE = [
  ['rsa-2048', 'PS256', -37, 'RSASSA-PSS-SHA-256'],
  ['rsa-3072', 'PS384', -38, 'RSASSA-PSS-SHA-384'],
  ['rsa-4096', 'PS512', -39, 'RSASSA-PSS-SHA-512'],
  ['ec-256', 'ES256', -7, 'ECDSA-SHA-256'],
  ['ec-384', 'ES384', -35, 'ECDSA-SHA-384'],
  ['ec-521', 'ES512', -36, 'ECDSA-SHA-512'],
] as const;

describe('signEnvelope', () => {
  it.each(TABLE)(
    'ALG-1 ALG-2: a %s leaf signs JWS as %s and COSE as %i, and both re-verify',
    async (spec, jwsAlg, coseAlg, algorithm) => {
      const signer = await signerFor(spec);
      const jws = await signEnvelope({
        mediaType: MEDIA_TYPE_JWS,
        signer,
        targetArtifact: TARGET,
        signingTime: SIGNING_TIME,
      });
      expect(splitJws(jws.bytes).header.alg).toBe(jwsAlg);
      expect(jws.verified.content.signerInfo.signatureAlgorithm).toBe(algorithm);
      const cose = await signEnvelope({
        mediaType: MEDIA_TYPE_COSE,
        signer,
        targetArtifact: TARGET,
        signingTime: SIGNING_TIME,
      });
      expect(splitCose(cose.bytes).protectedMap.get(1)).toBe(coseAlg);
      expect((await verifyEnvelopeIntegrity(cose.bytes, MEDIA_TYPE_COSE)).content.signerInfo.signatureAlgorithm).toBe(
        algorithm,
      );
    },
  );

  it('SIGN-2: an unsupported envelope media type is ERR_UNSUPPORTED_MEDIA_TYPE', async () => {
    const signer = await signerFor('ec-256');
    await expectEnvelopeError(
      signEnvelope({ mediaType: 'application/json' as EnvelopeMediaType, signer, targetArtifact: TARGET }),
      'ERR_UNSUPPORTED_MEDIA_TYPE',
    );
  });

  describe.each(FORMATS)('%s', (mediaType) => {
    const F = fmt(mediaType);

    it(`SIGN-2: ${F} signing always uses notary.x509 and returns the re-verified result`, async () => {
      const s = await signEnvelope({
        mediaType,
        signer: await signerFor('ec-256'),
        targetArtifact: TARGET,
        signingTime: SIGNING_TIME,
      });
      expect(s.mediaType).toBe(mediaType);
      expect(s.verified.content.signerInfo.signedAttributes.signingScheme).toBe('notary.x509');
      expect(s.verified.payload.targetArtifact).toEqual(TARGET);
      expect(s.verified.content.signerInfo.unsignedAttributes.signingAgent).toBe(DEFAULT_SIGNING_AGENT);
      expect(DEFAULT_SIGNING_AGENT).toMatch(/^[^\s/]+\/[^\s/]+$/);
    });

    it(`SIGN-2 ATTR-6: ${F} signingTime defaults to now, truncated to seconds`, async () => {
      const before = Math.floor(Date.now() / 1000) * 1000;
      const s = await signEnvelope({ mediaType, signer: await signerFor('ec-256'), targetArtifact: TARGET });
      const t = s.verified.content.signerInfo.signedAttributes.signingTime!.getTime();
      expect(t % 1000).toBe(0);
      expect(t).toBeGreaterThanOrEqual(before);
      expect(t).toBeLessThanOrEqual(Date.now());
    });

    it(`SIGN-2: ${F} an invalid signingTime, or one outside the chain's validity (CERT-11), is ERR_SIGNING_FAILED`, async () => {
      const signer = await signerFor('ec-256');
      await expectEnvelopeError(
        signEnvelope({ mediaType, signer, targetArtifact: TARGET, signingTime: new Date(Number.NaN) }),
        'ERR_SIGNING_FAILED',
      );
      // The vectors' certificates are valid 2025-01-01 … 2045-01-01.
      await expectEnvelopeError(
        signEnvelope({ mediaType, signer, targetArtifact: TARGET, signingTime: new Date('2024-12-31T23:59:59Z') }),
        'ERR_SIGNING_FAILED',
      );
      await expectEnvelopeError(
        signEnvelope({ mediaType, signer, targetArtifact: TARGET, signingTime: new Date('2045-01-01T00:00:01Z') }),
        'ERR_SIGNING_FAILED',
      );
    });

    it.each([
      ['a standard attribute name (signingTime)', HEADER.signingTime],
      ['a standard attribute name (expiry)', HEADER.expiry],
      ['the timestampSignature header', HEADER.timestampSignature],
      ['a registered header (alg)', 'alg'],
      ['a registered header (crit)', 'crit'],
    ])(`ATTR-3: ${F} an extended attribute named %s is ERR_SIGNING_FAILED`, async (_what, key) => {
      await expectEnvelopeError(
        signEnvelope({
          mediaType,
          signer: await signerFor('ec-256'),
          targetArtifact: TARGET,
          signingTime: SIGNING_TIME,
          extendedAttributes: [{ key, value: 'x', critical: false }],
        }),
        'ERR_SIGNING_FAILED',
      );
    });

    it(`ATTR-3: ${F} the same extended attribute twice is ERR_SIGNING_FAILED`, async () => {
      const e = { key: 'com.example.k', value: 'v', critical: false };
      await expectEnvelopeError(
        signEnvelope({
          mediaType,
          signer: await signerFor('ec-256'),
          targetArtifact: TARGET,
          signingTime: SIGNING_TIME,
          extendedAttributes: [e, e],
        }),
        'ERR_SIGNING_FAILED',
      );
    });

    it(`ATTR-3 AMB-7: ${F} a critical extended attribute without a plugin fails the signer's own re-verification`, async () => {
      const err = await expectEnvelopeError(
        signEnvelope({
          mediaType,
          signer: await signerFor('ec-256'),
          targetArtifact: TARGET,
          signingTime: SIGNING_TIME,
          extendedAttributes: [{ key: 'com.example.k', value: 'v', critical: true }],
        }),
        'ERR_SIGNING_FAILED',
      );
      expect((err.cause as { code?: string }).code).toBe('ERR_ENVELOPE_UNKNOWN_CRITICAL');
    });

    it(`ATTR-4: ${F} a non-critical verificationPlugin fails the signer's own re-verification`, async () => {
      const err = await expectEnvelopeError(
        signEnvelope({
          mediaType,
          signer: await signerFor('ec-256'),
          targetArtifact: TARGET,
          signingTime: SIGNING_TIME,
          extendedAttributes: [{ key: HEADER.verificationPlugin, value: 'p', critical: false }],
        }),
        'ERR_SIGNING_FAILED',
      );
      expect((err.cause as { code?: string }).code).toBe('ERR_ENVELOPE_HEADER_INVALID');
    });

    it(`SIGN-2: ${F} user metadata already in the descriptor annotations is signed as given`, async () => {
      const targetArtifact = { ...TARGET, annotations: { 'com.example.user': 'meta' } };
      const s = await signEnvelope({
        mediaType,
        signer: await signerFor('ec-256'),
        targetArtifact,
        signingTime: SIGNING_TIME,
      });
      expect(s.verified.payload.targetArtifact.annotations).toEqual({ 'com.example.user': 'meta' });
    });
  });
});
