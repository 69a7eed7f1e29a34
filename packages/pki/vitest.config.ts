import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Loopback TSA, OCSP and CRL servers for the timestamp and revocation tests (no mocks).
    globalSetup: ['@x/notary-test-servers/pki/global-setup'],
  },
});
