/**
 * Node only: where the runners leave their counts. `.test-results/<suite>.<runtime>.json`
 * holds {runtime, suite, passed, failed, skipped} for scripts/test-all.mjs;
 * the per-case detail goes to test-output/<runtime>/<suite>.cases.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaseResult, SuiteSummary } from '../suites/types.ts';
import { packageDir, repoRoot } from './bundle.js';

export async function writeSummary(summary: SuiteSummary, results: readonly CaseResult[]): Promise<void> {
  const dir = join(repoRoot, '.test-results');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${summary.suite}.${summary.runtime}.json`), JSON.stringify(summary));
  const detail = join(packageDir, 'test-output', summary.runtime);
  await mkdir(detail, { recursive: true });
  await writeFile(join(detail, `${summary.suite}.cases.json`), JSON.stringify(results, null, 2));
}
