import { access, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, three levels above this folder. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** One case of the upstream manifest.json (see its README). */
export interface UpstreamCase {
  id: string;
  kind: string;
  files: string[];
  expect: Record<string, unknown> & { outcome: string; reason?: string; match?: string; verifyAt?: string };
  input?: Record<string, unknown>;
  notes?: string;
}

/**
 * Loads $NOTARY_VECTORS/manifest.json (default ../shared/notary-vectors beside
 * the repository). `dir` and `cases` are undefined when the folder is absent;
 * callers then skip, except under CI=true where absence is a failure.
 */
export async function loadUpstreamManifest(): Promise<{ dir: string | undefined; looked: string; cases: UpstreamCase[] | undefined }> {
  const looked = resolve(repoRoot, process.env.NOTARY_VECTORS ?? '../shared/notary-vectors');
  const manifest = resolve(looked, 'manifest.json');
  const present = await access(manifest).then(() => true, () => false);
  if (!present) return { dir: undefined, looked, cases: undefined };
  return { dir: looked, looked, cases: JSON.parse(await readFile(manifest, 'utf8')) as UpstreamCase[] };
}
