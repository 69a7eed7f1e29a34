/**
 * The 25 `plugin-message` cases of the shared conformance vectors: request
 * messages written from notation-plugin-framework-go's types, with the
 * errors its `Validate()` and CLI tests assert. A valid case must parse; an
 * invalid one must fail with exactly the expected error JSON (PLG-4,
 * PLG-8 … PLG-10, PLG-14). Each case also runs through a framework plugin's
 * entry point: valid requests reach the handler, invalid ones exit 1 with a
 * VALIDATION_ERROR on stderr.
 *
 * Vectors: `$NOTARY_VECTORS`, else `<repo root>/../shared/notary-vectors`;
 * absent, the suite is skipped with a notice (a failure under CI=true).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadUpstreamManifest } from '@x/notary-test-servers/upstream-vectors';
import { afterAll, describe, expect, it } from 'vitest';
import { createPlugin, type PluginCommand, PluginProtocolError } from '../src/index.js';
import { isPluginCommand } from '../src/protocol.js';
import { parsePluginRequest } from '../src/wire.js';

const upstream = await loadUpstreamManifest();
const present = upstream.dir !== undefined;
const cases = (upstream.cases ?? []).filter((c) => c.kind === 'plugin-message');
const tally = { run: 0, passed: 0, skipped: 0 };

const plugin = createPlugin({
  metadata: {
    name: 'com.example.vectors',
    description: 'answers every command',
    version: '1.0.0',
    url: 'https://example.test',
    supportedContractVersions: ['1.0'],
    capabilities: ['SIGNATURE_GENERATOR.RAW', 'SIGNATURE_GENERATOR.ENVELOPE', 'SIGNATURE_VERIFIER.TRUSTED_IDENTITY'],
  },
  describeKey: (r) => ({ keyId: r.keyId, keySpec: 'EC-384' }),
  generateSignature: (r) => ({
    keyId: r.keyId,
    signature: new Uint8Array([1]),
    signingAlgorithm: 'ECDSA-SHA-384',
    certificateChain: [new Uint8Array([2])],
  }),
  generateEnvelope: (r) => ({
    signatureEnvelope: new Uint8Array([3]),
    signatureEnvelopeType: r.signatureEnvelopeType,
    annotations: {},
  }),
  verifySignature: (r) => ({
    verificationResults: Object.fromEntries(r.trustPolicy.signatureVerification.map((c) => [c, { success: true }])),
    processedAttributes: [],
  }),
});

describe.runIf(present)('upstream plugin-message vectors', () => {
  it('the manifest has 25 plugin-message cases', () => {
    expect(cases.length).toBe(25);
  });
  for (const c of cases) {
    it(`${c.id}`, async () => {
      tally.run++;
      const command = String(c.expect.command);
      expect(isPluginCommand(command)).toBe(true);
      const input = readFileSync(join(upstream.dir!, c.files[0]!));
      const execution = await plugin.execute(command, input);
      if (c.expect.outcome === 'valid') {
        expect(() => parsePluginRequest(command as PluginCommand, input)).not.toThrow();
        expect(execution.exitCode, execution.stderr).toBe(0);
        JSON.parse(execution.stdout);
      } else {
        expect(c.expect.outcome).toBe('invalid');
        let caught: unknown;
        try {
          parsePluginRequest(command as PluginCommand, input);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(PluginProtocolError);
        expect(JSON.stringify((caught as PluginProtocolError).toJSON())).toBe(c.expect.reason);
        expect(execution.exitCode).toBe(1);
        const stderr = JSON.parse(execution.stderr) as { errorCode: string; errorMessage: string };
        expect(stderr.errorCode).toBe('VALIDATION_ERROR');
        // The CLI prefixes the Validate() message with "Input is not a valid JSON".
        expect(stderr.errorMessage.startsWith('Input is not a valid JSON')).toBe(true);
        expect(stderr.errorMessage).toContain((caught as PluginProtocolError).message);
      }
      tally.passed++;
    });
  }
  afterAll(() =>
    console.log(`plugin-message cases: run ${tally.run}, passed ${tally.passed}, skipped ${tally.skipped}`),
  );
});

if (!present) {
  describe('upstream plugin-message vectors (absent)', () => {
    if (process.env.CI === 'true') {
      it('vectors must be present under CI', () => {
        expect.fail(`conformance vectors not found at ${upstream.looked} (set NOTARY_VECTORS)`);
      });
    } else {
      console.warn(
        `[plugin] conformance vectors not found at ${upstream.looked}; skipping the upstream suite (set NOTARY_VECTORS)`,
      );
      it.skip('upstream vectors absent', () => {});
    }
  });
}
