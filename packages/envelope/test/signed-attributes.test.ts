import { describe, expect, it } from 'vitest';
import {
  type EnvelopeErrorCode,
  type EnvelopeMediaType,
  HEADER,
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  signEnvelope,
  verifyEnvelopeIntegrity,
} from '../src/index.js';
import { MEDIA_TYPE_PAYLOAD, SIGNING_SCHEME_SIGNING_AUTHORITY, SIGNING_SCHEME_X509 } from '../src/media-types.js';
import { unprocessedCriticalAttributes, validateSignedAttributes } from '../src/signed-attributes.js';
import {
  type AttributeFields,
  craftCose,
  craftJws,
  craftWith,
  expectEnvelopeError,
  FORMATS,
  fmt,
  keyMaterial,
  SIGNING_TIME,
  signerFor,
  splitCose,
  splitJws,
  TARGET,
} from './helpers.js';

const LATER = new Date(SIGNING_TIME.getTime() + 3600_000);
const S = HEADER.signingScheme;

async function envelope(mediaType: EnvelopeMediaType, f: AttributeFields): Promise<Uint8Array> {
  return craftWith(mediaType, await keyMaterial('ec-256'), f);
}
const verify = (mediaType: EnvelopeMediaType, bytes: Uint8Array): ReturnType<typeof verifyEnvelopeIntegrity> =>
  verifyEnvelopeIntegrity(bytes, mediaType);
async function rejects(
  mediaType: EnvelopeMediaType,
  f: AttributeFields,
  code: EnvelopeErrorCode = 'ERR_ENVELOPE_HEADER_INVALID',
): Promise<void> {
  await expectEnvelopeError(verify(mediaType, await envelope(mediaType, f)), code);
}
const x509 = (extra: Partial<AttributeFields> = {}): AttributeFields => ({
  scheme: SIGNING_SCHEME_X509,
  signingTime: SIGNING_TIME,
  crit: [S],
  ...extra,
});
const authority = (extra: Partial<AttributeFields> = {}): AttributeFields => ({
  scheme: SIGNING_SCHEME_SIGNING_AUTHORITY,
  authenticSigningTime: SIGNING_TIME,
  crit: [S, HEADER.authenticSigningTime],
  ...extra,
});

