import { defineConfig } from 'tsup';

export default defineConfig({
  // `node/index` is the only entry allowed to import `node:` modules (file
  // trust store, config dir, policy files); `index` stays runtime-neutral.
  entry: { index: 'src/index.ts', 'node/index': 'src/node/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
  // Keep the `node:` specifiers so Deno resolves the Node built-ins too.
  external: [/^node:/, '@x/notary-pki'],
  removeNodeProtocol: false,
});
