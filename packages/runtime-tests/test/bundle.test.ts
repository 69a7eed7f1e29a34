/**
 * The verify-bundle check of bench/bundle.mjs, as a test: the typical
 * browser import (`verify` + `RemoteRepository` + `MemoryTrustStore`)
 * bundled for the browser holds no `node:` import, no signing code, no
 * plugin host, no CLI code and no COSE encoder. The size target (110 KB
 * min+gzip) is reported by `pnpm bench:bundle`, not asserted.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENTRIES, measure, VERIFY_ENTRY, verifyBundleProblems } from '../../../bench/bundle.mjs';

describe('the verify bundle', () => {
  it('has no node: import, signing, TimeStampReq creation, plugin host, CLI or COSE encoder code', async () => {
    const measured = await measure(VERIFY_ENTRY);
    expect(await verifyBundleProblems(measured)).toEqual([]);
    console.log(
      `verify bundle: ${JSON.stringify(measured.sizes)} (bytes; min+gzip ${(measured.sizes.gzip / 1024).toFixed(1)} KB)`,
    );
  });

  it('the check does find signing and encoder code when it is there (the whole envelope and core entries)', async () => {
    const problems = await verifyBundleProblems(
      await measure(`${ENTRIES['@x/notary-envelope']}\n${ENTRIES['@x/notary-core']}`),
    );
    for (const name of ['signEnvelope', 'signerFromPrivateKey', 'encodeCose', 'requestTimestamp', 'sign']) {
      expect(
        problems.some((p) => p.startsWith(`declares ${name} `)),
        `${name} in ${problems.join('\n')}`,
      ).toBe(true);
    }
  });

  it('issue 14 item 1: the check finds plugin host code when it is there (the whole plugin entry)', async () => {
    // Resolved from core, which depends on the plugin package (bench does not).
    const problems = await verifyBundleProblems(
      await measure("export * from '@x/notary-plugin';", fileURLToPath(new URL('../../core', import.meta.url))),
    );
    for (const name of ['createPluginClient', 'createPlugin', 'createPluginSigner', 'createPluginEnvelopeGenerator']) {
      expect(
        problems.some((p) => p.startsWith(`declares ${name} `)),
        `${name} in ${problems.join('\n')}`,
      ).toBe(true);
    }
  });
});
