/**
 * The Notary Project's conformance vectors for every package's tests: the
 * folder named by $NOTARY_VECTORS (relative to the repository root), else
 * ../shared/notary-vectors beside the repository. They are read in place,
 * never copied into the repository. When the folder is absent a suite skips
 * with a notice; under CI=true its absence is a failure.
 */
import { access, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is packages/test-servers/src/upstream-vectors.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** One case of the upstream manifest.json (see its README). */
export interface UpstreamCase {
  id: string;
  kind: string;
  files: string[];
  expect: Record<string, unknown> & { outcome: string; reason?: string; match?: string; verifyAt?: string };
  input?: Record<string, unknown>;
  notes?: string;
  source?: string;
}

/** Where the vectors are looked for, and whether they are there. */
export async function resolveUpstreamVectors(): Promise<{ dir: string | undefined; looked: string }> {
  const looked = resolve(repoRoot, process.env.NOTARY_VECTORS ?? '../shared/notary-vectors');
  const present = await access(resolve(looked, 'manifest.json')).then(
    () => true,
    () => false,
  );
  return { dir: present ? looked : undefined, looked };
}

/** Loads the manifest; `dir` and `cases` are undefined when the folder is absent. */
export async function loadUpstreamManifest(): Promise<{
  dir: string | undefined;
  looked: string;
  cases: UpstreamCase[] | undefined;
}> {
  const { dir, looked } = await resolveUpstreamVectors();
  if (!dir) return { dir, looked, cases: undefined };
  return { dir, looked, cases: JSON.parse(await readFile(resolve(dir, 'manifest.json'), 'utf8')) as UpstreamCase[] };
}
