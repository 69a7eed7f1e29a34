/**
 * Issue 12: envelope parsing as strict as go-cose and Go's encoding/json, and
 * linear on hostile input. Each negative envelope is otherwise valid and
 * signed, so that the one defect is what is rejected.
 */

import * as pki from '@x/notary-pki';
import * as foundation from '@x/notary-pki/foundation';
import { encode, Tag } from 'cbor2';
import { describe, expect, it } from 'vitest';
import {
  HEADER,
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  parseEnvelope,
  parsePayload,
  signerFromPrivateKey,
  verifyEnvelopeIntegrity,
} from '../src/index.js';
import { MEDIA_TYPE_PAYLOAD } from '../src/media-types.js';
import {
  type CoseEntries,
  concat,
  coseEntries,
  craftCose,
  craftJws,
  encodeMap,
  epochSeconds,
  expectEnvelopeError,
  jwsHeader,
  type KeyMaterial,
  keyMaterial,
  SIGNING_TIME,
  TARGET,
  utf8,
} from './helpers.js';

const MiB = 1024 * 1024;
const BOM = Uint8Array.of(0xef, 0xbb, 0xbf);
const DIGEST = TARGET.digest;

const verifyJws = (bytes: Uint8Array) => verifyEnvelopeIntegrity(bytes, MEDIA_TYPE_JWS);
const verifyCose = (bytes: Uint8Array) => verifyEnvelopeIntegrity(bytes, MEDIA_TYPE_COSE);
const x5c = (km: KeyMaterial): string[] => km.chain.map((c) => foundation.encodeBase64(c.der));
const x5chain = (km: KeyMaterial): Uint8Array[] => km.chain.map((c) => c.der);

/** The three PEM forms of the leaf that finding 4 names. */
function pemForms(km: KeyMaterial): [string, string][] {
  const pem = pki.encodePem('CERTIFICATE', km.chain[0]!.der);
  return [
    ['PEM text', pem],
    ['PEM with junk around it', `junk before\n${pem}junk after\n`],
    ['PEM followed by a PRIVATE KEY block', `${pem}${km.keyPem}`],
  ];
}

/** `count` BEGIN lines: 28 bytes each. */
const beginFlood = (bytes: number): string => '-----BEGIN CERTIFICATE-----\n'.repeat(Math.ceil(bytes / 28));

/** A protected header map with raw (hand-encoded) entries added to `entries`. */
function protectedWithRaw(entries: CoseEntries, raw: [Uint8Array, Uint8Array][]): Uint8Array {
  const base = encodeMap(entries);
  const count = (base[0]! & 0x1f) + raw.length;
  expect(count).toBeLessThan(24);
  return concat(Uint8Array.of(0xa0 + count), base.subarray(1), ...raw.flat());
}

/** A float64 CBOR item (major type 7, 0xfb). */
function float64(value: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = 0xfb;
  new DataView(out.buffer).setFloat64(1, value);
  return out;
}

