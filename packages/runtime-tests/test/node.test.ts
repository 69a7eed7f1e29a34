/**
 * Every runtime-neutral suite (envelope conformance, the core verifier
 * table, the pki live TSA/OCSP/CRL suite, trust policy with in-memory
 * stores, OCI verification against the loopback registries) in Node, under
 * vitest, on the built packages. This is the suites' only Node run: the
 * packages no longer run them (issue 14 item 5).
 */

import { access, readFile } from 'node:fs/promises';
import * as core from '@x/notary-core';
import * as envelope from '@x/notary-envelope';
import * as oci from '@x/notary-oci';
import * as pki from '@x/notary-pki';
import * as policy from '@x/notary-trust-policy';
import { describe, it } from 'vitest';
import { type SuiteName, suiteCases } from '../suites/registry.ts';
import { suiteConfig } from './config.js';

const config = await suiteConfig();
const io = {
  readFile: async (path: string) => new Uint8Array(await readFile(path)),
  exists: (path: string) =>
    access(path).then(
      () => true,
      () => false,
    ),
};

for (const suite of ['envelope', 'core', 'pki', 'trust-policy-memory', 'oci-verify'] as SuiteName[]) {
  const cases = await suiteCases(suite, { core, envelope, oci, pki, policy }, io, config);
  describe(`${suite} (Node)`, () => {
    for (const c of cases) {
      const reason = c.skip ?? c.unsupported?.node;
      if (reason !== undefined) it.skip(`${c.name} [skipped: ${reason}]`, () => {});
      else it(c.name, c.run);
    }
  });
}
