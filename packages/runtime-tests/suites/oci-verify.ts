/**
 * OCI verification against the loopback registries, written once and run in
 * Node (vitest), Deno and Chromium: `verify` from @x/notary-core with a
 * RemoteRepository and a MemoryTrustStore, the way a browser app uses it.
 *
 * Two registries, seeded by Node before any runtime starts (harness/seed-oci.ts):
 * - the Referrers-API test registry (OCI-7);
 * - Debian's docker-registry (distribution 2.8.2), which has no Referrers
 *   API, so signatures are found through the tag schema (OCI-8).
 * Both send CORS headers, so the page talks to them directly (cross-origin).
 */
import type * as Core from '@x/notary-core';
import type * as Oci from '@x/notary-oci';
import type * as Pki from '@x/notary-pki';
import type * as Policy from '@x/notary-trust-policy';
import { check, equal, expectCode, type RuntimeCase } from './types.ts';

export interface SeededArtifact {
  repository: string;
  tag: string;
  digest: string;
}

export interface SeededRegistry {
  /** `referrers-api` (OCI-7) or `tag-schema` (OCI-8). */
  label: 'referrers-api' | 'tag-schema';
  host: string;
  url: string;
  referrersApi: boolean;
  artifacts: {
    /** Signed with JWS by the trusted self-signed key. */
    jws: SeededArtifact;
    /** Signed with COSE by the trusted key. */
    cose: SeededArtifact;
    /** Signed by a key no store trusts. */
    untrusted: SeededArtifact;
    /** No signature at all. */
    unsigned: SeededArtifact;
    /** One signature whose envelope was altered after signing (a valid blob digest over altered bytes). */
    tampered: SeededArtifact;
    /** Signed by the pki scenario's leaves with OCSP: good and revoked (Referrers-API registry only). */
    revocationGood?: SeededArtifact;
    revocationRevoked?: SeededArtifact;
  };
}

export interface OciFixtures {
  /** PEM of the trusted self-signed signing certificate. */
  trustedPem: string;
  /** Its subject, for an x509.subject identity. */
  trustedSubject: string;
  /** PEM of the pki scenario's code-signing root (for the revocation artifacts). */
  scenarioRootPem: string;
  registries: SeededRegistry[];
}

export interface OciSuiteEnvironment {
  core: typeof Core;
  oci: typeof Oci;
  policy: typeof Policy;
  pki: typeof Pki;
  fixtures: OciFixtures;
}

/** The failed checks of a result, for an assertion message. */
function describeChecks(result: Core.VerificationResult | undefined): string {
  if (!result) return 'no result';
  return Object.entries(result.checks)
    .filter(([, c]) => c.outcome !== 'passed' && c.outcome !== 'skipped')
    .map(([type, c]) => `${type} ${c.outcome}: ${c.error?.message ?? ''}`)
    .join('; ');
}

