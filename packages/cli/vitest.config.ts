import { configDefaults, defineConfig } from 'vitest/config';
// By path, not by package name: vitest's config loader leaves a linked package's
// TypeScript untranspiled (ERR_UNKNOWN_FILE_EXTENSION); test files import it by name.
import { excludeWithoutRegistry } from '../test-servers/src/oci/docker-registry.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The suites that need docker-registry: skipped with a notice when it is missing, a failure under CI=true.
    exclude: [
      ...configDefaults.exclude,
      ...excludeWithoutRegistry([
        'test/registry-e2e.test.ts',
        'test/output-parity.test.ts',
        'test/listing-limits.test.ts',
        'test/interop/registry.test.ts',
        'test/interop/plugin.test.ts',
        'test/interop/shared-config.test.ts',
      ]),
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The live registries of the OCI tests (docker-registry with tag-schema
    // referrers, the in-process Referrers-API registry, Basic auth) and the
    // loopback TSA of the pki tests; no mocks.
    globalSetup: ['@x/notary-test-servers/oci/global-setup', '@x/notary-test-servers/pki/global-setup'],
  },
});
