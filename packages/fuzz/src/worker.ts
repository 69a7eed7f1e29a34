/**
 * The worker thread that runs cases, so that the campaign can time a case
 * out (a hang: the thread is terminated and replaced) and survive a case
 * that kills its thread (a crash). It generates each case itself from
 * `seed / target / index`, so only numbers cross the thread boundary.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { caseRng } from './rng.js';
import { TARGETS } from './targets/index.js';
import type { FuzzCase, FuzzContext, FuzzTarget, Verdict } from './types.js';

export type WorkerRequest =
  | { type: 'setup'; target: string; context: FuzzContext }
  | { type: 'cases'; target: string; seed: string; indices: number[] };

export interface CaseOutcome {
  id: string;
  mutation: string;
  size: number;
  verdict: Verdict;
}

export type WorkerReply =
  | { type: 'setup-done' }
  /** Sent before a case runs, so that a hang or crash can still be reported with its mutation. */
  | { type: 'started'; id: string; mutation: string; size: number }
  | { type: 'outcomes'; outcomes: CaseOutcome[] }
  | { type: 'failed'; error: string };

const port = parentPort!;

/** The campaign's targets, or those of another module (the runner's own tests use deliberately hanging and crashing ones). */
const registry: Promise<readonly FuzzTarget[]> = (workerData as { targetsModule?: string } | undefined)?.targetsModule
  ? import((workerData as { targetsModule: string }).targetsModule).then(
      (m: { TARGETS: readonly FuzzTarget[] }) => m.TARGETS,
    )
  : Promise.resolve(TARGETS);

async function targetNamed(name: string): Promise<FuzzTarget> {
  const target = (await registry).find((t) => t.name === name);
  if (!target) throw new Error(`no fuzz target "${name}"`);
  return target;
}

async function generate(target: string, seed: string, index: number): Promise<FuzzCase> {
  return (await targetNamed(target)).generate(caseRng(seed, target, index), index);
}

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  const target = await targetNamed(request.target);
  if (request.type === 'setup') {
    await target.setup?.(request.context);
    return { type: 'setup-done' };
  }
  const cases: FuzzCase[] = [];
  for (const index of request.indices) cases.push(await generate(request.target, request.seed, index));
  let verdicts: Verdict[];
  if (target.run) {
    verdicts = [];
    for (const c of cases) {
      port.postMessage({ type: 'started', id: c.id, mutation: c.mutation, size: c.bytes.length } satisfies WorkerReply);
      verdicts.push(await target.run(c));
    }
  } else {
    verdicts = await target.runBatch!(cases);
  }
  return {
    type: 'outcomes',
    outcomes: cases.map((c, i) => ({ id: c.id, mutation: c.mutation, size: c.bytes.length, verdict: verdicts[i]! })),
  };
}

port.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (reply) => port.postMessage(reply),
    (error: unknown) =>
      port.postMessage({
        type: 'failed',
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies WorkerReply),
  );
});
