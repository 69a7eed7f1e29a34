import { defineConfig, type Options } from 'tsup';

/**
 * The build every runtime-neutral package shares: ESM with .d.ts, one entry
 * `index`, plus `node/index` for packages with a `./node` subpath export.
 * Only that entry may import Node built-ins; their `node:` specifiers are kept
 * (not bundled, not rewritten) so Deno resolves them too.
 */
export function packageBuild(options: { node?: boolean } = {}): Options {
  return defineConfig({
    entry: options.node ? { index: 'src/index.ts', 'node/index': 'src/node/index.ts' } : { index: 'src/index.ts' },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    treeshake: true,
    external: [/^node:/, /^@x\//],
    removeNodeProtocol: false,
  }) as Options;
}
