/**
 * A bounded, seeded differential run of the certificate target against Go's
 * crypto/x509 (issue 12): every undeclared disagreement, untyped error or
 * accepted-must-reject case fails the test. Without `go` the run is skipped
 * with a notice, except under CI=true, where that is a failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateTarget, goAvailable } from '../src/targets/certificate.js';
import type { FuzzCase, Rng, Verdict } from '../src/types.js';

const CASES = Number(process.env.FUZZ_CERTIFICATE_CASES ?? 1500);
const SEED = Number(process.env.FUZZ_SEED ?? 12);
const haveGo = goAvailable();

if (!haveGo) {
  if (process.env.CI === 'true') throw new Error('CI=true but the Go toolchain (golang-go) is missing: the certificate differential cannot run');
  console.warn('[notice] certificate differential skipped: `go` is not installed (install golang-go)');
}

/** mulberry32: small, seeded, deterministic. */
function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, pick: (items) => items[int(items.length)]!, bytes: (n) => Uint8Array.from({ length: n }, () => int(256)) };
}

describe.skipIf(!haveGo)('issue 12: certificate differential against Go crypto/x509', () => {
  const target = createCertificateTarget({ openssl: process.env.FUZZ_OPENSSL !== '0' });
  const results: { fuzzCase: FuzzCase; verdict: Verdict }[] = [];

  beforeAll(async () => {
    await target.setup!();
    const rng = seededRng(SEED);
    const cases: FuzzCase[] = [];
    for (let i = 0; i < CASES; i++) cases.push(await target.generate(rng, i));
    for (let i = 0; i < cases.length; i += 250) {
      const batch = cases.slice(i, i + 250);
      const verdicts = await target.runBatch!(batch);
      verdicts.forEach((verdict, k) => results.push({ fuzzCase: batch[k]!, verdict }));
    }
    console.log(JSON.stringify({ seed: SEED, cases: CASES, verdicts: tally(results.map((r) => r.verdict)), stats: target.stats }, null, 2));
  }, 600_000);

  afterAll(async () => {
    await target.teardown?.();
  });

  it(`issue 12 finding 5: ${CASES} mutated certificates have no undeclared disagreement with Go`, () => {
    const undeclared = results.filter((r) => r.verdict.kind === 'disagreement' && !r.verdict.deliberate);
    expect(undeclared.map((r) => `${r.fuzzCase.id} ${r.fuzzCase.mutation}: ${(r.verdict as { detail: string }).detail}`)).toEqual([]);
    // The run must reach field parsing: most re-signed cases parse on both sides.
    expect(target.stats.bothAccepted).toBeGreaterThan(CASES / 10);
    expect(target.stats.bothRejected).toBeGreaterThan(CASES / 10);
  });

  it('issue 12 finding 6: every rejection is a typed error', () => {
    const untyped = results.filter((r) => r.verdict.kind === 'rejected-untyped');
    expect(untyped.map((r) => `${r.fuzzCase.mutation}: ${(r.verdict as { error: string }).error}`)).toEqual([]);
  });

  it('issue 12 finding 3: no unsigned change of a certificate still verifies', () => {
    const malleable = results.filter((r) => r.verdict.kind === 'accepted-must-reject');
    expect(malleable.map((r) => (r.verdict as { detail: string }).detail)).toEqual([]);
    expect(target.stats.chainChecked).toBeGreaterThan(0);
  });
});

function tally(verdicts: Verdict[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of verdicts) {
    const key = v.kind === 'disagreement' ? `disagreement${v.deliberate ? ' (deliberate)' : ''}` : v.kind;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
