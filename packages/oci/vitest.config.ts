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
      ...excludeWithoutRegistry(['test/fixtures.test.ts', 'test/remote/live.test.ts', 'test/remote/deno.test.ts']),
    ],
    testTimeout: 60_000,
    globalSetup: ['@x/notary-test-servers/oci/global-setup'],
  },
});
