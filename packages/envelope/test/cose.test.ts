import * as pki from '@x/notary-pki';
import { encode, Tag } from 'cbor2';
import { describe, expect, it } from 'vitest';
import { coseSigningInput, encodeCoseProtectedHeader } from '../src/cose.js';
import {
  encodeCosePayload,
  HEADER,
  MEDIA_TYPE_COSE,
  parseEnvelope,
  type SignedAttributes,
  signEnvelope,
  verifyEnvelopeIntegrity,
} from '../src/index.js';
import { MEDIA_TYPE_PAYLOAD } from '../src/media-types.js';
import {
  concat,
  coseEntries,
  craftCose,
  encodeMap,
  epochSeconds,
  expectEnvelopeError,
  fromHex,
  hex,
  keyMaterial,
  rawVerify,
  SIGNING_TIME,
  signerFor,
  sigStructure,
  splitCose,
  TARGET,
  utf8,
} from './helpers.js';

const verify = (bytes: Uint8Array): ReturnType<typeof verifyEnvelopeIntegrity> =>
  verifyEnvelopeIntegrity(bytes, MEDIA_TYPE_COSE);

async function signed(spec = 'ec-256', extra: Partial<Parameters<typeof signEnvelope>[0]> = {}) {
  return signEnvelope({
    mediaType: MEDIA_TYPE_COSE,
    signer: await signerFor(spec),
    targetArtifact: TARGET,
    signingTime: SIGNING_TIME,
    ...extra,
  });
}

/** A protected header with one entry replaced / removed; the rest is the valid default. */
async function craftWithEntries(
  spec: string,
  overrides: [string | number, unknown][],
  remove: (string | number)[] = [],
): Promise<Uint8Array> {
  const km = await keyMaterial(spec);
  return craftCose(km, { entries: coseEntries(km, overrides, remove) });
}

