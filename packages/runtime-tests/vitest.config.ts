import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // Loopback pki servers and seeded OCI registries (no mocks), shared by the Node, Deno and Chromium runs.
    globalSetup: ['test/global-setup.ts'],
  },
});
