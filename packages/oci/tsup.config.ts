import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'node/index': 'src/node/index.ts' },
  // Only dist/node imports Node built-ins; keep their `node:` specifiers so Deno resolves them too.
  external: [/^node:/],
  removeNodeProtocol: false,
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
});