export function ociVerifyCases(env: OciSuiteEnvironment): RuntimeCase[] {
  const { core, oci, policy } = env;
  const { fixtures } = env;
  const cases: RuntimeCase[] = [];
  const strict = (
    stores = ['ca:trusted'],
    identities = ['*'],
    level: Policy.VerificationLevel = 'strict',
  ): Policy.TrustPolicyStatement => ({
    name: 'browser',
    registryScopes: ['*'],
    signatureVerification: { level },
    trustStores: stores,
    trustedIdentities: identities,
  });
  const trusted = () =>
    new policy.MemoryTrustStore({ 'ca:trusted': fixtures.trustedPem, 'ca:scenario': fixtures.scenarioRootPem });

  for (const registry of fixtures.registries) {
    const ociRule = registry.referrersApi ? 'OCI-7' : 'OCI-8';
    // The Referrers-API registry is probed (auto-detection); the tag-schema registry is declared
    // tag-schema-only, as a browser app must for distribution 2.8 (see the probe case below).
    const repo = (artifact: SeededArtifact, probe = registry.referrersApi) =>
      new oci.RemoteRepository({
        registry: registry.host,
        repository: artifact.repository,
        ...(probe ? {} : { referrersCapability: false }),
      });
    const add = (name: string, run: () => Promise<void>): void =>
      void cases.push({ name: `${registry.label}: ${name}`, kind: `oci-${registry.label}`, run });
    const a = registry.artifacts;

    const listing = (name: string, probe: boolean, unsupported?: RuntimeCase['unsupported']): void =>
      void cases.push({
        name: `${registry.label}: ${name}`,
        kind: `oci-${registry.label}`,
        ...(unsupported ? { unsupported } : {}),
        async run() {
          const repository = repo(a.jws, probe);
          const target = await repository.resolve(a.jws.digest);
          const referrers = await repository.referrers(target, { artifactType: oci.ARTIFACT_TYPE_NOTARY_SIGNATURE });
          equal(referrers.length, 1, 'signature count');
          check(
            referrers[0]!.artifactType === oci.ARTIFACT_TYPE_NOTARY_SIGNATURE &&
              referrers[0]!.mediaType === oci.MEDIA_TYPE_OCI_MANIFEST,
            'a Notary signature referrer',
          );
          equal(repository.referrersCapability, registry.referrersApi, 'Referrers API capability');
        },
      });
    if (registry.referrersApi) {
      listing('OCI-7: the Referrers API is detected and lists the Notary signature', true);
    } else {
      listing('OCI-8: with referrersCapability false the tag schema lists the Notary signature', false);
      listing(
        'OCI-8: auto-detection: the Referrers API probe gets 404 and the client falls back to the tag schema',
        true,
        {
          chromium:
            'distribution 2.8.2 answers its unknown /v2/<name>/referrers/ route with a 404 that carries none of the CORS headers of its config (http.headers), ' +
            'so the page cannot read the 404: fetch rejects as a network error, indistinguishable from an unreachable registry, and the client stops (ERR_SIGNATURE_FETCH_FAILED). ' +
            'A browser app sets referrersCapability: false for such a registry (every other tag-schema case here does) or puts a CORS-adding proxy in front of it.',
        },
      );
    }

    for (const format of ['jws', 'cose'] as const) {
      add(
        `WF-1 WF-2 VER-1 … VER-7 ${ociRule}: a ${format.toUpperCase()} signature verifies under strict with an in-memory store`,
        async () => {
          const artifact = a[format];
          const outcome = await core.verify({
            repository: repo(artifact),
            reference: artifact.digest,
            statement: strict(),
            trustStore: trusted(),
          });
          equal(outcome.target.digest, artifact.digest, 'target');
          equal(outcome.result.verified, true, 'verified');
          equal(
            outcome.result.mediaType,
            format === 'jws' ? 'application/jose+json' : 'application/cose',
            'envelope media type',
          );
          for (const type of ['integrity', 'authenticity', 'expiry', 'authenticTimestamp', 'revocation'] as const)
            equal(outcome.result.checks[type].outcome, 'passed', type);
          equal(outcome.result.certificateChain?.[0]?.subject, fixtures.trustedSubject, 'signer subject');
          check(outcome.result.signingTime instanceof Date, 'signing time');
        },
      );
    }

    add('SIGN-1 WF-1: a tag reference is resolved, with the mutable-tag warning', async () => {
      const warnings: string[] = [];
      const outcome = await core.verify({
        repository: repo(a.jws),
        reference: a.jws.tag,
        statement: strict(),
        trustStore: trusted(),
        onWarning: (m) => warnings.push(m),
      });
      equal(outcome.target.digest, a.jws.digest, 'resolved digest');
      equal(warnings.length, 1, 'one warning');
    });

    add(
      'TP-9 VER-4 DN-4: the statement is selected from a policy document by registry scope, and the subject identity matches',
      async () => {
        const document = policy.parseOciTrustPolicy({
          version: '1.0',
          trustPolicies: [
            {
              name: 'this-repository',
              registryScopes: [`${registry.host}/${a.jws.repository}`],
              signatureVerification: { level: 'strict' },
              trustStores: ['ca:trusted'],
              trustedIdentities: [`x509.subject:${fixtures.trustedSubject}`],
            },
          ],
        });
        const outcome = await core.verify({
          repository: repo(a.jws),
          reference: a.jws.digest,
          policy: document,
          trustStore: trusted(),
        });
        equal(outcome.result.statement.name, 'this-repository', 'statement');
        await expectCode(
          () =>
            core.verify({
              repository: repo(a.cose),
              reference: a.cose.digest,
              policy: document,
              trustStore: trusted(),
            }),
          'ERR_POLICY_NOT_APPLICABLE',
        );
      },
    );

    add(
      'VER-4 TP-11: a signature by an untrusted key fails authenticity under strict, and is logged under audit',
      async () => {
        const error = (await expectCode(
          () =>
            core.verify({
              repository: repo(a.untrusted),
              reference: a.untrusted.digest,
              statement: strict(),
              trustStore: trusted(),
            }),
          'ERR_VERIFICATION_FAILED',
        )) as Error & { results?: Core.VerificationResult[] };
        equal(error.results?.[0]?.checks.authenticity.outcome, 'failed-enforced', 'strict authenticity');
        const audit = await core.verify({
          repository: repo(a.untrusted),
          reference: a.untrusted.digest,
          statement: strict(['ca:trusted'], ['*'], 'audit'),
          trustStore: trusted(),
        });
        equal(audit.result.checks.authenticity.outcome, 'failed-logged', 'audit authenticity');
        equal(audit.result.verified, true, 'audit verifies');
      },
    );

    add('WF-1: an artifact without signatures is ERR_NO_SIGNATURE', async () => {
      await expectCode(
        () =>
          core.verify({
            repository: repo(a.unsigned),
            reference: a.unsigned.digest,
            statement: strict(),
            trustStore: trusted(),
          }),
        'ERR_NO_SIGNATURE',
      );
    });

    add('VER-2: an envelope altered after signing fails integrity at every level', async () => {
      for (const level of ['strict', 'audit'] as const) {
        const error = (await expectCode(
          () =>
            core.verify({
              repository: repo(a.tampered),
              reference: a.tampered.digest,
              statement: strict(['ca:trusted'], ['*'], level),
              trustStore: trusted(),
            }),
          'ERR_VERIFICATION_FAILED',
        )) as Error & { results?: Core.VerificationResult[] };
        equal(error.results?.[0]?.checks.integrity.outcome, 'failed-enforced', `${level} integrity`);
      }
    });

    add('TP-13: a skip statement verifies nothing, not even that a signature exists', async () => {
      const outcome = await core.verify({
        repository: repo(a.unsigned),
        reference: a.unsigned.digest,
        statement: { name: 'skip', registryScopes: ['*'], signatureVerification: { level: 'skip' } },
        trustStore: trusted(),
      });
      equal(outcome.result.verified, true, 'verified');
      equal(outcome.results.length, 0, 'no signature tried');
    });

    add('WF-1: a digest the repository does not have is an error, not a verification', async () => {
      let failed = false;
      try {
        await core.verify({
          repository: repo(a.jws),
          reference: `sha256:${'1'.repeat(64)}`,
          statement: strict(),
          trustStore: trusted(),
        });
      } catch (error) {
        failed = true;
        check(!(error instanceof core.VerificationError), 'not a verification error');
      }
      check(failed, 'expected a failure');
    });

    if (a.revocationGood && a.revocationRevoked) {
      const good = a.revocationGood;
      const revoked = a.revocationRevoked;
      add(
        'REV-3 VER-7: a chain whose leaf OCSP says good passes revocation (the responder is on loopback)',
        async () => {
          const outcome = await core
            .verify({
              repository: repo(good),
              reference: good.digest,
              statement: strict(['ca:scenario']),
              trustStore: trusted(),
            })
            .catch((error: Error & { results?: Core.VerificationResult[] }) => {
              throw new Error(`${error.message}: ${describeChecks(error.results?.[0])}`);
            });
          equal(outcome.result.checks.revocation.outcome, 'passed', 'revocation');
          equal(outcome.result.revocation?.[0]?.status, 'ok', 'leaf status');
        },
      );
      add('REV-3 VER-7 TP-11: a revoked leaf fails revocation under strict', async () => {
        const error = (await expectCode(
          () =>
            core.verify({
              repository: repo(revoked),
              reference: revoked.digest,
              statement: strict(['ca:scenario']),
              trustStore: trusted(),
            }),
          'ERR_VERIFICATION_FAILED',
        )) as Error & { results?: Core.VerificationResult[] };
        equal(error.results?.[0]?.checks.revocation.outcome, 'failed-enforced', 'revocation');
      });
    }
  }
  return cases;
}
