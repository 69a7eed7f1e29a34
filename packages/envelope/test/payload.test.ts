import { describe, expect, it } from 'vitest';
import {
  addUserMetadata,
  encodeCosePayload,
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  parsePayload,
  signEnvelope,
  verifyEnvelopeIntegrity,
} from '../src/index.js';
import { MEDIA_TYPE_PAYLOAD } from '../src/media-types.js';
import {
  type Descriptor,
  encodeJwsPayload,
  isDigest,
  isMediaType,
  sanitizeDescriptor,
  validateDescriptor,
} from '../src/payload.js';
import {
  craftCose,
  craftJws,
  expectEnvelopeError,
  FORMATS,
  fmt,
  keyMaterial,
  signerFor,
  splitCose,
  splitJws,
  TARGET,
  text,
  utf8,
} from './helpers.js';

const DIGEST = `sha256:${'0f'.repeat(32)}`;

describe('payload', () => {
  it('PAY-1: parsePayload accepts a JSON object with targetArtifact and returns the descriptor', () => {
    const p = parsePayload(
      utf8(`{"targetArtifact":{"mediaType":"application/octet-stream","digest":"${DIGEST}","size":3}}`),
    );
    expect(p.targetArtifact).toEqual({ mediaType: 'application/octet-stream', digest: DIGEST, size: 3 });
  });

  it.each([
    ['not JSON', '{"targetArtifact":'],
    ['a JSON array', '[]'],
    ['a JSON string', '"x"'],
    ['null', 'null'],
    ['an object without targetArtifact', '{"subject":{}}'],
    ['targetArtifact not an object', '{"targetArtifact":"sha256:abc"}'],
  ])('PAY-1: parsePayload rejects %s with ERR_PAYLOAD_INVALID', async (_what, json) => {
    await expectEnvelopeError(() => parsePayload(utf8(json)), 'ERR_PAYLOAD_INVALID');
  });

  it('PAY-1: parsePayload rejects bytes that are not UTF-8', async () => {
    await expectEnvelopeError(() => parsePayload(Uint8Array.of(0x7b, 0xff, 0x7d)), 'ERR_PAYLOAD_INVALID');
  });

  it.each(FORMATS)(
    'PAY-1: a %s envelope names the payload content type application/vnd.cncf.notary.payload.v1+json',
    async (mediaType) => {
      expect(MEDIA_TYPE_PAYLOAD).toBe('application/vnd.cncf.notary.payload.v1+json');
      const signed = await signEnvelope({
        mediaType,
        signer: await signerFor('ec-256'),
        targetArtifact: TARGET,
        signingTime: new Date('2026-01-01T00:00:00Z'),
      });
      expect(signed.verified.content.payload.contentType).toBe(MEDIA_TYPE_PAYLOAD);
      if (mediaType === MEDIA_TYPE_JWS) expect(splitJws(signed.bytes).header.cty).toBe(MEDIA_TYPE_PAYLOAD);
      else expect(splitCose(signed.bytes).protectedMap.get(3)).toBe(MEDIA_TYPE_PAYLOAD);
    },
  );

  it.each<[string, Record<string, unknown>]>([
    ['mediaType missing', { digest: DIGEST, size: 1 }],
    ['digest missing', { mediaType: 'application/octet-stream', size: 1 }],
    ['size missing', { mediaType: 'application/octet-stream', digest: DIGEST }],
    ['size negative', { mediaType: 'application/octet-stream', digest: DIGEST, size: -1 }],
    ['size fractional', { mediaType: 'application/octet-stream', digest: DIGEST, size: 1.5 }],
    ['size a string', { mediaType: 'application/octet-stream', digest: DIGEST, size: '1' }],
    ['annotations an array', { mediaType: 'application/octet-stream', digest: DIGEST, size: 1, annotations: ['a'] }],
    [
      'an annotation value that is not a string',
      { mediaType: 'application/octet-stream', digest: DIGEST, size: 1, annotations: { a: 1 } },
    ],
    [
      'artifactType not a media type',
      { mediaType: 'application/octet-stream', digest: DIGEST, size: 1, artifactType: 'nope' },
    ],
  ])('PAY-2: validateDescriptor rejects %s', async (_what, descriptor) => {
    await expectEnvelopeError(() => validateDescriptor(descriptor), 'ERR_PAYLOAD_INVALID');
  });

  it('PAY-2: annotations and artifactType are optional; both are accepted when well-formed', () => {
    const minimal = { mediaType: 'application/octet-stream', digest: DIGEST, size: 0 };
    expect(validateDescriptor(minimal)).toEqual(minimal);
    const full = {
      ...minimal,
      annotations: { 'org.opencontainers.image.title': 'x' },
      artifactType: 'application/vnd.example+json',
    };
    expect(validateDescriptor(full)).toEqual(full);
  });

  it('PAY-3: user metadata with the reserved io.cncf.notary prefix is refused', async () => {
    for (const key of ['io.cncf.notary', 'io.cncf.notary.signingTime', 'io.cncf.notaryX', 'io.cncf.notary.custom']) {
      await expectEnvelopeError(() => addUserMetadata(TARGET, { [key]: 'v' }), 'ERR_PAYLOAD_INVALID');
    }
    // The prefix is matched exactly (case-sensitively), like notation's strings.HasPrefix.
    expect(addUserMetadata(TARGET, { 'io.cncf.not': 'v' }).annotations).toEqual({ 'io.cncf.not': 'v' });
  });

  it('PAY-3: user metadata that collides with an annotation of the descriptor is refused', async () => {
    const d: Descriptor = { ...TARGET, annotations: { 'org.example.k': 'on-descriptor' } };
    const e = await expectEnvelopeError(
      () => addUserMetadata(d, { 'org.example.k': 'from-user' }),
      'ERR_PAYLOAD_INVALID',
    );
    expect(e.message).toContain('org.example.k');
    // Even the same value is a collision.
    await expectEnvelopeError(() => addUserMetadata(d, { 'org.example.k': 'on-descriptor' }), 'ERR_PAYLOAD_INVALID');
  });

  it('PAY-3: user metadata merges into the annotations without mutating the input descriptor', () => {
    const d: Descriptor = { ...TARGET, annotations: { a: '1' } };
    const out = addUserMetadata(d, { b: '2' });
    expect(out.annotations).toEqual({ a: '1', b: '2' });
    expect(d.annotations).toEqual({ a: '1' });
    expect(addUserMetadata(TARGET, {})).toEqual(TARGET);
  });

  it('PAY-3: metadata keys named like Object.prototype members are ordinary keys, not collisions', () => {
    const out = addUserMetadata(TARGET, { toString: 'a', constructor: 'b', hasOwnProperty: 'c' });
    expect(Object.keys(out.annotations!).sort()).toEqual(['constructor', 'hasOwnProperty', 'toString']);
    expect(text(encodeJwsPayload(out))).toContain('"constructor":"b","hasOwnProperty":"c","toString":"a"');
    // A "__proto__" key (as JSON.parse makes it) stays an annotation instead of replacing the prototype.
    const proto = addUserMetadata(TARGET, JSON.parse('{"__proto__":"p"}') as Record<string, string>);
    expect(Object.keys(proto.annotations!)).toEqual(['__proto__']);
    expect(text(encodeCosePayload(proto))).toContain('"annotations":{"__proto__":"p"}');
  });

  it('PAY-4: isDigest accepts <alg>:<hex> for sha256, sha384 and sha512', () => {
    expect(isDigest(`sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isDigest(`sha384:${'b'.repeat(96)}`)).toBe(true);
    expect(isDigest(`sha512:${'c'.repeat(128)}`)).toBe(true);
  });

  it.each([
    ['no algorithm', `${'a'.repeat(64)}`],
    ['empty encoded part', 'sha256:'],
    ['upper-case algorithm', `SHA256:${'a'.repeat(64)}`],
    ['whitespace', `sha256: ${'a'.repeat(64)}`],
    ['sha256 with too few hex digits', 'sha256:abc'],
    ['sha256 with too many hex digits', `sha256:${'a'.repeat(66)}`],
    ['sha256 with upper-case hex', `sha256:${'A'.repeat(64)}`],
    ['sha256 with non-hex characters', `sha256:${'z'.repeat(64)}`],
    ['sha512 with a sha256-length value', `sha512:${'a'.repeat(64)}`],
    ['sha384 with a sha512-length value', `sha384:${'a'.repeat(128)}`],
  ])('PAY-4: isDigest rejects %s', (_what, digest) => {
    expect(isDigest(digest)).toBe(false);
  });

  it('PAY-4: mediaType must parse as a MIME type', () => {
    for (const ok of [
      'application/octet-stream',
      'text/plain; charset=utf-8',
      'application/vnd.oci.image.manifest.v1+json',
      'text/plain;charset="utf-8"',
    ]) {
      expect(isMediaType(ok), ok).toBe(true);
    }
    for (const bad of [
      '',
      'octet-stream',
      'application/',
      '/json',
      'application/json;',
      'app lication/json',
      'application/json; charset',
    ]) {
      expect(isMediaType(bad), bad).toBe(false);
    }
  });

  it('PAY-4: signing refuses a blob descriptor with a malformed digest or media type', async () => {
    const signer = await signerFor('ec-256');
    const base = { signer, mediaType: MEDIA_TYPE_JWS, signingTime: new Date('2026-01-01T00:00:00Z') } as const;
    await expectEnvelopeError(
      signEnvelope({ ...base, targetArtifact: { ...TARGET, digest: 'sha256' } }),
      'ERR_PAYLOAD_INVALID',
    );
    await expectEnvelopeError(
      signEnvelope({ ...base, targetArtifact: { ...TARGET, digest: 'sha256:abc' } }),
      'ERR_PAYLOAD_INVALID',
    );
    await expectEnvelopeError(
      signEnvelope({ ...base, targetArtifact: { ...TARGET, mediaType: 'not a type' } }),
      'ERR_PAYLOAD_INVALID',
    );
  });

  it('PAY-4: a blob descriptor (digest with the key hash, size = raw byte length) round-trips through signing', async () => {
    const blob = utf8('hello blob\n');
    const digest = `sha384:${Array.from(new Uint8Array(await crypto.subtle.digest('SHA-384', blob.slice())), (b) => b.toString(16).padStart(2, '0')).join('')}`;
    const signed = await signEnvelope({
      mediaType: MEDIA_TYPE_COSE,
      signer: await signerFor('ec-384'),
      targetArtifact: { mediaType: 'application/octet-stream', digest, size: blob.length },
      signingTime: new Date('2026-01-01T00:00:00Z'),
    });
    expect(signed.verified.payload.targetArtifact).toEqual({ mediaType: 'application/octet-stream', digest, size: 11 });
  });

  it.each(FORMATS)(
    'PAY-5: %s verification metadata (extended attributes, times, agent) lives in the signed attributes, not in the payload',
    async (mediaType) => {
      const signed = await signEnvelope({
        mediaType,
        signer: await signerFor('ec-256'),
        targetArtifact: TARGET,
        signingTime: new Date('2026-01-01T00:00:00Z'),
        expiresInSeconds: 60,
        extendedAttributes: [{ key: 'com.example.buildId', value: 'ci-run-4711', critical: false }],
        signingAgent: 'agent-marker/9',
      });
      const payloadBytes =
        mediaType === MEDIA_TYPE_JWS ? splitJws(signed.bytes).payload : splitCose(signed.bytes).payload;
      const payload = JSON.parse(text(payloadBytes)) as Record<string, unknown>;
      expect(Object.keys(payload)).toEqual(['targetArtifact']);
      for (const marker of ['ci-run-4711', 'com.example.buildId', 'signingTime', 'expiry', 'agent-marker', '2026'])
        expect(text(payloadBytes)).not.toContain(marker);
      if (mediaType === MEDIA_TYPE_JWS) {
        expect(splitJws(signed.bytes).header['com.example.buildId']).toBe('ci-run-4711');
      } else {
        expect(splitCose(signed.bytes).protectedMap.get('com.example.buildId')).toBe('ci-run-4711');
      }
      expect(signed.verified.content.signerInfo.signedAttributes.extendedAttributes).toEqual([
        { key: 'com.example.buildId', value: 'ci-run-4711', critical: false },
      ]);
    },
  );

  const rich: Descriptor = {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: DIGEST,
    size: 42,
    artifactType: 'application/vnd.example.sbom+json',
    urls: ['https://example.com/blob'],
    annotations: { 'z.last': 'a<b>&c', 'a.first': 'plain', 'm.mid': '\u2028' },
  };
  const jwsExpected =
    `{"targetArtifact":{"annotations":{"a.first":"plain","m.mid":"\\u2028","z.last":"a\\u003cb\\u003e\\u0026c"},` +
    `"digest":"${DIGEST}","mediaType":"application/vnd.oci.image.manifest.v1+json","size":42}}`;
  const coseExpected =
    `{"targetArtifact":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"${DIGEST}","size":42,` +
    `"annotations":{"a.first":"plain","m.mid":"\\u2028","z.last":"a\\u003cb\\u003e\\u0026c"}}}`;

  it('PAY-6: JWS payload bytes are sorted at every level, Go-escaped, and drop artifactType/urls', () => {
    expect(text(encodeJwsPayload(rich))).toBe(jwsExpected);
  });

  it('PAY-6: COSE payload bytes follow Go struct order with sorted annotations, Go-escaped, and drop artifactType/urls', () => {
    expect(text(encodeCosePayload(rich))).toBe(coseExpected);
  });

  it('PAY-6: signed envelopes carry exactly those payload bytes', async () => {
    const signer = await signerFor('rsa-2048');
    const jws = await signEnvelope({
      mediaType: MEDIA_TYPE_JWS,
      signer,
      targetArtifact: rich,
      signingTime: new Date('2026-01-01T00:00:00Z'),
    });
    expect(text(splitJws(jws.bytes).payload)).toBe(jwsExpected);
    const cose = await signEnvelope({
      mediaType: MEDIA_TYPE_COSE,
      signer,
      targetArtifact: rich,
      signingTime: new Date('2026-01-01T00:00:00Z'),
    });
    expect(text(splitCose(cose.bytes).payload)).toBe(coseExpected);
    expect(cose.verified.payload.targetArtifact.artifactType).toBeUndefined();
    expect(cose.verified.payload.targetArtifact.urls).toBeUndefined();
  });

  it('PAY-6: no or empty annotations are omitted (Go omitempty)', () => {
    const expectedJws = `{"targetArtifact":{"digest":"${DIGEST}","mediaType":"text/plain","size":0}}`;
    const expectedCose = `{"targetArtifact":{"mediaType":"text/plain","digest":"${DIGEST}","size":0}}`;
    for (const annotations of [undefined, {}]) {
      const d = { mediaType: 'text/plain', digest: DIGEST, size: 0, annotations };
      expect(text(encodeJwsPayload(d))).toBe(expectedJws);
      expect(text(encodeCosePayload(d))).toBe(expectedCose);
      expect(sanitizeDescriptor(d)).toEqual({ mediaType: 'text/plain', digest: DIGEST, size: 0 });
    }
  });

  it('PAY-6: annotation keys are sorted by UTF-8 bytes, as Go sorts map keys, in both formats', () => {
    // U+FF21 is EF BC A1 in UTF-8, U+1F600 is F0 9F 98 80: Go puts U+FF21 first,
    // while a UTF-16 sort (Array.prototype.sort) would put the surrogate pair first.
    const d = { ...TARGET, annotations: { '\u{1F600}': 'emoji', '\uFF21': 'fullwidth-A', a: 'ascii' } };
    const order = (json: string): string[] =>
      Object.keys((JSON.parse(json) as { targetArtifact: { annotations: object } }).targetArtifact.annotations);
    expect(order(text(encodeJwsPayload(d)))).toEqual(['a', '\uFF21', '\u{1F600}']);
    expect(order(text(encodeCosePayload(d)))).toEqual(['a', '\uFF21', '\u{1F600}']);
  });

  it.each(FORMATS)(
    'PAY-6: a %s verifier works on the received payload bytes and never re-serialises them',
    async (mediaType) => {
      const km = await keyMaterial('ec-256');
      // Whitespace, unsorted members and an unescaped "<": valid JSON that no Go signer writes.
      const odd = utf8(
        ` { "targetArtifact" : { "size" : 7, "digest" : "${DIGEST}", "mediaType" : "text/plain", "annotations": {"z":"<", "a":"1"} } } `,
      );
      const bytes =
        mediaType === MEDIA_TYPE_JWS ? await craftJws(km, { payload: odd }) : await craftCose(km, { payload: odd });
      const verified = await verifyEnvelopeIntegrity(bytes, mediaType);
      expect(verified.content.payload.bytes).toEqual(odd);
      expect(verified.payload.targetArtifact.size).toBe(7);
      expect(fmt(mediaType)).toMatch(/JWS|COSE/);
    },
  );
});
