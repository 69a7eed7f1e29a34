/**
 * The real peers of the interoperability tests (issue 13): notation v1.3.2,
 * notation v2.0.0-alpha.1 and olareg v0.1.2, built from their public source
 * into the folder named by `$NOTARY_PEERS` (relative to the repository root),
 * default `../shared/bin` beside the repository. A test whose peer is absent
 * skips with a notice; under `CI=true` its absence is a failure, as for the
 * conformance vectors (upstream-vectors.ts).
 */
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from './upstream-vectors.js';

export const PEERS = {
  olareg: 'olareg-v0.1.2',
  notation132: 'notation-v1.3.2',
  notation2: 'notation-v2.0.0-alpha.1',
} as const;
export type PeerName = (typeof PEERS)[keyof typeof PEERS];

/** Where the peers are looked for. */
export function peersDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(repoRoot, env['NOTARY_PEERS'] ?? join('..', 'shared', 'bin'));
}

/** A peer's path (whether or not it is there). */
export function peerPath(name: PeerName, env: NodeJS.ProcessEnv = process.env): string {
  return join(peersDir(env), name);
}

/** A peer's path if it is an executable file, or why it is missing. */
export function peerBinary(
  name: PeerName,
  env: NodeJS.ProcessEnv = process.env,
): { path: string } | { missing: string } {
  const path = peerPath(name, env);
  try {
    accessSync(path, constants.X_OK);
    return { path };
  } catch {
    return { missing: `${name} not found in ${peersDir(env)} (set NOTARY_PEERS)` };
  }
}

/**
 * A peer's path, or undefined after a notice that `what` is skipped. Under
 * `CI=true` an absent peer throws instead: CI must run every interop test.
 */
export function locatePeer(name: PeerName, what: string): string | undefined {
  const found = peerBinary(name);
  if ('path' in found) return found.path;
  if (process.env['CI'] === 'true') throw new Error(`${found.missing}; CI=true requires the interop peers`);
  console.warn(`[notice] ${found.missing}: ${what} skipped`);
  return undefined;
}
