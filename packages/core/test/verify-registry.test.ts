/**
 * `verify` against live registries, counting what it sends (issue 13 item 9)
 * and where it stops listing (issue 12 finding 2):
 *
 * - olareg 0.1.2, a real Referrers-API registry (from `$NOTARY_PEERS`; its
 *   cases are skipped with a notice when the binary is absent, and fail
 *   under CI=true);
 * - Debian's docker-registry 2.8.2, which has only the tag schema (OCI-8);
 * - the in-process referrers test registry of packages/oci in its
 *   never-ending `Link` mode, which no real registry has.
 *
 * Requests are counted through the RemoteRepository's `fetch` option: every
 * request the SDK sends goes through it (olareg has no access log).
 */

import * as envelope from '@x/notary-envelope';
import * as oci from '@x/notary-oci';
import * as pki from '@x/notary-pki';
import { selfSignedSigner } from '@x/notary-test-servers/certificates';
import { type Olareg, olaregBinary, startOlareg } from '@x/notary-test-servers/oci/olareg';
import { type ReferrersRegistry, startReferrersRegistry } from '@x/notary-test-servers/oci/referrers-registry';
import { type Registry, startRegistry } from '@x/notary-test-servers/oci/registry';
import * as policy from '@x/notary-trust-policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget, sign, verify, WorkflowError } from '../src/index.js';

const encoder = new TextEncoder();

/** A fetch that records `METHOD path-kind` of every request. */
function countingFetch(): { log: string[]; fetch: typeof globalThis.fetch } {
  const log: string[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const kind = /\/referrers\//.test(path)
      ? 'referrers'
      : /\/manifests\/sha256-/.test(path)
        ? 'index'
        : /\/manifests\//.test(path)
          ? 'manifest'
          : /\/blobs\//.test(path)
            ? 'blob'
            : path;
    log.push(`${request.method} ${kind}`);
    return globalThis.fetch(request);
  }) as typeof globalThis.fetch;
  return { log, fetch: fetchFn };
}

async function pushImage(repository: oci.Repository, salt: string): Promise<oci.Descriptor> {
  const config = await repository.pushBlob(
    encoder.encode(JSON.stringify({ architecture: 'amd64', os: 'linux', salt })),
    'application/vnd.oci.image.config.v1+json',
  );
  const manifest = encoder.encode(
    JSON.stringify({ schemaVersion: 2, mediaType: oci.MEDIA_TYPE_OCI_MANIFEST, config, layers: [] }),
  );
  return repository.pushManifest(manifest, oci.MEDIA_TYPE_OCI_MANIFEST);
}

async function identity(name: string) {
  const made = await selfSignedSigner(pki.Certificate.fromDer, { name, keySpec: 'EC-256' });
  return { ...made, signer: envelope.signerFromCryptoKey(made.privateKey, [made.certificate]) };
}

const statement: policy.TrustPolicyStatement = {
  name: 'registry',
  registryScopes: ['*'],
  signatureVerification: { level: 'strict' },
  trustStores: ['ca:trusted'],
  trustedIdentities: ['*'],
};

async function workflowError(promise: Promise<unknown>): Promise<WorkflowError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowError);
  return error as WorkflowError;
}

const binary = olaregBinary();
let olareg: Olareg | undefined;
let distribution: Registry;
let endless: ReferrersRegistry;
let trusted: Awaited<ReturnType<typeof identity>>;
let stranger: Awaited<ReturnType<typeof identity>>;
let trustStore: policy.MemoryTrustStore;

beforeAll(async () => {
  const settled = await Promise.allSettled([
    'path' in binary ? startOlareg(binary.path) : Promise.resolve(undefined),
    startRegistry({ auth: 'none' }),
    startReferrersRegistry({ endlessReferrers: { perPage: 2 } }),
    identity('trusted.example'),
    identity('stranger.example'),
  ] as const);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  [olareg, distribution, endless, trusted, stranger] = settled.map((r) =>
    r.status === 'fulfilled' ? r.value : undefined,
  ) as [Olareg | undefined, Registry, ReferrersRegistry, typeof trusted, typeof stranger];
  if (failed) throw failed.reason;
  trustStore = new policy.MemoryTrustStore({ 'ca:trusted': [trusted.certificate] });
}, 120_000);

afterAll(async () => {
  await Promise.all([olareg?.stop(), distribution?.stop(), endless?.stop()]);
});

