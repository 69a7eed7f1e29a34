/** The suite configuration every runtime gets, from the provided servers and the vectors folder. */
import { join } from 'node:path';
import { repoRoot, resolveUpstreamVectors } from '@x/notary-test-servers/upstream-vectors';
import { inject } from 'vitest';
import type { SuiteConfig } from '../suites/registry.ts';

export async function suiteConfig(): Promise<SuiteConfig> {
  const { pkiServers, ociFixtures } = inject('runtimeServers');
  const upstream = await resolveUpstreamVectors();
  return {
    ownVectorsDir: join(repoRoot, 'test-vectors/out'),
    upstreamVectorsDir: upstream.dir,
    upstreamLooked: upstream.looked,
    ci: process.env['CI'] === 'true',
    pkiServers,
    ociFixtures,
  };
}
