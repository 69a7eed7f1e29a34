import * as pki from '@x/notary-pki';
import * as foundation from '@x/notary-pki/foundation';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIGNING_AGENT,
  HEADER,
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  parseEnvelope,
  type SignedAttributes,
  signEnvelope,
  verifyEnvelopeIntegrity,
} from '../src/index.js';
import { encodeJwsProtectedHeader, jwsSigningInput } from '../src/jws.js';
import { MEDIA_TYPE_PAYLOAD } from '../src/media-types.js';
import { encodeJwsPayload } from '../src/payload.js';
import {
  craftCose,
  craftJws,
  expectEnvelopeError,
  jwsHeader,
  keyMaterial,
  rawSign,
  rawVerify,
  SIGNING_TIME,
  signerFor,
  splitJws,
  TARGET,
  text,
  utf8,
} from './helpers.js';

const verify = (bytes: Uint8Array): ReturnType<typeof verifyEnvelopeIntegrity> =>
  verifyEnvelopeIntegrity(bytes, MEDIA_TYPE_JWS);

async function signed(spec = 'ec-256', extra: Partial<Parameters<typeof signEnvelope>[0]> = {}) {
  return signEnvelope({
    mediaType: MEDIA_TYPE_JWS,
    signer: await signerFor(spec),
    targetArtifact: TARGET,
    signingTime: SIGNING_TIME,
    ...extra,
  });
}