describe('issue 13 item 9: requests of one verify', () => {
  it('issue 13 item 9 WF-1 OCI-7: on olareg (Referrers API) a verify takes 4 requests, also when the caller resolved the target itself', async (context) => {
    if (!olareg) {
      if (process.env['CI'] === 'true')
        expect.fail(`olareg is required on CI: ${'missing' in binary ? binary.missing : ''}`);
      console.warn(
        `[core] ${'missing' in binary ? binary.missing : 'olareg not started'}; skipping the olareg request count`,
      );
      return context.skip();
    }
    const setup = new oci.RemoteRepository({ registry: olareg.host, repository: 'core/requests' });
    const image = await pushImage(setup, 'olareg');
    await sign({ repository: setup, reference: image.digest, signer: trusted.signer });

    const byDigest = countingFetch();
    const fresh = new oci.RemoteRepository({
      registry: olareg.host,
      repository: 'core/requests',
      fetch: byDigest.fetch,
    });
    expect((await verify({ repository: fresh, reference: image.digest, statement, trustStore })).result.verified).toBe(
      true,
    );
    expect(byDigest.log).toEqual(['HEAD manifest', 'GET referrers', 'GET manifest', 'GET blob']);

    // The CLI's flow: resolve to print the digest, then verify that descriptor (was 5: a second HEAD).
    const cliFlow = countingFetch();
    const again = new oci.RemoteRepository({
      registry: olareg.host,
      repository: 'core/requests',
      fetch: cliFlow.fetch,
    });
    const target = await resolveTarget(again, image.digest);
    expect((await verify({ repository: again, reference: target, statement, trustStore })).result.verified).toBe(true);
    expect(cliFlow.log).toEqual(['HEAD manifest', 'GET referrers', 'GET manifest', 'GET blob']);
  });

  it('issue 13 item 9 WF-1 OCI-8: on docker-registry (tag schema) a verify takes 4 requests once the missing API is known, 5 on a new client', async () => {
    const setup = new oci.RemoteRepository({ registry: distribution.host, repository: 'core/requests' });
    const image = await pushImage(setup, 'distribution');
    await sign({ repository: setup, reference: image.digest, signer: trusted.signer });

    const counted = countingFetch();
    const client = new oci.RegistryClient({ fetch: counted.fetch });
    const first = new oci.RemoteRepository({ registry: distribution.host, repository: 'core/requests', client });
    expect((await verify({ repository: first, reference: image.digest, statement, trustStore })).result.verified).toBe(
      true,
    );
    expect(counted.log).toEqual(['HEAD manifest', 'GET referrers', 'GET index', 'GET manifest', 'GET blob']);
    counted.log.length = 0;
    const second = new oci.RemoteRepository({ registry: distribution.host, repository: 'core/requests', client });
    expect((await verify({ repository: second, reference: image.digest, statement, trustStore })).result.verified).toBe(
      true,
    );
    expect(counted.log).toEqual(['HEAD manifest', 'GET index', 'GET manifest', 'GET blob']);
  });
});

describe('issue 12 finding 2: verify stops listing at maxSignatureAttempts', () => {
  it('issue 12 finding 2 WF-3 OCI-7: against a Link chain that never ends, verify with maxSignatureAttempts 1 fetches one page and is inconclusive', async () => {
    const setup = new oci.RemoteRepository({ registry: endless.host, repository: 'core/endless' });
    const image = await pushImage(setup, 'endless');
    // The only real signature is untrusted; the next descriptor of the page is made up.
    await sign({ repository: setup, reference: image.digest, signer: stranger.signer });
    const counted = countingFetch();
    const repository = new oci.RemoteRepository({
      registry: endless.host,
      repository: 'core/endless',
      fetch: counted.fetch,
    });
    const error = await workflowError(
      verify({ repository, reference: image.digest, statement, trustStore, maxSignatureAttempts: 1 }),
    );
    expect(error.code).toBe('ERR_VERIFICATION_INCONCLUSIVE');
    expect(error.results).toHaveLength(1);
    expect(counted.log.filter((r) => r === 'GET referrers')).toHaveLength(1);
  });

  it('issue 12 finding 2 WF-1 OCI-7: against the same chain, a trusted first signature verifies after one page', async () => {
    const setup = new oci.RemoteRepository({ registry: endless.host, repository: 'core/endless-ok' });
    const image = await pushImage(setup, 'endless-ok');
    await sign({ repository: setup, reference: image.digest, signer: trusted.signer });
    const counted = countingFetch();
    const repository = new oci.RemoteRepository({
      registry: endless.host,
      repository: 'core/endless-ok',
      fetch: counted.fetch,
    });
    expect((await verify({ repository, reference: image.digest, statement, trustStore })).result.verified).toBe(true);
    expect(counted.log).toEqual(['HEAD manifest', 'GET referrers', 'GET manifest', 'GET blob']);
  });

  it('issue 12 finding 2 WF-3: a signature that cannot be fetched stops verify, and no further page is fetched', async () => {
    const setup = new oci.RemoteRepository({ registry: endless.host, repository: 'core/endless-many' });
    const image = await pushImage(setup, 'endless-many');
    await sign({ repository: setup, reference: image.digest, signer: stranger.signer });
    const counted = countingFetch();
    const repository = new oci.RemoteRepository({
      registry: endless.host,
      repository: 'core/endless-many',
      fetch: counted.fetch,
    });
    // The made-up second descriptor cannot be fetched: WF-3 stops there, with one page listed of a chain that never ends.
    const error = await workflowError(verify({ repository, reference: image.digest, statement, trustStore }));
    expect(error.code).toBe('ERR_SIGNATURE_FETCH_FAILED');
    expect(counted.log.filter((r) => r === 'GET referrers')).toHaveLength(1);
  });
});
