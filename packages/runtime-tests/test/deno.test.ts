/**
 * Every runtime-neutral suite under Deno, on the built ESM, against the same
 * loopback servers and seeded registries as the Node and Chromium runs
 * (--allow-net=127.0.0.1 only). One Deno process runs them all; each suite
 * then has its own test here. This is the suites' only Deno run: the packages'
 * own Deno runners are gone (issue 14 item 5). Deno's per-case counts go to
 * .test-results/<suite>.deno.json for the repository total.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageDir, repoRoot } from '../harness/bundle.js';
import type { SuiteName } from '../suites/registry.ts';
import { suiteConfig } from './config.js';

const deno = join(repoRoot, 'node_modules/.bin/deno');
const SUITES: SuiteName[] = ['envelope', 'core', 'pki', 'trust-policy-memory', 'oci-verify'];

describe('the runtime-neutral suites under Deno on the built ESM', () => {
  let run: { code: number | null; output: string };

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runtime-tests-deno-'));
    try {
      const configFile = join(dir, 'config.json');
      await writeFile(configFile, JSON.stringify(await suiteConfig()));
      const args = [
        'run',
        '--no-lock',
        '--node-modules-dir=manual',
        '--allow-read',
        '--allow-net=127.0.0.1',
        `--allow-write=${join(repoRoot, '.test-results')}`,
        'deno/runner.ts',
        configFile,
        ...SUITES,
      ];
      run = await new Promise<{ code: number | null; output: string }>((done) => {
        const child = spawn(deno, args, { cwd: packageDir, env: { ...process.env, NO_COLOR: '1' } });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('close', (exitCode) => done({ code: exitCode, output }));
      });
      console.log(
        run.output
          .split('\n')
          .filter((l) => /^(deno |FAIL|skip )/.test(l) || /^ {2}/.test(l))
          .join('\n'),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  for (const suite of SUITES) {
    it(`${suite}: every case passes under Deno`, () => {
      expect(run.output, run.output).toMatch(new RegExp(`deno ${suite}: [1-9]\\d* passed, 0 failed`));
    });
  }

  it('the Deno process exits 0 (no case failed, nothing crashed outside a case)', () => {
    expect(run.code, run.output).toBe(0);
  });
});
