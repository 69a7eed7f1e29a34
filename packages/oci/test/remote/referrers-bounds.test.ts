/**
 * Bounded, lazy referrers listing (issue 12 finding 2) and the old-filter
 * quirk (issue 13 item 8), against the in-process referrers test registry
 * started here with the quirks no real registry has: a `Link: rel="next"`
 * that never ends, the ORAS fork's artifactType filter, and a tag-schema
 * index far over the descriptor cap.
 */

import { type ReferrersRegistry, startReferrersRegistry } from '@x/notary-test-servers/oci/referrers-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACT_TYPE_NOTARY_SIGNATURE,
  type Descriptor,
  MEDIA_TYPE_EMPTY,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
} from '../../src/descriptor.js';
import { OciError } from '../../src/errors.js';
import { listReferrers, MAX_REFERRERS, MAX_REFERRERS_PAGES } from '../../src/referrers-listing.js';
import { RemoteRepository } from '../../src/remote/repository.js';

const enc = (s: string) => new TextEncoder().encode(s);
const SIG = { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE };

async function rejection(promise: Promise<unknown>): Promise<OciError> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof OciError)) throw error;
    return error;
  }
  throw new Error('expected a rejection');
}

async function pushImage(repo: RemoteRepository, salt: string): Promise<Descriptor> {
  const config = await repo.pushBlob(
    enc(JSON.stringify({ architecture: 'amd64', os: 'linux', salt })),
    'application/vnd.oci.image.config.v1+json',
  );
  return repo.pushManifest(
    enc(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE_OCI_MANIFEST, config, layers: [] })),
    MEDIA_TYPE_OCI_MANIFEST,
  );
}

/** A signature manifest in the OCI-2 form, or the legacy OCI-3 form. */
async function pushSignature(
  repo: RemoteRepository,
  subject: Descriptor,
  n: number,
  legacy = false,
): Promise<Descriptor> {
  const empty = await repo.pushBlob(enc('{}'), MEDIA_TYPE_EMPTY);
  const envelope = await repo.pushBlob(enc(`{"payload":"sig-${n}"}`), 'application/jose+json');
  const doc = legacy
    ? {
        schemaVersion: 2,
        mediaType: MEDIA_TYPE_OCI_MANIFEST,
        config: { mediaType: ARTIFACT_TYPE_NOTARY_SIGNATURE, digest: empty.digest, size: 2 },
        layers: [envelope],
        subject,
      }
    : {
        schemaVersion: 2,
        mediaType: MEDIA_TYPE_OCI_MANIFEST,
        artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE,
        config: { mediaType: MEDIA_TYPE_EMPTY, digest: empty.digest, size: 2, data: 'e30=' },
        layers: [envelope],
        subject,
      };
  return repo.pushManifest(enc(JSON.stringify(doc)), MEDIA_TYPE_OCI_MANIFEST);
}

const referrersGets = (registry: ReferrersRegistry, since: number) =>
  registry
    .requests()
    .slice(since)
    .filter((r) => r.method === 'GET' && r.url.includes('/referrers/'));

