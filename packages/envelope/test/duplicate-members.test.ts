/**
 * Issue 12, residual fuzz findings: a JSON member name twice in one object
 * (RFC 7515 §4; Go's struct fields folded case-insensitively), a payload
 * member other than targetArtifact (PAY-1), and a COSE label in both header
 * buckets (RFC 9052 §3). Every negative envelope is otherwise valid and
 * re-signed by the leaf key, so the one defect is what is rejected.
 */

import * as foundation from '@x/notary-pki/foundation';
import { describe, expect, it } from 'vitest';
import { HEADER, MEDIA_TYPE_COSE, MEDIA_TYPE_JWS, parsePayload, verifyEnvelopeIntegrity } from '../src/index.js';
import {
  coseEntries,
  craftCose,
  craftJws,
  expectEnvelopeError,
  jwsHeader,
  type KeyMaterial,
  keyMaterial,
  TARGET,
  utf8,
} from './helpers.js';

const MiB = 1024 * 1024;
const verifyJws = (bytes: Uint8Array) => verifyEnvelopeIntegrity(bytes, MEDIA_TYPE_JWS);
const verifyCose = (bytes: Uint8Array) => verifyEnvelopeIntegrity(bytes, MEDIA_TYPE_COSE);
const x5c = (km: KeyMaterial): string[] => km.chain.map((c) => foundation.encodeBase64(c.der));
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const DESCRIPTOR = `"mediaType":"application/octet-stream","digest":"${TARGET.digest}","size":512`;
const payloadOf = (json: string): Uint8Array => utf8(json);

/** Inserts raw JSON text right after the first `{` that follows `after` in `json`. */
function insertAfter(json: string, after: string, members: string): string {
  const at = json.indexOf(after);
  expect(at).toBeGreaterThanOrEqual(0);
  const brace = json.indexOf('{', at + after.length - 1);
  return `${json.slice(0, brace + 1)}${members}${json.slice(brace + 1)}`;
}

describe('issue 12: duplicate JSON member names in a JWS', () => {
  it.each<[string, string]>([
    ['"payload" twice', '"payload":"e30",'],
    ['"header" and "Header" (Go folds them onto one field)', '"Header":{},'],
  ])('ENV-JWS-1 issue 12: a top-level member %s is ERR_ENVELOPE_MALFORMED', async (_what, members) => {
    const km = await keyMaterial('ec-256');
    const good = text(await craftJws(km));
    await expect(verifyJws(utf8(good))).resolves.toBeDefined();
    // The duplicate goes last, so that JSON.parse would keep it.
    const bad = `${good.slice(0, -1)},${members.slice(0, -1)}}`;
    await expectEnvelopeError(verifyJws(utf8(bad)), 'ERR_ENVELOPE_MALFORMED');
  });

  it.each<[string, string]>([
    ['signingAgent twice', `"${HEADER.signingAgent}":"first","${HEADER.signingAgent}":"second",`],
    ['x5c and X5C (Go folds them onto one field)', '"X5C":[],'],
    ['a name and its escaped spelling', `"${HEADER.signingAgent}":"a","io.cncf.notary.signing\\u0041gent":"b",`],
  ])('ENV-JWS-5 issue 12: an unprotected header with %s is ERR_ENVELOPE_MALFORMED', async (_what, members) => {
    const km = await keyMaterial('ec-256');
    const good = text(await craftJws(km));
    const bad = insertAfter(good, '"header":', members);
    await expectEnvelopeError(verifyJws(utf8(bad)), 'ERR_ENVELOPE_MALFORMED');
  });

  it('ENV-JWS-5 issue 12: unprotected names that differ only in case and are no struct field stay distinct', async () => {
    const km = await keyMaterial('ec-256');
    const bytes = await craftJws(km, { unprotected: { x5c: x5c(km), 'com.example.hint': 1, 'com.example.HINT': 2 } });
    await expect(verifyJws(bytes)).resolves.toBeDefined();
  });

  it.each<[string, string]>([
    ['alg twice', '"alg":"none",'],
    ['alg and ALG (Go folds them onto one field)', '"ALG":"none",'],
    ['crit twice', '"crit":[],'],
    ['an extended attribute twice', '"com.example.note":"a","com.example.note":"b",'],
  ])(
    'ENV-JWS-3 issue 12: a protected header with %s is ERR_ENVELOPE_HEADER_INVALID, even re-signed',
    async (_what, members) => {
      const km = await keyMaterial('ec-256');
      const protectedText = `{${members}${JSON.stringify(jwsHeader(km)).slice(1)}`;
      await expectEnvelopeError(verifyJws(await craftJws(km, { protectedText })), 'ERR_ENVELOPE_HEADER_INVALID');
    },
  );

  it('ENV-JWS-3 issue 12: extended attributes that differ only in case are two attributes, as in Go', async () => {
    const km = await keyMaterial('ec-256');
    const header = jwsHeader(km, { 'com.example.note': 'a', 'com.example.NOTE': 'b' });
    const verified = await verifyJws(await craftJws(km, { header }));
    const keys = verified.content.signerInfo.signedAttributes.extendedAttributes.map((e) => e.key);
    expect(keys).toEqual(expect.arrayContaining(['com.example.note', 'com.example.NOTE']));
  });
});

