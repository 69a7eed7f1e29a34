#!/usr/bin/env node
/**
 * `pnpm bench [--quick] [--case N[,M]] [--rounds N] [--out file]`: the seven
 * cases of issue 9 and the hostile inputs of issue 12, one JSON object per case on stdout, a table on stderr,
 * and everything in bench/results/latest.json (bench/results/quick.json for
 * --quick, so a quick run never replaces the real numbers; a --case run
 * writes only with --out). `node bench/run.mjs --markdown` prints the
 * Markdown table of latest.json.
 *
 * Needs the packages built (`pnpm exec turbo run build`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatCase, markdown } from './lib/table.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    case: { type: 'string' },
    rounds: { type: 'string' },
    out: { type: 'string' },
    markdown: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

if (values.markdown) {
  // `node bench/run.mjs --markdown`: the table of the last full run, for the README.
  const document = JSON.parse(readFileSync(values.out ?? join(here, 'results', 'latest.json'), 'utf8'));
  process.stdout.write(`${markdown(document)}\n`);
  process.exit(0);
}

const quick = values.quick;
const selected = values.case ? new Set(values.case.split(',').map((s) => Number(s.trim()))) : undefined;
const ctx = {
  quick,
  rounds: values.rounds ? Number(values.rounds) : quick ? 3 : 21,
  log: (message) => process.stderr.write(`  ${message}\n`),
};

const CASES = [
  [1, 'JWS integrity verify', async () => (await import('./cases/integrity.mjs')).jwsIntegrity(ctx)],
  [2, 'COSE integrity verify', async () => (await import('./cases/integrity.mjs')).coseIntegrity(ctx)],
  [3, 'full verify, cold', async () => (await import('./cases/full-verify.mjs')).coldVerify(ctx)],
  [4, 'full verify, warm', async () => (await import('./cases/full-verify.mjs')).warmVerify(ctx)],
  [5, 'bulk registry verify', async () => (await import('./cases/bulk.mjs')).bulkVerify(ctx)],
  [6, 'blob sign/verify 1 GiB', async () => (await import('./cases/blob.mjs')).blobCase(ctx)],
  [7, 'bundle sizes', async () => (await import('./cases/bundle.mjs')).bundleCase(ctx)],
  [8, 'hostile 32 MiB inputs', async () => (await import('./cases/hostile.mjs')).hostileCase(ctx)],
];

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
};
const started = new Date();
process.stderr.write(
  `notary-ts bench${quick ? ' (quick)' : ''} on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}\n`,
);

const results = [];
let failures = 0;
for (const [number, title, run] of CASES) {
  if (selected && !selected.has(number)) continue;
  process.stderr.write(`\ncase ${number}: ${title}\n`);
  const start = Date.now();
  let result;
  try {
    result = await run();
  } catch (error) {
    failures++;
    result = {
      case: number,
      name: title,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
  result.seconds = Math.round((Date.now() - start) / 100) / 10;
  result.quick = quick;
  results.push(result);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.stderr.write(formatCase(result));
}

const document = { machine, startedAt: started.toISOString(), quick, rounds: ctx.rounds, cases: results };
const out = values.out ?? join(here, 'results', quick ? 'quick.json' : 'latest.json');
if (!selected || values.out) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
  process.stderr.write(`\nwrote ${out}\n`);
}
process.exitCode = failures > 0 ? 1 : 0;
