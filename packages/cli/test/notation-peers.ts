/**
 * The real notation binaries the CLI's output is compared with (issue 13):
 * `$NOTARY_PEERS` (default `../shared/bin` from the repository root) holds
 * `notation-v1.3.2` and `notation-v2.0.0-alpha.1`. A missing binary skips its
 * tests with a notice; under `CI=true` it is a failure.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from './helpers.js';

const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The directory the peers are looked for in. */
export const NOTATION_PEERS_DIR = resolve(REPOSITORY_ROOT, process.env['NOTARY_PEERS'] ?? '../shared/bin');

export const NOTATION_VERSIONS = ['notation-v1.3.2', 'notation-v2.0.0-alpha.1'] as const;
export type NotationVersion = (typeof NOTATION_VERSIONS)[number];

/** The path of a notation peer, or undefined (with a notice) when it is absent; under CI=true absence throws. */
export function locateNotationPeer(version: NotationVersion): string | undefined {
  const path = join(NOTATION_PEERS_DIR, version);
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    const message = `${version} not found in ${NOTATION_PEERS_DIR} (set NOTARY_PEERS)`;
    if (process.env['CI'] === 'true') throw new Error(`${message}; CI=true requires the notation peers`);
    console.warn(`notice: ${message}: its parity tests are skipped`);
    return undefined;
  }
}

/** Runs a notation peer with `env` (HOME/XDG dirs of a test home); never throws on a non-zero exit. */
export function runNotation(binary: string, args: readonly string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, { env, cwd: env['HOME'], stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