describe.each(FORMATS)('signed attributes in %s', (mediaType) => {
  const F = fmt(mediaType);

  it(`SCH-1: ${F} accepts exactly the two schemes`, async () => {
    expect(
      (await verify(mediaType, await envelope(mediaType, x509()))).content.signerInfo.signedAttributes.signingScheme,
    ).toBe('notary.x509');
    expect(
      (await verify(mediaType, await envelope(mediaType, authority()))).content.signerInfo.signedAttributes
        .signingScheme,
    ).toBe('notary.x509.signingAuthority');
  });

  it.each<[string, unknown]>([
    ['another scheme', 'notary.x509.other'],
    ['a case variant', 'Notary.X509'],
    ['an empty string', ''],
    ['a number', 1],
  ])(`SCH-1: ${F} scheme %s is ERR_ENVELOPE_HEADER_INVALID`, async (_what, scheme) => {
    await rejects(mediaType, x509({ scheme }));
  });

  it(`SCH-1: ${F} without a scheme is ERR_ENVELOPE_HEADER_INVALID`, async () => {
    await rejects(mediaType, { signingTime: SIGNING_TIME, crit: [S, 'x'], extended: [['x', 1]] });
  });

  it(`SCH-1 ATTR-1: ${F} scheme listed as critical is required`, async () => {
    await rejects(
      mediaType,
      x509({
        crit: ['com.example.c'],
        extended: [
          ['com.example.c', 'v'],
          [HEADER.verificationPlugin, 'p'],
        ],
      }),
    );
  });

  it(`SCH-2 ATTR-1: ${F} notary.x509 requires signingTime`, async () => {
    await rejects(mediaType, { scheme: SIGNING_SCHEME_X509, crit: [S] });
  });

  it(`SCH-2: ${F} notary.x509 carries signingTime (not trusted) and may carry a timestamp token as an unsigned attribute`, async () => {
    const s = await signEnvelope({
      mediaType,
      signer: await signerFor('ec-256'),
      targetArtifact: TARGET,
      signingTime: SIGNING_TIME,
      timestamp: async () => Uint8Array.of(0x30, 0),
    });
    const v = await verify(mediaType, s.bytes);
    expect(v.content.signerInfo.signedAttributes.signingTime).toEqual(SIGNING_TIME);
    expect(v.content.signerInfo.unsignedAttributes.timestampSignature).toEqual(Uint8Array.of(0x30, 0));
  });

  it(`SCH-3: ${F} signingAuthority with a critical authenticSigningTime verifies`, async () => {
    const v = await verify(
      mediaType,
      await envelope(mediaType, authority({ expiry: LATER, crit: [S, HEADER.authenticSigningTime, HEADER.expiry] })),
    );
    const a = v.content.signerInfo.signedAttributes;
    expect(a.authenticSigningTime).toEqual(SIGNING_TIME);
    expect(a.signingTime).toBeUndefined();
    expect(a.expiry).toEqual(LATER);
  });

  it(`SCH-3: ${F} signingAuthority with authenticSigningTime not critical is ERR_ENVELOPE_HEADER_INVALID`, async () => {
    await rejects(mediaType, authority({ crit: [S] }));
  });

  it(`SCH-3: ${F} signingAuthority without authenticSigningTime is ERR_ENVELOPE_HEADER_INVALID`, async () => {
    await rejects(mediaType, { scheme: SIGNING_SCHEME_SIGNING_AUTHORITY, signingTime: SIGNING_TIME, crit: [S] });
  });

  it(`SCH-3 ATTR-1: ${F} signingAuthority that also carries signingTime is ERR_ENVELOPE_HEADER_INVALID`, async () => {
    await rejects(mediaType, authority({ signingTime: SIGNING_TIME }));
  });

  it(`ATTR-1 AMB-17: ${F} notary.x509 carrying authenticSigningTime (critical or not) is ERR_ENVELOPE_HEADER_INVALID`, async () => {
    await rejects(mediaType, x509({ authenticSigningTime: SIGNING_TIME }));
    await rejects(mediaType, x509({ authenticSigningTime: SIGNING_TIME, crit: [S, HEADER.authenticSigningTime] }));
  });

  it(`ATTR-1: ${F} content type must be exactly the payload media type`, async () => {
    await expect(verify(mediaType, await envelope(mediaType, x509()))).resolves.toBeDefined();
    for (const cty of [
      'application/vnd.cncf.notary.payload.v2+json',
      'application/json',
      undefined,
      MEDIA_TYPE_PAYLOAD + ' ',
    ])
      await rejects(mediaType, x509({ cty }));
  });

  it(`ATTR-1 ATTR-2: ${F} expiry present must be critical`, async () => {
    await rejects(mediaType, x509({ expiry: LATER }));
    await expect(
      verify(mediaType, await envelope(mediaType, x509({ expiry: LATER, crit: [S, HEADER.expiry] }))),
    ).resolves.toBeDefined();
  });

  it(`ATTR-2: ${F} informational signingTime must not be critical`, async () => {
    await rejects(mediaType, x509({ crit: [S, HEADER.signingTime] }));
  });

  it(`ATTR-2: ${F} an optional critical claim is processed only when present (crit naming an absent expiry fails)`, async () => {
    await rejects(mediaType, x509({ crit: [S, HEADER.expiry] }));
  });

  it(`ATTR-2: ${F} a non-critical extended claim is informational: kept, marked not critical, nothing to process`, async () => {
    const v = await verify(mediaType, await envelope(mediaType, x509({ extended: [['com.example.info', 'hello']] })));
    expect(v.content.signerInfo.signedAttributes.extendedAttributes).toEqual([
      { key: 'com.example.info', value: 'hello', critical: false },
    ]);
    expect(v.unprocessedAttributes).toEqual([]);
  });

  it(`ATTR-3 AMB-7: ${F} an unknown critical attribute with no verification plugin is ERR_ENVELOPE_UNKNOWN_CRITICAL`, async () => {
    await rejects(
      mediaType,
      x509({ crit: [S, 'com.example.must-understand'], extended: [['com.example.must-understand', 'x']] }),
      'ERR_ENVELOPE_UNKNOWN_CRITICAL',
    );
  });

  it(`ATTR-3 ATTR-4 AMB-7: ${F} an unknown critical attribute is allowed when a plugin is named, and reported in unprocessedAttributes`, async () => {
    const v = await verify(
      mediaType,
      await envelope(
        mediaType,
        x509({
          crit: [S, HEADER.verificationPlugin, HEADER.verificationPluginMinVersion, 'com.example.must-understand'],
          extended: [
            [HEADER.verificationPlugin, 'com.example.plugin'],
            [HEADER.verificationPluginMinVersion, '1.2.0'],
            ['com.example.must-understand', true],
          ],
        }),
      ),
    );
    expect(v.unprocessedAttributes).toEqual(['com.example.must-understand']);
    expect(unprocessedCriticalAttributes(v.content.signerInfo.signedAttributes)).toEqual([
      'com.example.must-understand',
    ]);
    const plugin = v.content.signerInfo.signedAttributes.extendedAttributes.find(
      (e) => e.key === HEADER.verificationPlugin,
    );
    expect(plugin).toEqual({ key: HEADER.verificationPlugin, value: 'com.example.plugin', critical: true });
  });

  it(`ATTR-4: ${F} verificationPlugin must be critical`, async () => {
    await rejects(mediaType, x509({ extended: [[HEADER.verificationPlugin, 'com.example.plugin']] }));
  });

  it.each<[string, unknown]>([
    ['empty', ''],
    ['blank', '  \t'],
    ['a number', 7],
    ['null', null],
  ])(`ATTR-4: ${F} verificationPlugin that is %s is ERR_ENVELOPE_HEADER_INVALID`, async (_what, value) => {
    await rejects(
      mediaType,
      x509({ crit: [S, HEADER.verificationPlugin], extended: [[HEADER.verificationPlugin, value]] }),
    );
  });

  it(`ATTR-4: ${F} verificationPluginMinVersion next to a plugin must be a critical string`, async () => {
    const plugin: [string, unknown] = [HEADER.verificationPlugin, 'p'];
    await rejects(
      mediaType,
      x509({
        crit: [S, HEADER.verificationPlugin],
        extended: [plugin, [HEADER.verificationPluginMinVersion, '1.0.0']],
      }),
    );
    await rejects(
      mediaType,
      x509({
        crit: [S, HEADER.verificationPlugin, HEADER.verificationPluginMinVersion],
        extended: [plugin, [HEADER.verificationPluginMinVersion, 1]],
      }),
    );
  });

  it(`ATTR-5: ${F} any signingAgent string is accepted and returned verbatim, never validated`, async () => {
    const signer = await signerFor('ec-256');
    for (const agent of [
      '',
      ' ',
      'not/a/valid version!!',
      'ünïcødé 💥 <&>',
      'line\nbreak\u0000nul',
      'x'.repeat(5000),
      'notation-go/1.3.2 com.example.plugin/0.1',
    ]) {
      const s = await signEnvelope({
        mediaType,
        signer,
        targetArtifact: TARGET,
        signingTime: SIGNING_TIME,
        signingAgent: agent,
      });
      expect((await verify(mediaType, s.bytes)).content.signerInfo.unsignedAttributes.signingAgent).toBe(agent);
    }
  });

  it(`ATTR-5: ${F} the chain is carried and returned leaf → intermediate → root`, async () => {
    const km = await keyMaterial('ec-256');
    const s = await signEnvelope({
      mediaType,
      signer: await signerFor('ec-256'),
      targetArtifact: TARGET,
      signingTime: SIGNING_TIME,
    });
    const chain = s.verified.content.signerInfo.certificateChain;
    expect(chain.map((c) => c.subject)).toEqual(km.chain.map((c) => c.subject));
    expect(chain[0]!.subject).not.toBe(chain[2]!.subject);
    expect(chain[2]!.subject).toBe(chain[2]!.issuer);
  });

  it(`ATTR-6: ${F} times are truncated to whole seconds before signing`, async () => {
    const s = await signEnvelope({
      mediaType,
      signer: await signerFor('ec-256'),
      targetArtifact: TARGET,
      signingTime: new Date('2026-03-04T05:06:07.999Z'),
      expiresInSeconds: 1,
    });
    const a = s.verified.content.signerInfo.signedAttributes;
    expect(a.signingTime?.toISOString()).toBe('2026-03-04T05:06:07.000Z');
    expect(a.expiry?.toISOString()).toBe('2026-03-04T05:06:08.000Z');
    if (mediaType === MEDIA_TYPE_JWS) {
      expect(splitJws(s.bytes).header[HEADER.signingTime]).toBe('2026-03-04T05:06:07Z');
    } else {
      expect((splitCose(s.bytes).protectedMap.get(HEADER.signingTime) as { contents: unknown }).contents).toBe(
        1772600767,
      );
    }
  });

  it.each([[0], [-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY], [2 ** 60]])(
    `ATTR-6: ${F} expiresInSeconds %d is ERR_SIGNING_FAILED`,
    async (seconds) => {
      const e = await expectEnvelopeError(
        signEnvelope({
          mediaType,
          signer: await signerFor('ec-256'),
          targetArtifact: TARGET,
          signingTime: SIGNING_TIME,
          expiresInSeconds: seconds,
        }),
        'ERR_SIGNING_FAILED',
      );
      // Refused up front, not only by the signer's re-verification (which would carry a cause).
      expect(e.message).toContain('expiresInSeconds');
      expect(e.cause).toBeUndefined();
    },
  );

  it(`ATTR-6: ${F} expiry equal to or before signingTime is ERR_ENVELOPE_HEADER_INVALID; one second after is fine`, async () => {
    await rejects(mediaType, x509({ expiry: SIGNING_TIME, crit: [S, HEADER.expiry] }));
    await rejects(mediaType, x509({ expiry: new Date(SIGNING_TIME.getTime() - 1000), crit: [S, HEADER.expiry] }));
    await rejects(
      mediaType,
      authority({ expiry: SIGNING_TIME, crit: [S, HEADER.authenticSigningTime, HEADER.expiry] }),
    );
    await expect(
      verify(
        mediaType,
        await envelope(mediaType, x509({ expiry: new Date(SIGNING_TIME.getTime() + 1000), crit: [S, HEADER.expiry] })),
      ),
    ).resolves.toBeDefined();
  });

  it(`ATTR-6 ATTR-7: ${F} the signer stores expiry as signingTime + expiresInSeconds`, async () => {
    const s = await signEnvelope({
      mediaType,
      signer: await signerFor('ec-256'),
      targetArtifact: TARGET,
      signingTime: SIGNING_TIME,
      expiresInSeconds: 7 * 86400,
    });
    expect(s.verified.content.signerInfo.signedAttributes.expiry).toEqual(
      new Date(SIGNING_TIME.getTime() + 7 * 86400_000),
    );
  });

  it(`ATTR-7: ${F} an envelope whose expiry has passed still passes integrity; whether that is fatal is the policy's call`, async () => {
    const past = new Date('2025-06-01T00:00:00Z');
    const s = await signEnvelope({
      mediaType,
      signer: await signerFor('ec-256'),
      targetArtifact: TARGET,
      signingTime: past,
      expiresInSeconds: 60,
    });
    const v = await verify(mediaType, s.bytes);
    expect(v.content.signerInfo.signedAttributes.expiry!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(v.content.signerInfo.signedAttributes.expiry).toEqual(new Date('2025-06-01T00:01:00Z'));
  });
});

describe('validateSignedAttributes (shared rules)', () => {
  const base = {
    contentType: MEDIA_TYPE_PAYLOAD,
    critical: [S],
    present: new Set(['alg', 'crit', 'cty', S, HEADER.signingTime]),
    signingScheme: SIGNING_SCHEME_X509,
    signingTime: SIGNING_TIME,
    authenticSigningTime: undefined,
    expiry: undefined,
    extended: new Map<string, unknown>(),
  };

  it('ATTR-1: returns the standard attributes, times untouched', () => {
    expect(validateSignedAttributes(base)).toEqual({
      contentType: MEDIA_TYPE_PAYLOAD,
      signingScheme: 'notary.x509',
      signingTime: SIGNING_TIME,
      extendedAttributes: [],
    });
  });

  it('ATTR-3 AMB-7: the first unknown critical extended attribute is named in the error', async () => {
    const e = await expectEnvelopeError(
      () =>
        validateSignedAttributes({
          ...base,
          critical: [S, 'b.crit'],
          present: new Set([...base.present, 'a.info', 'b.crit']),
          extended: new Map<string, unknown>([
            ['a.info', 1],
            ['b.crit', 2],
          ]),
        }),
      'ERR_ENVELOPE_UNKNOWN_CRITICAL',
    );
    expect(e.message).toContain('b.crit');
  });

  it('ATTR-4: verificationPluginMinVersion alone (no plugin) is known and not reported as unprocessed', () => {
    const a = validateSignedAttributes({
      ...base,
      critical: [S, HEADER.verificationPluginMinVersion],
      present: new Set([...base.present, HEADER.verificationPluginMinVersion]),
      extended: new Map([[HEADER.verificationPluginMinVersion, '1.0.0']]),
    });
    expect(unprocessedCriticalAttributes(a)).toEqual([]);
  });

  it('SCH-1: the COSE and JWS constants name the two schemes', () => {
    expect([SIGNING_SCHEME_X509, SIGNING_SCHEME_SIGNING_AUTHORITY]).toEqual([
      'notary.x509',
      'notary.x509.signingAuthority',
    ]);
    expect(MEDIA_TYPE_COSE).not.toBe(MEDIA_TYPE_JWS);
  });

  // [impl] issue 12: notation's Go decoder keeps the last copy; RFC 7515 §4 allows that or rejecting, and we reject.
  it('SCH-1 issue 12: a scheme written twice (JSON duplicate key) is ERR_ENVELOPE_HEADER_INVALID, even when both copies are valid', async () => {
    const km = await keyMaterial('ec-256');
    const good = JSON.stringify({
      alg: 'ES256',
      crit: [S],
      cty: MEDIA_TYPE_PAYLOAD,
      [S]: 'notary.x509',
      [HEADER.signingTime]: '2026-01-02T03:04:05Z',
    });
    await expect(
      verifyEnvelopeIntegrity(await craftJws(km, { protectedText: good }), MEDIA_TYPE_JWS),
    ).resolves.toBeDefined();
    const dupBad = good.replace(`"${S}":"notary.x509"`, `"${S}":"notary.x509","${S}":"bogus"`);
    await expectEnvelopeError(
      verifyEnvelopeIntegrity(await craftJws(km, { protectedText: dupBad }), MEDIA_TYPE_JWS),
      'ERR_ENVELOPE_HEADER_INVALID',
    );
    const dupSame = good.replace(`"${S}":"notary.x509"`, `"${S}":"notary.x509","${S}":"notary.x509"`);
    await expectEnvelopeError(
      verifyEnvelopeIntegrity(await craftJws(km, { protectedText: dupSame }), MEDIA_TYPE_JWS),
      'ERR_ENVELOPE_HEADER_INVALID',
    );
    await expect(verifyEnvelopeIntegrity(await craftCose(km), MEDIA_TYPE_COSE)).resolves.toBeDefined();
  });
});