describe('issue 12: payload members (PAY-1, PAY-2)', () => {
  const duplicates: [string, string][] = [
    [
      'targetArtifact twice',
      `{"targetArtifact":{${DESCRIPTOR}},"targetArtifact":{${DESCRIPTOR.replace('512', '513')}}}`,
    ],
    ['targetArtifact and TargetArtifact', `{"targetArtifact":{${DESCRIPTOR}},"TargetArtifact":{${DESCRIPTOR}}}`],
    ['size twice in targetArtifact', `{"targetArtifact":{${DESCRIPTOR},"size":513}}`],
    ['size and Size in targetArtifact', `{"targetArtifact":{${DESCRIPTOR},"Size":513}}`],
    ['digest and DIGEST in targetArtifact', `{"targetArtifact":{${DESCRIPTOR},"DIGEST":"${TARGET.digest}"}}`],
    ['an annotation twice', `{"targetArtifact":{${DESCRIPTOR},"annotations":{"k":"a","k":"b"}}}`],
    [
      'a name twice in an unknown object three levels down',
      `{"targetArtifact":{${DESCRIPTOR},"com.example":{"x":{"y":1,"y":2}}}}`,
    ],
  ];

  it.each(duplicates)('PAY-1 PAY-2 issue 12: a JWS payload with %s is ERR_PAYLOAD_INVALID', async (_what, json) => {
    const km = await keyMaterial('ec-256');
    await expectEnvelopeError(verifyJws(await craftJws(km, { payload: payloadOf(json) })), 'ERR_PAYLOAD_INVALID');
  });

  it.each(duplicates)('PAY-1 PAY-2 issue 12: a COSE payload with %s is ERR_PAYLOAD_INVALID', async (_what, json) => {
    const km = await keyMaterial('ec-256');
    await expectEnvelopeError(verifyCose(await craftCose(km, { payload: payloadOf(json) })), 'ERR_PAYLOAD_INVALID');
  });

  it('PAY-2 issue 12: annotation keys that differ only in case are two annotations (a map, not a struct)', () => {
    const payload = parsePayload(payloadOf(`{"targetArtifact":{${DESCRIPTOR},"annotations":{"k":"a","K":"b"}}}`));
    expect(payload.targetArtifact.annotations).toEqual({ k: 'a', K: 'b' });
  });

  it.each<[string, string]>([
    ['another member', `{"targetArtifact":{${DESCRIPTOR}},"other":1}`],
    ['a member before targetArtifact', `{"subject":{${DESCRIPTOR}},"targetArtifact":{${DESCRIPTOR}}}`],
    ['"__proto__"', `{"targetArtifact":{${DESCRIPTOR}},"__proto__":{}}`],
  ])(
    'PAY-1 issue 12: a payload with %s besides targetArtifact is ERR_PAYLOAD_INVALID in JWS and COSE',
    async (_what, json) => {
      const km = await keyMaterial('ec-256');
      await expectEnvelopeError(verifyJws(await craftJws(km, { payload: payloadOf(json) })), 'ERR_PAYLOAD_INVALID');
      await expectEnvelopeError(verifyCose(await craftCose(km, { payload: payloadOf(json) })), 'ERR_PAYLOAD_INVALID');
    },
  );

  it('PAY-2 issue 12: unknown members inside targetArtifact stay allowed (artifactType, urls, others)', async () => {
    const km = await keyMaterial('ec-256');
    const json = `{"targetArtifact":{${DESCRIPTOR},"artifactType":"application/vnd.example","urls":["https://example.com/a"],"com.example":{"x":1}}}`;
    await expect(verifyJws(await craftJws(km, { payload: payloadOf(json) }))).resolves.toBeDefined();
    await expect(verifyCose(await craftCose(km, { payload: payloadOf(json) }))).resolves.toBeDefined();
  });

  it('PAY-1 issue 12 finding 1: a 32 MiB payload of two 16 MiB equal member names is ERR_PAYLOAD_INVALID', () => {
    const name = 'n'.repeat(16 * MiB);
    const bytes = utf8(`{"targetArtifact":{${DESCRIPTOR},"com.example":{"${name}":1,"${name}":2}}}`);
    expect(bytes.length).toBeGreaterThanOrEqual(32 * MiB);
    expect(() => parsePayload(bytes)).toThrow(/twice/);
  });

  it('PAY-1 issue 12 finding 1: a 32 MiB payload of more distinct member names than values allowed is ERR_PAYLOAD_INVALID', async () => {
    // 2^18 distinct names, more than the 2^17 cap, then filler up to 32 MiB.
    const names = Array.from({ length: 2 ** 18 }, (_, i) => `"${i.toString(36)}"`);
    const filler = (unit: string, used: number): string => unit.repeat(Math.ceil((32 * MiB - used) / unit.length));
    const members = names.join(':0,');
    const bare = names.join(',');
    const asMembers = utf8(
      `{"targetArtifact":{${DESCRIPTOR},"com.example":{${members}:0${filler(',"p":0', members.length)}}}}`,
    );
    const bareNames = utf8(`{"targetArtifact":{${DESCRIPTOR},"com.example":{${bare}${filler(',"p"', bare.length)}}}}`);
    for (const bytes of [asMembers, bareNames]) {
      expect(bytes.length).toBeGreaterThanOrEqual(32 * MiB);
      await expectEnvelopeError(() => parsePayload(bytes), 'ERR_PAYLOAD_INVALID');
    }
  });
});

