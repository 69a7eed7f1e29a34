import { defineConfig } from 'tsup';

export default defineConfig({
  // `main` is the `notary` executable (package.json "bin"); `index` runs the CLI in-process. Node-only.
  entry: { main: 'src/main.ts', index: 'src/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  banner: { js: '#!/usr/bin/env node' },
  // The SDK packages are dependencies, loaded from node_modules at run time.
  external: [/^@x\//],
});
