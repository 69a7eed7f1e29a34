/**
 * Interleaved rounds and their statistics.
 *
 * A case has variants (the SDK, the raw floor, a peer). Every round runs each
 * variant once, one after the other in the same process, so that a slow
 * stretch of a noisy machine hits all of them alike. The order alternates
 * (A B C, then C B A) so that no variant always runs right after another. A
 * variant runs `batch` operations per round; its sample is the time per
 * operation. The ratio of two variants is computed inside each round and then
 * summarised, which cancels most of the machine's drift.
 */
import { performance } from 'node:perf_hooks';

/** Quantile by linear interpolation between closest ranks (R type 7). */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

/** Median, first and third quartile, IQR and count of a sample. */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  return { median: quantile(sorted, 0.5), q1, q3, iqr: q3 - q1, n: sorted.length };
}

/** Rounds a summary's numbers for JSON (`digits` significant decimals). */
export function rounded(summary, digits = 4) {
  const out = {};
  for (const [key, value] of Object.entries(summary))
    out[key] = typeof value === 'number' && key !== 'n' ? Number(value.toPrecision(digits)) : value;
  return out;
}

/**
 * Runs `variants` interleaved.
 *
 * @param {object} options
 * @param {Record<string, (round: number, batch: number) => Promise<unknown>>} options.variants
 *   Each runs `batch` operations (the round number lets a variant pick fresh inputs).
 * @param {number} options.rounds measured rounds
 * @param {number} [options.warmup] unmeasured rounds first (JIT, lazy imports)
 * @param {number | Record<string, number>} [options.batch] operations per round, for all variants or per variant
 *   (per variant keeps every variant's round near the same duration when their costs differ 50-fold)
 * @returns {Promise<{ samples: Record<string, number[]>, batch: number | Record<string, number> }>} ms per operation, per round
 */
export async function interleave({ variants, rounds, warmup = 1, batch = 1 }) {
  const names = Object.keys(variants);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  const batchOf = (name) => (typeof batch === 'number' ? batch : batch[name]);
  for (let round = 0; round < warmup + rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const n = batchOf(name);
      const start = performance.now();
      await variants[name](round, n);
      const elapsed = performance.now() - start;
      if (round >= warmup) samples[name].push(elapsed / n);
    }
  }
  return { samples, batch };
}

/** calibrate() for each variant (functions of one operation). */
export async function calibrateEach(operations, targetMs, limits) {
  const out = {};
  for (const [name, probe] of Object.entries(operations)) out[name] = await calibrate(probe, targetMs, limits);
  return out;
}

/** Picks a batch size so that `probe` (one operation) fills about `targetMs` per round. */
export async function calibrate(probe, targetMs, { min = 3, max = 5000 } = {}) {
  // Two untimed calls first: the first pays for lazy initialisation.
  await probe();
  await probe();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < Math.min(targetMs, 50) || n < 3) {
    await probe();
    n++;
  }
  const perOp = (performance.now() - start) / n;
  return Math.max(min, Math.min(max, Math.round(targetMs / perOp)));
}

/** Per-round ratios a/b of two sample series of the same rounds. */
export function ratios(a, b) {
  return a.map((value, i) => value / b[i]);
}

/**
 * The JSON block of one set of interleaved samples: each variant's summary in
 * `unit` (µs or ms) and each requested ratio's summary, with the target.
 */
export function report(samples, { unit = 'us', pairs = [], target } = {}) {
  const scale = unit === 'us' ? 1000 : unit === 's' ? 1 / 1000 : 1;
  const variants = {};
  for (const [name, values] of Object.entries(samples))
    variants[name] = rounded(summarize(values.map((v) => v * scale)));
  const ratioBlock = {};
  for (const [a, b] of pairs) ratioBlock[`${a}/${b}`] = rounded(summarize(ratios(samples[a], samples[b])), 3);
  const out = { unit, variants, ratios: ratioBlock };
  if (target) {
    const measured = ratioBlock[target.ratio]?.median;
    out.target = { ...target, measured, met: measured !== undefined && measured <= target.max };
  }
  return out;
}
