#!/usr/bin/env node
/**
 * `pnpm test`: every test of every package in every runtime, through turbo,
 * then one plain total line that CI can read: `N passed, N failed, N skipped`.
 *
 * Each runner leaves a JSON summary in .test-results/: vitest's JSON reporter
 * (<package>.vitest.json) and runtime-tests' Deno runs (<suite>.deno.json).
 *
 * `pnpm lint` (Biome: format and lint, no writes) runs first, in seconds, and
 * counts as one check (lint.json): a failure is reported as such and the
 * tests still run, so one run shows both.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemTools } from './system-tools.mjs';

// First, before any output: the Debian packages the tests start (installed as root, else the apt-get line).
ensureSystemTools();

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, '.test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

console.log('> pnpm lint (Biome: format + lint, no writes)');
const lint = spawnSync('pnpm', ['--silent', 'lint'], { cwd: root, stdio: 'inherit' });
const lintFailed = lint.status !== 0;
if (lintFailed) {
  console.log('\nLINT FAILED: `pnpm lint` found the problems above (`pnpm lint:fix` applies the automatic fixes).');
  console.log('The tests run anyway; the lint failure is counted in the total.\n');
}
writeFileSync(
  join(results, 'lint.json'),
  JSON.stringify({ passed: lintFailed ? 0 : 1, failed: lintFailed ? 1 : 0, skipped: 0 }),
);

const turbo = spawnSync('pnpm', ['exec', 'turbo', 'run', 'typecheck', 'test', '--continue', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' },
});

// The committed API reports must match what the build produced (issue 14 item 4). A
// filtered run may not have built every entry, so only a full run checks them.
const filtered = process.argv.slice(2).some((a) => a === '-F' || a.startsWith('--filter'));
const api = filtered
  ? undefined
  : spawnSync(process.execPath, [join(root, 'scripts', 'api-report.mjs'), '--check'], { cwd: root, stdio: 'inherit' });

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const file of existsSync(results) ? readdirSync(results).sort() : []) {
  const data = JSON.parse(readFileSync(join(results, file), 'utf8'));
  let p, f, s;
  if (file.endsWith('.vitest.json')) {
    p = data.numPassedTests;
    // A suite that crashed before its tests ran fails with no failed test: count it once.
    f = data.numFailedTests + (data.success === false && data.numFailedTests === 0 ? 1 : 0);
    s = data.numPendingTests + (data.numTodoTests ?? 0);
  } else {
    ({ passed: p, failed: f, skipped: s } = data);
  }
  rows.push(
    `${file.replace(/\.json$/, '').padEnd(28)} ${String(p).padStart(5)} passed ${String(f).padStart(3)} failed ${String(s).padStart(3)} skipped`,
  );
  passed += p;
  failed += f;
  skipped += s;
}
if (api) {
  rows.push(
    `${'api-report'.padEnd(28)} ${api.status === 0 ? 'reports match dist' : 'FAILED: the API changed without `pnpm api`, or one name has two meanings (see above)'}`,
  );
  if (api.status !== 0) failed += 1;
}
console.log('\nTest results by package and runtime:');
for (const row of rows) console.log(`  ${row}`);
if (turbo.status !== 0 && failed === (lintFailed ? 1 : 0)) {
  // A task failed without a test failing (a type error, a crash): count it.
  failed += 1;
  console.log('  (a task failed outside the tests: see the log above; counted as one failure)');
}
if (lintFailed) console.log('  lint failed: run `pnpm lint` to see the findings (counted as one failure)');
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || turbo.status !== 0 ? 1 : 0);
