import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_SPECS, keySpecForAlgorithm } from '../src/algorithm.js';
import { UnsupportedKeyError } from '../src/errors.js';
import { algorithmSuiteOf, type KeySpec, keySpecOf } from '../src/index.js';
import { parsePublicKey } from '../src/public-key.js';
import { type KeyType, OpensslFactory } from './fixtures/openssl-chain.js';

let f: OpensslFactory;
beforeAll(() => {
  f = new OpensslFactory();
});
afterAll(() => f?.dispose());

/** DER SubjectPublicKeyInfo of a fresh openssl key. */
function spkiOf(type: KeyType | number): Uint8Array {
  const keyPath = typeof type === 'number' ? `${f.dir}/rsa${type}.key` : f.key(type);
  if (typeof type === 'number')
    f.openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${type}`, '-out', keyPath]);
  f.openssl(['pkey', '-in', keyPath, '-pubout', '-outform', 'DER', '-out', `${keyPath}.pub.der`]);
  return new Uint8Array(readFileSync(`${keyPath}.pub.der`));
}

describe('parsePublicKey and keySpecOf (ALG-2, CERT-6, AMB-12)', () => {
  it.each([
    ['rsa2048', 'RSA-2048'],
    ['rsa3072', 'RSA-3072'],
    ['rsa4096', 'RSA-4096'],
    ['ec256', 'EC-256'],
    ['ec384', 'EC-384'],
    ['ec521', 'EC-521'],
  ] as const)('ALG-2: a %s key is %s', (type, spec) => {
    const key = parsePublicKey(spkiOf(type));
    expect(keySpecOf(key)).toBe(spec);
    if (key.kind === 'RSA') {
      expect(key.modulusBits).toBe(Number(type.slice(3)));
      expect(key.exponent).toBe(65537n);
    }
  });

  it.each([
    ['rsa1024', /RSA key size 1024 bits is not supported/],
    ['rsa1536', /RSA key size 1536 bits is not supported/],
    ['ec224', /EC curve 1\.3\.132\.0\.33 is not supported/],
    ['ed25519', /public key algorithm 1\.3\.101\.112 is not supported/],
  ] as const)('AMB-12: a %s key is rejected as unsupported', (type, message) => {
    const key = parsePublicKey(spkiOf(type));
    expect(() => keySpecOf(key)).toThrow(UnsupportedKeyError);
    expect(() => keySpecOf(key)).toThrow(message);
  });

  it('AMB-12: sizes are exact, not minimums (an RSA-2047 key is rejected)', () => {
    // Note: Go measures RSA size as whole bytes (key.Size() << 3), so notation would
    // count this key as 2048 bits; we compare the exact modulus length. See report.
    const key = parsePublicKey(spkiOf(2047));
    expect(key.kind === 'RSA' && key.modulusBits).toBe(2047);
    expect(() => keySpecOf(key)).toThrow(/RSA key size 2047 bits is not supported/);
  });

  it('treats malformed input as an unsupported key, never a crash', () => {
    const key = parsePublicKey(new Uint8Array([0x01, 0x02]));
    expect(key.kind).toBe('unsupported');
    expect(() => keySpecOf(key)).toThrow(UnsupportedKeyError);
  });
});

describe('algorithm suites (ALG-1, ALG-2)', () => {
  it('ALG-2: maps each key spec to its signature algorithm and hash', () => {
    const table: Record<KeySpec, [string, string, number]> = {
      'RSA-2048': ['RSASSA-PSS-SHA-256', 'SHA-256', 32],
      'RSA-3072': ['RSASSA-PSS-SHA-384', 'SHA-384', 48],
      'RSA-4096': ['RSASSA-PSS-SHA-512', 'SHA-512', 64],
      'EC-256': ['ECDSA-SHA-256', 'SHA-256', 32],
      'EC-384': ['ECDSA-SHA-384', 'SHA-384', 48],
      'EC-521': ['ECDSA-SHA-512', 'SHA-512', 64],
    };
    expect([...KEY_SPECS].sort()).toEqual(Object.keys(table).sort());
    for (const [spec, [algorithm, hash, hashLength]] of Object.entries(table) as [
      KeySpec,
      [string, string, number],
    ][]) {
      const suite = algorithmSuiteOf(spec);
      expect(suite).toEqual({ keySpec: spec, signatureAlgorithm: algorithm, hash, hashLength });
      expect(keySpecForAlgorithm(suite.signatureAlgorithm)).toBe(spec);
    }
  });

  it('ALG-1: there are exactly three RSASSA-PSS and three ECDSA algorithms', () => {
    const algorithms = KEY_SPECS.map((s) => algorithmSuiteOf(s).signatureAlgorithm);
    expect(algorithms.filter((a) => a.startsWith('RSASSA-PSS-'))).toHaveLength(3);
    expect(algorithms.filter((a) => a.startsWith('ECDSA-'))).toHaveLength(3);
    expect(() => keySpecForAlgorithm('RSASSA-PKCS1-SHA-256' as never)).toThrow(TypeError);
  });
});
