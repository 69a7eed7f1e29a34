/**
 * Runs the live timestamp and revocation suite under Deno against the built
 * ESM output (dist/), talking to the same loopback servers as the Node run.
 * Started by ../live-deno.test.ts, which passes the servers' description.
 *
 *   deno run --no-lock --node-modules-dir=manual --allow-read --allow-net=127.0.0.1 \
 *     --allow-write=<repo>/.test-results test/live/deno-runner.ts <servers.json>
 */
import * as pki from '../../dist/index.js';
import { liveCases, type LiveEnvironment } from './suite.ts';

declare const Deno: {
  args: string[];
  readFile(path: string): Promise<Uint8Array>;
  readTextFile(path: string): Promise<string>;
  writeTextFile(path: string, text: string): Promise<void>;
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
  exit(code: number): never;
};

const repoRoot = new URL('../../../../', import.meta.url).pathname.replace(/\/$/, '');
const servers = JSON.parse(await Deno.readTextFile(Deno.args[0]!)) as LiveEnvironment['servers'];
let passed = 0;
let failed = 0;
for (const c of liveCases({ pki: pki as unknown as LiveEnvironment['pki'], servers, readFile: (path) => Deno.readFile(path) })) {
  try {
    await c.run();
    passed++;
    console.log(`ok   ${c.name}`);
  } catch (error) {
    failed++;
    console.error(`FAIL ${c.name}\n  ${error instanceof Error ? error.message : String(error)}`);
  }
}
console.log(`deno pki live suite: ${passed} passed, ${failed} failed`);
await Deno.mkdir(`${repoRoot}/.test-results`, { recursive: true });
await Deno.writeTextFile(`${repoRoot}/.test-results/pki.deno.json`, JSON.stringify({ runtime: 'deno', package: 'pki', passed, failed, skipped: 0 }));
Deno.exit(failed > 0 ? 1 : 0);
