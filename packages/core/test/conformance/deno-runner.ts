/**
 * Runs the verifier's level × check suite under Deno against the built ESM
 * output (dist/) of every package, with the in-memory trust store.
 *
 *   deno run --no-lock --node-modules-dir=manual --allow-read --allow-write=../../.test-results test/conformance/deno-runner.ts
 */
import * as envelope from '@x/notary-envelope';
import * as pki from '@x/notary-pki';
import * as policy from '@x/notary-trust-policy';
import * as core from '../../dist/index.js';
import { verifierCases, type SuiteEnvironment } from './suite.ts';

declare const Deno: {
  writeTextFile(path: string, text: string): Promise<void>;
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
  exit(code: number): never;
};

const repoRoot = new URL('../../../../', import.meta.url).pathname.replace(/\/$/, '');
let passed = 0;
let failed = 0;
for (const c of verifierCases({ pki, envelope, policy, core } as unknown as SuiteEnvironment)) {
  try {
    await c.run();
    passed++;
  } catch (error) {
    failed++;
    console.error(`FAIL ${c.name}\n  ${error instanceof Error ? error.message : String(error)}`);
  }
}
console.log(`deno core verifier suite: ${passed} passed, ${failed} failed`);
await Deno.mkdir(`${repoRoot}/.test-results`, { recursive: true });
await Deno.writeTextFile(`${repoRoot}/.test-results/core.deno.json`, JSON.stringify({ runtime: 'deno', package: 'core', passed, failed, skipped: 0 }));
Deno.exit(failed > 0 ? 1 : 0);
