/**
 * Case 8 (issue 12): how long the SDK takes to reject a 32 MiB hostile
 * input. Shapes: PEM BEGIN floods (decodePem, and in JWS x5c / COSE
 * x5chain), JSON nested 16 Mi deep or 16 Mi items wide, CBOR nested 32 Mi
 * deep, CBOR lengths/counts declaring 2^64-1 bytes or 2^32 items, floods of
 * legal-size CBOR arrays, a certificate of nested long-form DER lengths, one
 * declaring 2 GiB, and a registry whose Referrers API pages never end (through
 * `verify({ maxSignatureAttempts: 1 })`). The target: each rejected, with a
 * typed error, in at most one second.
 *
 * Each shape runs in its own child process (`lib/hostile-child.mjs`), which
 * builds the input untimed and times only the SDK. A shape that is not
 * rejected within the hard timeout is killed and reported as `timeout`, its
 * time as the timeout: a shape that runs unbounded cannot hang the bench.
 * After a timeout a shape is not run again in later rounds.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rounded, summarize } from '../lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, '..', 'lib', 'hostile-child.mjs');
const SHAPES = [
  'pem-begin-flood',
  'pem-begin-flood-end',
  'pem-flood-x5c',
  'pem-flood-x5chain',
  'deep-json',
  'wide-json',
  'deep-cbor',
  'cbor-huge-length',
  'cbor-huge-array',
  'cbor-wide-arrays',
  'cbor-wide-ints',
  'cbor-wide-empties',
  'der-long-form',
  'der-huge-length',
  'endless-referrers',
];
const TARGET_MS = 1000;

function runChild(shape, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHILD, shape], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) return resolve(JSON.parse(line));
      if (signal === 'SIGKILL') return resolve({ shape, ms: timeoutMs, outcome: 'timeout' });
      resolve({ shape, ms: NaN, outcome: 'child-failed', message: `exit ${code}: ${stderr.slice(-500)}` });
    });
  });
}

export async function hostileCase(ctx) {
  const rounds = ctx.quick ? 1 : 3;
  const timeoutMs = ctx.quick ? 10_000 : 30_000;
  const results = [];
  for (const shape of SHAPES) {
    const runs = [];
    for (let round = 0; round < rounds; round++) {
      const run = await runChild(shape, timeoutMs);
      runs.push(run);
      ctx.log(
        `${shape}: ${run.outcome}${run.code ? ` ${run.code}` : ''} in ${Number.isFinite(run.ms) ? run.ms.toFixed(0) : '?'} ms`,
      );
      if (run.outcome !== 'rejected-typed') break;
    }
    const times = runs.map((r) => r.ms).filter(Number.isFinite);
    const summary = rounded(summarize(times.length ? times : [timeoutMs]));
    const last = runs.at(-1);
    const typed = runs.every((r) => r.outcome === 'rejected-typed');
    results.push({
      label: shape,
      unit: 'ms',
      variants: { reject: summary },
      ratios: {},
      target: {
        ratio: 'reject ms (typed)',
        max: TARGET_MS,
        measured: summary.median,
        met: typed && summary.median <= TARGET_MS,
      },
      extra: {
        outcome: last.outcome,
        ...(last.code ? { code: last.code } : {}),
        ...(last.bytes !== undefined ? { MiB: Math.round((last.bytes / 2 ** 20) * 10) / 10 } : {}),
        ...(last.pages !== undefined ? { pages: last.pages } : {}),
        ...(last.outcome === 'timeout' ? { killedAfterMs: timeoutMs } : {}),
      },
    });
  }
  return {
    case: 8,
    name: 'hostile-inputs',
    target: `every 32 MiB hostile shape rejected with a typed error in <= ${TARGET_MS} ms`,
    met: results.every((r) => r.target.met),
    results,
  };
}
