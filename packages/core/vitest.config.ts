import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // The same loopback TSA, OCSP and CRL servers the pki tests use (no mocks).
    globalSetup: ['@x/notary-test-servers/pki/global-setup'],
  },
});
