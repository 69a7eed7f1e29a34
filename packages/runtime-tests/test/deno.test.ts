/**
 * This package's suites under Deno, on the built ESM, against the same
 * loopback servers and seeded registries as the Node and Chromium runs
 * (--allow-net=127.0.0.1 only). Deno's per-case counts go to
 * .test-results/<suite>.deno.json for the repository total.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { packageDir, repoRoot } from '../harness/bundle.js';
import { suiteConfig } from './config.js';

const deno = join(repoRoot, 'node_modules/.bin/deno');
const SUITES = ['trust-policy-memory', 'oci-verify'];

it(`${SUITES.join(' and ')}: every case passes under Deno on the built ESM`, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runtime-tests-deno-'));
  try {
    const configFile = join(dir, 'config.json');
    await writeFile(configFile, JSON.stringify(await suiteConfig()));
    const args = ['run', '--no-lock', '--node-modules-dir=manual', '--allow-read', '--allow-net=127.0.0.1', `--allow-write=${join(repoRoot, '.test-results')}`, 'deno/runner.ts', configFile, ...SUITES];
    const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
      const child = spawn(deno, args, { cwd: packageDir, env: { ...process.env, NO_COLOR: '1' } });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('close', (exitCode) => done({ code: exitCode, output }));
    });
    console.log(output.split('\n').filter((l) => /^(deno |FAIL|skip )/.test(l) || /^  /.test(l)).join('\n'));
    for (const suite of SUITES) expect(output, output).toMatch(new RegExp(`deno ${suite}: \\d+ passed, 0 failed`));
    expect(code, output).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
