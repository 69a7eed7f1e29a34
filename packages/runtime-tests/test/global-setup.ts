/**
 * Starts, once per run, everything the runtime suites talk to, all on
 * loopback: the pki tests' TSA, OCSP and CRL servers, and the two OCI
 * registries (the Referrers-API test registry, Debian's docker-registry)
 * seeded with signed artifacts. Provides them as `runtimeServers`.
 */

import { type PkiServers, startAll as startPkiServers } from '@x/notary-test-servers/pki/global-setup';
import type { TestProject } from 'vitest/node';
import { startSeededRegistries } from '../harness/seed-oci.js';
import type { OciFixtures } from '../suites/oci-verify.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    runtimeServers: { pkiServers: PkiServers; ociFixtures: OciFixtures };
  }
}

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const pki = await startPkiServers();
  try {
    const registries = await startSeededRegistries(pki.servers);
    provide('runtimeServers', { pkiServers: pki.servers, ociFixtures: registries.fixtures });
    return async () => {
      await registries.stop();
      await pki.stop();
    };
  } catch (error) {
    await pki.stop();
    throw error;
  }
}
