import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The live registries of the OCI tests (docker-registry with tag-schema
    // referrers, the in-process Referrers-API registry, Basic auth) and the
    // loopback TSA of the pki tests; no mocks.
    globalSetup: ['@x/notary-test-servers/oci/global-setup', '@x/notary-test-servers/pki/global-setup'],
  },
});
