/**
 * Node only: bundles browser/entry.ts for Chromium with esbuild (platform
 * browser), resolving @x/notary-* through their package exports to the
 * built dist/ (what ships is what is tested). A `node:` import anywhere in
 * the graph fails the build: the browser has none.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(packageDir, '../..');

export async function bundleBrowserEntry(entry = join(packageDir, 'browser/entry.ts')): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    logLevel: 'silent',
    absWorkingDir: packageDir,
  });
  return result.outputFiles[0]!.text;
}
