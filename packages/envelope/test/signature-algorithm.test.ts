import { algorithmSuiteOf, type KeySpec } from '@x/notary-pki';
import { describe, expect, it } from 'vitest';
import {
  coseAlgorithmOf,
  jwsAlgorithmOf,
  signatureAlgorithmFromCose,
  signatureAlgorithmFromJws,
} from '../src/signature-algorithm.js';
import { expectEnvelopeError } from './helpers.js';

/** ALG-2's table, with the JWS name and COSE id of ENV-JWS-6 / ENV-COSE-7. */
const TABLE: [KeySpec, string, string, number][] = [
  ['RSA-2048', 'RSASSA-PSS-SHA-256', 'PS256', -37],
  ['RSA-3072', 'RSASSA-PSS-SHA-384', 'PS384', -38],
  ['RSA-4096', 'RSASSA-PSS-SHA-512', 'PS512', -39],
  ['EC-256', 'ECDSA-SHA-256', 'ES256', -7],
  ['EC-384', 'ECDSA-SHA-384', 'ES384', -35],
  ['EC-521', 'ECDSA-SHA-512', 'ES512', -36],
];

describe('signature algorithms', () => {
  it.each(TABLE)('ALG-1 ALG-2: %s implies %s, written %s in JWS and %i in COSE', (keySpec, algorithm, jws, cose) => {
    const suite = algorithmSuiteOf(keySpec);
    expect(suite.signatureAlgorithm).toBe(algorithm);
    expect(jwsAlgorithmOf(suite.signatureAlgorithm)).toBe(jws);
    expect(coseAlgorithmOf(suite.signatureAlgorithm)).toBe(cose);
  });

  it.each(TABLE)('ENV-JWS-6: JWS alg maps back for %s', (_keySpec, algorithm, jws) => {
    expect(signatureAlgorithmFromJws(jws)).toBe(algorithm);
  });

  it.each(TABLE)('ENV-COSE-7: COSE alg id maps back for %s', (_keySpec, algorithm, _jws, cose) => {
    expect(signatureAlgorithmFromCose(cose)).toBe(algorithm);
  });

  it.each([
    ['none'],
    ['HS256'],
    ['HS512'],
    ['RS256'],
    ['EdDSA'],
    ['ps256'],
    [''],
    ['toString'],
    ['__proto__'],
    [undefined],
    [null],
    [-37],
  ])('ENV-JWS-6: JWS alg %j is rejected with ERR_UNSUPPORTED_ALGORITHM', async (alg) => {
    await expectEnvelopeError(() => signatureAlgorithmFromJws(alg), 'ERR_UNSUPPORTED_ALGORITHM');
  });

  it.each([[5], [6], [7], [4], [-257], [-8], [-37.5], ['PS256'], ['-37'], [undefined], [null]])(
    'ENV-COSE-7: COSE alg %j (symmetric, RSA PKCS#1, EdDSA or not an int) is rejected with ERR_UNSUPPORTED_ALGORITHM',
    async (alg) => {
      await expectEnvelopeError(() => signatureAlgorithmFromCose(alg), 'ERR_UNSUPPORTED_ALGORITHM');
    },
  );
});
