import { describe, expect, it } from 'vitest';
import { trustStoreRootDir } from '../../src/node/index.js';

describe('trust store directory', () => {
  it('TS-1: the trust store root is {NOTATION_CONFIG}/truststore/x509', () => {
    expect(trustStoreRootDir('/home/u/.config/notation/')).toBe('/home/u/.config/notation/truststore/x509');
    expect(trustStoreRootDir('C:\\n\\')).toBe('C:\\n/truststore/x509');
  });
});