describe('COSE envelope', () => {
  describe('ENV-COSE-1 COSE_Sign1_Tagged', () => {
    it('ENV-COSE-1: the signer writes tag 18 (prefix D2 84); the media type is application/cose', async () => {
      expect(MEDIA_TYPE_COSE).toBe('application/cose');
      const s = await signed();
      expect(hex(s.bytes.subarray(0, 2))).toBe('d284');
      splitCose(s.bytes);
      await expectEnvelopeError(() => parseEnvelope(s.bytes, 'application/cbor'), 'ERR_UNSUPPORTED_MEDIA_TYPE');
    });

    it('ENV-COSE-1: a hand-made tagged envelope verifies, the untagged, tag-98 and tag-17 forms are ERR_ENVELOPE_MALFORMED', async () => {
      const km = await keyMaterial('ec-256');
      await expect(verify(await craftCose(km))).resolves.toBeDefined();
      for (const tag of [null, 98, 17, 24])
        await expectEnvelopeError(verify(await craftCose(km, { tag })), 'ERR_ENVELOPE_MALFORMED');
    });

    it('ENV-COSE-1: a COSE_Sign1 array of 3 or 5 items, or trailing bytes after it, is ERR_ENVELOPE_MALFORMED', async () => {
      const km = await keyMaterial('ec-256');
      const good = await craftCose(km);
      const parts = splitCose(good);
      const three = encode(new Tag(18, [parts.protectedBytes, parts.unprotected, parts.payload]), { sortKeys: null });
      const five = encode(
        new Tag(18, [parts.protectedBytes, parts.unprotected, parts.payload, parts.signature, new Uint8Array()]),
        { sortKeys: null },
      );
      for (const bad of [three, five, concat(good, Uint8Array.of(0x00))])
        await expectEnvelopeError(verify(bad), 'ERR_ENVELOPE_MALFORMED');
    });

    it('ENV-COSE-1: a duplicate key in the protected map, or an indefinite-length protected map, is ERR_ENVELOPE_MALFORMED', async () => {
      const km = await keyMaterial('ec-256');
      const valid = encodeMap(coseEntries(km));
      expect(valid[0]).toBe(0xa5);
      // Same map with label 1 (alg) written twice: count 6, "01 26" appended.
      const duplicate = concat(Uint8Array.of(0xa6), valid.subarray(1), Uint8Array.of(0x01, 0x26));
      // Same entries in an indefinite-length map: BF … FF.
      const indefinite = concat(Uint8Array.of(0xbf), valid.subarray(1), Uint8Array.of(0xff));
      await expect(verify(await craftCose(km, { protectedBytes: valid }))).resolves.toBeDefined();
      await expectEnvelopeError(verify(await craftCose(km, { protectedBytes: duplicate })), 'ERR_ENVELOPE_MALFORMED');
      await expectEnvelopeError(verify(await craftCose(km, { protectedBytes: indefinite })), 'ERR_ENVELOPE_MALFORMED');
    });

    it('ENV-COSE-1: an empty or non-map protected header is ERR_ENVELOPE_MALFORMED', async () => {
      const km = await keyMaterial('ec-256');
      for (const protectedBytes of [new Uint8Array(), encode([1, 2]), Uint8Array.of(0xa1)]) {
        await expectEnvelopeError(verify(await craftCose(km, { protectedBytes })), 'ERR_ENVELOPE_MALFORMED');
      }
    });
  });

  describe('ENV-COSE-2 attached payload', () => {
    it('ENV-COSE-2: the payload is attached as a bstr of the payload JSON', async () => {
      const s = await signed();
      expect(splitCose(s.bytes).payload).toEqual(encodeCosePayload(TARGET));
    });

    it('ENV-COSE-2: a detached (nil) payload is ERR_ENVELOPE_MALFORMED ("content not present")', async () => {
      const km = await keyMaterial('ec-256');
      const e = await expectEnvelopeError(verify(await craftCose(km, { payload: null })), 'ERR_ENVELOPE_MALFORMED');
      expect(e.message).toContain('content not present');
    });

    it('ENV-COSE-2: a payload written as a text string is ERR_ENVELOPE_MALFORMED', async () => {
      const km = await keyMaterial('ec-256');
      const parts = splitCose(await craftCose(km));
      const bytes = encode(
        new Tag(18, [
          parts.protectedBytes,
          parts.unprotected,
          new TextDecoder().decode(parts.payload),
          parts.signature,
        ]),
        { sortKeys: null },
      );
      await expectEnvelopeError(verify(bytes), 'ERR_ENVELOPE_MALFORMED');
    });
  });

  describe('ENV-COSE-3 protected header', () => {
    it('ENV-COSE-3: the signer writes int alg, crit array, cty text and times as tag 1 over an unsigned integer', async () => {
      const { protectedMap } = splitCose((await signed('ec-256', { expiresInSeconds: 10 })).bytes);
      expect(protectedMap.get(1)).toBe(-7);
      expect(protectedMap.get(2)).toEqual([HEADER.signingScheme, HEADER.expiry]);
      expect(protectedMap.get(3)).toBe(MEDIA_TYPE_PAYLOAD);
      expect(protectedMap.get(HEADER.signingScheme)).toBe('notary.x509');
      for (const [name, seconds] of [
        [HEADER.signingTime, epochSeconds(SIGNING_TIME)],
        [HEADER.expiry, epochSeconds(SIGNING_TIME) + 10],
      ] as const) {
        const t = protectedMap.get(name) as Tag;
        expect(t).toBeInstanceOf(Tag);
        expect(Number(t.tag)).toBe(1);
        expect(t.contents).toBe(seconds);
      }
    });

    it.each<[string, unknown]>([
      ['tag 0 (RFC 3339 text)', new Tag(0, '2026-01-02T03:04:05Z')],
      ['untagged integer', epochSeconds(SIGNING_TIME)],
      ['tag 1 over a float', new Tag(1, 1767323045.5)],
      ['tag 1 over a negative integer', new Tag(1, -1)],
      ['tag 1 over a string', new Tag(1, '1767323045')],
      ['tag 1004 (RFC 8943 date)', new Tag(1004, '2026-01-02')],
      ['tag 18 over an integer', new Tag(18, 1767323045)],
    ])('ENV-COSE-3: signingTime as %s is ERR_ENVELOPE_HEADER_INVALID', async (_what, value) => {
      await expectEnvelopeError(
        verify(await craftWithEntries('ec-256', [[HEADER.signingTime, value]])),
        'ERR_ENVELOPE_HEADER_INVALID',
      );
    });

    it('ENV-COSE-3: an expiry as tag 0 is ERR_ENVELOPE_HEADER_INVALID', async () => {
      const bytes = await craftWithEntries('ec-256', [
        [2, [HEADER.signingScheme, HEADER.expiry]],
        [HEADER.expiry, new Tag(0, '2027-01-01T00:00:00Z')],
      ]);
      await expectEnvelopeError(verify(bytes), 'ERR_ENVELOPE_HEADER_INVALID');
    });

    it.each<[string, [string | number, unknown][], (string | number)[], string]>([
      ['content type missing', [], [3], 'ERR_ENVELOPE_HEADER_INVALID'],
      ['content type as a CoAP integer (50)', [[3, 50]], [], 'ERR_ENVELOPE_HEADER_INVALID'],
      ['content type application/json', [[3, 'application/json']], [], 'ERR_ENVELOPE_HEADER_INVALID'],
      ['signingScheme as bytes', [[HEADER.signingScheme, utf8('notary.x509')]], [], 'ERR_ENVELOPE_HEADER_INVALID'],
      ['crit as a single text', [[2, HEADER.signingScheme]], [], 'ERR_ENVELOPE_HEADER_INVALID'],
      ['crit with a bstr label', [[2, [HEADER.signingScheme, utf8('x')]]], [], 'ERR_ENVELOPE_HEADER_INVALID'],
      ['alg missing', [], [1], 'ERR_UNSUPPORTED_ALGORITHM'],
      ['alg as text "ES256"', [[1, 'ES256']], [], 'ERR_UNSUPPORTED_ALGORITHM'],
      [
        'an extended attribute with a map value',
        [['com.example.m', new Map([[1, 2]])]],
        [],
        'ERR_ENVELOPE_HEADER_INVALID',
      ],
      [
        'an extended attribute with a bstr value',
        [['com.example.b', Uint8Array.of(1)]],
        [],
        'ERR_ENVELOPE_HEADER_INVALID',
      ],
    ])('ENV-COSE-3: %s is rejected', async (_what, overrides, remove, code) => {
      await expectEnvelopeError(verify(await craftWithEntries('ec-256', overrides, remove)), code as never);
    });
  });

  describe('ENV-COSE-4 crit', () => {
    it.each([0, 1, 2, 3, 4, 8])(
      'ENV-COSE-4: crit listing integer label %i is ERR_ENVELOPE_HEADER_INVALID',
      async (label) => {
        await expectEnvelopeError(
          verify(await craftWithEntries('ec-256', [[2, [HEADER.signingScheme, label]]])),
          'ERR_ENVELOPE_HEADER_INVALID',
        );
      },
    );

    it('ENV-COSE-4: crit listing a present integer label outside 0–8 is ERR_ENVELOPE_UNKNOWN_CRITICAL', async () => {
      const bytes = await craftWithEntries('ec-256', [
        [2, [HEADER.signingScheme, 99]],
        [99, 'x'],
      ]);
      await expectEnvelopeError(verify(bytes), 'ERR_ENVELOPE_UNKNOWN_CRITICAL');
    });

    it.each<[string, [string | number, unknown][]]>([
      [
        'crit omits signingScheme',
        [
          [2, ['com.example.x']],
          ['com.example.x', 'v'],
        ],
      ],
      ['crit is empty', [[2, []]]],
      ['crit lists an absent text label', [[2, [HEADER.signingScheme, 'com.example.absent']]]],
      ['crit lists signingTime', [[2, [HEADER.signingScheme, HEADER.signingTime]]]],
      ['crit lists signingScheme twice', [[2, [HEADER.signingScheme, HEADER.signingScheme]]]],
      ['expiry present but not critical', [[HEADER.expiry, new Tag(1, epochSeconds(SIGNING_TIME) + 60)]]],
    ])('ENV-COSE-4: %s is ERR_ENVELOPE_HEADER_INVALID', async (_what, overrides) => {
      await expectEnvelopeError(verify(await craftWithEntries('ec-256', overrides)), 'ERR_ENVELOPE_HEADER_INVALID');
    });

    it('ENV-COSE-4: the signer writes crit as [signingScheme, expiry, critical extended in request order]', async () => {
      const s = await signed('ec-256', {
        expiresInSeconds: 60,
        extendedAttributes: [
          { key: 'com.example.b', value: 'b', critical: true },
          { key: HEADER.verificationPlugin, value: 'my-plugin', critical: true },
          { key: 'com.example.informational', value: 'i', critical: false },
          { key: 'com.example.a', value: 'a', critical: true },
        ],
      });
      expect(splitCose(s.bytes).protectedMap.get(2)).toEqual([
        HEADER.signingScheme,
        HEADER.expiry,
        'com.example.b',
        HEADER.verificationPlugin,
        'com.example.a',
      ]);
    });

    it('ENV-COSE-4: under signingAuthority the encoder writes [signingScheme, authenticSigningTime, expiry, extended…]', () => {
      const a: SignedAttributes = {
        contentType: MEDIA_TYPE_PAYLOAD,
        signingScheme: 'notary.x509.signingAuthority',
        authenticSigningTime: SIGNING_TIME,
        expiry: new Date(SIGNING_TIME.getTime() + 1000),
        extendedAttributes: [{ key: 'com.example.c', value: 'c', critical: true }],
      };
      const map = splitCose(
        encode(
          new Tag(18, [encodeCoseProtectedHeader('ECDSA-SHA-256', a), new Map(), new Uint8Array(), new Uint8Array()]),
        ),
      ).protectedMap;
      expect(map.get(2)).toEqual([HEADER.signingScheme, HEADER.authenticSigningTime, HEADER.expiry, 'com.example.c']);
    });
  });

  describe('ENV-COSE-5 unprotected header', () => {
    it('ENV-COSE-5 ATTR-5: x5chain (label 33) is an array of DER certificates, leaf first', async () => {
      const km = await keyMaterial('ec-384');
      const s = await signed('ec-384');
      const chain = splitCose(s.bytes).unprotected.get(33) as Uint8Array[];
      expect(chain.map((c) => hex(c))).toEqual(km.chain.map((c) => hex(c.der)));
    });

    it('ENV-COSE-5: x5chain as a single bstr (not an array), even for a one-certificate chain, is ERR_ENVELOPE_MALFORMED', async () => {
      const km = await keyMaterial('ec-256');
      const leaf = km.chain[0]!.der;
      await expectEnvelopeError(
        verify(await craftCose(km, { unprotected: new Map([[33, leaf]]) })),
        'ERR_ENVELOPE_MALFORMED',
      );
      // The array form of the same single certificate parses (and then fails only the chain rule: no root).
      let caught: unknown;
      await verify(await craftCose(km, { unprotected: new Map([[33, [leaf]]]) })).catch((e: unknown) => (caught = e));
      expect(caught).toBeInstanceOf(pki.CertificateRuleError);
    });

    it.each<[string, unknown]>([
      ['an empty array', []],
      ['an array with a text entry', ['MIIB']],
      ['an array with a non-certificate bstr', [utf8('not a certificate')]],
    ])('ENV-COSE-5: x5chain as %s is ERR_ENVELOPE_MALFORMED', async (_what, x5chain) => {
      const km = await keyMaterial('ec-256');
      await expectEnvelopeError(
        verify(await craftCose(km, { unprotected: new Map([[33, x5chain]]) })),
        'ERR_ENVELOPE_MALFORMED',
      );
    });

    it('ENV-COSE-5 AMB-18: an x5chain in the protected header is ignored; the unprotected one is read', async () => {
      const km = await keyMaterial('ec-256');
      const other = await keyMaterial('ec-384');
      const entries = coseEntries(km, [[33, other.chain.map((c) => c.der)]]);
      const v = await verify(await craftCose(km, { entries }));
      expect(v.content.signerInfo.certificateChain.map((c) => c.sha256Fingerprint)).toEqual(
        km.chain.map((c) => c.sha256Fingerprint),
      );
    });

    it('ENV-COSE-5 AMB-18: an x5chain only in the protected header is ERR_ENVELOPE_MALFORMED', async () => {
      const km = await keyMaterial('ec-256');
      const entries = coseEntries(km, [[33, km.chain.map((c) => c.der)]]);
      await expectEnvelopeError(
        verify(await craftCose(km, { entries, unprotected: new Map() })),
        'ERR_ENVELOPE_MALFORMED',
      );
    });

    it('ENV-COSE-5 AMB-1: the timestamp token round-trips as a bstr under io.cncf.notary.timestampSignature; signingAgent is a tstr', async () => {
      const token = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
      let stamped: Uint8Array | undefined;
      const s = await signed('ec-256', { timestamp: async (sig) => ((stamped = sig), token), signingAgent: 'agent/1' });
      const parts = splitCose(s.bytes);
      expect(stamped).toEqual(parts.signature);
      expect(parts.unprotected.get(HEADER.timestampSignature)).toEqual(token);
      expect(parts.unprotected.get(HEADER.signingAgent)).toBe('agent/1');
      const v = await verify(s.bytes);
      expect(v.content.signerInfo.unsignedAttributes).toEqual({ timestampSignature: token, signingAgent: 'agent/1' });
    });

    it.each<[string, string, unknown]>([
      ['timestampSignature as a tstr', HEADER.timestampSignature, 'AQID'],
      ['timestampSignature as an array', HEADER.timestampSignature, [Uint8Array.of(1)]],
      ['signingAgent as a bstr', HEADER.signingAgent, utf8('agent')],
      ['signingAgent as an integer', HEADER.signingAgent, 1],
    ])('ENV-COSE-5: %s is ERR_ENVELOPE_MALFORMED', async (_what, label, value) => {
      const km = await keyMaterial('ec-256');
      const unprotected = new Map<unknown, unknown>([
        [33, km.chain.map((c) => c.der)],
        [label, value],
      ]);
      await expectEnvelopeError(verify(await craftCose(km, { unprotected })), 'ERR_ENVELOPE_MALFORMED');
    });
  });

  describe('ENV-COSE-6 Sig_structure', () => {
    it('ENV-COSE-6: coseSigningInput is ["Signature1", protected, h\'\', payload] byte for byte', () => {
      for (const [p, l] of [
        [1, 0],
        [23, 24],
        [255, 256],
        [300, 70000],
      ] as const) {
        const protectedBytes = Uint8Array.from({ length: p }, (_, i) => i & 0xff);
        const payload = Uint8Array.from({ length: l }, (_, i) => (i * 7) & 0xff);
        expect(hex(coseSigningInput(protectedBytes, payload))).toBe(hex(sigStructure(protectedBytes, payload)));
      }
      expect(hex(coseSigningInput(Uint8Array.of(0xa0), Uint8Array.of(1)))).toBe('846a5369676e61747572653141a0404101');
    });

    it.each(['ec-256', 'rsa-2048'])(
      'ENV-COSE-6: the %s signature verifies over a hand-built Sig_structure of the raw protected bytes and payload',
      async (spec) => {
        const km = await keyMaterial(spec);
        const parts = splitCose((await signed(spec)).bytes);
        expect(await rawVerify(km, parts.signature, sigStructure(parts.protectedBytes, parts.payload))).toBe(true);
        // Not over the payload alone, nor with a non-empty external_aad.
        expect(await rawVerify(km, parts.signature, parts.payload)).toBe(false);
        const withAad = concat(
          Uint8Array.of(0x84, 0x6a),
          utf8('Signature1'),
          encode(parts.protectedBytes),
          Uint8Array.of(0x41, 0x00),
          encode(parts.payload),
        );
        expect(await rawVerify(km, parts.signature, withAad)).toBe(false);
      },
    );

    it('ENV-COSE-6: a signature over a Sig_structure with context "Signature" (COSE_Sign) is ERR_SIGNATURE_VERIFICATION_FAILED', async () => {
      const km = await keyMaterial('ec-256');
      const protectedBytes = encodeMap(coseEntries(km));
      const payload = encodeCosePayload(TARGET);
      const { rawSign } = await import('./helpers.js');
      const wrong = await rawSign(km, encode(['Signature', protectedBytes, new Uint8Array(), payload]));
      await expectEnvelopeError(
        verify(await craftCose(km, { protectedBytes, payload, signature: wrong })),
        'ERR_SIGNATURE_VERIFICATION_FAILED',
      );
    });
  });

  describe('ENV-COSE-7 algorithms', () => {
    it.each([
      ['rsa-2048', -37],
      ['rsa-3072', -38],
      ['rsa-4096', -39],
      ['ec-256', -7],
      ['ec-384', -35],
      ['ec-521', -36],
    ])('ENV-COSE-7 ALG-2: the signer writes the alg id its %s leaf implies (%i)', async (spec, id) => {
      const s = await signed(spec);
      expect(splitCose(s.bytes).protectedMap.get(1)).toBe(id);
    });

    it.each([
      ['HMAC 256/256', 5],
      ['RS256', -257],
      ['EdDSA', -8],
      ['A128GCM', 1],
    ])('ENV-COSE-7: alg %s (%i) is ERR_UNSUPPORTED_ALGORITHM', async (_name, id) => {
      await expectEnvelopeError(verify(await craftWithEntries('ec-256', [[1, id]])), 'ERR_UNSUPPORTED_ALGORITHM');
    });

    it('ENV-COSE-7 ALG-2: a valid P-256 signature under ES384 (-35) is ERR_ALGORITHM_MISMATCH', async () => {
      await expectEnvelopeError(verify(await craftWithEntries('ec-256', [[1, -35]])), 'ERR_ALGORITHM_MISMATCH');
    });

    it('ENV-COSE-7 ALG-2: a valid SHA-256 PSS signature by an RSA-3072 leaf under PS256 (-37) is ERR_ALGORITHM_MISMATCH', async () => {
      const km = await keyMaterial('rsa-3072');
      await expectEnvelopeError(
        verify(await craftCose(km, { entries: coseEntries(km, [[1, -37]]), hash: 'SHA-256' })),
        'ERR_ALGORITHM_MISMATCH',
      );
    });

    it.each(['rsa-2048', 'rsa-3072', 'rsa-4096'])(
      'ENV-COSE-7 AMB-16: %s PSS uses salt = hash length; salt 20 is ERR_SIGNATURE_VERIFICATION_FAILED',
      async (spec) => {
        const km = await keyMaterial(spec);
        const parts = splitCose((await signed(spec)).bytes);
        const input = sigStructure(parts.protectedBytes, parts.payload);
        expect(await rawVerify(km, parts.signature, input, km.suite.hashLength)).toBe(true);
        expect(await rawVerify(km, parts.signature, input, 20)).toBe(false);
        await expectEnvelopeError(verify(await craftCose(km, { saltLength: 20 })), 'ERR_SIGNATURE_VERIFICATION_FAILED');
      },
    );

    it.each([
      ['ec-256', 64],
      ['ec-384', 96],
      ['ec-521', 132],
    ])('ENV-COSE-7: the %s ECDSA signature is raw r‖s of %i bytes', async (spec, length) => {
      const km = await keyMaterial(spec);
      const parts = splitCose((await signed(spec)).bytes);
      expect(parts.signature.length).toBe(length);
      expect(await rawVerify(km, parts.signature, sigStructure(parts.protectedBytes, parts.payload))).toBe(true);
    });
  });

  describe('ENV-COSE-8 byte form', () => {
    it('ENV-COSE-8: protected keys are in core deterministic order: 1, 2, 3, then text labels by encoded length', async () => {
      const s = await signed('ec-256', {
        expiresInSeconds: 60,
        extendedAttributes: [
          { key: HEADER.verificationPluginMinVersion, value: '1.0.0', critical: true },
          { key: HEADER.verificationPlugin, value: 'my-plugin', critical: true },
          { key: 'x', value: 'short', critical: false },
          { key: 'com.example.long-name-for-order', value: 1, critical: false },
        ],
      });
      expect([...splitCose(s.bytes).protectedMap.keys()]).toEqual([
        1,
        2,
        3,
        'x',
        HEADER.expiry, // 21 bytes
        HEADER.signingTime, // 26
        HEADER.signingScheme, // 28
        'com.example.long-name-for-order', // 31
        HEADER.verificationPlugin, // 33
        HEADER.verificationPluginMinVersion, // 43
      ]);
    });

    it('ENV-COSE-8: authenticSigningTime (35 bytes) sorts between verificationPlugin and its MinVersion', () => {
      const a: SignedAttributes = {
        contentType: MEDIA_TYPE_PAYLOAD,
        signingScheme: 'notary.x509.signingAuthority',
        authenticSigningTime: SIGNING_TIME,
        extendedAttributes: [
          { key: HEADER.verificationPluginMinVersion, value: '1.0.0', critical: true },
          { key: HEADER.verificationPlugin, value: 'p', critical: true },
        ],
      };
      const map = splitCose(
        encode(
          new Tag(18, [encodeCoseProtectedHeader('ECDSA-SHA-256', a), new Map(), new Uint8Array(), new Uint8Array()]),
        ),
      ).protectedMap;
      expect([...map.keys()]).toEqual([
        1,
        2,
        3,
        HEADER.signingScheme,
        HEADER.verificationPlugin,
        HEADER.authenticSigningTime,
        HEADER.verificationPluginMinVersion,
      ]);
    });

    it('ENV-COSE-8: exact protected bytes for a fixed ES256 request', () => {
      const a: SignedAttributes = {
        contentType: MEDIA_TYPE_PAYLOAD,
        signingScheme: 'notary.x509',
        signingTime: new Date('2025-01-01T00:00:00Z'),
        extendedAttributes: [],
      };
      const tstr = (s: string): string =>
        (s.length < 24 ? (0x60 + s.length).toString(16) : `78${s.length.toString(16).padStart(2, '0')}`) + hex(utf8(s));
      const expected =
        'a5' +
        '0126' +
        `0281${tstr(HEADER.signingScheme)}` +
        `03${tstr(MEDIA_TYPE_PAYLOAD)}` +
        `${tstr(HEADER.signingTime)}c11a67748580` +
        `${tstr(HEADER.signingScheme)}${tstr('notary.x509')}`;
      expect(hex(encodeCoseProtectedHeader('ECDSA-SHA-256', a))).toBe(expected);
    });

    it('ENV-COSE-8: unprotected keys are written 33, signingAgent, timestampSignature', async () => {
      const s = await signed('ec-256', { timestamp: async () => Uint8Array.of(9) });
      expect([...splitCose(s.bytes).unprotected.keys()]).toEqual([33, HEADER.signingAgent, HEADER.timestampSignature]);
    });

    it('ENV-COSE-8: verification uses the raw received protected bytes, even in non-deterministic order', async () => {
      const km = await keyMaterial('ec-256');
      const reversed = coseEntries(km).reverse();
      const protectedBytes = encodeMap(reversed);
      expect(hex(protectedBytes)).not.toBe(hex(encodeMap(coseEntries(km))));
      const v = await verify(await craftCose(km, { protectedBytes }));
      expect(v.content.signerInfo.signedAttributes.signingTime).toEqual(SIGNING_TIME);
      // The same header re-encoded deterministically does not match the signature.
      const parts = splitCose(await craftCose(km, { protectedBytes }));
      const swapped = encode(
        new Tag(18, [encodeMap(coseEntries(km)), parts.unprotected, parts.payload, parts.signature]),
        { sortKeys: null },
      );
      await expectEnvelopeError(verify(swapped), 'ERR_SIGNATURE_VERIFICATION_FAILED');
    });

    it('ENV-COSE-8: signing twice gives the same bytes up to the signature (ECDSA is randomised)', async () => {
      const a = splitCose((await signed('ec-256')).bytes);
      const b = splitCose((await signed('ec-256')).bytes);
      expect(hex(a.protectedBytes)).toBe(hex(b.protectedBytes));
      expect(hex(a.payload)).toBe(hex(b.payload));
      expect(fromHex(hex(a.protectedBytes))).toEqual(a.protectedBytes);
    });
  });
});
