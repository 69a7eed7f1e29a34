import type { KeySpec } from './public-key.js';

/** Signature algorithms of the Notary Project, named as the plugin protocol names them (PLG-9). */
export type SignatureAlgorithm =
  | 'RSASSA-PSS-SHA-256'
  | 'RSASSA-PSS-SHA-384'
  | 'RSASSA-PSS-SHA-512'
  | 'ECDSA-SHA-256'
  | 'ECDSA-SHA-384'
  | 'ECDSA-SHA-512';

/** WebCrypto hash names. */
export type HashAlgorithm = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** Everything one key spec implies (ALG-1, ALG-2). */
export interface AlgorithmSuite {
  keySpec: KeySpec;
  signatureAlgorithm: SignatureAlgorithm;
  /** Hash for the signature, the blob digest and the TSA imprint (ALG-2). */
  hash: HashAlgorithm;
  /** Length in bytes of the hash output, which is also the PSS salt length we sign with (AMB-16). */
  hashLength: number;
}

const SUITES: Readonly<Record<KeySpec, AlgorithmSuite>> = {
  'RSA-2048': { keySpec: 'RSA-2048', signatureAlgorithm: 'RSASSA-PSS-SHA-256', hash: 'SHA-256', hashLength: 32 },
  'RSA-3072': { keySpec: 'RSA-3072', signatureAlgorithm: 'RSASSA-PSS-SHA-384', hash: 'SHA-384', hashLength: 48 },
  'RSA-4096': { keySpec: 'RSA-4096', signatureAlgorithm: 'RSASSA-PSS-SHA-512', hash: 'SHA-512', hashLength: 64 },
  'EC-256': { keySpec: 'EC-256', signatureAlgorithm: 'ECDSA-SHA-256', hash: 'SHA-256', hashLength: 32 },
  'EC-384': { keySpec: 'EC-384', signatureAlgorithm: 'ECDSA-SHA-384', hash: 'SHA-384', hashLength: 48 },
  'EC-521': { keySpec: 'EC-521', signatureAlgorithm: 'ECDSA-SHA-512', hash: 'SHA-512', hashLength: 64 },
};

/** The algorithm suite a key spec implies (ALG-2). */
export function algorithmSuiteOf(keySpec: KeySpec): AlgorithmSuite {
  return SUITES[keySpec];
}

/** All key specs, in a stable order. */
export const KEY_SPECS: readonly KeySpec[] = Object.keys(SUITES) as KeySpec[];

/** The key spec implying a signature algorithm (inverse of {@link algorithmSuiteOf}). */
export function keySpecForAlgorithm(algorithm: SignatureAlgorithm): KeySpec {
  for (const suite of Object.values(SUITES)) if (suite.signatureAlgorithm === algorithm) return suite.keySpec;
  throw new TypeError(`unknown signature algorithm ${String(algorithm)}`);
}
