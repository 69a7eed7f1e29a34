import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, three levels above this package's test folder. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The upstream vectors folder: $NOTARY_VECTORS, else ../shared/notary-vectors
 * beside the repository. `dir` is undefined when it is absent.
 */
export async function resolveUpstreamVectors(): Promise<{ dir: string | undefined; looked: string }> {
  const looked = resolve(repoRoot, process.env.NOTARY_VECTORS ?? '../shared/notary-vectors');
  const present = await access(resolve(looked, 'manifest.json')).then(() => true, () => false);
  return { dir: present ? looked : undefined, looked };
}