describe('issue 12 finding 2: a referrers listing that never ends (OCI-7, Referrers API)', () => {
  let small: ReferrersRegistry;
  let big: ReferrersRegistry;
  beforeAll(async () => {
    [small, big] = await Promise.all([
      startReferrersRegistry({ endlessReferrers: { perPage: 2 } }),
      startReferrersRegistry({ endlessReferrers: { perPage: 4_000 } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([small?.stop(), big?.stop()]);
  });

  it('issue 12 finding 2 OCI-7 WF-3: pages are fetched lazily; a caller that stops after the first page causes no second request', async () => {
    const repo = new RemoteRepository({ registry: small.host, repository: 'endless/lazy' });
    const subject = await pushImage(repo, 'lazy');
    const mark = small.requests().length;
    let pages = 0;
    for await (const page of repo.referrerPages(subject, SIG)) {
      expect(page).toHaveLength(2);
      if (++pages === 1) break;
    }
    expect(referrersGets(small, mark)).toHaveLength(1);
  });

  it('issue 12 finding 2 OCI-7: listReferrers (ls, inspect) fetches only the pages up to its limit + 1 and says it was exceeded', async () => {
    const repo = new RemoteRepository({ registry: small.host, repository: 'endless/limit' });
    const subject = await pushImage(repo, 'limit');
    const mark = small.requests().length;
    const { referrers, exceeded } = await listReferrers(repo, subject, { ...SIG, limit: 5 });
    expect(referrers).toHaveLength(5);
    expect(exceeded).toBe(true);
    // 5 descriptors, then a sixth to know the limit cut the list: 3 pages of 2.
    expect(referrersGets(small, mark)).toHaveLength(3);
  });

  it(`issue 12 finding 2 OCI-7: an endless Link chain stops at ${MAX_REFERRERS_PAGES} pages with ERR_OCI_TOO_MANY_REFERRERS (referrers, and listReferrers under a huge limit)`, async () => {
    const repo = new RemoteRepository({ registry: small.host, repository: 'endless/pages' });
    const subject = await pushImage(repo, 'pages');
    let mark = small.requests().length;
    const error = await rejection(repo.referrers(subject, SIG));
    expect(error.code).toBe('ERR_OCI_TOO_MANY_REFERRERS');
    expect(error.message).toMatch(/more than 100 pages/);
    expect(referrersGets(small, mark)).toHaveLength(MAX_REFERRERS_PAGES);
    mark = small.requests().length;
    expect((await rejection(listReferrers(repo, subject, { ...SIG, limit: 1_000_000 }))).code).toBe(
      'ERR_OCI_TOO_MANY_REFERRERS',
    );
    expect(referrersGets(small, mark)).toHaveLength(MAX_REFERRERS_PAGES);
  });

  it(`issue 12 finding 2 OCI-7: pages of 4,000 descriptors stop at ${MAX_REFERRERS} descriptors (the third page) with ERR_OCI_TOO_MANY_REFERRERS`, async () => {
    const repo = new RemoteRepository({ registry: big.host, repository: 'endless/descriptors' });
    const subject = await pushImage(repo, 'descriptors');
    const mark = big.requests().length;
    const error = await rejection(repo.referrers(subject));
    expect(error.code).toBe('ERR_OCI_TOO_MANY_REFERRERS');
    expect(error.message).toMatch(/more than 10000 referrers/);
    expect(referrersGets(big, mark)).toHaveLength(3);
  });
});

describe('issue 12 finding 2: a huge tag-schema index (OCI-8)', () => {
  let registry: ReferrersRegistry;
  beforeAll(async () => {
    registry = await startReferrersRegistry({ lenientIndexes: true });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  async function indexed(count: number, salt: string): Promise<{ repo: RemoteRepository; subject: Descriptor }> {
    const repo = new RemoteRepository({
      registry: registry.host,
      repository: `tag-schema/${salt}`,
      referrersCapability: false,
    });
    const subject = await pushImage(repo, salt);
    const manifests = Array.from({ length: count }, (_, i) => ({
      mediaType: MEDIA_TYPE_OCI_MANIFEST,
      digest: `sha256:${i.toString(16).padStart(64, '0')}`,
      size: 500,
      artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE,
    }));
    const bytes = enc(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE_OCI_INDEX, manifests }));
    await repo.pushManifest(bytes, MEDIA_TYPE_OCI_INDEX, { tag: subject.digest.replace(':', '-') });
    return { repo, subject };
  }

  it(`issue 12 finding 2 OCI-8: an index of ${MAX_REFERRERS + 1} descriptors is ERR_OCI_TOO_MANY_REFERRERS, for referrers and for listReferrers`, async () => {
    const { repo, subject } = await indexed(MAX_REFERRERS + 1, 'huge');
    expect((await rejection(repo.referrers(subject, SIG))).code).toBe('ERR_OCI_TOO_MANY_REFERRERS');
    expect((await rejection(listReferrers(repo, subject, { ...SIG, limit: 1 }))).code).toBe(
      'ERR_OCI_TOO_MANY_REFERRERS',
    );
  });

  it(`issue 12 finding 2 OCI-8: an index of exactly ${MAX_REFERRERS} descriptors is listed, and cut at the limit`, async () => {
    const { repo, subject } = await indexed(MAX_REFERRERS, 'full');
    expect(await repo.referrers(subject, SIG)).toHaveLength(MAX_REFERRERS);
    const { referrers, exceeded } = await listReferrers(repo, subject, { ...SIG, limit: 100 });
    expect(referrers).toHaveLength(100);
    expect(exceeded).toBe(true);
  });
});

describe('issue 13 item 8: a registry whose artifactType filter answers an empty list (the ORAS fork of distribution)', () => {
  let registry: ReferrersRegistry;
  beforeAll(async () => {
    registry = await startReferrersRegistry({ oldArtifactTypeFilter: true });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('issue 13 item 8 OCI-7 OCI-2: an empty filtered answer is asked once more without the filter and filtered here', async () => {
    const repo = new RemoteRepository({ registry: registry.host, repository: 'old-filter/oci2' });
    const subject = await pushImage(repo, 'oci2');
    const signature = await pushSignature(repo, subject, 1);
    const mark = registry.requests().length;
    const found = await repo.referrers(subject, SIG);
    expect(found.map((d) => d.digest)).toEqual([signature.digest]);
    const gets = referrersGets(registry, mark);
    expect(gets.map((r) => new URL(r.url, registry.url).searchParams.get('artifactType'))).toEqual([
      ARTIFACT_TYPE_NOTARY_SIGNATURE,
      null,
    ]);
  });

  it('issue 13 item 8 OCI-3: a non-empty filtered answer is trusted: one request', async () => {
    const repo = new RemoteRepository({ registry: registry.host, repository: 'old-filter/legacy' });
    const subject = await pushImage(repo, 'legacy');
    const signature = await pushSignature(repo, subject, 2, true);
    const mark = registry.requests().length;
    expect((await repo.referrers(subject, SIG)).map((d) => d.digest)).toEqual([signature.digest]);
    expect(referrersGets(registry, mark)).toHaveLength(1);
  });

  it('issue 13 item 8: an artifact with no signature costs exactly one more request, and stays without one', async () => {
    const repo = new RemoteRepository({ registry: registry.host, repository: 'old-filter/none' });
    const subject = await pushImage(repo, 'none');
    const empty = await repo.pushBlob(enc('{}'), MEDIA_TYPE_EMPTY);
    // Another referrer, not a signature: the client-side filter must drop it.
    await repo.pushManifest(
      enc(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA_TYPE_OCI_MANIFEST,
          artifactType: 'application/spdx+json',
          config: { mediaType: MEDIA_TYPE_EMPTY, digest: empty.digest, size: 2 },
          layers: [empty],
          subject,
        }),
      ),
      MEDIA_TYPE_OCI_MANIFEST,
    );
    const mark = registry.requests().length;
    expect(await repo.referrers(subject, SIG)).toEqual([]);
    expect(referrersGets(registry, mark)).toHaveLength(2);
  });
});