describe('issue 12: JWS parsing', () => {
  it('ENV-JWS-5 issue 12 finding 4: a DER x5c chain verifies (control)', async () => {
    const km = await keyMaterial('ec-256');
    await expect(verifyJws(await craftJws(km))).resolves.toBeDefined();
  });

  it('ENV-JWS-5 issue 12 finding 4: an x5c entry holding PEM (plain, with junk, with a PRIVATE KEY block) is ERR_ENVELOPE_MALFORMED', async () => {
    const km = await keyMaterial('ec-256');
    for (const [what, pem] of pemForms(km)) {
      const bytes = await craftJws(km, {
        unprotected: { x5c: [foundation.encodeBase64(utf8(pem)), ...x5c(km).slice(1)] },
      });
      const error = await expectEnvelopeError(verifyJws(bytes), 'ERR_ENVELOPE_MALFORMED');
      expect(error.message, what).toMatch(/x5c\[0\]/);
    }
  });

  it('ENV-JWS-5 issue 12 finding 1: a 32 MiB x5c entry of BEGIN lines is ERR_ENVELOPE_MALFORMED without PEM parsing', async () => {
    const km = await keyMaterial('ec-256');
    // 84 bytes encode to 112 base64 characters without padding, so the flood's base64 is one unit repeated.
    const flood = foundation.encodeBase64(utf8(beginFlood(84))).repeat(Math.ceil((24 * MiB) / 84));
    const bytes = await craftJws(km, { unprotected: { x5c: [flood] } });
    expect(bytes.length).toBeGreaterThanOrEqual(32 * MiB);
    await expectEnvelopeError(() => parseEnvelope(bytes, MEDIA_TYPE_JWS), 'ERR_ENVELOPE_MALFORMED');
  });

  it('ENV-JWS-1 issue 12 finding 7: a UTF-8 BOM before the envelope is ERR_ENVELOPE_MALFORMED', async () => {
    const km = await keyMaterial('ec-256');
    const bytes = await craftJws(km);
    await expect(verifyJws(bytes)).resolves.toBeDefined();
    await expectEnvelopeError(verifyJws(concat(BOM, bytes)), 'ERR_ENVELOPE_MALFORMED');
  });

  it('ENV-JWS-3 issue 12 finding 7: a UTF-8 BOM before the protected header JSON is ERR_ENVELOPE_MALFORMED', async () => {
    const km = await keyMaterial('ec-256');
    const protectedText = `\ufeff${JSON.stringify(jwsHeader(km))}`;
    await expectEnvelopeError(verifyJws(await craftJws(km, { protectedText })), 'ERR_ENVELOPE_MALFORMED');
  });

  it('PAY-1 issue 12 finding 7: a UTF-8 BOM before the payload JSON is ERR_PAYLOAD_INVALID', async () => {
    const km = await keyMaterial('ec-256');
    const payload = utf8(`{"targetArtifact":{"mediaType":"application/octet-stream","digest":"${DIGEST}","size":3}}`);
    await expect(verifyJws(await craftJws(km, { payload }))).resolves.toBeDefined();
    await expectEnvelopeError(verifyJws(await craftJws(km, { payload: concat(BOM, payload) })), 'ERR_PAYLOAD_INVALID');
  });

  it.each(['512.0e0', '512.0', '5.12e2', '1e3', '1E3', '512e0', '-0.0'])(
    'PAY-2 issue 12 finding 7: "size": %s is ERR_PAYLOAD_INVALID, as Go will not decode it into an int64',
    async (size) => {
      const km = await keyMaterial('ec-256');
      const payload = utf8(
        `{"targetArtifact":{"mediaType":"application/octet-stream","digest":"${DIGEST}","size":${size}}}`,
      );
      await expectEnvelopeError(verifyJws(await craftJws(km, { payload })), 'ERR_PAYLOAD_INVALID');
    },
  );

  it('PAY-2 issue 12 finding 7: the integer check matches member names as Go does (case-insensitively), and only there', () => {
    const descriptor = `"mediaType":"application/octet-stream","digest":"${DIGEST}","size":512`;
    expect(
      parsePayload(utf8(`{"targetArtifact":{${descriptor},"com.example":{"size":1.5}}}`)).targetArtifact.size,
    ).toBe(512);
    expect(
      parsePayload(utf8(`{"targetArtifact":{${descriptor},"annotations":{"size":"1.5"}}}`)).targetArtifact.size,
    ).toBe(512);
    expect(
      parsePayload(utf8(`{"targetArtifact":{${descriptor.replace('512', '-0')}}}`)).targetArtifact.size === 0,
    ).toBe(true); // Go reads -0 as 0
    expect(() => parsePayload(utf8(`{"targetArtifact":{${descriptor.replace('"size":512', '"Size":1.5')}}}`))).toThrow(
      /integer/,
    );
    expect(() => parsePayload(utf8(`{"TargetArtifact":{"SIZE":5e2},"targetArtifact":{${descriptor}}}`))).toThrow(
      /integer/,
    );
  });

  it.each<[string, Record<string, unknown>]>([
    ['alg', { alg: 'ES256' }],
    ['cty', { cty: MEDIA_TYPE_PAYLOAD }],
    ['crit', { crit: [HEADER.signingScheme] }],
    [HEADER.signingScheme, { [HEADER.signingScheme]: 'notary.x509' }],
    [HEADER.signingTime, { [HEADER.signingTime]: '2026-01-02T03:04:05Z' }],
    [HEADER.authenticSigningTime, { [HEADER.authenticSigningTime]: '2026-01-02T03:04:05Z' }],
    [HEADER.expiry, { [HEADER.expiry]: '2099-01-02T03:04:05Z' }],
    [HEADER.verificationPlugin, { [HEADER.verificationPlugin]: 'plugin' }],
    [HEADER.verificationPluginMinVersion, { [HEADER.verificationPluginMinVersion]: '1.0.0' }],
  ])(
    'ENV-JWS-5 issue 12 finding 7: the signed-looking name %s in the unprotected header is ERR_ENVELOPE_MALFORMED',
    async (_name, extra) => {
      const km = await keyMaterial('ec-256');
      await expectEnvelopeError(
        verifyJws(await craftJws(km, { unprotected: { x5c: x5c(km), ...extra } })),
        'ERR_ENVELOPE_MALFORMED',
      );
    },
  );

  it('ENV-JWS-5 issue 12 finding 7: a name in both the protected and the unprotected header is ERR_ENVELOPE_MALFORMED (RFC 7515 §7.2.1)', async () => {
    const km = await keyMaterial('ec-256');
    const header = jwsHeader(km, { 'com.example.note': 'signed' });
    await expect(verifyJws(await craftJws(km, { header }))).resolves.toBeDefined();
    const bytes = await craftJws(km, { header, unprotected: { x5c: x5c(km), 'com.example.note': 'unsigned' } });
    await expectEnvelopeError(verifyJws(bytes), 'ERR_ENVELOPE_MALFORMED');
    // Unsigned attributes and unknown names that are not protected stay allowed.
    const fine = await craftJws(km, {
      unprotected: { x5c: x5c(km), [HEADER.signingAgent]: 'agent', 'com.example.hint': 1 },
    });
    await expect(verifyJws(fine)).resolves.toBeDefined();
  });

  it('ATTR-6 issue 12 finding 8: a JWS signing time and expiry in years 0000–0099 keep their years (not 1900–1999)', async () => {
    const km = await keyMaterial('ec-256');
    const header = jwsHeader(km, {
      crit: [HEADER.signingScheme, HEADER.expiry],
      [HEADER.signingTime]: '0050-01-01T00:00:00Z',
      [HEADER.expiry]: '0099-12-31T23:59:59Z',
    });
    const { signedAttributes } = parseEnvelope(await craftJws(km, { header }), MEDIA_TYPE_JWS).signerInfo;
    expect(signedAttributes.signingTime?.toISOString()).toBe('0050-01-01T00:00:00.000Z');
    expect(signedAttributes.expiry?.toISOString()).toBe('0099-12-31T23:59:59.000Z');
  });

  it('ENV-JWS-1 issue 12 finding 1: a 32 MiB envelope nested 16 Mi deep is ERR_ENVELOPE_MALFORMED', async () => {
    const depth = 16 * MiB;
    const bytes = utf8(
      `{"payload":"e30","protected":"e30","header":{"x5c":[],"x":${'['.repeat(depth)}${']'.repeat(depth)}},"signature":""}`,
    );
    expect(bytes.length).toBeGreaterThanOrEqual(32 * MiB);
    const error = await expectEnvelopeError(() => parseEnvelope(bytes, MEDIA_TYPE_JWS), 'ERR_ENVELOPE_MALFORMED');
    expect(error.message).toMatch(/nested deeper/);
  });

  it('ENV-JWS-1 issue 12 finding 1: a 32 MiB envelope of 16 Mi array items is ERR_ENVELOPE_MALFORMED', async () => {
    const bytes = utf8(
      `{"payload":"e30","protected":"e30","header":{"x5c":[],"x":[${'0,'.repeat(16 * MiB)}0]},"signature":""}`,
    );
    expect(bytes.length).toBeGreaterThanOrEqual(32 * MiB);
    const error = await expectEnvelopeError(() => parseEnvelope(bytes, MEDIA_TYPE_JWS), 'ERR_ENVELOPE_MALFORMED');
    expect(error.message).toMatch(/more than \d+ values/);
  });

  it('PAY-1 issue 12 finding 1: a 32 MiB payload nested 16 Mi deep is ERR_PAYLOAD_INVALID', async () => {
    const depth = 16 * MiB;
    const payload = utf8(`{"targetArtifact":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    await expectEnvelopeError(() => parsePayload(payload), 'ERR_PAYLOAD_INVALID');
  });
});

describe('issue 12: COSE parsing', () => {
  it('ENV-COSE-5 issue 12 finding 4: an x5chain entry holding PEM (plain, with junk, with a PRIVATE KEY block) is ERR_ENVELOPE_MALFORMED', async () => {
    const km = await keyMaterial('ec-256');
    await expect(verifyCose(await craftCose(km))).resolves.toBeDefined();
    for (const [what, pem] of pemForms(km)) {
      const bytes = await craftCose(km, {
        unprotected: new Map<unknown, unknown>([[33, [utf8(pem), ...x5chain(km).slice(1)]]]),
      });
      const error = await expectEnvelopeError(verifyCose(bytes), 'ERR_ENVELOPE_MALFORMED');
      expect(error.message, what).toMatch(/x5chain\[0\]/);
    }
  });

  it('ENV-COSE-5 issue 12 finding 1: a 32 MiB x5chain entry of BEGIN lines is ERR_ENVELOPE_MALFORMED without PEM parsing', async () => {
    const km = await keyMaterial('ec-256');
    const bytes = await craftCose(km, { unprotected: new Map<unknown, unknown>([[33, [utf8(beginFlood(32 * MiB))]]]) });
    expect(bytes.length).toBeGreaterThanOrEqual(32 * MiB);
    await expectEnvelopeError(() => parseEnvelope(bytes, MEDIA_TYPE_COSE), 'ERR_ENVELOPE_MALFORMED');
  });

  it.each<[string, (valid: Uint8Array) => Uint8Array]>([
    ['the self-describe tag before it (d9 d9 f7)', (v) => concat(Uint8Array.of(0xd9, 0xd9, 0xf7), v)],
    ['tag 18 in a one-byte argument (d8 12)', (v) => concat(Uint8Array.of(0xd8, 0x12), v.subarray(1))],
    ['the array head in long form (98 04)', (v) => concat(Uint8Array.of(0xd2, 0x98, 0x04), v.subarray(2))],
  ])(
    'ENV-COSE-1 issue 12 finding 7: a message with %s, not d2 84, is ERR_ENVELOPE_MALFORMED',
    async (_what, change) => {
      const km = await keyMaterial('ec-256');
      const valid = await craftCose(km);
      await expect(verifyCose(valid)).resolves.toBeDefined();
      await expectEnvelopeError(verifyCose(change(valid)), 'ERR_ENVELOPE_MALFORMED');
    },
  );

  it('ENV-COSE-3 issue 12 finding 7: alg as a float (-7.0 as float16 and float64) is ERR_ENVELOPE_HEADER_INVALID', async () => {
    const km = await keyMaterial('ec-256');
    const entries = coseEntries(km, [], [1]);
    for (const alg of [Uint8Array.of(0xf9, 0xc7, 0x00), float64(-7)]) {
      const protectedBytes = protectedWithRaw(entries, [[Uint8Array.of(0x01), alg]]);
      await expectEnvelopeError(verifyCose(await craftCose(km, { protectedBytes })), 'ERR_ENVELOPE_HEADER_INVALID');
    }
    // The same header with the integer -7 verifies.
    const control = protectedWithRaw(entries, [[Uint8Array.of(0x01), Uint8Array.of(0x26)]]);
    await expect(verifyCose(await craftCose(km, { protectedBytes: control }))).resolves.toBeDefined();
  });

  it('ENV-COSE-3 issue 12 finding 7: a signing time as tag 1 over a float is ERR_ENVELOPE_HEADER_INVALID', async () => {
    const km = await keyMaterial('ec-256');
    const entries = coseEntries(km, [], [HEADER.signingTime]);
    const time = concat(Uint8Array.of(0xc1), float64(epochSeconds(SIGNING_TIME)));
    const protectedBytes = protectedWithRaw(entries, [[encode(HEADER.signingTime), time]]);
    await expectEnvelopeError(verifyCose(await craftCose(km, { protectedBytes })), 'ERR_ENVELOPE_HEADER_INVALID');
  });

  it('ENV-COSE-3 issue 12 finding 7: a time beyond what a Date holds is ERR_ENVELOPE_HEADER_INVALID', async () => {
    const km = await keyMaterial('ec-256');
    const bytes = await craftCose(km, { entries: coseEntries(km, [[HEADER.signingTime, new Tag(1, 2 ** 50)]]) });
    await expectEnvelopeError(verifyCose(bytes), 'ERR_ENVELOPE_HEADER_INVALID');
  });

  it('ENV-COSE-1 issue 12 finding 7: a float header label (1.0) is ERR_ENVELOPE_MALFORMED, alone or beside the int label 1', async () => {
    const km = await keyMaterial('ec-256');
    const floatOne = Uint8Array.of(0xf9, 0x3c, 0x00);
    for (const entries of [coseEntries(km, [], [1]), coseEntries(km)]) {
      const protectedBytes = protectedWithRaw(entries, [[floatOne, Uint8Array.of(0x26)]]);
      await expectEnvelopeError(verifyCose(await craftCose(km, { protectedBytes })), 'ERR_ENVELOPE_MALFORMED');
    }
    const unprotected = new Map<unknown, unknown>([
      [33, x5chain(km)],
      [1.5, 'x'],
    ]);
    await expectEnvelopeError(verifyCose(await craftCose(km, { unprotected })), 'ERR_ENVELOPE_MALFORMED');
  });

  it('ENV-COSE-1 issue 12 finding 7: a duplicate label written in two encodings (1 and 0x18 0x01) is ERR_ENVELOPE_MALFORMED', async () => {
    const km = await keyMaterial('ec-256');
    const protectedBytes = protectedWithRaw(coseEntries(km), [[Uint8Array.of(0x18, 0x01), Uint8Array.of(0x26)]]);
    await expectEnvelopeError(verifyCose(await craftCose(km, { protectedBytes })), 'ERR_ENVELOPE_MALFORMED');
  });

  it.each<[string, unknown, unknown]>([
    ['crit (2), which go-cose refuses unprotected', 2, [HEADER.signingScheme]],
    ['alg (1)', 1, -7],
    ['content type (3)', 3, MEDIA_TYPE_PAYLOAD],
    [HEADER.signingScheme, HEADER.signingScheme, 'notary.x509'],
    [HEADER.expiry, HEADER.expiry, 4_000_000_000],
    [HEADER.verificationPlugin, HEADER.verificationPlugin, 'plugin'],
  ])(
    'ENV-COSE-5 issue 12 finding 7: %s in the unprotected header is ERR_ENVELOPE_MALFORMED',
    async (_what, label, value) => {
      const km = await keyMaterial('ec-256');
      const unprotected = new Map<unknown, unknown>([
        [33, x5chain(km)],
        [label, value],
      ]);
      await expectEnvelopeError(verifyCose(await craftCose(km, { unprotected })), 'ERR_ENVELOPE_MALFORMED');
    },
  );

  it('ENV-COSE-1 issue 12 finding 7: a tag in the unprotected header, or an empty signature, is ERR_ENVELOPE_MALFORMED (go-cose)', async () => {
    const km = await keyMaterial('ec-256');
    const tagged = new Map<unknown, unknown>([
      [33, x5chain(km)],
      [HEADER.signingAgent, new Tag(32, 'https://example.com')],
    ]);
    await expectEnvelopeError(verifyCose(await craftCose(km, { unprotected: tagged })), 'ERR_ENVELOPE_MALFORMED');
    await expectEnvelopeError(
      verifyCose(await craftCose(km, { signature: new Uint8Array() })),
      'ERR_ENVELOPE_MALFORMED',
    );
    // Unsigned attributes and unknown labels stay allowed.
    const fine = new Map<unknown, unknown>([
      [33, x5chain(km)],
      [HEADER.signingAgent, 'agent'],
      [99, [1, 2]],
      ['com.example.hint', 'x'],
    ]);
    await expect(verifyCose(await craftCose(km, { unprotected: fine }))).resolves.toBeDefined();
  });

  describe('32 MiB hostile envelopes (issue 12 finding 1)', () => {
    async function parts(km: KeyMaterial) {
      return { protectedBytes: encode(encodeMap(coseEntries(km))), chain: concat(encode(33), encode(x5chain(km))) };
    }

    it('ENV-COSE-1: nesting 32 Mi deep in an unprotected value is ERR_ENVELOPE_MALFORMED', async () => {
      const km = await keyMaterial('ec-256');
      const { protectedBytes, chain } = await parts(km);
      const deep = new Uint8Array(32 * MiB).fill(0x81);
      deep[deep.length - 1] = 0x00;
      const bytes = concat(
        Uint8Array.of(0xd2, 0x84),
        protectedBytes,
        Uint8Array.of(0xa2),
        chain,
        encode('x'),
        deep,
        encode(utf8('{}')),
        encode(new Uint8Array(64)),
      );
      const error = await expectEnvelopeError(() => parseEnvelope(bytes, MEDIA_TYPE_COSE), 'ERR_ENVELOPE_MALFORMED');
      expect(error.message).toMatch(/nested deeper/);
    });

    it.each<[string, number[]]>([
      ['a payload bstr declaring 2^64 - 1 bytes', [0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
      ['a payload bstr declaring 2^32 bytes', [0x5b, 0, 0, 0, 1, 0, 0, 0, 0]],
    ])('ENV-COSE-1: a long-form length, %s, over 32 MiB is ERR_ENVELOPE_MALFORMED', async (_what, head) => {
      const km = await keyMaterial('ec-256');
      const { protectedBytes, chain } = await parts(km);
      const bytes = concat(
        Uint8Array.of(0xd2, 0x84),
        protectedBytes,
        Uint8Array.of(0xa1),
        chain,
        Uint8Array.from(head),
        new Uint8Array(32 * MiB),
      );
      const error = await expectEnvelopeError(() => parseEnvelope(bytes, MEDIA_TYPE_COSE), 'ERR_ENVELOPE_MALFORMED');
      expect(error.message).toMatch(/more than the input holds/);
    });

    it.each<[string, number[]]>([
      ['an array declaring 2^32 items', [0x9b, 0, 0, 0, 1, 0, 0, 0, 0]],
      ['an array declaring 2^20 items (more than go-cose allows)', [0x9a, 0, 0x10, 0, 0]],
      ['a map declaring 2^32 pairs', [0xbb, 0, 0, 0, 1, 0, 0, 0, 0]],
    ])(
      'ENV-COSE-1: an unprotected value that is %s over 32 MiB of items is ERR_ENVELOPE_MALFORMED',
      async (_what, head) => {
        const km = await keyMaterial('ec-256');
        const { protectedBytes, chain } = await parts(km);
        const bytes = concat(
          Uint8Array.of(0xd2, 0x84),
          protectedBytes,
          Uint8Array.of(0xa2),
          chain,
          encode('x'),
          Uint8Array.from(head),
          new Uint8Array(32 * MiB),
        );
        await expectEnvelopeError(() => parseEnvelope(bytes, MEDIA_TYPE_COSE), 'ERR_ENVELOPE_MALFORMED');
      },
    );

    it.each<[string, number[]]>([
      ['a truncated sequence', [0x62, 0xc3, 0x28]],
      ['an overlong NUL', [0x62, 0xc0, 0x80]],
      ['a surrogate', [0x63, 0xed, 0xa0, 0x80]],
      ['a code point above U+10FFFF', [0x64, 0xf4, 0x90, 0x80, 0x80]],
    ])(
      'ENV-COSE-1: an unprotected text value with %s (not UTF-8) is ERR_ENVELOPE_MALFORMED, as fxamacker/cbor rejects it',
      async (_what, text) => {
        const km = await keyMaterial('ec-256');
        const { protectedBytes, chain } = await parts(km);
        const tail = concat(encode(utf8('{}')), encode(new Uint8Array(64)));
        const good = concat(
          Uint8Array.of(0xd2, 0x84),
          protectedBytes,
          Uint8Array.of(0xa2),
          chain,
          encode('x'),
          encode('é\u{10ffff}'),
          tail,
        );
        expect(() => parseEnvelope(good, MEDIA_TYPE_COSE)).not.toThrow(/UTF-8/);
        const bytes = concat(
          Uint8Array.of(0xd2, 0x84),
          protectedBytes,
          Uint8Array.of(0xa2),
          chain,
          encode('x'),
          Uint8Array.from(text),
          tail,
        );
        const error = await expectEnvelopeError(() => parseEnvelope(bytes, MEDIA_TYPE_COSE), 'ERR_ENVELOPE_MALFORMED');
        expect(error.message).toMatch(/UTF-8/);
      },
    );

    it('ENV-COSE-1: an indefinite-length unprotected value is ERR_ENVELOPE_MALFORMED', async () => {
      const km = await keyMaterial('ec-256');
      const { protectedBytes, chain } = await parts(km);
      const bytes = concat(
        Uint8Array.of(0xd2, 0x84),
        protectedBytes,
        Uint8Array.of(0xa2),
        chain,
        encode('x'),
        Uint8Array.of(0x9f, 0x01, 0xff),
        encode(utf8('{}')),
        encode(new Uint8Array(64)),
      );
      await expectEnvelopeError(() => parseEnvelope(bytes, MEDIA_TYPE_COSE), 'ERR_ENVELOPE_MALFORMED');
    });
  });
});

describe('issue 12: typed errors from the signer', () => {
  it('SIGN-1 issue 12 finding 1: a private key PEM whose body is not base64 is ERR_SIGNING_FAILED, not a SyntaxError', async () => {
    const km = await keyMaterial('ec-256');
    const broken = '-----BEGIN PRIVATE KEY-----\nnot*base64\n-----END PRIVATE KEY-----\n';
    await expectEnvelopeError(signerFromPrivateKey(broken, km.chainPem), 'ERR_SIGNING_FAILED');
  });

  it('VER-2 issue 12: parseEnvelope given something other than bytes is a typed ERR_ENVELOPE_MALFORMED', async () => {
    await expectEnvelopeError(
      () => parseEnvelope('{}' as unknown as Uint8Array, MEDIA_TYPE_JWS),
      'ERR_ENVELOPE_MALFORMED',
    );
  });
});
