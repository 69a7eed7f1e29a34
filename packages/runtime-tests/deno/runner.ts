/**
 * Runs this package's suites (trust policy with in-memory stores, OCI
 * verification against the loopback registries) under Deno, on the built
 * ESM of every package. Started by ../test/deno.test.ts with the suite
 * configuration (servers, seeded registries, vectors) as a JSON file:
 *
 *   deno run --no-lock --node-modules-dir=manual --allow-read --allow-net=127.0.0.1 \
 *     --allow-write=<repo>/.test-results deno/runner.ts <config.json> <suite>…
 *
 * Writes .test-results/<suite>.deno.json ({passed, failed, skipped}) and
 * exits non-zero when a case fails.
 */
import * as core from '@x/notary-core';
import * as envelope from '@x/notary-envelope';
import * as oci from '@x/notary-oci';
import * as pki from '@x/notary-pki';
import * as policy from '@x/notary-trust-policy';
import { type SuiteConfig, type SuiteName, suiteCases } from '../suites/registry.ts';
import { reportLines, runCases, summarize } from '../suites/types.ts';

declare const Deno: {
  args: string[];
  readFile(path: string): Promise<Uint8Array>;
  readTextFile(path: string): Promise<string>;
  stat(path: string): Promise<unknown>;
  writeTextFile(path: string, text: string): Promise<void>;
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
  exit(code: number): never;
};

const repoRoot = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '');
const [configFile, ...suites] = Deno.args;
const config = JSON.parse(await Deno.readTextFile(configFile!)) as SuiteConfig;
const io = {
  readFile: (path: string) => Deno.readFile(path),
  exists: (path: string) =>
    Deno.stat(path).then(
      () => true,
      () => false,
    ),
};

let failed = 0;
await Deno.mkdir(`${repoRoot}/.test-results`, { recursive: true });
for (const suite of suites as SuiteName[]) {
  const results = await runCases(
    await suiteCases(suite, { core, envelope, oci, pki, policy } as never, io, config),
    'deno',
  );
  const summary = summarize('deno', suite, results);
  for (const line of reportLines(summary, results)) console.log(line);
  failed += summary.failed;
  await Deno.writeTextFile(`${repoRoot}/.test-results/${suite}.deno.json`, JSON.stringify(summary));
}
Deno.exit(failed > 0 ? 1 : 0);