describe('issue 12: a COSE label in both header buckets (RFC 9052 §3)', () => {
  it.each<[string, string | number, unknown]>([
    ['signingAgent', HEADER.signingAgent, 'notary-ts/0.1.0'],
    ['an unknown text label', 'com.example.hint', 'x'],
    ['kid (label 4)', 4, utf8('key')],
  ])(
    'ENV-COSE-5 issue 12: %s in both the protected and the unprotected header is ERR_ENVELOPE_MALFORMED',
    async (_what, label, value) => {
      const km = await keyMaterial('ec-256');
      const entries = coseEntries(km, [[label, value]]);
      await expect(verifyCose(await craftCose(km, { entries }))).resolves.toBeDefined();
      const unprotected = new Map<unknown, unknown>([
        [33, km.chain.map((c) => c.der)],
        [label, value],
      ]);
      await expectEnvelopeError(verifyCose(await craftCose(km, { entries, unprotected })), 'ERR_ENVELOPE_MALFORMED');
    },
  );

  it('ENV-COSE-5 AMB-18 issue 12: x5chain (label 33) in both buckets stays valid; the unprotected one is read', async () => {
    const km = await keyMaterial('ec-256');
    const other = await keyMaterial('ec-384');
    const entries = coseEntries(km, [[33, other.chain.map((c) => c.der)]]);
    const verified = await verifyCose(await craftCose(km, { entries }));
    expect(verified.content.signerInfo.certificateChain.map((c) => c.sha256Fingerprint)).toEqual(
      km.chain.map((c) => c.sha256Fingerprint),
    );
  });
});
