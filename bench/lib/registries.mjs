/**
 * The loopback registries for case 5, from packages/oci's test fixtures:
 * bench/registries/launcher.ts is bundled with esbuild into a temporary
 * file and run with node as a child process.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Starts the registries; resolves to `{ tagSchema, referrersApi, stop() }`. */
export async function startRegistries({ timeoutMs = 120_000 } = {}) {
  const dir = await mkdtemp(join(os.tmpdir(), 'notary-bench-launcher-'));
  const outfile = join(dir, 'launcher.mjs');
  await build({
    entryPoints: [join(here, '..', 'registries', 'launcher.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  // The bundle runs from a temporary directory: the peers' directory (olareg)
  // is passed absolute, resolved against the repository root as the tests do.
  const peers = resolve(here, '..', '..', process.env.NOTARY_PEERS ?? join('..', 'shared', 'bin'));
  const child = spawn(process.execPath, [outfile], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NOTARY_PEERS: peers },
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const endpoints = await new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`registries did not start in ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    child.stdout.on('data', (d) => {
      stdout += d;
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line));
        } catch (error) {
          reject(error);
        }
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`registry launcher exited with ${code}: ${stderr}`));
    });
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  return { ...endpoints, stop };
}
