/**
 * The contract between the fuzz runner and its targets. A target turns a
 * seeded random source into cases and classifies what the SDK did with each.
 */

/** A deterministic random source (the runner seeds one per target). */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
}

/** One mutated input. `mutation` names what was done, so a finding can be reproduced by hand. */
export interface FuzzCase {
  target: string;
  /** `<target>#<index>` under the run's seed. */
  id: string;
  mutation: string;
  bytes: Uint8Array;
}

/**
 * What happened to one case.
 * - rejected-typed: the SDK threw an error with a string `code` (the expected outcome for hostile input);
 * - accepted: the SDK accepted it, and `reason` says why that is correct (e.g. the mutation hit an unsigned,
 *   unread field) — an acceptance without a reason is a finding;
 * - accepted-must-reject: accepted, but the bytes changed something a signature or trust decision depends on;
 * - rejected-untyped: the SDK threw something without a string `code`;
 * - hang / crash: set by the runner (watchdog timeout, worker death);
 * - disagreement: the differential oracle (Go's crypto/x509, openssl) decided otherwise;
 *   `deliberate` names the requirement ID or `[impl]` note when we are stricter on purpose.
 */
export type Verdict =
  | { kind: 'rejected-typed'; code: string }
  | { kind: 'accepted'; reason: string }
  | { kind: 'accepted-must-reject'; detail: string }
  | { kind: 'rejected-untyped'; error: string }
  | { kind: 'hang'; ms: number }
  | { kind: 'crash'; error: string }
  | { kind: 'disagreement'; detail: string; deliberate?: string };

/**
 * What the runner hands a target's setup: where to put files, and the
 * loopback TSA / OCSP / CRL servers when the target asked for them
 * (`needsPkiServers`). JSON-serialisable: it crosses into the worker thread.
 */
export interface FuzzContext {
  /** The run's seed (fixtures that need randomness may derive it from this). */
  seed: string;
  /** A scratch directory for this run, removed afterwards. */
  scratchDir: string;
  /** The pki package's loopback servers (@x/notary-test-servers/pki), started by the runner. */
  pkiServers?: import('@x/notary-test-servers/pki/global-setup').PkiServers;
}

export interface FuzzTarget {
  readonly name: string;
  /** The runner starts the pki loopback servers (TSA, OCSP, CRL) and passes them in the context. */
  readonly needsPkiServers?: boolean;
  /** Builds fixtures (keys, chains, the Go oracle) once per run (and again after a hang restarted the worker). */
  setup?(context: FuzzContext): Promise<void>;
  /** The case at `index`, a pure function of the rng state the runner hands in. */
  generate(rng: Rng, index: number): FuzzCase | Promise<FuzzCase>;
  /** Classifies one case. Either this or `runBatch` is implemented. */
  run?(fuzzCase: FuzzCase): Promise<Verdict>;
  /** Classifies many cases at once (for oracles that are a separate process). */
  runBatch?(cases: readonly FuzzCase[]): Promise<Verdict[]>;
  teardown?(): Promise<void>;
}
