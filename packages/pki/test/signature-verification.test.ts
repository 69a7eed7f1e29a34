import { afterEach, describe, expect, it, vi } from 'vitest';
import { type PublicKey, verifyPublicKeySignature } from '../src/index.js';
import { parsePublicKey } from '../src/public-key.js';

const data = new TextEncoder().encode('notary signature verification test payload');
const tampered = new TextEncoder().encode('notary signature verification test payloaD');

async function rsaPssKeys(hash: 'SHA-256' | 'SHA-384' | 'SHA-512', modulusLength = 2048) {
  const pair = await crypto.subtle.generateKey(
    { name: 'RSA-PSS', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash },
    true,
    ['sign', 'verify'],
  );
  return {
    privateKey: pair.privateKey,
    publicKey: parsePublicKey(new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey))),
  };
}

async function ecKeys(namedCurve: 'P-256' | 'P-384' | 'P-521') {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve }, true, ['sign', 'verify']);
  return {
    privateKey: pair.privateKey,
    publicKey: parsePublicKey(new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey))),
  };
}

async function signPss(key: CryptoKey, saltLength: number, message = data): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign({ name: 'RSA-PSS', saltLength }, key, message));
}

async function signEcdsa(key: CryptoKey, hash: string, message = data): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash }, key, message));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('RSASSA-PSS (ALG-1, AMB-16)', () => {
  it('ALG-1: verifies PSS with salt = hash length under both fixed salt and "any"', async () => {
    for (const [hash, hLen] of [
      ['SHA-256', 32],
      ['SHA-384', 48],
      ['SHA-512', 64],
    ] as const) {
      const { privateKey, publicKey } = await rsaPssKeys(hash);
      const signature = await signPss(privateKey, hLen);
      expect(
        await verifyPublicKeySignature(publicKey, { name: 'RSA-PSS', hash, saltLength: hLen }, signature, data),
      ).toBe(true);
      expect(
        await verifyPublicKeySignature(publicKey, { name: 'RSA-PSS', hash, saltLength: 'any' }, signature, data),
      ).toBe(true);
      expect(
        await verifyPublicKeySignature(publicKey, { name: 'RSA-PSS', hash, saltLength: 'any' }, signature, tampered),
      ).toBe(false);
    }
  });

  it('AMB-16: a salt length other than the hash length verifies under "any" and fails under a fixed salt', async () => {
    const { privateKey, publicKey } = await rsaPssKeys('SHA-256');
    for (const salt of [0, 20, 64]) {
      const signature = await signPss(privateKey, salt);
      expect(
        await verifyPublicKeySignature(
          publicKey,
          { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 'any' },
          signature,
          data,
        ),
      ).toBe(true);
      expect(
        await verifyPublicKeySignature(
          publicKey,
          { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 },
          signature,
          data,
        ),
      ).toBe(false);
      expect(
        await verifyPublicKeySignature(
          publicKey,
          { name: 'RSA-PSS', hash: 'SHA-256', saltLength: salt },
          signature,
          data,
        ),
      ).toBe(true);
      expect(
        await verifyPublicKeySignature(
          publicKey,
          { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 'any' },
          signature,
          tampered,
        ),
      ).toBe(false);
    }
  });

  it('AMB-16: the "any" fallback still rejects a corrupted signature and the wrong hash', async () => {
    const { privateKey, publicKey } = await rsaPssKeys('SHA-256');
    const signature = await signPss(privateKey, 20);
    const corrupted = signature.slice();
    corrupted[10]! ^= 0x01;
    expect(
      await verifyPublicKeySignature(
        publicKey,
        { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 'any' },
        corrupted,
        data,
      ),
    ).toBe(false);
    expect(
      await verifyPublicKeySignature(
        publicKey,
        { name: 'RSA-PSS', hash: 'SHA-384', saltLength: 'any' },
        signature,
        data,
      ),
    ).toBe(false);
  });

  it('ALG-1: a signature of the wrong length is false, not an exception', async () => {
    const { privateKey, publicKey } = await rsaPssKeys('SHA-256');
    const signature = await signPss(privateKey, 32);
    expect(
      await verifyPublicKeySignature(
        publicKey,
        { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 'any' },
        signature.subarray(1),
        data,
      ),
    ).toBe(false);
    expect(
      await verifyPublicKeySignature(
        publicKey,
        { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 },
        new Uint8Array([...signature, 0]),
        data,
      ),
    ).toBe(false);
  });

  it('verifies RSASSA-PKCS1-v1_5 (certificate and CMS signatures)', async () => {
    const pair = await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    );
    const publicKey = parsePublicKey(new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey)));
    const signature = new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', pair.privateKey, data));
    expect(
      await verifyPublicKeySignature(publicKey, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, signature, data),
    ).toBe(true);
    expect(
      await verifyPublicKeySignature(publicKey, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, signature, tampered),
    ).toBe(false);
  });
});

