import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.mjs'],
    // One `pnpm bench --quick` run (registries, openssl chains, a 64 MiB blob) takes a minute or two.
    testTimeout: 600_000,
    hookTimeout: 900_000,
  },
});
