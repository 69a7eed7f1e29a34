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
  expect: Record<string, unknown> & { outcome: string; reason?: string; match?: string };
  input?: Record<string, unknown>;
  notes?: string;
  source?: string;
}

/**
 * Loads $NOTARY_VECTORS/manifest.json (resolved against the repository root;
 * default `<repo root>/../shared/notary-vectors`). `dir` and `cases` are
 * undefined when it is absent; callers skip then, except under CI=true.
 */
export async function loadUpstreamManifest(): Promise<{ dir: string | undefined; looked: string; cases: UpstreamCase[] | undefined }> {
  const looked = resolve(repoRoot, process.env.NOTARY_VECTORS ?? '../shared/notary-vectors');
  const manifest = resolve(looked, 'manifest.json');
  const present = await access(manifest).then(
    () => true,
    () => false,
  );
  if (!present) return { dir: undefined, looked, cases: undefined };
  return { dir: looked, looked, cases: JSON.parse(await readFile(manifest, 'utf8')) as UpstreamCase[] };
}
