import { configDefaults, defineConfig } from 'vitest/config';
// By path, not by package name: vitest's config loader leaves a linked package's
// TypeScript untranspiled (ERR_UNKNOWN_FILE_EXTENSION); test files import it by name.
import { excludeWithoutRegistry } from '../test-servers/src/oci/docker-registry.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The suite that needs docker-registry: skipped with a notice when it is missing, a failure under CI=true.
    exclude: [...configDefaults.exclude, ...excludeWithoutRegistry(['test/verify-registry.test.ts'])],
    testTimeout: 60_000,
    // The same loopback TSA, OCSP and CRL servers the pki tests use (no mocks).
    globalSetup: ['@x/notary-test-servers/pki/global-setup'],
  },
});
