/**
 * Every suite the runtime runners know, built from a runtime's SDK modules
 * and a file reader. This package is the one home of the runtime-neutral
 * suites (envelope conformance, the core verifier table, the pki live
 * TSA/OCSP/CRL suite, trust policy in memory, OCI verification): each is
 * written once and run on the built packages in Node, Deno and Chromium, so
 * no package's tests import another package's test/ folder (issue 14 item 5).
 *
 * `UNSUPPORTED` is where a case declares that it cannot run in a runtime,
 * with the reason (the suites' case shapes have no such field). It is empty
 * today: every case runs everywhere.
 */
import type * as Core from '@x/notary-core';
import type * as Envelope from '@x/notary-envelope';
import type * as Oci from '@x/notary-oci';
import type * as Pki from '@x/notary-pki';
import type { PkiServers } from '@x/notary-test-servers/pki/global-setup';
import type * as Policy from '@x/notary-trust-policy';
import { verifierCases } from './core-verifier.ts';
import { envelopeConformanceCases } from './envelope-conformance.ts';
import { type OciFixtures, ociVerifyCases } from './oci-verify.ts';
import { liveCases } from './pki-live.ts';
import { trustPolicyCases } from './trust-policy.ts';
import { check, type Runtime, type RuntimeCase } from './types.ts';

export interface Modules {
  pki: typeof Pki;
  envelope: typeof Envelope;
  policy: typeof Policy;
  oci: typeof Oci;
  core: typeof Core;
}

export interface SuiteConfig {
  /** test-vectors/out */
  ownVectorsDir: string;
  upstreamVectorsDir: string | undefined;
  /** Where the upstream vectors were looked for (for the notice). */
  upstreamLooked: string;
  ci: boolean;
  pkiServers?: PkiServers;
  ociFixtures?: OciFixtures;
}

export interface RuntimeIo {
  readFile(path: string): Promise<Uint8Array>;
  exists(path: string): Promise<boolean>;
}

export type SuiteName = 'envelope' | 'core' | 'pki' | 'trust-policy-memory' | 'oci-verify';

export const UNSUPPORTED: Partial<
  Record<SuiteName, Array<{ name: string | RegExp; runtimes: Partial<Record<Runtime, string>> }>>
> = {};

function declared(suite: SuiteName, c: RuntimeCase): RuntimeCase {
  for (const entry of UNSUPPORTED[suite] ?? []) {
    if (typeof entry.name === 'string' ? entry.name === c.name : entry.name.test(c.name))
      return { ...c, unsupported: { ...c.unsupported, ...entry.runtimes } };
  }
  return c;
}

/** Upstream vectors absent: a notice case (skipped locally, failed under CI=true), never a silent skip. */
function upstreamNotice(config: SuiteConfig, kind: string): RuntimeCase[] {
  if (config.upstreamVectorsDir) return [];
  const name = `upstream vectors are present (required under CI=true) at ${config.upstreamLooked}`;
  if (config.ci)
    return [
      {
        name,
        kind,
        run: () => Promise.reject(new Error(`CI=true needs the upstream vectors at ${config.upstreamLooked}`)),
      },
    ];
  return [
    {
      name,
      kind,
      run: async () => undefined,
      skip: `upstream vectors not found at ${config.upstreamLooked}: the upstream cases are not run`,
    },
  ];
}

/**
 * Upstream vectors present: the manifest gave the envelope suite its upstream
 * cases (a manifest that parsed to almost nothing would otherwise pass).
 */
function upstreamLoaded(config: SuiteConfig, conformance: readonly { kind: string }[]): RuntimeCase[] {
  if (!config.upstreamVectorsDir) return [];
  const upstream = conformance.filter((c) => c.kind.startsWith('upstream')).length;
  const name = 'upstream vectors are present and yield more than 60 upstream envelope cases';
  return [
    {
      name,
      kind: 'upstream-vectors',
      run: async () => check(upstream > 60, `${upstream} upstream cases from ${config.upstreamVectorsDir}`),
    },
  ];
}

export async function suiteCases(
  suite: SuiteName,
  m: Modules,
  io: RuntimeIo,
  config: SuiteConfig,
): Promise<RuntimeCase[]> {
  let cases: RuntimeCase[];
  switch (suite) {
    case 'envelope': {
      const conformance = await envelopeConformanceCases({
        pki: m.pki,
        envelope: m.envelope,
        readFile: io.readFile,
        exists: io.exists,
        ownVectorsDir: config.ownVectorsDir,
        upstreamVectorsDir: config.upstreamVectorsDir,
      });
      cases = [...upstreamNotice(config, 'upstream-vectors'), ...upstreamLoaded(config, conformance), ...conformance];
      break;
    }
    case 'core':
      cases = verifierCases(m).map((c) => ({ ...c, kind: 'verifier' }));
      break;
    case 'pki':
      if (!config.pkiServers) throw new Error('the pki live suite needs the pki servers');
      cases = liveCases({ pki: m.pki, servers: config.pkiServers, readFile: io.readFile }).map((c) => ({
        ...c,
        kind: /^TSA/.test(c.name) ? 'timestamp' : /^REV-3/.test(c.name) ? 'ocsp' : 'crl',
      }));
      break;
    case 'trust-policy-memory':
      cases = [
        ...upstreamNotice(config, 'upstream-vectors'),
        ...(await trustPolicyCases({
          pki: m.pki,
          policy: m.policy,
          readFile: io.readFile,
          ownVectorsDir: config.ownVectorsDir,
          upstreamVectorsDir: config.upstreamVectorsDir,
        })),
      ];
      break;
    case 'oci-verify':
      if (!config.ociFixtures) throw new Error('the OCI suite needs the seeded registries');
      cases = ociVerifyCases({ core: m.core, oci: m.oci, policy: m.policy, pki: m.pki, fixtures: config.ociFixtures });
      break;
  }
  return cases.map((c) => declared(suite, c));
}
