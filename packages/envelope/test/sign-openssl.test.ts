/**
 * Task: openssl verifies what the SDK signs. For each key spec and format the
 * SDK signs, the signing input is rebuilt from the envelope bytes (JWS: the
 * members as written; COSE: Sig_structure from the raw protected bstr and the
 * payload), and `openssl dgst -verify` checks the signature with the leaf's
 * public key. Flipping one input byte must make openssl fail.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decode, type Tag, type TagDecoder } from 'cbor2';
import { afterAll, describe, expect, it } from 'vitest';
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS, signEnvelope, signerFromPrivateKey } from '../src/index.js';
import { chainDir, SIGNING_TIME, TARGET, utf8 } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'notary-sign-openssl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SUITES = [
  ['rsa-2048', 'PS256', 'sha256', 32],
  ['rsa-3072', 'PS384', 'sha384', 48],
  ['rsa-4096', 'PS512', 'sha512', 64],
  ['ec-256', 'ES256', 'sha256', 32],
  ['ec-384', 'ES384', 'sha384', 48],
  ['ec-521', 'ES512', 'sha512', 66],
] as const;

function openssl(args: string[], input?: string): { status: number | null; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8', input });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** DER length octets. */
function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  return [0x82, n >> 8, n & 0xff];
}

/** Raw r‖s (IEEE P1363) to an ASN.1 DER ECDSA-Sig-Value, as openssl expects. */
function rawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const integer = (bytes: Uint8Array): number[] => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const v = [...bytes.subarray(i)];
    if (v[0]! & 0x80) v.unshift(0);
    return [0x02, ...derLength(v.length), ...v];
  };
  const body = [...integer(raw.subarray(0, half)), ...integer(raw.subarray(half))];
  return Uint8Array.from([0x30, ...derLength(body.length), ...body]);
}

/** Sig_structure = ["Signature1", protected, h'', payload], encoded by hand. */
function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  const head = (n: number): number[] =>
    n < 24
      ? [0x40 + n]
      : n < 0x100
        ? [0x58, n]
        : n < 0x10000
          ? [0x59, n >> 8, n & 0xff]
          : [0x5a, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return Uint8Array.from([
    0x84,
    0x6a,
    ...utf8('Signature1'),
    ...head(protectedBytes.length),
    ...protectedBytes,
    0x40,
    ...head(payload.length),
    ...payload,
  ]);
}

function base64UrlDecode(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

describe('openssl verifies SDK signatures', () => {
  it('rawToDer writes long-form lengths for P-521 and a leading zero for high-bit integers', () => {
    const raw = new Uint8Array(132).fill(0xff);
    const der = rawToDer(raw);
    expect([...der.subarray(0, 5)]).toEqual([0x30, 0x81, 2 * (2 + 67), 0x02, 67]);
    expect(der[5]).toBe(0);
    expect([...rawToDer(Uint8Array.of(0, 1, 0x80, 2))]).toEqual([
      0x30, 0x08, 0x02, 0x01, 0x01, 0x02, 0x03, 0x00, 0x80, 0x02,
    ]);
  });

  for (const [spec, alg, digest, hashLength] of SUITES) {
    for (const mediaType of [MEDIA_TYPE_JWS, MEDIA_TYPE_COSE] as const) {
      const format = mediaType === MEDIA_TYPE_JWS ? 'JWS' : 'COSE';
      const ids = mediaType === MEDIA_TYPE_JWS ? 'ENV-JWS-2 ENV-JWS-7' : 'ENV-COSE-6 ENV-COSE-7';
      it(`SIGN-2 ALG-1 ${ids}: openssl verifies the SDK's ${alg} ${format} (${spec}), and rejects a flipped input byte`, async () => {
        const chain = chainDir(spec);
        const signer = await signerFromPrivateKey(
          readFileSync(resolve(chain, 'leaf.key.pem'), 'utf8'),
          readFileSync(resolve(chain, 'chain.pem'), 'utf8'),
        );
        const signed = await signEnvelope({
          mediaType,
          signer,
          targetArtifact: { ...TARGET, annotations: { 'org.example.note': 'a<b&c' } },
          signingTime: SIGNING_TIME,
          expiresInSeconds: 3600,
          extendedAttributes: [{ key: 'com.example.build', value: '42', critical: false }],
        });

        let input: Uint8Array;
        let signature: Uint8Array;
        if (mediaType === MEDIA_TYPE_JWS) {
          const envelope = JSON.parse(Buffer.from(signed.bytes).toString('utf8')) as Record<string, string>;
          input = utf8(`${envelope.protected}.${envelope.payload}`);
          signature = base64UrlDecode(envelope.signature!);
        } else {
          const top = decode(signed.bytes, { tags: new Map<number, TagDecoder>([[18, (t) => t]]) }) as Tag;
          expect(Number(top.tag)).toBe(18);
          const [protectedBytes, , payload, sig] = top.contents as [Uint8Array, unknown, Uint8Array, Uint8Array];
          input = sigStructure(protectedBytes, payload);
          signature = sig;
        }

        const base = join(dir, `${spec}-${format}`);
        const pub = `${base}-pub.pem`;
        const pubResult = openssl(['x509', '-pubkey', '-noout', '-in', resolve(chain, 'leaf.pem'), '-out', pub]);
        expect(pubResult.status, pubResult.out).toBe(0);
        const isRsa = spec.startsWith('rsa');
        if (!isRsa) expect(signature.length).toBe(2 * hashLength);
        writeFileSync(`${base}-sig.bin`, isRsa ? signature : rawToDer(signature));
        writeFileSync(`${base}-input.bin`, input);
        const pss = isRsa ? ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', `rsa_pss_saltlen:${hashLength}`] : [];
        const args = ['dgst', `-${digest}`, '-verify', pub, '-signature', `${base}-sig.bin`, ...pss];

        const ok = openssl([...args, `${base}-input.bin`]);
        expect(ok.out).toContain('Verified OK');
        expect(ok.status).toBe(0);

        const flipped = input.slice();
        flipped[Math.floor(flipped.length / 2)]! ^= 0x01;
        writeFileSync(`${base}-flipped.bin`, flipped);
        const bad = openssl([...args, `${base}-flipped.bin`]);
        expect(bad.out).not.toContain('Verified OK');
        expect(bad.out).toContain('Verification failure');
        expect(bad.status).not.toBe(0);
      });
    }
  }
});