describe('JWS envelope', () => {
  describe('ENV-JWS-1 flattened serialisation', () => {
    it('ENV-JWS-1: the media type is application/jose+json and anything else is ERR_UNSUPPORTED_MEDIA_TYPE', async () => {
      expect(MEDIA_TYPE_JWS).toBe('application/jose+json');
      const s = await signed();
      expect(s.mediaType).toBe(MEDIA_TYPE_JWS);
      await expectEnvelopeError(() => parseEnvelope(s.bytes, 'application/json'), 'ERR_UNSUPPORTED_MEDIA_TYPE');
      await expectEnvelopeError(() => parseEnvelope(s.bytes, 'application/jose'), 'ERR_UNSUPPORTED_MEDIA_TYPE');
    });

    it('ENV-JWS-1: output has exactly payload, protected, header, signature, in notation order, base64url without padding', async () => {
      const s = await signed('ec-256', { timestamp: async () => Uint8Array.of(1, 2, 3) });
      const { envelope } = splitJws(s.bytes);
      expect(Object.keys(envelope)).toEqual(['payload', 'protected', 'header', 'signature']);
      expect(Object.keys(envelope.header)).toEqual([HEADER.timestampSignature, 'x5c', HEADER.signingAgent]);
      for (const member of ['payload', 'protected', 'signature']) expect(envelope[member]).toMatch(/^[A-Za-z0-9_-]+$/);
      // Without a timestamp the member is omitted, not null.
      expect(Object.keys(splitJws((await signed()).bytes).envelope.header)).toEqual(['x5c', HEADER.signingAgent]);
    });

    it.each(['payload', 'protected', 'header', 'signature'])(
      'ENV-JWS-1: an envelope without "%s" is ERR_ENVELOPE_MALFORMED',
      async (member) => {
        const km = await keyMaterial('ec-256');
        const bytes = await craftJws(km, { mutate: (e) => delete e[member] });
        await expectEnvelopeError(verify(bytes), 'ERR_ENVELOPE_MALFORMED');
      },
    );

    it('ENV-JWS-1: a fifth top-level member (even a JWS one like "signatures" or a case variant) is ERR_ENVELOPE_MALFORMED', async () => {
      const km = await keyMaterial('ec-256');
      await expect(verify(await craftJws(km))).resolves.toBeDefined();
      for (const extra of ['signatures', 'unprotected', 'Payload', 'x5c']) {
        const bytes = await craftJws(km, { mutate: (e) => (e[extra] = extra === 'signatures' ? [] : 'x') });
        await expectEnvelopeError(verify(bytes), 'ERR_ENVELOPE_MALFORMED');
      }
    });

    it.each([
      ['not JSON', '{"payload":'],
      ['a JSON array', '[]'],
      ['a compact JWS', 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln'],
      ['a header that is a string', '{"payload":"e30","protected":"e30","header":"x","signature":"c2ln"}'],
      ['a header that is an array', '{"payload":"e30","protected":"e30","header":[],"signature":"c2ln"}'],
      ['a payload that is not a string', '{"payload":{},"protected":"e30","header":{},"signature":"c2ln"}'],
    ])('ENV-JWS-1: %s is ERR_ENVELOPE_MALFORMED', async (_what, json) => {
      await expectEnvelopeError(verify(utf8(json)), 'ERR_ENVELOPE_MALFORMED');
    });
  });

  describe('ENV-JWS-2 signing input', () => {
    it('ENV-JWS-2: the signature covers ASCII(protected "." payload) exactly as the members are written', async () => {
      const km = await keyMaterial('ec-256');
      const s = await signed();
      const { envelope, signature } = splitJws(s.bytes);
      expect(await rawVerify(km, signature, utf8(`${envelope.protected}.${envelope.payload}`))).toBe(true);
      expect(await rawVerify(km, signature, utf8(`${envelope.payload}.${envelope.protected}`))).toBe(false);
      expect(text(jwsSigningInput(utf8('{"a":1}'), utf8('{}')))).toBe(
        `${foundation.encodeBase64Url(utf8('{"a":1}'))}.e30`,
      );
    });

    it('ENV-JWS-2: a signature over the decoded header and payload (not their base64url) fails verification', async () => {
      const km = await keyMaterial('ec-256');
      const header = JSON.stringify(jwsHeader(km));
      const payload = encodeJwsPayload(TARGET);
      const wrong = await rawSign(km, utf8(`${header}.${text(payload)}`));
      const bytes = await craftJws(km, {
        protectedText: header,
        payload,
        mutate: (e) => (e.signature = foundation.encodeBase64Url(wrong)),
      });
      await expectEnvelopeError(verify(bytes), 'ERR_SIGNATURE_VERIFICATION_FAILED');
    });
  });

  describe('ENV-JWS-3 protected header keys', () => {
    it('ENV-JWS-3: a header with alg, cty, crit, scheme and signingTime verifies and is read back', async () => {
      const km = await keyMaterial('ec-256');
      const v = await verify(await craftJws(km));
      expect(v.content.signerInfo.signatureAlgorithm).toBe('ECDSA-SHA-256');
      expect(v.content.signerInfo.signedAttributes).toEqual({
        contentType: MEDIA_TYPE_PAYLOAD,
        signingScheme: 'notary.x509',
        signingTime: SIGNING_TIME,
        extendedAttributes: [],
      });
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['cty missing', { cty: undefined }, 'ERR_ENVELOPE_HEADER_INVALID'],
      ['cty another media type', { cty: 'application/json' }, 'ERR_ENVELOPE_HEADER_INVALID'],
      [
        'cty with different case',
        { cty: 'application/vnd.cncf.notary.payload.v1+JSON' },
        'ERR_ENVELOPE_HEADER_INVALID',
      ],
      ['alg missing', { alg: undefined }, 'ERR_UNSUPPORTED_ALGORITHM'],
      ['alg a number', { alg: -7 }, 'ERR_UNSUPPORTED_ALGORITHM'],
      ['crit missing', { crit: undefined }, 'ERR_ENVELOPE_HEADER_INVALID'],
      ['crit a string', { crit: HEADER.signingScheme }, 'ERR_ENVELOPE_HEADER_INVALID'],
      ['crit with a non-string entry', { crit: [HEADER.signingScheme, 1] }, 'ERR_ENVELOPE_HEADER_INVALID'],
      ['signingScheme a number', { [HEADER.signingScheme]: 1 }, 'ERR_ENVELOPE_HEADER_INVALID'],
      ['signingTime an epoch number', { [HEADER.signingTime]: 1767323045 }, 'ERR_ENVELOPE_HEADER_INVALID'],
      ['signingTime not RFC 3339', { [HEADER.signingTime]: '2026-01-02 03:04:05' }, 'ERR_ENVELOPE_HEADER_INVALID'],
      [
        'expiry not RFC 3339',
        { [HEADER.expiry]: 'tomorrow', crit: [HEADER.signingScheme, HEADER.expiry] },
        'ERR_ENVELOPE_HEADER_INVALID',
      ],
      ['an extended attribute with an object value', { 'com.example.x': { a: 1 } }, 'ERR_ENVELOPE_HEADER_INVALID'],
      ['an extended attribute with an array value', { 'com.example.x': [1] }, 'ERR_ENVELOPE_HEADER_INVALID'],
    ])('ENV-JWS-3: %s is rejected', async (_what, overrides, code) => {
      const km = await keyMaterial('ec-256');
      await expectEnvelopeError(verify(await craftJws(km, { header: jwsHeader(km, overrides) })), code as never);
    });

    it('ENV-JWS-3: a protected header that is not a JSON object is ERR_ENVELOPE_MALFORMED', async () => {
      const km = await keyMaterial('ec-256');
      for (const protectedText of ['[]', '"alg"', '{"alg":']) {
        await expectEnvelopeError(verify(await craftJws(km, { protectedText })), 'ERR_ENVELOPE_MALFORMED');
      }
    });

    it('ENV-JWS-3: non-critical extended attributes with primitive values are kept', async () => {
      const km = await keyMaterial('ec-256');
      const v = await verify(
        await craftJws(km, {
          header: jwsHeader(km, {
            'com.example.s': 's',
            'com.example.n': 2,
            'com.example.b': false,
            'com.example.z': null,
          }),
        }),
      );
      expect(v.content.signerInfo.signedAttributes.extendedAttributes).toEqual([
        { key: 'com.example.s', value: 's', critical: false },
        { key: 'com.example.n', value: 2, critical: false },
        { key: 'com.example.b', value: false, critical: false },
        { key: 'com.example.z', value: null, critical: false },
      ]);
    });
  });

  describe('ENV-JWS-4 crit', () => {
    it.each<[string, Record<string, unknown>]>([
      ['crit lists alg', { crit: [HEADER.signingScheme, 'alg'] }],
      ['crit lists cty', { crit: [HEADER.signingScheme, 'cty'] }],
      ['crit lists crit', { crit: [HEADER.signingScheme, 'crit'] }],
      ['crit lists signingTime', { crit: [HEADER.signingScheme, HEADER.signingTime] }],
      ['crit lists an absent extended key', { crit: [HEADER.signingScheme, 'com.example.absent'] }],
      ['crit lists an absent expiry', { crit: [HEADER.signingScheme, HEADER.expiry] }],
      ['crit omits signingScheme', { crit: ['com.example.x'], 'com.example.x': 'v' }],
      ['crit is empty', { crit: [] }],
      ['crit lists signingScheme twice', { crit: [HEADER.signingScheme, HEADER.signingScheme] }],
      ['expiry present but not critical', { [HEADER.expiry]: '2027-01-01T00:00:00Z' }],
    ])('ENV-JWS-4: %s is ERR_ENVELOPE_HEADER_INVALID', async (_what, overrides) => {
      const km = await keyMaterial('ec-256');
      await expectEnvelopeError(
        verify(await craftJws(km, { header: jwsHeader(km, overrides) })),
        'ERR_ENVELOPE_HEADER_INVALID',
      );
    });

    it('ENV-JWS-4: crit with expiry present and listed verifies', async () => {
      const km = await keyMaterial('ec-256');
      const v = await verify(
        await craftJws(km, {
          header: jwsHeader(km, {
            crit: [HEADER.expiry, HEADER.signingScheme],
            [HEADER.expiry]: '2027-01-01T00:00:00Z',
          }),
        }),
      );
      expect(v.content.signerInfo.signedAttributes.expiry).toEqual(new Date('2027-01-01T00:00:00Z'));
    });

    it('ENV-JWS-4: the signer writes crit as [signingScheme, critical extended in request order, expiry]', async () => {
      const s = await signed('ec-256', {
        expiresInSeconds: 60,
        extendedAttributes: [
          { key: 'com.example.b', value: 'b', critical: true },
          { key: HEADER.verificationPlugin, value: 'my-plugin', critical: true },
          { key: 'com.example.informational', value: 'i', critical: false },
          { key: 'com.example.a', value: 'a', critical: true },
        ],
      });
      expect(splitJws(s.bytes).header.crit).toEqual([
        HEADER.signingScheme,
        'com.example.b',
        HEADER.verificationPlugin,
        'com.example.a',
        HEADER.expiry,
      ]);
      expect([...s.verified.unprocessedAttributes].sort()).toEqual(['com.example.a', 'com.example.b']);
    });

    it('ENV-JWS-4: under signingAuthority the encoder lists authenticSigningTime before expiry', () => {
      const a: SignedAttributes = {
        contentType: MEDIA_TYPE_PAYLOAD,
        signingScheme: 'notary.x509.signingAuthority',
        authenticSigningTime: SIGNING_TIME,
        expiry: new Date(SIGNING_TIME.getTime() + 1000),
        extendedAttributes: [{ key: 'com.example.c', value: 'c', critical: true }],
      };
      const header = JSON.parse(
        text(
          encodeJwsProtectedHeader({
            payload: new Uint8Array(),
            signatureAlgorithm: 'ECDSA-SHA-256',
            signedAttributes: a,
          }),
        ),
      );
      expect(header.crit).toEqual([HEADER.signingScheme, 'com.example.c', HEADER.authenticSigningTime, HEADER.expiry]);
    });
  });

  describe('ENV-JWS-5 unprotected header', () => {
    it('ENV-JWS-5 ATTR-5: x5c is the chain, leaf first, each entry standard base64 with padding', async () => {
      const km = await keyMaterial('rsa-2048');
      const s = await signed('rsa-2048');
      const { envelope } = splitJws(s.bytes);
      expect(envelope.header.x5c).toEqual(km.chain.map((c) => foundation.encodeBase64(c.der)));
      for (const entry of envelope.header.x5c as string[]) expect(entry.length % 4).toBe(0);
      expect(s.verified.content.signerInfo.certificateChain.map((c) => c.sha256Fingerprint)).toEqual(
        km.chain.map((c) => c.sha256Fingerprint),
      );
    });

    it('ENV-JWS-5: an x5c entry in base64url or without padding is ERR_ENVELOPE_MALFORMED', async () => {
      const km = await keyMaterial('ec-256');
      const variants: string[][] = [];
      for (let i = 0; i < km.chain.length; i++) {
        const std = foundation.encodeBase64(km.chain[i]!.der);
        const x5c = km.chain.map((c) => foundation.encodeBase64(c.der));
        if (std.endsWith('=')) variants.push(x5c.map((v, j) => (j === i ? std.replace(/=+$/, '') : v)));
        if (/[+/]/.test(std))
          variants.push(x5c.map((v, j) => (j === i ? std.replace(/\+/g, '-').replace(/\//g, '_') : v)));
      }
      expect(variants.length).toBeGreaterThan(0);
      for (const x5c of variants)
        await expectEnvelopeError(verify(await craftJws(km, { unprotected: { x5c } })), 'ERR_ENVELOPE_MALFORMED');
    });

    it.each<[string, unknown]>([
      ['missing', undefined],
      ['empty', []],
      ['a string', 'MIIB'],
      ['an entry that is not a string', [1]],
      ['an entry that is not a certificate', [foundation.encodeBase64(utf8('not a certificate'))]],
    ])('ENV-JWS-5: x5c %s is ERR_ENVELOPE_MALFORMED', async (_what, x5c) => {
      const km = await keyMaterial('ec-256');
      await expectEnvelopeError(
        verify(await craftJws(km, { unprotected: x5c === undefined ? {} : { x5c } })),
        'ERR_ENVELOPE_MALFORMED',
      );
    });

    it('ENV-JWS-5 AMB-1: the timestamp token round-trips as standard base64 under io.cncf.notary.timestampSignature', async () => {
      const token = Uint8Array.from({ length: 200 }, (_, i) => (i * 37) & 0xff);
      let stamped: Uint8Array | undefined;
      const s = await signed('ec-256', { timestamp: async (signature) => ((stamped = signature), token) });
      const { envelope, signature } = splitJws(s.bytes);
      // The TSA is asked to stamp the primitive signature value.
      expect(stamped).toEqual(signature);
      expect(HEADER.timestampSignature).toBe('io.cncf.notary.timestampSignature');
      expect(envelope.header[HEADER.timestampSignature]).toBe(foundation.encodeBase64(token));
      expect(envelope.header['io.cncf.notary.timestamp']).toBeUndefined();
      expect(s.verified.content.signerInfo.unsignedAttributes.timestampSignature).toEqual(token);
      const reparsed = await verify(s.bytes);
      expect(reparsed.content.signerInfo.unsignedAttributes.timestampSignature).toEqual(token);
    });

    it('ENV-JWS-5 AMB-1: a token under the spec example name io.cncf.notary.timestamp is not read as the timestamp', async () => {
      const km = await keyMaterial('ec-256');
      const x5c = km.chain.map((c) => foundation.encodeBase64(c.der));
      const v = await verify(
        await craftJws(km, {
          unprotected: { x5c, 'io.cncf.notary.timestamp': foundation.encodeBase64(Uint8Array.of(1, 2)) },
        }),
      );
      expect(v.content.signerInfo.unsignedAttributes.timestampSignature).toBeUndefined();
    });

    it.each<[string, unknown]>([
      ['base64url', foundation.encodeBase64Url(Uint8Array.of(0xfb, 0xff, 0xfe))],
      ['unpadded', 'AQI'],
      ['a number', 12],
    ])('ENV-JWS-5: a timestampSignature in %s is ERR_ENVELOPE_MALFORMED', async (_what, value) => {
      const km = await keyMaterial('ec-256');
      const x5c = km.chain.map((c) => foundation.encodeBase64(c.der));
      await expectEnvelopeError(
        verify(await craftJws(km, { unprotected: { x5c, [HEADER.timestampSignature]: value } })),
        'ERR_ENVELOPE_MALFORMED',
      );
    });

    it('ENV-JWS-5: signingAgent is optional; the signer writes its default', async () => {
      const km = await keyMaterial('ec-256');
      const v = await verify(await craftJws(km));
      expect(v.content.signerInfo.unsignedAttributes.signingAgent).toBeUndefined();
      expect(splitJws((await signed()).bytes).envelope.header[HEADER.signingAgent]).toBe(DEFAULT_SIGNING_AGENT);
    });
  });

  describe('ENV-JWS-6 alg', () => {
    it('ENV-JWS-6: alg "none" with an empty signature is ERR_UNSUPPORTED_ALGORITHM', async () => {
      const km = await keyMaterial('ec-256');
      const bytes = await craftJws(km, { header: jwsHeader(km, { alg: 'none' }), mutate: (e) => (e.signature = '') });
      await expectEnvelopeError(verify(bytes), 'ERR_UNSUPPORTED_ALGORITHM');
    });

    it('ENV-JWS-6: alg HS256 with a real HMAC over the signing input is ERR_UNSUPPORTED_ALGORITHM', async () => {
      const km = await keyMaterial('ec-256');
      const header = jwsHeader(km, { alg: 'HS256' });
      const protectedB64 = foundation.encodeBase64Url(utf8(JSON.stringify(header)));
      const payloadB64 = foundation.encodeBase64Url(encodeJwsPayload(TARGET));
      // The classic confusion: the HMAC key is the public certificate.
      const hmacKey = await crypto.subtle.importKey(
        'raw',
        km.chain[0]!.der.slice(),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign'],
      );
      const mac = new Uint8Array(
        await crypto.subtle.sign('HMAC', hmacKey, utf8(`${protectedB64}.${payloadB64}`).slice()),
      );
      const bytes = await craftJws(km, { header, mutate: (e) => (e.signature = foundation.encodeBase64Url(mac)) });
      await expectEnvelopeError(verify(bytes), 'ERR_UNSUPPORTED_ALGORITHM');
    });

    it('ENV-JWS-6 ALG-2: a valid PS256 signature by an RSA-3072 leaf (which implies PS384) is ERR_ALGORITHM_MISMATCH', async () => {
      const km = await keyMaterial('rsa-3072');
      const bytes = await craftJws(km, { header: jwsHeader(km, { alg: 'PS256' }), hash: 'SHA-256' });
      await expectEnvelopeError(verify(bytes), 'ERR_ALGORITHM_MISMATCH');
    });

    it('ENV-JWS-6 ALG-2: an ES256 header over an RSA leaf is ERR_ALGORITHM_MISMATCH', async () => {
      const km = await keyMaterial('rsa-2048');
      await expectEnvelopeError(
        verify(await craftJws(km, { header: jwsHeader(km, { alg: 'ES256' }) })),
        'ERR_ALGORITHM_MISMATCH',
      );
    });

    it.each([
      ['rsa-2048', 'PS256'],
      ['rsa-3072', 'PS384'],
      ['rsa-4096', 'PS512'],
      ['ec-256', 'ES256'],
      ['ec-384', 'ES384'],
      ['ec-521', 'ES512'],
    ])('ENV-JWS-6 ALG-2: the signer writes the alg its %s leaf implies (%s)', async (spec, alg) => {
      expect(splitJws((await signed(spec)).bytes).header.alg).toBe(alg);
    });
  });

  describe('ENV-JWS-7 signature encoding', () => {
    it.each(['rsa-2048', 'rsa-4096'])(
      'ENV-JWS-7 AMB-16: a %s PSS signature with salt length 20 (≠ hash length) verifies in JWS',
      async (spec) => {
        const km = await keyMaterial(spec);
        const v = await verify(await craftJws(km, { saltLength: 20 }));
        expect(v.content.signerInfo.signatureAlgorithm).toMatch(/^RSASSA-PSS/);
        // Salt 0 too (jwt-go's PSSSaltLengthAuto recovers any salt).
        await expect(verify(await craftJws(km, { saltLength: 0 }))).resolves.toBeDefined();
      },
    );

    it('ENV-JWS-7 AMB-16: the same salt-20 PSS signature in COSE is ERR_SIGNATURE_VERIFICATION_FAILED', async () => {
      const km = await keyMaterial('rsa-2048');
      await expect(verifyEnvelopeIntegrity(await craftCose(km), MEDIA_TYPE_COSE)).resolves.toBeDefined();
      await expectEnvelopeError(
        verifyEnvelopeIntegrity(await craftCose(km, { saltLength: 20 }), MEDIA_TYPE_COSE),
        'ERR_SIGNATURE_VERIFICATION_FAILED',
      );
    });

    it('ENV-JWS-7 AMB-16: the signer uses salt = hash length', async () => {
      for (const spec of ['rsa-2048', 'rsa-3072', 'rsa-4096']) {
        const km = await keyMaterial(spec);
        const { envelope, signature } = splitJws((await signed(spec)).bytes);
        const input = utf8(`${envelope.protected}.${envelope.payload}`);
        expect(await rawVerify(km, signature, input, km.suite.hashLength), spec).toBe(true);
        expect(await rawVerify(km, signature, input, 20), spec).toBe(false);
      }
    });

    it.each(['payload', 'protected', 'signature'])(
      'ENV-JWS-7: a padded base64url "%s" member is ERR_ENVELOPE_MALFORMED',
      async (member) => {
        const km = await keyMaterial('ec-256');
        // Pick a header / payload whose base64url length is not a multiple of 4, so padding exists.
        let header = jwsHeader(km);
        let payload = encodeJwsPayload(TARGET);
        for (let i = 0; foundation.encodeBase64Url(utf8(JSON.stringify(header))).length % 4 === 0; i++)
          header = jwsHeader(km, { 'com.example.pad': 'x'.repeat(i + 1) });
        for (let i = 0; foundation.encodeBase64Url(payload).length % 4 === 0; i++)
          payload = encodeJwsPayload({ ...TARGET, annotations: { p: 'x'.repeat(i + 1) } });
        await expect(verify(await craftJws(km, { header, payload }))).resolves.toBeDefined();
        const bytes = await craftJws(km, {
          header,
          payload,
          mutate: (e) => {
            const value = e[member] as string;
            expect(value.length % 4).not.toBe(0);
            e[member] = value + '='.repeat(4 - (value.length % 4));
          },
        });
        await expectEnvelopeError(verify(bytes), 'ERR_ENVELOPE_MALFORMED');
      },
    );

    it('ENV-JWS-7: a signature in standard base64 (+ and /) is ERR_ENVELOPE_MALFORMED', async () => {
      const km = await keyMaterial('rsa-2048');
      let bytes: Uint8Array | undefined;
      // Resign until the signature's base64 has a character that differs from base64url.
      for (let i = 0; !bytes; i++) {
        const candidate = await craftJws(km, { header: jwsHeader(km, { 'com.example.n': i }) });
        const sig = splitJws(candidate).signature;
        if (/[+/]/.test(foundation.encodeBase64(sig)))
          bytes = await craftJws(km, {
            header: jwsHeader(km, { 'com.example.n': i }),
            mutate: (e) => (e.signature = foundation.encodeBase64(sig).replace(/=+$/, '')),
          });
      }
      await expectEnvelopeError(verify(bytes), 'ERR_ENVELOPE_MALFORMED');
    });

    it.each([
      ['ec-256', 64],
      ['ec-384', 96],
      ['ec-521', 132],
    ])('ENV-JWS-7: the %s ECDSA signature is raw r‖s of %i bytes', async (spec, length) => {
      const km = await keyMaterial(spec);
      const { envelope, signature } = splitJws((await signed(spec)).bytes);
      expect(signature.length).toBe(length);
      expect(await rawVerify(km, signature, utf8(`${envelope.protected}.${envelope.payload}`))).toBe(true);
    });

    it('ENV-JWS-7: a DER-encoded ECDSA signature, or r‖s missing a byte, is ERR_SIGNATURE_VERIFICATION_FAILED', async () => {
      const km = await keyMaterial('ec-256');
      const good = await craftJws(km);
      const sig = splitJws(good).signature;
      const int = (b: Uint8Array): Uint8Array => {
        let i = 0;
        while (i < b.length - 1 && b[i] === 0) i++;
        const v = b.subarray(i);
        return v[0]! & 0x80 ? Uint8Array.of(0x02, v.length + 1, 0, ...v) : Uint8Array.of(0x02, v.length, ...v);
      };
      const body = [...int(sig.subarray(0, 32)), ...int(sig.subarray(32))];
      const der = Uint8Array.of(0x30, body.length, ...body);
      for (const bad of [der, sig.subarray(0, 63)]) {
        const bytes = await craftJws(km, { mutate: (e) => (e.signature = foundation.encodeBase64Url(bad)) });
        await expectEnvelopeError(verify(bytes), 'ERR_SIGNATURE_VERIFICATION_FAILED');
      }
    });

    it('ENV-JWS-7: a payload that is not a JSON object fails (ERR_PAYLOAD_INVALID)', async () => {
      const km = await keyMaterial('ec-256');
      for (const payload of ['[]', '"x"', 'not json'])
        await expectEnvelopeError(verify(await craftJws(km, { payload: utf8(payload) })), 'ERR_PAYLOAD_INVALID');
    });
  });

  describe('ENV-JWS-8 signer output', () => {
    it('ENV-JWS-8: the protected header bytes for a fixed request are sorted, compact JSON', async () => {
      const s = await signed('rsa-2048', { signingTime: new Date('2025-01-01T00:00:00.750Z') });
      expect(splitJws(s.bytes).protectedText).toBe(
        '{"alg":"PS256","crit":["io.cncf.notary.signingScheme"],"cty":"application/vnd.cncf.notary.payload.v1+json",' +
          '"io.cncf.notary.signingScheme":"notary.x509","io.cncf.notary.signingTime":"2025-01-01T00:00:00Z"}',
      );
    });

    it('ENV-JWS-8: extended attributes and expiry sort in among the standard keys, Go-escaped', async () => {
      const s = await signed('ec-384', {
        signingTime: new Date('2025-01-01T00:00:00Z'),
        expiresInSeconds: 86400,
        extendedAttributes: [
          { key: 'zz.last', value: 'a<b', critical: false },
          { key: 'com.example.first', value: 7, critical: false },
        ],
      });
      expect(splitJws(s.bytes).protectedText).toBe(
        '{"alg":"ES384","com.example.first":7,"crit":["io.cncf.notary.signingScheme","io.cncf.notary.expiry"],' +
          '"cty":"application/vnd.cncf.notary.payload.v1+json","io.cncf.notary.expiry":"2025-01-02T00:00:00Z",' +
          '"io.cncf.notary.signingScheme":"notary.x509","io.cncf.notary.signingTime":"2025-01-01T00:00:00Z","zz.last":"a\\u003cb"}',
      );
    });

    it('ENV-JWS-8 AMB-15: times with +08:00 and -05:30 offsets (as notation writes local time) verify to the same instant', async () => {
      const km = await keyMaterial('ec-256');
      const header = jwsHeader(km, {
        crit: [HEADER.signingScheme, HEADER.expiry],
        [HEADER.signingTime]: '2026-01-02T11:04:05+08:00',
        [HEADER.expiry]: '2026-01-01T23:04:06-05:30',
      });
      const v = await verify(await craftJws(km, { header }));
      expect(v.content.signerInfo.signedAttributes.signingTime).toEqual(SIGNING_TIME);
      expect(v.content.signerInfo.signedAttributes.expiry).toEqual(new Date('2026-01-02T04:34:06Z'));
    });

    it('ENV-JWS-8 AMB-15: the signer itself emits Z, whatever the process time zone', async () => {
      const header = splitJws((await signed()).bytes).header;
      expect(header[HEADER.signingTime]).toBe('2026-01-02T03:04:05Z');
    });
  });

  describe('ENV-JWS-9 signing certificate', () => {
    it.each([
      ['negative/leaf-eku-serverauth', 'ERR_CERT_EKU'],
      ['negative/leaf-ca-true', 'ERR_CERT_BASIC_CONSTRAINTS'],
      ['negative/leaf-missing-digital-signature', 'ERR_CERT_KEY_USAGE'],
    ])('ENV-JWS-9: a JWS correctly signed by %s fails the code-signing rules with %s', async (spec, code) => {
      const km = await keyMaterial(spec);
      let caught: unknown;
      await verify(await craftJws(km)).catch((e: unknown) => (caught = e));
      expect(caught).toBeInstanceOf(pki.CertificateRuleError);
      expect((caught as pki.CertificateRuleError).code).toBe(code);
    });

    it('ENV-JWS-9 SIGN-2: signing with a non-code-signing leaf is ERR_SIGNING_FAILED (caused by ERR_CERT_EKU)', async () => {
      const e = await expectEnvelopeError(signed('negative/leaf-eku-serverauth'), 'ERR_SIGNING_FAILED');
      expect(e.cause).toBeInstanceOf(pki.CertificateRuleError);
      expect((e.cause as pki.CertificateRuleError).code).toBe('ERR_CERT_EKU');
    });
  });
});