describe('ECDSA (ALG-1)', () => {
  it.each([
    ['P-256', 'SHA-256', 64],
    ['P-384', 'SHA-384', 96],
    ['P-521', 'SHA-512', 132],
  ] as const)('ALG-1: verifies ECDSA on %s with %s (raw r‖s of %i bytes)', async (curve, hash, length) => {
    const { privateKey, publicKey } = await ecKeys(curve);
    const signature = await signEcdsa(privateKey, hash);
    expect(signature).toHaveLength(length);
    expect(await verifyPublicKeySignature(publicKey, { name: 'ECDSA', hash }, signature, data)).toBe(true);
    expect(await verifyPublicKeySignature(publicKey, { name: 'ECDSA', hash }, signature, tampered)).toBe(false);
  });

  it('ALG-1: an ECDSA signature of the wrong length is false', async () => {
    const { privateKey, publicKey } = await ecKeys('P-256');
    const signature = await signEcdsa(privateKey, 'SHA-256');
    expect(
      await verifyPublicKeySignature(publicKey, { name: 'ECDSA', hash: 'SHA-256' }, signature.subarray(0, 63), data),
    ).toBe(false);
    expect(
      await verifyPublicKeySignature(
        publicKey,
        { name: 'ECDSA', hash: 'SHA-256' },
        new Uint8Array([...signature, 0]),
        data,
      ),
    ).toBe(false);
    expect(await verifyPublicKeySignature(publicKey, { name: 'ECDSA', hash: 'SHA-256' }, new Uint8Array(0), data)).toBe(
      false,
    );
  });

  it('ALG-1: the wrong hash does not verify', async () => {
    const { privateKey, publicKey } = await ecKeys('P-384');
    const signature = await signEcdsa(privateKey, 'SHA-384');
    expect(await verifyPublicKeySignature(publicKey, { name: 'ECDSA', hash: 'SHA-256' }, signature, data)).toBe(false);
  });

  it('ALG-1: P-521 verifies through the noble fallback when WebCrypto lacks the curve', async () => {
    const { privateKey, publicKey } = await ecKeys('P-521');
    const signature = await signEcdsa(privateKey, 'SHA-512');
    // Simulate a runtime (e.g. Deno) that cannot import P-521 keys.
    const importKey = vi
      .spyOn(crypto.subtle, 'importKey')
      .mockRejectedValue(new DOMException('Unsupported named curve', 'NotSupportedError'));
    expect(await verifyPublicKeySignature(publicKey, { name: 'ECDSA', hash: 'SHA-512' }, signature, data)).toBe(true);
    expect(await verifyPublicKeySignature(publicKey, { name: 'ECDSA', hash: 'SHA-512' }, signature, tampered)).toBe(
      false,
    );
    const corrupted = signature.slice();
    corrupted[0]! ^= 0x80;
    expect(await verifyPublicKeySignature(publicKey, { name: 'ECDSA', hash: 'SHA-512' }, corrupted, data)).toBe(false);
    expect(importKey).toHaveBeenCalled();
  });

  it('rejects a key of the wrong type with TypeError', async () => {
    const { publicKey } = await ecKeys('P-256');
    const rsa = (await rsaPssKeys('SHA-256')).publicKey;
    await expect(
      verifyPublicKeySignature(
        publicKey,
        { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 },
        new Uint8Array(256),
        data,
      ),
    ).rejects.toThrow(TypeError);
    await expect(
      verifyPublicKeySignature(rsa, { name: 'ECDSA', hash: 'SHA-256' }, new Uint8Array(64), data),
    ).rejects.toThrow(TypeError);
    const unsupported: PublicKey = { kind: 'unsupported', spki: new Uint8Array(), algorithm: 'x', detail: 'x' };
    await expect(
      verifyPublicKeySignature(unsupported, { name: 'ECDSA', hash: 'SHA-256' }, new Uint8Array(64), data),
    ).rejects.toThrow(TypeError);
  });
});
