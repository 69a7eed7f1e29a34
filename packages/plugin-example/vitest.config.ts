import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // The loopback TSA (and OCSP/CRL servers) the pki tests use.
    globalSetup: ['@x/notary-test-servers/pki/global-setup'],
  },
});
