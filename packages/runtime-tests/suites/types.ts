/**
 * The shape every runtime-neutral suite of this package shares, and their
 * one set of assertions: a case is a name, a group (`kind`) for the per-group
 * counts, and an async function that throws on failure. A case that cannot
 * run in some runtime says so in `unsupported` with the reason; the runners
 * report it as skipped with that reason, never silently.
 */
export type Runtime = 'node' | 'deno' | 'chromium';

export interface RuntimeCase {
  name: string;
  kind: string;
  run(): Promise<void>;
  /** Skipped everywhere, with the reason (e.g. vectors absent). */
  skip?: string;
  /** Runtime → why this case cannot run there. */
  unsupported?: Partial<Record<Runtime, string>>;
}

export interface CaseResult {
  name: string;
  kind: string;
  status: 'passed' | 'failed' | 'skipped';
  reason?: string;
  error?: string;
  ms: number;
}

export interface SuiteSummary {
  runtime: Runtime;
  suite: string;
  passed: number;
  failed: number;
  skipped: number;
}

export class AssertionFailed extends Error {}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionFailed(message);
}

export function equal<T>(actual: T, expected: T, what: string): void {
  check(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Runs `action` and returns the error it throws, checking its `code`; fails when it succeeds. */
export async function expectCode(action: () => unknown, code: string): Promise<Error & { code?: string }> {
  try {
    await action();
  } catch (error) {
    const e = error as Error & { code?: string };
    check(e.code === code, `expected error code ${code}, got ${e.code ?? 'none'}: ${e.message}`);
    return e;
  }
  throw new AssertionFailed(`expected error code ${code}, but it succeeded`);
}

/** Runs the cases one after the other in `runtime`, with declared skips. */
export async function runCases(
  cases: readonly RuntimeCase[],
  runtime: Runtime,
  onResult?: (r: CaseResult) => void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const started = Date.now();
    const reason = c.skip ?? c.unsupported?.[runtime];
    let result: CaseResult;
    if (reason !== undefined) {
      result = { name: c.name, kind: c.kind, status: 'skipped', reason, ms: 0 };
    } else {
      try {
        await c.run();
        result = { name: c.name, kind: c.kind, status: 'passed', ms: Date.now() - started };
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        result = { name: c.name, kind: c.kind, status: 'failed', error: message, ms: Date.now() - started };
      }
    }
    results.push(result);
    onResult?.(result);
  }
  return results;
}

export function summarize(runtime: Runtime, suite: string, results: readonly CaseResult[]): SuiteSummary {
  const count = (status: CaseResult['status']) => results.filter((r) => r.status === status).length;
  return { runtime, suite, passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}

/** Per-kind lines and the suite line, as every runner prints them. */
export function reportLines(summary: SuiteSummary, results: readonly CaseResult[]): string[] {
  const kinds = new Map<string, { passed: number; failed: number; skipped: number }>();
  for (const r of results) {
    const t = kinds.get(r.kind) ?? { passed: 0, failed: 0, skipped: 0 };
    t[r.status]++;
    kinds.set(r.kind, t);
  }
  const lines: string[] = [];
  for (const r of results) {
    if (r.status === 'failed') lines.push(`FAIL ${r.name}\n  ${r.error}`);
    if (r.status === 'skipped') lines.push(`skip ${r.name} [${r.reason}]`);
  }
  for (const [kind, t] of [...kinds].sort())
    lines.push(
      `${summary.runtime} ${summary.suite} ${kind}: passed ${t.passed}, failed ${t.failed}, skipped ${t.skipped}`,
    );
  lines.push(
    `${summary.runtime} ${summary.suite}: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`,
  );
  return lines;
}
