/**
 * Every entry the workspace publishes (each `exports` subpath of each
 * non-private package): what the declarations and require() tests load.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packagesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every published entry: package name, subpath specifier, and its d.ts. */
export function publishedEntries(): { pkgDir: string; name: string; specifier: string; types: string }[] {
  const entries = [];
  for (const dir of readdirSync(packagesDir).sort()) {
    const manifestPath = join(packagesDir, dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      name: string;
      private?: boolean;
      exports?: Record<string, string | { types?: string }>;
    };
    if (manifest.private || !manifest.exports) continue;
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (typeof target !== 'object' || !target.types) continue;
      entries.push({
        pkgDir: join(packagesDir, dir),
        name: manifest.name,
        specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
        types: join(packagesDir, dir, target.types),
      });
    }
  }
  return entries;
}
