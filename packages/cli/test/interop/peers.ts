/**
 * The real peers of the interoperability suites (issue 13): notation v1.3.2,
 * notation v2.0.0-alpha.1 and the olareg registry, built from their public
 * source into `$NOTARY_PEERS` (default `../shared/bin`, relative to the
 * repository root; see its README).
 *
 * - `describeWithPeers` runs a suite only when its peers are there; otherwise
 *   it skips with a notice, and under `CI=true` their absence is a failure,
 *   as for the conformance vectors.
 * - `makeUser` is one person at one machine: a temporary HOME and
 *   XDG_CONFIG_HOME (`<config>/notation`) that `notary` and both notation
 *   versions share, so a suite can switch tools the way a user would.
 * - `addKey` makes a key of any Notary key spec (ALG-2) with openssl and
 *   adds it with `notary key add` / `notary cert add`: notation reads the
 *   same signingkeys.json and trust store.
 * - `startOlareg` runs olareg on loopback (the OCI 1.1 Referrers API).
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeySpec } from '@x/notary-pki';
import { ChildSet } from '@x/notary-test-servers/child-processes';
import { type Olareg, startOlareg as startOlaregAt } from '@x/notary-test-servers/oci/olareg';
import { PEERS, type PeerName, peerBinary, peerPath, peersDir } from '@x/notary-test-servers/peers';
import { describe, expect, it } from 'vitest';
import { makeHome, type RunResult, type TestHome } from '../helpers.js';

export const NOTATION_VERSIONS = ['v1.3.2', 'v2.0.0-alpha.1'] as const;
export type NotationVersion = (typeof NOTATION_VERSIONS)[number];
export type Peer = PeerName;

/** The peers of `needed` that are not there. */
export function missingPeers(needed: readonly Peer[]): Peer[] {
  return needed.filter((peer) => 'missing' in peerBinary(peer));
}

/**
 * `describe` when every peer of `needed` is present. Otherwise a notice and
 * a skipped suite, or under CI=true one failing test naming what is missing.
 */
export async function describeWithPeers(title: string, needed: readonly Peer[], body: () => void): Promise<void> {
  const missing = missingPeers(needed);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const notice = `${missing.join(', ')} not found in ${peersDir()} (set NOTARY_PEERS)`;
  if (process.env['CI'] === 'true') {
    describe(title, () => {
      it('issue 13: the interop peers are required on CI', () => {
        expect.fail(`${notice}; they are required on CI`);
      });
    });
    return;
  }
  console.warn(`[cli interop] ${notice}; skipping "${title}"`);
  describe.skip(title, body);
}

/** How long one peer invocation may take; each normally takes well under a second. */
const PEER_TIMEOUT_MS = 60_000;

/** Runs a peer binary; never throws on a non-zero exit. */
export function runPeer(
  peer: Peer,
  args: readonly string[],
  env: Record<string, string>,
  options: { input?: string; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(peerPath(peer), args, {
      env,
      cwd: options.cwd ?? env['HOME'],
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), PEER_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    // notation may exit without reading stdin; the broken pipe is not a failure of the run.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

type RunOptions = { input?: string; env?: Record<string, string>; cwd?: string };

/** A user whose config directory `notary` and both notation versions share. */
export interface InteropUser extends TestHome {
  /** Runs `notation-<version> <args>` with this user's HOME and XDG dirs; never throws on a non-zero exit. */
  notation(version: NotationVersion, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Runs notation and expects exit status 0; returns stdout. */
  notationOk(version: NotationVersion, args: readonly string[], options?: RunOptions): Promise<string>;
  /** Runs notation and expects exit status 1; returns stderr. */
  notationFails(version: NotationVersion, args: readonly string[], options?: RunOptions): Promise<string>;
}

const describeRun = (tool: string, args: readonly string[], result: RunResult) =>
  `${tool} ${args.join(' ')} (exit ${result.code}):\n${result.stderr}\n${result.stdout}`;

/**
 * A fresh user. `NOTATION_EXPERIMENTAL=1` turns on `--oci-layout` in both
 * notation versions (notary ignores it).
 */
export async function makeUser(): Promise<InteropUser> {
  const home = await makeHome();
  home.env['NOTATION_EXPERIMENTAL'] = '1';
  const user: InteropUser = Object.assign(home, {
    notation: (version: NotationVersion, args: readonly string[], options: RunOptions = {}) =>
      runPeer(`notation-${version}`, args, { ...home.env, ...options.env }, options),
    async notationOk(version: NotationVersion, args: readonly string[], options?: RunOptions) {
      const result = await user.notation(version, args, options);
      if (result.code !== 0) throw new Error(`expected success: ${describeRun(`notation-${version}`, args, result)}`);
      return result.stdout;
    },
    async notationFails(version: NotationVersion, args: readonly string[], options?: RunOptions) {
      const result = await user.notation(version, args, options);
      if (result.code !== 1)
        throw new Error(`expected exit status 1: ${describeRun(`notation-${version}`, args, result)}`);
      return result.stderr;
    },
  });
  return user;
}

const OPENSSL_KEY_ARGS: Readonly<Record<KeySpec, string[]>> = {
  'RSA-2048': ['-newkey', 'rsa:2048'],
  'RSA-3072': ['-newkey', 'rsa:3072'],
  'RSA-4096': ['-newkey', 'rsa:4096'],
  'EC-256': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  'EC-384': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  'EC-521': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'],
};

/** The subject `addKey` gives a key named `name`, as Go prints it (DN-4). */
export const keySubject = (name: string): string => `CN=${name},O=Notary,L=Seattle,ST=WA,C=US`;

/**
 * A self-signed code-signing certificate of `keySpec` (a valid Notary chain:
 * CERT-7) made by openssl, added as the signing key `name` and to the `ca`
 * store `name`. Returns the key and certificate paths.
 */
export async function addKey(
  user: InteropUser,
  name: string,
  keySpec: KeySpec,
  options: { default?: boolean } = {},
): Promise<{ keyFile: string; certFile: string }> {
  const dir = join(user.dir, 'keys');
  await mkdir(dir, { recursive: true });
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  const children = new ChildSet();
  await children.run('openssl', [
    'req',
    '-x509',
    '-nodes',
    '-sha256',
    '-days',
    '2',
    ...OPENSSL_KEY_ARGS[keySpec],
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-subj',
    `/C=US/ST=WA/L=Seattle/O=Notary/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-addext',
    'keyUsage=critical,digitalSignature',
    '-addext',
    'extendedKeyUsage=codeSigning',
  ]);
  await user.ok([
    'key',
    'add',
    '--key-file',
    keyFile,
    '--cert-file',
    certFile,
    ...(options.default ? ['--default'] : []),
    name,
  ]);
  await user.ok(['cert', 'add', '-t', 'ca', '-s', name, certFile]);
  return { keyFile, certFile };
}

/** Writes `document` to a file in the user's HOME and returns its path. */
export async function writePolicyFile(user: InteropUser, name: string, document: unknown): Promise<string> {
  const path = join(user.dir, name);
  await writeFile(path, JSON.stringify(document, null, 2));
  return path;
}

export type { Olareg };

/** olareg on a free loopback port, storing in memory (the OCI tests' launcher). */
export async function startOlareg(): Promise<Olareg> {
  return startOlaregAt(peerPath(PEERS.olareg));
}
