import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import * as pki from '@x/notary-pki';
import * as foundation from '@x/notary-pki/foundation';
import { describe, expect, it } from 'vitest';
import {
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  type Signer,
  signEnvelope,
  signerFromCryptoKey,
  signerFromPrivateKey,
} from '../src/index.js';
import {
  chainDir,
  expectEnvelopeError,
  FORMATS,
  fmt,
  importParams,
  keyMaterial,
  rawVerify,
  SIGNING_TIME,
  SPECS,
  TARGET,
  utf8,
} from './helpers.js';

const DATA = utf8('data to sign');

describe('signer', () => {
  it.each(SPECS)(
    'ALG-1 ALG-2: signerFromPrivateKey(%s PKCS#8 PEM) takes its key spec from the leaf and signs verifiably',
    async (spec) => {
      const km = await keyMaterial(spec);
      const signer = await signerFromPrivateKey(km.keyPem, km.chainPem);
      expect(signer.keySpec).toBe(km.keySpec);
      expect(signer.certificateChain.map((c) => c.sha256Fingerprint)).toEqual(km.chain.map((c) => c.sha256Fingerprint));
      const signature = await signer.sign(DATA);
      expect(await rawVerify(km, signature, DATA)).toBe(true);
      expect(await rawVerify(km, signature, utf8('other data'))).toBe(false);
    },
  );

  it.each(['rsa-3072', 'ec-521'])(
    'ALG-1: signerFromPrivateKey accepts PKCS#8 DER and a chain given as DER bytes or Certificate[] (%s)',
    async (spec) => {
      const km = await keyMaterial(spec);
      for (const chain of [
        km.chain,
        utf8(km.chainPem),
        km.chain.map((c) => c.der).reduce((a, b) => foundation.concatBytes(a, b)),
      ]) {
        const signer = await signerFromPrivateKey(km.keyDer, chain);
        expect(signer.certificateChain).toHaveLength(3);
        expect(await rawVerify(km, await signer.sign(DATA), DATA)).toBe(true);
      }
    },
  );

  it.each([
    ['ec-256', 'ec', 'EC PRIVATE KEY'],
    ['ec-521', 'ec', 'EC PRIVATE KEY'],
    ['rsa-2048', 'rsa', 'RSA PRIVATE KEY'],
  ])('ALG-1: signerFromPrivateKey accepts a traditional (SEC1 / PKCS#1) %s key PEM', async (spec, tool, label) => {
    const km = await keyMaterial(spec);
    // openssl ec writes SEC1 by default; openssl rsa needs -traditional for PKCS#1.
    const args = [tool, '-in', resolve(chainDir(spec), 'leaf.key.pem'), ...(tool === 'rsa' ? ['-traditional'] : [])];
    const pem = execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(pem).toContain(`-----BEGIN ${label}-----`);
    const signer = await signerFromPrivateKey(pem, km.chainPem);
    expect(await rawVerify(km, await signer.sign(DATA), DATA)).toBe(true);
  });

  it('ENV-JWS-7 ENV-COSE-7 AMB-16: RSA signatures use PSS with salt = hash length; ECDSA ones are raw r‖s', async () => {
    for (const spec of SPECS) {
      const km = await keyMaterial(spec);
      const signature = await (await signerFromPrivateKey(km.keyPem, km.chain)).sign(DATA);
      if (spec.startsWith('rsa')) {
        expect(await rawVerify(km, signature, DATA, km.suite.hashLength), spec).toBe(true);
        expect(await rawVerify(km, signature, DATA, 0), spec).toBe(false);
      } else {
        expect(signature.length, spec).toBe(
          ({ 'ec-256': 64, 'ec-384': 96, 'ec-521': 132 } as Record<string, number>)[spec],
        );
      }
    }
  });

  it.each<[string, (km: Awaited<ReturnType<typeof keyMaterial>>) => Promise<unknown>]>([
    ['an empty chain', (km) => signerFromPrivateKey(km.keyPem, [])],
    ['a key that is neither PEM nor DER text', (km) => signerFromPrivateKey('not a key', km.chain)],
    ['a PEM without a private key block', (km) => signerFromPrivateKey(km.chainPem, km.chain)],
    [
      'an encrypted private key PEM',
      (km) =>
        signerFromPrivateKey(
          '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n',
          km.chain,
        ),
    ],
    ['garbage DER', (km) => signerFromPrivateKey(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00), km.chain)],
  ])('SIGN-2: signerFromPrivateKey with %s is ERR_SIGNING_FAILED', async (_what, make) => {
    await expectEnvelopeError(make(await keyMaterial('ec-256')), 'ERR_SIGNING_FAILED');
  });

  it('SIGN-2: a chain PEM with no certificate fails in the pki parser (ERR_CERT_PARSE)', async () => {
    const km = await keyMaterial('ec-256');
    let caught: unknown;
    await signerFromPrivateKey(km.keyPem, '-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n').catch(
      (e: unknown) => (caught = e),
    );
    expect(caught).toBeInstanceOf(pki.NotaryError);
    expect((caught as pki.NotaryError).code).toBe('ERR_CERT_PARSE');
  });

  it('ALG-2 SIGN-2: an EC private key for an RSA leaf (and vice versa) is ERR_SIGNING_FAILED', async () => {
    const ec = await keyMaterial('ec-256');
    const rsa = await keyMaterial('rsa-2048');
    await expectEnvelopeError(signerFromPrivateKey(ec.keyPem, rsa.chain), 'ERR_SIGNING_FAILED');
    await expectEnvelopeError(signerFromPrivateKey(rsa.keyPem, ec.chain), 'ERR_SIGNING_FAILED');
  });

  it('ALG-2 SIGN-2: a P-384 private key for a P-256 leaf is ERR_SIGNING_FAILED', async () => {
    const p384 = await keyMaterial('ec-384');
    const p256 = await keyMaterial('ec-256');
    await expectEnvelopeError(signerFromPrivateKey(p384.keyPem, p256.chain), 'ERR_SIGNING_FAILED');
  });

  describe('signerFromCryptoKey', () => {
    it('ALG-1: a non-extractable CryptoKey imported for the leaf algorithm signs', async () => {
      const km = await keyMaterial('rsa-4096');
      expect(km.privateKey.extractable).toBe(false);
      const signer = signerFromCryptoKey(km.privateKey, km.chain);
      expect(signer.keySpec).toBe('RSA-4096');
      expect(await rawVerify(km, await signer.sign(DATA), DATA)).toBe(true);
    });

    it.each<[string, string, () => Promise<CryptoKey>]>([
      [
        'RSASSA-PKCS1-v1_5 key for an RSA leaf',
        'rsa-2048',
        async () => {
          const km = await keyMaterial('rsa-2048');
          return crypto.subtle.importKey(
            'pkcs8',
            km.keyDer.slice(),
            { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
            false,
            ['sign'],
          );
        },
      ],
      [
        'RSA-PSS/SHA-256 key for an RSA-3072 leaf (needs SHA-384)',
        'rsa-3072',
        async () => {
          const km = await keyMaterial('rsa-3072');
          return crypto.subtle.importKey('pkcs8', km.keyDer.slice(), { name: 'RSA-PSS', hash: 'SHA-256' }, false, [
            'sign',
          ]);
        },
      ],
      ['ECDSA P-384 key for a P-256 leaf', 'ec-256', async () => (await keyMaterial('ec-384')).privateKey],
      [
        'ECDH key on the right curve',
        'ec-256',
        async () => {
          const km = await keyMaterial('ec-256');
          return crypto.subtle.importKey('pkcs8', km.keyDer.slice(), { name: 'ECDH', namedCurve: 'P-256' }, false, [
            'deriveBits',
          ]);
        },
      ],
      ['public key of the leaf', 'ec-256', async () => (await keyMaterial('ec-256')).publicKey],
      ['HMAC key', 'ec-256', async () => crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])],
    ])('ALG-2 SIGN-2: a CryptoKey that does not fit the leaf (%s) is ERR_SIGNING_FAILED', async (_what, spec, make) => {
      const km = await keyMaterial(spec);
      const key = await make();
      await expectEnvelopeError(() => signerFromCryptoKey(key, km.chain), 'ERR_SIGNING_FAILED');
    });

    it('ALG-2: the matching import parameters are accepted for every key spec', async () => {
      for (const spec of SPECS) {
        const km = await keyMaterial(spec);
        const key = await crypto.subtle.importKey('pkcs8', km.keyDer.slice(), importParams(km.keySpec), false, [
          'sign',
        ]);
        expect(signerFromCryptoKey(key, km.chainPem).keySpec).toBe(km.keySpec);
      }
    });
  });

  describe.each(FORMATS)('SIGN-2 re-verification in %s', (mediaType) => {
    const F = fmt(mediaType);

    it(`SIGN-2: ${F} signing with a private key that does not match the leaf public key fails re-verification (ERR_SIGNING_FAILED ← ERR_SIGNATURE_VERIFICATION_FAILED)`, async () => {
      const km = await keyMaterial('ec-256');
      const stranger = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
        'sign',
      ])) as CryptoKeyPair;
      const signer = signerFromCryptoKey(stranger.privateKey, km.chain);
      const e = await expectEnvelopeError(
        signEnvelope({ mediaType, signer, targetArtifact: TARGET, signingTime: SIGNING_TIME }),
        'ERR_SIGNING_FAILED',
      );
      expect((e.cause as { code?: string }).code).toBe('ERR_SIGNATURE_VERIFICATION_FAILED');
    });

    it(`SIGN-2: ${F} an RSA key of the right size that is not the leaf's fails re-verification`, async () => {
      const km = await keyMaterial('rsa-2048');
      const other = (await crypto.subtle.generateKey(
        { name: 'RSA-PSS', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
        false,
        ['sign'],
      )) as CryptoKeyPair;
      const e = await expectEnvelopeError(
        signEnvelope({
          mediaType,
          signer: signerFromCryptoKey(other.privateKey, km.chain),
          targetArtifact: TARGET,
          signingTime: SIGNING_TIME,
        }),
        'ERR_SIGNING_FAILED',
      );
      expect((e.cause as { code?: string }).code).toBe('ERR_SIGNATURE_VERIFICATION_FAILED');
    });

    it(`SIGN-2: ${F} a custom signer that throws, returns garbage, or has no chain is ERR_SIGNING_FAILED`, async () => {
      const km = await keyMaterial('ec-256');
      const make = (sign: Signer['sign'], chain: readonly pki.Certificate[] = km.chain): Signer => ({
        keySpec: 'EC-256',
        certificateChain: chain,
        sign,
      });
      await expectEnvelopeError(
        signEnvelope({
          mediaType,
          signer: make(async () => {
            throw new Error('HSM offline');
          }),
          targetArtifact: TARGET,
          signingTime: SIGNING_TIME,
        }),
        'ERR_SIGNING_FAILED',
      );
      await expectEnvelopeError(
        signEnvelope({
          mediaType,
          signer: make(async () => new Uint8Array(64)),
          targetArtifact: TARGET,
          signingTime: SIGNING_TIME,
        }),
        'ERR_SIGNING_FAILED',
      );
      const real = signerFromCryptoKey(km.privateKey, km.chain);
      await expectEnvelopeError(
        signEnvelope({
          mediaType,
          signer: make((d) => real.sign(d), []),
          targetArtifact: TARGET,
          signingTime: SIGNING_TIME,
        }),
        'ERR_SIGNING_FAILED',
      );
    });

    it(`SIGN-2: ${F} a remote signer may fill in its chain during sign()`, async () => {
      const km = await keyMaterial('ec-384');
      const real = signerFromCryptoKey(km.privateKey, km.chain);
      let chain: readonly pki.Certificate[] = [];
      const remote: Signer = {
        keySpec: 'EC-384',
        get certificateChain() {
          return chain;
        },
        async sign(d) {
          chain = km.chain;
          return real.sign(d);
        },
      };
      const s = await signEnvelope({ mediaType, signer: remote, targetArtifact: TARGET, signingTime: SIGNING_TIME });
      expect(s.verified.content.signerInfo.certificateChain).toHaveLength(3);
      expect(mediaType === MEDIA_TYPE_JWS || mediaType === MEDIA_TYPE_COSE).toBe(true);
    });
  });
});
