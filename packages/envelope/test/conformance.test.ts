import { readFile, access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as pki from '@x/notary-pki';
import * as envelope from '../src/index.js';
import { envelopeConformanceCases } from './conformance/suite.js';
import { encodeCose, encodeCoseProtectedHeader } from '../src/cose.js';
import { encodeJws, encodeJwsProtectedHeader } from '../src/jws.js';
import { resolveUpstreamVectors, repoRoot } from '@x/notary-test-servers/upstream-vectors';

const upstream = await resolveUpstreamVectors();
const cases = await envelopeConformanceCases({
  pki,
  envelope,
  encoders: { encodeJws, encodeJwsProtectedHeader, encodeCose, encodeCoseProtectedHeader },
  readFile: async (path) => new Uint8Array(await readFile(path)),
  exists: async (path) => access(path).then(() => true, () => false),
  ownVectorsDir: resolve(repoRoot, 'test-vectors/out'),
  upstreamVectorsDir: upstream.dir,
});

const tally = new Map<string, { run: number; passed: number; skipped: number }>();
function count(kind: string, field: 'run' | 'passed' | 'skipped'): void {
  const entry = tally.get(kind) ?? { run: 0, passed: 0, skipped: 0 };
  entry[field]++;
  tally.set(kind, entry);
}

describe('envelope conformance', () => {
  it('upstream vectors are present (required under CI=true)', () => {
    if (!upstream.dir) {
      console.warn(`upstream vectors not found at ${upstream.looked}: skipping upstream cases`);
      expect(process.env.CI, `CI=true needs the upstream vectors at ${upstream.looked}`).not.toBe('true');
    } else {
      expect(cases.filter((c) => c.kind.startsWith('upstream')).length).toBeGreaterThan(60);
    }
  });

  for (const c of cases) {
    if (c.skip) {
      it.skip(`${c.name} [skipped: ${c.skip}]`, () => {});
      count(c.kind, 'skipped');
      continue;
    }
    it(c.name, async () => {
      count(c.kind, 'run');
      await c.run();
      count(c.kind, 'passed');
    });
  }

  afterAll(() => {
    for (const [kind, t] of [...tally].sort()) console.log(`conformance ${kind}: run ${t.run}, passed ${t.passed}, skipped ${t.skipped}`);
  });
});
