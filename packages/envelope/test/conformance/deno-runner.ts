/**
 * Runs the envelope conformance suite under Deno, against the built ESM
 * output (dist/), so that what ships is what is tested.
 *
 *   deno run --no-lock --node-modules-dir=manual --allow-read --allow-write=../../.test-results \
 *     test/conformance/deno-runner.ts <vectors dir, relative to the repo root> <CI flag>
 *
 * Writes .test-results/envelope.deno.json ({passed, failed, skipped}) for the
 * repository's total, and exits non-zero when a case fails.
 */
import * as pki from '@x/notary-pki';
import * as envelope from '../../dist/index.js';
import { envelopeConformanceCases, type SuiteEnvironment } from './suite.ts';

declare const Deno: {
  args: string[];
  readFile(path: string): Promise<Uint8Array>;
  stat(path: string): Promise<unknown>;
  writeTextFile(path: string, text: string): Promise<void>;
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
  exit(code: number): never;
};

const repoRoot = new URL('../../../../', import.meta.url).pathname.replace(/\/$/, '');
const [vectorsArg = '../shared/notary-vectors', ciArg = ''] = Deno.args;
const ci = ciArg === 'true';
const upstreamDir = vectorsArg.startsWith('/') ? vectorsArg : `${repoRoot}/${vectorsArg}`;
const exists = (path: string): Promise<boolean> => Deno.stat(path).then(() => true, () => false);
const upstreamPresent = await exists(`${upstreamDir}/manifest.json`);

const env: SuiteEnvironment = {
  pki,
  envelope: envelope as unknown as SuiteEnvironment['envelope'],
  readFile: (path) => Deno.readFile(path),
  exists,
  ownVectorsDir: `${repoRoot}/test-vectors/out`,
  upstreamVectorsDir: upstreamPresent ? upstreamDir : undefined,
};

let passed = 0;
let failed = 0;
let skipped = 0;
const perKind = new Map<string, { passed: number; failed: number; skipped: number }>();
if (!upstreamPresent) {
  console.warn(`upstream vectors not found at ${upstreamDir}: skipping upstream cases`);
  if (ci) {
    console.error('FAIL: CI=true needs the upstream vectors');
    failed++;
  }
}
for (const c of await envelopeConformanceCases(env)) {
  const tally = perKind.get(c.kind) ?? { passed: 0, failed: 0, skipped: 0 };
  perKind.set(c.kind, tally);
  if (c.skip) {
    skipped++;
    tally.skipped++;
    console.log(`skip ${c.name} [${c.skip}]`);
    continue;
  }
  try {
    await c.run();
    passed++;
    tally.passed++;
  } catch (error) {
    failed++;
    tally.failed++;
    console.error(`FAIL ${c.name}\n  ${error instanceof Error ? error.message : String(error)}`);
  }
}
for (const [kind, t] of [...perKind].sort()) console.log(`deno conformance ${kind}: passed ${t.passed}, failed ${t.failed}, skipped ${t.skipped}`);
console.log(`deno envelope conformance: ${passed} passed, ${failed} failed, ${skipped} skipped`);
await Deno.mkdir(`${repoRoot}/.test-results`, { recursive: true });
await Deno.writeTextFile(`${repoRoot}/.test-results/envelope.deno.json`, JSON.stringify({ runtime: 'deno', package: 'envelope', passed, failed, skipped }));
Deno.exit(failed > 0 ? 1 : 0);
