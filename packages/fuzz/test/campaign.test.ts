/**
 * issue 12, "fuzzing that stays": the bounded campaign, part of `pnpm test`.
 * A fixed seed and a few thousand cases over every target, each through the
 * full verifier in a worker thread under the watchdog. It must end with no
 * acceptance that should have been a rejection, no untyped rejection, no
 * hang, no crash and no disagreement that is not listed as deliberate.
 *
 * Needs `dist/worker.js` (turbo builds the package before `test`).
 */
import { describe, expect, it } from 'vitest';
import { type CampaignSummary, runCampaign } from '../src/campaign.js';
import { caseRng } from '../src/rng.js';

/** Cases per target: the envelope targets are cheap, the revocation and timestamp ones make HTTP round trips. */
const BOUNDED = { seed: 'issue-12', cheap: 1000, networked: 250 } as const;

function failingExamples(summary: CampaignSummary, kind: string): string[] {
  return Object.values(summary.targets).flatMap((t) =>
    (t.examples[kind] ?? []).map((e) => `${e.id} ${e.mutation}: ${JSON.stringify(e.verdict)}`),
  );
}

describe('issue 12: the seeded PRNG', () => {
  it("issue 12: a case's generator depends only on seed, target and index", () => {
    const a = caseRng('s', 'jws', 7);
    const b = caseRng('s', 'jws', 7);
    const sequence = (r: ReturnType<typeof caseRng>) => Array.from({ length: 8 }, () => r.int(1000));
    expect(sequence(a)).toEqual(sequence(b));
    expect(sequence(caseRng('s', 'jws', 8))).not.toEqual(sequence(caseRng('s', 'jws', 7)));
    expect(sequence(caseRng('t', 'jws', 7))).not.toEqual(sequence(caseRng('s', 'jws', 7)));
  });
});

describe('issue 12: the bounded fuzz campaign', () => {
  it('issue 12: a fixed-seed campaign over JWS, COSE, timestamps, OCSP and CRLs finds no accepted-must-reject, untyped, hang, crash or disagreement', async () => {
    const cheap = await runCampaign({ seed: BOUNDED.seed, cases: BOUNDED.cheap, targets: ['jws', 'cose'] });
    const networked = await runCampaign({
      seed: BOUNDED.seed,
      cases: BOUNDED.networked,
      targets: ['timestamp', 'ocsp', 'crl'],
    });
    const summaries = [cheap, networked];
    for (const summary of summaries) console.log(JSON.stringify(summary, null, 2));
    const total = (kind: string) => summaries.reduce((n, s) => n + (s.totals[kind] ?? 0), 0);
    const cases = summaries.reduce((n, s) => n + Object.values(s.targets).reduce((m, t) => m + t.cases, 0), 0);
    expect(cases).toBe(2 * BOUNDED.cheap + 3 * BOUNDED.networked);
    // Every target accepted something (its controls) and rejected something: the oracle is not one-sided.
    for (const summary of summaries) {
      for (const [name, t] of Object.entries(summary.targets)) {
        expect(t.counts['rejected-typed'] ?? 0, `${name} rejected nothing`).toBeGreaterThan(0);
        expect(t.counts.accepted ?? 0, `${name} accepted nothing, not even its controls`).toBeGreaterThan(0);
      }
    }
    const examples = (kind: string) => summaries.flatMap((s) => failingExamples(s, kind)).join('\n');
    expect(total('accepted-must-reject'), examples('accepted-must-reject')).toBe(0);
    expect(total('rejected-untyped'), examples('rejected-untyped')).toBe(0);
    expect(total('hang'), examples('hang')).toBe(0);
    expect(total('crash'), examples('crash')).toBe(0);
    expect(total('disagreement'), examples('disagreement')).toBe(0);
  });
});
