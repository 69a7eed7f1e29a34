/**
 * The campaign (issue 12, "fuzzing that stays"): for each target, N seeded
 * cases run in a worker thread under a watchdog, each classified as
 * rejected-typed, accepted (with its reason), accepted-must-reject,
 * rejected-untyped, hang, crash or disagreement. The summary counts them per
 * target and keeps the first few examples of every kind, each reproducible
 * with `--seed S --target T --case N`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { countKey, FAILING_KINDS } from './classify.js';
import { TARGETS } from './targets/index.js';
import type { FuzzContext, FuzzTarget, Verdict } from './types.js';
import type { CaseOutcome, WorkerReply, WorkerRequest } from './worker.js';

export interface CampaignOptions {
  seed: string;
  /** Cases per target. */
  cases: number;
  /** Target names; all by default. */
  targets?: readonly string[];
  /** Run only this case index (reproduction). */
  caseIndex?: number;
  /** A case taking longer is a hang (default 5000 ms). */
  hangMs?: number;
  /** Examples kept per verdict kind per target (default 5; accepted and rejected-typed keep 2). */
  examples?: number;
  onProgress?: (target: string, done: number, total: number) => void;
  /** The built worker; `dist/worker.js` of this package by default (src/ and dist/ both sit one level down). */
  workerUrl?: URL;
  /** A module exporting `TARGETS` to use instead of the campaign's (a URL; for the runner's own tests). */
  targetsModule?: string;
}

export interface Example {
  id: string;
  mutation: string;
  size: number;
  verdict: Verdict;
}

export interface TargetSummary {
  cases: number;
  seconds: number;
  counts: Record<string, number>;
  /** Failing kinds only: how many cases of each mutation family (positions and numbers elided). */
  families: Record<string, Record<string, number>>;
  /** Why the accepted cases were accepted, with counts (at most 40 distinct reasons; the rest under "(other)"). */
  acceptedBecause: Record<string, number>;
  examples: Record<string, Example[]>;
}

/** `bytes bitflip@1234,77` → `bytes bitflip@N`: the mutation without its positions. */
export function mutationFamily(mutation: string): string {
  return mutation.replace(/(?<![A-Za-z0-9])\d+(?:[.,+]\d+)*/g, 'N');
}

export interface CampaignSummary {
  seed: string;
  casesPerTarget: number;
  hangMs: number;
  targets: Record<string, TargetSummary>;
  totals: Record<string, number>;
  /** Cases whose kind fails the run (accepted-must-reject, rejected-untyped, hang, crash, non-deliberate disagreement). */
  failing: number;
  seconds: number;
}

const SETUP_TIMEOUT_MS = 120_000;
const BATCH = 100;

type Answer = { reply: WorkerReply } | { hang: number } | { crash: string };

/** One worker thread with a watchdog; replaced after a hang or a crash. */
class CaseRunner {
  private worker: Worker | undefined;
  private settle: ((answer: Answer) => void) | undefined;
  private readonly ready = new Set<string>();
  /** The case the worker said it started last (for naming a hang or crash). */
  private started: { id: string; mutation: string; size: number } | undefined;

  constructor(
    private readonly url: URL,
    private readonly context: FuzzContext,
    private readonly targetsModule?: string,
  ) {}

