import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The bounded campaign runs a few thousand cases; it reports counts, never timings.
    testTimeout: 300_000,
  },
});
