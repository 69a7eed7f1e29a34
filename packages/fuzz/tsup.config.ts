import { defineConfig } from 'tsup';

/**
 * A private Node package: the CLI and the worker thread it starts are built
 * to dist/ (the worker must be JavaScript Node can load); the pki test
 * servers it imports from @x/notary-test-servers (TypeScript source) are
 * bundled in, the SDK packages stay external.
 */
export default defineConfig({
  entry: { cli: 'src/cli.ts', worker: 'src/worker.ts', campaign: 'src/campaign.ts' },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  external: [/^@x\/(?!notary-test-servers\/)/],
});
