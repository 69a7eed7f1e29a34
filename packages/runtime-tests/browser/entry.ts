/**
 * The Chromium side of the runtime runner: the SDK (built ESM, bundled by
 * esbuild for the browser) and every suite, exposed to playwright as
 * `window.__notaryRuntimeTests.run(suite, config)`.
 *
 * Files are read from the page's origin (`/fs/<path>`, read-only roots).
 * Servers without CORS headers (TSA, OCSP, CRL) are reached through the
 * page-origin proxy: `fetch` to any other loopback origin than the
 * registries (which send CORS headers and are fetched directly) is rewritten
 * to `/proxy/<host:port>/<path>`. The SDK calls `globalThis.fetch` at call
 * time, so it uses this wrapper without knowing.
 */
import * as core from '@x/notary-core';
import * as envelope from '@x/notary-envelope';
import * as oci from '@x/notary-oci';
import * as pki from '@x/notary-pki';
import * as policy from '@x/notary-trust-policy';
import { type SuiteConfig, type SuiteName, suiteCases } from '../suites/registry.ts';
import { type CaseResult, runCases } from '../suites/types.ts';

const originalFetch = globalThis.fetch.bind(globalThis);
let direct = new Set<string>();
let proxiedCount = 0;

function rewrite(url: URL): URL | undefined {
  if (url.protocol !== 'http:' || url.origin === location.origin || direct.has(url.origin)) return undefined;
  if (!/^127\.\d+\.\d+\.\d+$/.test(url.hostname)) return undefined;
  return new URL(`/proxy/${url.host}${url.pathname}${url.search}`, location.origin);
}

globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const url = new URL(input instanceof Request ? input.url : String(input), location.href);
  const target = rewrite(url);
  if (!target) return originalFetch(input, init);
  proxiedCount++;
  return input instanceof Request ? originalFetch(new Request(target, input), init) : originalFetch(target, init);
};

async function readFile(path: string): Promise<Uint8Array> {
  const res = await originalFetch(`/fs${path}`);
  if (!res.ok) throw new Error(`readFile ${path}: ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function exists(path: string): Promise<boolean> {
  const res = await originalFetch(`/fs${path}`, { method: 'HEAD' });
  return res.ok;
}

declare global {
  interface Window {
    __notaryRuntimeTests: {
      run(
        suite: SuiteName,
        config: SuiteConfig & { directOrigins: string[] },
      ): Promise<{ results: CaseResult[]; proxied: number }>;
    };
  }
}

window.__notaryRuntimeTests = {
  async run(suite, config) {
    direct = new Set(config.directOrigins);
    proxiedCount = 0;
    const cases = await suiteCases(suite, { core, envelope, oci, pki, policy }, { readFile, exists }, config);
    const results = await runCases(cases, 'chromium');
    return { results, proxied: proxiedCount };
  },
};
document.body.dataset['ready'] = 'true';
