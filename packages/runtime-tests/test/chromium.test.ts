/**
 * The runtime-neutral suites in headless Chromium (Debian's chromium, driven
 * by playwright-core): envelope conformance, the core verifier table, the
 * pki live TSA/OCSP/CRL suite, trust policy with in-memory stores, and OCI
 * verification against the loopback registries. Each suite prints its
 * counts and writes .test-results/<suite>.chromium.json for the total.
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Chromium, chromiumMissing, launchChromium } from '@x/notary-test-servers/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserHost, startBrowserHost } from '../harness/browser-host.js';
import { bundleBrowserEntry, packageDir } from '../harness/bundle.js';
import { writeSummary } from '../harness/results.js';
import { runSuiteInChromium } from '../harness/run-chromium.js';
import type { SuiteConfig, SuiteName } from '../suites/registry.ts';
import { reportLines, summarize } from '../suites/types.ts';
import { suiteConfig } from './config.js';

const SUITES: SuiteName[] = ['envelope', 'core', 'pki', 'trust-policy-memory', 'oci-verify'];

describe('the runtime-neutral suites in headless Chromium', () => {
  let host: BrowserHost;
  let browser: Chromium;
  let config: SuiteConfig & { directOrigins: string[] };

  beforeAll(async () => {
    const missing = chromiumMissing();
    if (missing) throw new Error(missing); // never a silent skip: .ci/run installs chromium
    const base = await suiteConfig();
    config = { ...base, directOrigins: base.ociFixtures!.registries.map((r) => r.url) };
    host = await startBrowserHost({
      bundle: await bundleBrowserEntry(),
      roots: [base.ownVectorsDir, ...(base.upstreamVectorsDir ? [base.upstreamVectorsDir] : []), base.pkiServers!.dir],
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  for (const suite of SUITES) {
    it(`${suite}: every case passes in Chromium, or declares why it cannot run there`, async () => {
      const { results, proxied, console: lines } = await runSuiteInChromium(browser.context, host.url, suite, config);
      const summary = summarize('chromium', suite, results);
      await writeSummary(summary, results);
      await writeFile(join(packageDir, 'test-output/chromium', `${suite}.console.log`), lines.join('\n'));
      for (const line of reportLines(summary, results)) console.log(line);
      if (proxied > 0)
        console.log(
          `chromium ${suite}: ${proxied} requests to CORS-less loopback servers went through the page-origin proxy`,
        );
      const failures = results.filter((r) => r.status === 'failed').map((r) => `${r.name}: ${r.error}`);
      expect(failures, lines.join('\n')).toEqual([]);
      expect(results.length).toBeGreaterThan(0);
      for (const r of results.filter((x) => x.status === 'skipped')) expect(r.reason, r.name).toBeTruthy();
    });
  }
});
