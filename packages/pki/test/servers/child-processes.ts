/**
 * Bounded openssl runs for the test servers and the scenario generator.
 *
 * Every run has a timeout, and servers keep their runs in a `ChildSet` so that
 * `close()` can kill whatever is still running: a stuck openssl must never
 * outlive the test run.
 */
import { execFile, execFileSync, type ChildProcess } from 'node:child_process';

/** Generous: a single openssl run takes milliseconds, key generation under a second. */
export const OPENSSL_TIMEOUT_MS = 15_000;

/** Runs openssl synchronously (scenario generation); throws with openssl's stderr on failure. */
export function opensslSync(args: readonly string[], cwd: string): Buffer {
  try {
    return execFileSync('openssl', args, { cwd, timeout: OPENSSL_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args.join(' ')} failed: ${stderr || String(error)}`);
  }
}

/** The openssl children a server has started; `killAll` ends the ones still running. */
export class ChildSet {
  readonly #children = new Set<ChildProcess>();

  /** Runs openssl with a timeout and resolves with its stdout, or rejects with its stderr. */
  run(args: readonly string[], cwd: string, timeoutMs = OPENSSL_TIMEOUT_MS): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = execFile('openssl', args, { cwd, timeout: timeoutMs, encoding: 'buffer', killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
        this.#children.delete(child);
        if (error) reject(new Error(`openssl ${args[0]} failed: ${stderr.toString() || error.message}`));
        else resolve(stdout);
      });
      this.#children.add(child);
    });
  }

  killAll(): void {
    for (const child of this.#children) child.kill('SIGKILL');
    this.#children.clear();
  }
}
