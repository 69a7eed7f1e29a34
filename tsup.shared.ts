import { defineConfig, type Options } from 'tsup';

/**
 * The build every runtime-neutral package shares: ESM with .d.ts, one entry
 * `index`, plus `node/index` for packages with a `./node` subpath export, plus
 * any further neutral `entries` (pki's `./foundation`).
 * Only that entry may import Node built-ins; their `node:` specifiers are kept
 * (not bundled, not rewritten) so Deno resolves them too.
 */
export function packageBuild(options: { node?: boolean; entries?: Record<string, string> } = {}): Options {
  return defineConfig({
    entry: {
      index: 'src/index.ts',
      ...(options.node ? { 'node/index': 'src/node/index.ts' } : {}),
      ...options.entries,
    },
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
