/**
 * Runs the live timestamp and revocation suite in Deno, on dist/, against the
 * loopback servers this vitest run started (issue: the checks run under Deno
 * against the same servers). Deno's own per-case counts go to
 * .test-results/pki.deno.json for the repository total.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, inject, it } from 'vitest';
// The `inject('pkiServers')` type: the global setup's ProvidedContext declaration.
import type {} from '@x/notary-test-servers/pki/global-setup';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(packageDir, '../..');
const deno = join(repoRoot, 'node_modules/.bin/deno');

it('TSA-3 REV-3 REV-4: the live timestamp and revocation suite passes under Deno on the built ESM', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pki-deno-'));
  try {
    const serversFile = join(dir, 'servers.json');
    await writeFile(serversFile, JSON.stringify(inject('pkiServers')));
    const args = [
      'run',
      '--no-lock',
      '--node-modules-dir=manual',
      '--allow-read',
      '--allow-net=127.0.0.1',
      `--allow-write=${join(repoRoot, '.test-results')}`,
      'test/live/deno-runner.ts',
      serversFile,
    ];
    const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
      const child = spawn(deno, args, { cwd: packageDir, env: { ...process.env, NO_COLOR: '1' } });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('close', (exitCode) => done({ code: exitCode, output }));
    });
    expect(output, output).toMatch(/deno pki live suite: \d+ passed, 0 failed/);
    expect(code, output).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
