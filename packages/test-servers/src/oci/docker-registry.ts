/**
 * Where Debian's `docker-registry` (the CNCF distribution registry 2.8.2) is,
 * or why the suites that need it cannot run (issue 14 item 5).
 *
 * It is looked up on `PATH`, like every other tool the fixtures run. When it
 * is absent the suites that need it skip with a notice naming the package to
 * install; under `CI=true` its absence is a failure, the rule of the interop
 * peers (peers.ts) and the conformance vectors (upstream-vectors.ts).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const REGISTRY_COMMAND = 'docker-registry';
export const REGISTRY_INSTALL = 'apt-get install docker-registry';

/** The registry binary on `PATH`, or why there is none. */
export function registryBinary(env: NodeJS.ProcessEnv = process.env): { path: string } | { missing: string } {
  const dirs = (env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const dir of dirs) {
    const path = join(dir, REGISTRY_COMMAND);
    try {
      accessSync(path, constants.X_OK);
      return { path };
    } catch {
      // not in this directory
    }
  }
  return {
    missing: `${REGISTRY_COMMAND} not found on PATH: install it with \`${REGISTRY_INSTALL}\` (Debian's distribution registry 2.8.2)`,
  };
}

/**
 * For a vitest config: the test files to leave out because the registry is
 * missing (none when it is there). Prints a notice naming them; under
 * `CI=true` throws instead, since CI must run every registry test.
 */
export function excludeWithoutRegistry(files: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const found = registryBinary(env);
  if ('path' in found) return [];
  if (env['CI'] === 'true') throw new Error(`${found.missing}; CI=true requires it for the registry tests`);
  console.warn(`[notice] ${found.missing}: skipped ${files.join(', ')}`);
  return [...files];
}