  private start(): Worker {
    const worker = new Worker(this.url, {
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
      stderr: true,
      workerData: { targetsModule: this.targetsModule },
    });
    // Kept (the last 2 KB) so that a crash can say what the worker printed before it died.
    let stderr = '';
    worker.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderr = (stderr + chunk.toString()).slice(-2048);
    });
    // Events of a worker already replaced (terminated after a hang) must not settle the next one's request.
    const current = () => this.worker === worker;
    worker.on('message', (reply: WorkerReply) => {
      if (!current()) return;
      if (reply.type === 'started') this.started = reply;
      else this.settle?.({ reply });
    });
    worker.on('error', (error) => {
      if (current())
        this.settle?.({ crash: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    });
    worker.on('exit', (code) => {
      if (!current()) return;
      const printed = stderr.trim();
      this.reset();
      this.settle?.({ crash: `worker exited with code ${code}${printed ? `; it printed: ${printed}` : ''}` });
    });
    this.worker = worker;
    return worker;
  }

  private reset(): void {
    this.worker = undefined;
    this.ready.clear();
  }

  private request(message: WorkerRequest, timeoutMs: number): Promise<Answer> {
    const worker = this.worker ?? this.start();
    const started = performance.now();
    return new Promise<Answer>((resolve) => {
      const timer = setTimeout(() => {
        this.settle = undefined;
        this.reset();
        void worker.terminate();
        resolve({ hang: Math.round(performance.now() - started) });
      }, timeoutMs);
      this.settle = (answer) => {
        clearTimeout(timer);
        this.settle = undefined;
        if ('crash' in answer) {
          this.reset();
          void worker.terminate();
        }
        resolve(answer);
      };
      worker.postMessage(message);
    });
  }

  private async ensureSetup(target: string): Promise<void> {
    if (this.ready.has(target)) return;
    const answer = await this.request({ type: 'setup', target, context: this.context }, SETUP_TIMEOUT_MS);
    if ('reply' in answer && answer.reply.type === 'setup-done') {
      this.ready.add(target);
      return;
    }
    const why =
      'hang' in answer
        ? `timed out after ${answer.hang} ms`
        : 'crash' in answer
          ? answer.crash
          : answer.reply.type === 'failed'
            ? answer.reply.error
            : 'unexpected reply';
    throw new Error(`setup of fuzz target "${target}" failed: ${why}`);
  }

  /** Runs `indices` of `target`; a hang or crash is charged to every case of the batch. */
  async run(target: string, seed: string, indices: number[], hangMs: number): Promise<CaseOutcome[]> {
    await this.ensureSetup(target);
    this.started = undefined;
    const answer = await this.request({ type: 'cases', target, seed, indices }, hangMs * indices.length);
    const blame = (verdict: Verdict): CaseOutcome[] =>
      indices.map((i) => {
        const id = `${target}#${i}`;
        const started = this.started?.id === id ? this.started : undefined;
        return { id, mutation: started?.mutation ?? '(not started: see --case)', size: started?.size ?? -1, verdict };
      });
    if ('hang' in answer) return blame({ kind: 'hang', ms: answer.hang });
    if ('crash' in answer) return blame({ kind: 'crash', error: answer.crash });
    if (answer.reply.type === 'outcomes') return answer.reply.outcomes;
    return blame({
      kind: 'crash',
      error:
        answer.reply.type === 'failed' ? `the target threw: ${answer.reply.error.slice(0, 500)}` : 'unexpected reply',
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.reset();
    await worker?.terminate();
  }
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignSummary> {
  const started = performance.now();
  const hangMs = options.hangMs ?? 5000;
  const keep = options.examples ?? 5;
  const all: readonly FuzzTarget[] = options.targetsModule
    ? ((await import(options.targetsModule)) as { TARGETS: readonly FuzzTarget[] }).TARGETS
    : TARGETS;
  const selected = options.targets?.length ? all.filter((t) => options.targets!.includes(t.name)) : all;
  const unknown = (options.targets ?? []).filter((name) => !all.some((t) => t.name === name));
  if (unknown.length)
    throw new Error(`unknown fuzz target(s): ${unknown.join(', ')} (have: ${all.map((t) => t.name).join(', ')})`);

  const scratchDir = await mkdtemp(join(tmpdir(), 'notary-fuzz-'));
  let stopServers: (() => Promise<void>) | undefined;
  const context: FuzzContext = { seed: options.seed, scratchDir };
  if (selected.some((t) => t.needsPkiServers)) {
    const { startAll } = await import('@x/notary-test-servers/pki/global-setup');
    const { servers, stop } = await startAll();
    context.pkiServers = servers;
    stopServers = stop;
  }
  const runner = new CaseRunner(
    options.workerUrl ?? new URL('../dist/worker.js', import.meta.url),
    context,
    options.targetsModule,
  );
  const summary: CampaignSummary = {
    seed: options.seed,
    casesPerTarget: options.cases,
    hangMs,
    targets: {},
    totals: {},
    failing: 0,
    seconds: 0,
  };
  try {
    for (const target of selected) {
      const targetStarted = performance.now();
      const indices =
        options.caseIndex !== undefined ? [options.caseIndex] : Array.from({ length: options.cases }, (_, i) => i);
      const entry: TargetSummary = {
        cases: 0,
        seconds: 0,
        counts: {},
        families: {},
        acceptedBecause: {},
        examples: {},
      };
      const batch = target.run ? 1 : BATCH;
      for (let at = 0; at < indices.length; at += batch) {
        const outcomes = await runner.run(target.name, options.seed, indices.slice(at, at + batch), hangMs);
        for (const outcome of outcomes) {
          const key = countKey(outcome.verdict);
          entry.cases++;
          entry.counts[key] = (entry.counts[key] ?? 0) + 1;
          summary.totals[key] = (summary.totals[key] ?? 0) + 1;
          if ((FAILING_KINDS as readonly string[]).includes(key)) {
            summary.failing++;
            const families = (entry.families[key] ??= {});
            const family = mutationFamily(outcome.mutation);
            families[family] = (families[family] ?? 0) + 1;
          }
          if (outcome.verdict.kind === 'accepted') {
            const reasons = entry.acceptedBecause;
            const reason =
              outcome.verdict.reason in reasons || Object.keys(reasons).length < 40
                ? outcome.verdict.reason
                : '(other)';
            reasons[reason] = (reasons[reason] ?? 0) + 1;
          }
          const list = (entry.examples[key] ??= []);
          const limit = key === 'accepted' || key === 'rejected-typed' ? Math.min(2, keep) : keep;
          if (list.length < limit || options.caseIndex !== undefined) list.push(outcome);
        }
        options.onProgress?.(target.name, Math.min(at + batch, indices.length), indices.length);
      }
      entry.seconds = Math.round((performance.now() - targetStarted) / 100) / 10;
      summary.targets[target.name] = entry;
    }
  } finally {
    await runner.close();
    await stopServers?.();
    await rm(scratchDir, { recursive: true, force: true });
  }
  summary.seconds = Math.round((performance.now() - started) / 100) / 10;
  return summary;
}
