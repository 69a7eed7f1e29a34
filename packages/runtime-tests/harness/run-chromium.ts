/**
 * Node only: runs one suite in headless Chromium. The page is served from
 * http://127.0.0.1:<port> (browser-host.ts); the suite runs in the page and
 * returns its per-case results.
 */
import type { BrowserContext } from 'playwright-core';
import type { SuiteConfig, SuiteName } from '../suites/registry.ts';
import type { CaseResult } from '../suites/types.ts';

export async function runSuiteInChromium(
  context: BrowserContext,
  hostUrl: string,
  suite: SuiteName,
  config: SuiteConfig & { directOrigins: string[] },
): Promise<{ results: CaseResult[]; proxied: number; console: string[] }> {
  const page = await context.newPage();
  const consoleLines: string[] = [];
  page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
  try {
    await page.goto(`${hostUrl}/`);
    await page.waitForFunction(() => document.body?.dataset['ready'] === 'true', undefined, { timeout: 30_000 });
    const secure = await page.evaluate(() => window.isSecureContext && typeof crypto.subtle?.verify === 'function');
    if (!secure) throw new Error('the page is not a secure context with WebCrypto');
    return {
      ...(await page.evaluate(([s, c]) => window.__notaryRuntimeTests.run(s, c), [suite, config] as const)),
      console: consoleLines,
    };
  } finally {
    await page.close();
  }
}
