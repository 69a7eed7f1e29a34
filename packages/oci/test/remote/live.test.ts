/**
 * The remote client against live servers (test/global-setup.ts): Debian's
 * distribution 2.8.2 with no auth, htpasswd Basic and token auth (no
 * Referrers API: the tag-schema fallback runs for real), the referrers test
 * registry (Referrers API), the fault proxy, skopeo for interop. The same
 * client scenarios run against every registry kind.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clearFault, type Fault, recordedHeaders, setFault, tokenRequests } from '@x/notary-test-servers/oci/control';
// The `inject('ociServers')` type: the global setup's ProvidedContext declaration.
import type {} from '@x/notary-test-servers/oci/global-setup';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Credential, staticCredentials } from '../../src/credentials.js';
import {
  ARTIFACT_TYPE_NOTARY_SIGNATURE,
  type Descriptor,
  MEDIA_TYPE_EMPTY,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
} from '../../src/descriptor.js';
import { OciError } from '../../src/errors.js';
import { TokenCache } from '../../src/remote/auth.js';
import { digestOf } from '../../src/remote/digest.js';
import { RegistryClient } from '../../src/remote/registry-client.js';
import { RemoteRepository, type RemoteRepositoryOptions } from '../../src/remote/repository.js';

const servers = inject('ociServers');
const enc = (s: string) => new TextEncoder().encode(s);
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const FAST = { retry: { attempts: 3, baseDelayMs: 20, minDelayMs: 10, maxDelayMs: 100 } };

/** A fetch that logs what the client sent (method, URL, Authorization). */
function recordingFetch() {
  const log: Array<{ method: string; url: URL; authorization: string | null }> = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    log.push({ method: req.method, url: new URL(req.url), authorization: req.headers.get('authorization') });
    return globalThis.fetch(req);
  }) as typeof globalThis.fetch;
  return { log, fetch: fetchFn };
}

async function rejection(promise: Promise<unknown>): Promise<OciError> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof OciError)) throw error;
    return error;
  }
  throw new Error('expected a rejection');
}

/** A small image of our own: config blob + manifest, tagged. */
async function pushImage(
  repo: RemoteRepository,
  tag: string,
  salt: string,
): Promise<{ descriptor: Descriptor; bytes: Uint8Array; config: Descriptor }> {
  const config = await repo.pushBlob(
    enc(JSON.stringify({ architecture: 'amd64', os: 'linux', salt })),
    'application/vnd.oci.image.config.v1+json',
  );
  const bytes = enc(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE_OCI_MANIFEST, config, layers: [] }));
  const descriptor = await repo.pushManifest(bytes, MEDIA_TYPE_OCI_MANIFEST, { tag });
  return { descriptor, bytes, config };
}

/** A Notary signature manifest (OCI-2 form, or the legacy OCI-3 form) with its blobs pushed. */
async function pushSignature(
  repo: RemoteRepository,
  subject: Descriptor,
  n: number,
  legacy = false,
): Promise<Descriptor> {
  const empty = await repo.pushBlob(enc('{}'), MEDIA_TYPE_EMPTY);
  const envelope = await repo.pushBlob(enc(`{"payload":"sig-${n}-${run}"}`), 'application/jose+json');
  const doc = legacy
    ? {
        schemaVersion: 2,
        mediaType: MEDIA_TYPE_OCI_MANIFEST,
        config: { mediaType: ARTIFACT_TYPE_NOTARY_SIGNATURE, digest: empty.digest, size: 2 },
        layers: [envelope],
        subject,
        annotations: { n: String(n) },
      }
    : {
        schemaVersion: 2,
        mediaType: MEDIA_TYPE_OCI_MANIFEST,
        artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE,
        config: { mediaType: MEDIA_TYPE_EMPTY, digest: empty.digest, size: 2, data: 'e30=' },
        layers: [envelope],
        subject,
        annotations: { n: String(n) },
      };
  return repo.pushManifest(enc(JSON.stringify(doc)), MEDIA_TYPE_OCI_MANIFEST);
}

interface Kind {
  name: string;
  host: string;
  credentials?: Credential;
  /** Does this registry have the Referrers API? */
  referrersApi: boolean;
  /** Referrers per `Link` page, when the registry pages them. */
  referrersPageSize?: number;
  /** Does tags/list honour `n` with `Link` pages? */
  tagsPaged?: boolean;
}

const kinds: Kind[] = [
  { name: 'distribution 2.8.2, no auth', host: servers.registries.none.host, referrersApi: false },
  {
    name: 'distribution 2.8.2, htpasswd Basic',
    host: servers.registries.basic.host,
    credentials: { username: servers.registries.basic.username, password: servers.registries.basic.password },
    referrersApi: false,
  },
  {
    name: 'distribution 2.8.2, token auth',
    host: servers.registries.token.host,
    credentials: { username: servers.registries.token.username, password: servers.registries.token.password },
    referrersApi: false,
  },
  {
    name: 'referrers test registry (Referrers API)',
    host: servers.referrers.host,
    referrersApi: true,
    referrersPageSize: servers.referrers.pageSize,
    tagsPaged: true,
  },
  ...('host' in servers.olareg
    ? [{ name: 'olareg 0.1.2 (Referrers API)', host: servers.olareg.host, referrersApi: true, tagsPaged: true }]
    : []),
];

describe('live: olareg', () => {
  it('issue 13: olareg, the real Referrers-API registry, is running (absent: skipped with a notice, a failure under CI=true)', (context) => {
    if ('missing' in servers.olareg) {
      if (process.env['CI'] === 'true') expect.fail(`olareg is required on CI: ${servers.olareg.missing}`);
      console.warn(`[oci] ${servers.olareg.missing}; the olareg cases are skipped`);
      context.skip();
    }
    expect(servers.olareg).toHaveProperty('host');
  });

  it('issue 13 OCI-7 OCI-2 OCI-3: olareg filters by artifactType and says so (OCI-Filters-Applied); the client trusts that, one request per listing', async (context) => {
    if (!('host' in servers.olareg)) return context.skip();
    const host = servers.olareg.host;
    const repo = new RemoteRepository({ reference: `${host}/live-${run}/olareg-filter`, ...FAST });
    const { descriptor: subject } = await pushImage(repo, 'f1', 'olareg-filter');
    const s1 = await pushSignature(repo, subject, 1);
    const s2 = await pushSignature(repo, subject, 2, true);
    const empty = await repo.pushBlob(enc('{}'), MEDIA_TYPE_EMPTY);
    await repo.pushManifest(
      enc(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA_TYPE_OCI_MANIFEST,
          artifactType: 'application/vnd.example.sbom',
          config: { mediaType: MEDIA_TYPE_EMPTY, digest: empty.digest, size: 2 },
          layers: [empty],
          subject,
        }),
      ),
      MEDIA_TYPE_OCI_MANIFEST,
    );
    // What olareg itself answers: only the two signatures (the legacy one by its config.mediaType), filter reported.
    const raw = await fetch(
      `${servers.olareg.url}/v2/live-${run}/olareg-filter/referrers/${subject.digest}?artifactType=${encodeURIComponent(ARTIFACT_TYPE_NOTARY_SIGNATURE)}`,
    );
    expect(raw.headers.get('oci-filters-applied')).toBe('artifactType');
    const index = (await raw.json()) as { manifests: Descriptor[] };
    expect(index.manifests.map((d) => d.digest).sort()).toEqual([s1.digest, s2.digest].sort());
    const rec = recordingFetch();
    const client = new RemoteRepository({ reference: `${host}/live-${run}/olareg-filter`, ...FAST, fetch: rec.fetch });
    expect(
      (await client.referrers(subject, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE })).map((d) => d.digest).sort(),
    ).toEqual([s1.digest, s2.digest].sort());
    expect(rec.log.map((r) => `${r.method} ${r.url.searchParams.get('artifactType')}`)).toEqual([
      `GET ${ARTIFACT_TYPE_NOTARY_SIGNATURE}`,
    ]);
  });
});

for (const kind of kinds) {
  describe(`live: ${kind.name}`, () => {
    const options = (extra: Partial<RemoteRepositoryOptions> = {}): RemoteRepositoryOptions => ({
      ...FAST,
      ...(kind.credentials ? { credentials: staticCredentials({ [kind.host]: kind.credentials }) } : {}),
      ...extra,
    });
    const seedRef = `${kind.host}/${servers.seed.repository}`;

    it('resolves and fetches the image skopeo seeded (manifest, config, layer verified)', async () => {
      const repo = new RemoteRepository({ reference: seedRef, ...options() });
      const descriptor = await repo.resolve(servers.seed.tag);
      expect(descriptor).toEqual({
        mediaType: servers.seed.mediaType,
        digest: servers.seed.digest,
        size: servers.seed.size,
      });
      expect(await repo.resolve(servers.seed.digest)).toEqual(descriptor);
      const { bytes } = await repo.fetchManifest(descriptor);
      expect(digestOf(bytes)).toBe(servers.seed.digest);
      const manifest = JSON.parse(new TextDecoder().decode(bytes)) as { config: Descriptor; layers: Descriptor[] };
      expect(manifest.config.digest).toBe(servers.seed.config.digest);
      const config = await repo.fetchBlob(manifest.config);
      expect(config.byteLength).toBe(servers.seed.config.size);
      const layer = await repo.fetchBlob(manifest.layers[0]!);
      expect(digestOf(layer)).toBe(servers.seed.layer.digest);
      expect(await repo.tags()).toContain(servers.seed.tag);
    });

    it('pushes blobs (HEAD first, POST + PUT), mounts across repositories with fallback, pushes manifests by digest and tag, lists tags by pages, deletes by digest', async () => {
      const rec = recordingFetch();
      const repo = new RemoteRepository({
        reference: `${kind.host}/live-${run}/push`,
        ...options({ fetch: rec.fetch, tagsPageSize: 2 }),
      });
      const blob = enc(`blob ${run} ${kind.name}`);
      const d = await repo.pushBlob(blob, 'application/octet-stream');
      expect(await repo.fetchBlob(d)).toEqual(blob);
      const before = rec.log.length;
      await repo.pushBlob(blob, 'application/octet-stream');
      expect(
        rec.log
          .slice(before)
          .filter((r) => r.authorization !== null || kind.credentials === undefined)
          .map((r) => r.method),
      ).toEqual(['HEAD']);

      // Mount the seed's layer from the seed repository (201), and a blob the source lacks (202 → upload).
      const mountRepo = new RemoteRepository({
        reference: `${kind.host}/live-${run}/mounted`,
        ...options({ fetch: rec.fetch }),
      });
      const seedRepo = new RemoteRepository({ reference: seedRef, ...options() });
      const layer = await seedRepo.fetchBlob({
        mediaType: servers.seed.layer.mediaType,
        digest: servers.seed.layer.digest,
        size: servers.seed.layer.size,
      });
      const mark = rec.log.length;
      await mountRepo.pushBlob(layer, servers.seed.layer.mediaType, { mountFrom: servers.seed.repository });
      const mountCalls = rec.log.slice(mark).filter((r) => r.method === 'POST');
      expect(mountCalls.at(-1)!.url.searchParams.get('mount')).toBe(servers.seed.layer.digest);
      expect(rec.log.slice(mark).some((r) => r.method === 'PUT')).toBe(false);
      expect(await mountRepo.blobExists({ digest: servers.seed.layer.digest })).toBe(true);
      const lonely = enc(`not in the seed ${run}`);
      const mark2 = rec.log.length;
      const ld = await mountRepo.pushBlob(lonely, 'application/octet-stream', { mountFrom: servers.seed.repository });
      expect(
        rec.log.slice(mark2).some((r) => r.method === 'PUT' && r.url.searchParams.get('digest') === ld.digest),
      ).toBe(true);
      expect(await mountRepo.fetchBlob(ld)).toEqual(lonely);

      // Manifests by digest and by tag, tags over several pages.
      const { descriptor: image, config } = await pushImage(repo, 't1', 'a');
      const byDigest = await repo.pushManifest(
        enc(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: MEDIA_TYPE_OCI_MANIFEST,
            config,
            layers: [],
            annotations: { by: 'digest' },
          }),
        ),
        MEDIA_TYPE_OCI_MANIFEST,
      );
      expect(rec.log.at(-1)!.url.pathname).toBe(`/v2/live-${run}/push/manifests/${byDigest.digest}`);
      expect(await repo.resolve(byDigest.digest)).toEqual(byDigest);
      for (const t of ['t2', 't3', 't4', 't5']) await repo.tag(image, t);
      expect((await repo.tags()).sort()).toEqual(['t1', 't2', 't3', 't4', 't5']);
      // distribution 2.8 ignores `n` on tags/list (one page); the referrers test registry pages with Link.
      const tagPages = rec.log.filter(
        (r) => r.url.pathname.endsWith('/tags/list') && (r.authorization !== null || !kind.credentials),
      );
      if (kind.tagsPaged) expect(tagPages.length).toBe(3);
      else expect(tagPages.length).toBeGreaterThanOrEqual(1);

      // Delete by digest only; the tags pointing at it go with it.
      await repo.deleteManifest(byDigest);
      expect((await rejection(repo.resolve(byDigest.digest))).code).toBe('ERR_OCI_NOT_FOUND');
      expect(
        rec.log
          .filter((r) => r.method === 'DELETE')
          .every((r) => /\/manifests\/sha256:[0-9a-f]{64}$/.test(r.url.pathname)),
      ).toBe(true);
      expect((await rejection(repo.fetchManifest('no-such-tag'))).code).toBe('ERR_OCI_NOT_FOUND');
    });

    it(`OCI-7 OCI-8: signatures are discoverable as referrers (${kind.referrersApi ? 'Referrers API' : 'tag-schema fallback'}), capability remembered`, async () => {
      const rec = recordingFetch();
      const client = new RegistryClient({ ...options(), fetch: rec.fetch });
      const repo = new RemoteRepository({ reference: `${kind.host}/live-${run}/signed`, client });
      const { descriptor: subject } = await pushImage(repo, 'v1', 'signed');
      expect(await repo.referrers(subject)).toEqual([]);
      expect(repo.referrersCapability).toBe(kind.referrersApi);
      const s1 = await pushSignature(repo, subject, 1);
      const s2 = await pushSignature(repo, subject, 2, true);
      const sbom = await repo.pushBlob(enc(`{"sbom":"${run}"}`), 'application/spdx+json');
      const other = await repo.pushManifest(
        enc(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: MEDIA_TYPE_OCI_MANIFEST,
            artifactType: 'application/vnd.example.sbom',
            config: { mediaType: MEDIA_TYPE_EMPTY, digest: digestOf(enc('{}')), size: 2 },
            layers: [sbom],
            subject,
          }),
        ),
        MEDIA_TYPE_OCI_MANIFEST,
      );
      const sigs = await repo.referrers(subject, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE });
      expect(sigs.map((d) => d.digest).sort()).toEqual([s1.digest, s2.digest].sort());
      expect(
        sigs.every((d) => d.artifactType === ARTIFACT_TYPE_NOTARY_SIGNATURE && d.annotations?.n !== undefined),
      ).toBe(true);
      const all = await repo.referrers(subject);
      expect(all.map((d) => d.digest).sort()).toEqual([s1.digest, s2.digest, other.digest].sort());

      const apiCalls = rec.log.filter((r) => r.url.pathname.includes('/referrers/'));
      const tagName = subject.digest.replace(':', '-');
      if (kind.referrersApi) {
        // OCI-Subject on push: no tag-schema index is written.
        expect((await rejection(repo.resolve(tagName))).code).toBe('ERR_OCI_NOT_FOUND');
        expect(apiCalls.some((r) => r.url.searchParams.get('artifactType') === ARTIFACT_TYPE_NOTARY_SIGNATURE)).toBe(
          true,
        );
      } else {
        // The API answered 404 once; later calls go straight to the sha256-<hex> tag.
        expect(new Set(apiCalls.map((r) => r.url.pathname)).size).toBe(1);
        const index = await repo.fetchManifest(tagName);
        expect(index.descriptor.mediaType).toBe(MEDIA_TYPE_OCI_INDEX);
        const listed = (JSON.parse(new TextDecoder().decode(index.bytes)) as { manifests: Descriptor[] }).manifests;
        expect(listed.map((d) => d.digest)).toEqual([s1.digest, s2.digest, other.digest]);
        // Stale indexes were deleted by digest, never by tag.
        const deletes = rec.log.filter((r) => r.method === 'DELETE');
        expect(deletes.length).toBeGreaterThanOrEqual(2);
        expect(deletes.every((r) => /\/manifests\/sha256:[0-9a-f]{64}$/.test(r.url.pathname))).toBe(true);
        // Removing a signature updates the index.
        await repo.deleteManifest(s1);
        expect(
          (await repo.referrers(subject, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE })).map((d) => d.digest),
        ).toEqual([s2.digest]);
      }
      // A second repository on the same client does not probe the API again.
      const apiBefore = rec.log.filter((r) => r.url.pathname.includes('/referrers/')).length;
      const sibling = new RemoteRepository({ reference: `${kind.host}/live-${run}/signed`, client });
      await sibling.referrers(subject);
      const apiAfter = rec.log.filter((r) => r.url.pathname.includes('/referrers/')).length;
      // With the API: three referrers at the registry's page size, every Link page followed, no probe.
      expect(apiAfter - apiBefore).toBe(kind.referrersApi ? Math.ceil(3 / (kind.referrersPageSize ?? 3)) : 0);
      expect(await sibling.referrers(subject)).toHaveLength(kind.referrersApi ? 3 : 2);
    });

    it('issue 13 item 9 OCI-7 OCI-8: eight listings at once on a new client find out the capability once', async () => {
      const setup = new RemoteRepository({ reference: `${kind.host}/live-${run}/concurrent`, ...options() });
      const { descriptor: subject } = await pushImage(setup, 'c1', 'concurrent');
      await pushSignature(setup, subject, 1);
      const rec = recordingFetch();
      const repo = new RemoteRepository({
        reference: `${kind.host}/live-${run}/concurrent`,
        ...options({ fetch: rec.fetch }),
      });
      const lists = await Promise.all(
        Array.from({ length: 8 }, () => repo.referrers(subject, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE })),
      );
      expect(lists.every((l) => l.length === 1)).toBe(true);
      const sent = rec.log.filter((r) => r.authorization !== null || !kind.credentials);
      // distribution routes /referrers/ nowhere, so it answers 404 before asking for credentials: count every one.
      const api = rec.log.filter((r) => r.url.pathname.includes('/referrers/')).length;
      const index = sent.filter((r) =>
        r.url.pathname.endsWith(`/manifests/${subject.digest.replace(':', '-')}`),
      ).length;
      // With the API: one listing each. Without: one 404, then the index for each.
      expect({ api, index }).toEqual(kind.referrersApi ? { api: 8, index: 0 } : { api: 1, index: 8 });
    });

    if (kind.credentials) {
      it('wrong credentials → ERR_OCI_UNAUTHORIZED', async () => {
        const repo = new RemoteRepository({
          reference: seedRef,
          ...FAST,
          credentials: staticCredentials({ [kind.host]: { username: kind.credentials!.username, password: 'wrong' } }),
        });
        const error = await rejection(repo.resolve(servers.seed.tag));
        expect(error.code).toBe('ERR_OCI_UNAUTHORIZED');
        const anonymous = new RemoteRepository({ reference: seedRef, ...FAST });
        expect((await rejection(anonymous.resolve(servers.seed.tag))).code).toBe('ERR_OCI_UNAUTHORIZED');
      });
    }
  });
}

describe('live: token auth specifics', () => {
  const token = servers.registries.token;
  it('caches one token per scope set: repeated pulls fetch no new token (issuer counts)', async () => {
    const rec = recordingFetch();
    const repo = new RemoteRepository({
      reference: `${token.host}/live-${run}/cache`,
      ...FAST,
      fetch: rec.fetch,
      credentials: staticCredentials({ [token.host]: { username: token.username, password: token.password } }),
    });
    const { descriptor } = await pushImage(repo, 'v1', 'cache');
    const realm = token.tokenIssuer.realm;
    const tokenCalls = () => rec.log.filter((r) => r.url.href.startsWith(realm));
    const afterPush = tokenCalls().length;
    for (let i = 0; i < 3; i++) {
      await repo.resolve('v1');
      await repo.fetchManifest(descriptor);
    }
    const pullScope = `repository:live-${run}/cache:pull`;
    // The push fetched a pull token (HEAD of the blob) and a pull,push token; six more pulls fetch none.
    const pullTokens = tokenCalls().filter((r) => r.url.searchParams.getAll('scope').join(' ') === pullScope);
    expect(pullTokens).toHaveLength(1);
    expect(tokenCalls().length - afterPush).toBe(0);
    expect(tokenCalls()).toHaveLength(2);
    // The issuer's log (shared with other test files, which may reset it)
    // never holds more for this repository than the client sent, and all were granted.
    const counts = await tokenRequests(token.tokenIssuer.requestsUrl);
    expect(counts.byScope[pullScope] ?? 0).toBeLessThanOrEqual(1);
    const mine = counts.entries.filter((e) => e.scopes.some((s) => s.includes(`live-${run}/cache`)));
    expect(mine.length).toBeLessThanOrEqual(tokenCalls().length);
    expect(mine.every((e) => e.status === 200 && e.kind === 'basic')).toBe(true);
    // Credentials went to the realm, and never as Basic to the registry.
    expect(tokenCalls().every((r) => r.authorization?.startsWith('Basic '))).toBe(true);
    expect(rec.log.filter((r) => r.url.host === token.host).every((r) => !r.authorization?.startsWith('Basic '))).toBe(
      true,
    );
    // A second client sharing the cache needs no token at all.
    const shared = new TokenCache();
    const a = new RemoteRepository({
      reference: `${token.host}/live-${run}/cache`,
      ...FAST,
      fetch: rec.fetch,
      authCache: shared,
      credentials: staticCredentials({ [token.host]: { username: token.username, password: token.password } }),
    });
    await a.resolve('v1');
    const n = tokenCalls().length;
    const b = new RemoteRepository({
      reference: `${token.host}/live-${run}/cache`,
      ...FAST,
      fetch: rec.fetch,
      authCache: shared,
    });
    await b.resolve('v1');
    expect(tokenCalls().length).toBe(n);
  });
  it('a read-only account can pull but not push (ERR_OCI_UNAUTHORIZED)', async () => {
    const repo = new RemoteRepository({
      reference: `${token.host}/${servers.seed.repository}`,
      ...FAST,
      credentials: staticCredentials({ [token.host]: token.readOnly }),
    });
    expect((await repo.resolve(servers.seed.tag)).digest).toBe(servers.seed.digest);
    const error = await rejection(repo.pushBlob(enc(`denied ${run}`), 'application/octet-stream'));
    expect(error.code).toBe('ERR_OCI_UNAUTHORIZED');
  });
  it('OAuth2 POST with a refresh token is answered by the issuer', async () => {
    const counts0 = await tokenRequests(token.tokenIssuer.requestsUrl);
    const oauthBefore = (counts0.byKind['oauth-refresh'] ?? 0) + (counts0.byKind['oauth-password'] ?? 0);
    const repo = new RemoteRepository({
      reference: `${token.host}/${servers.seed.repository}`,
      ...FAST,
      forceOAuth2: true,
      credentials: staticCredentials({ [token.host]: { username: token.username, password: token.password } }),
    });
    expect((await repo.resolve(servers.seed.tag)).digest).toBe(servers.seed.digest);
    const counts = await tokenRequests(token.tokenIssuer.requestsUrl);
    expect((counts.byKind['oauth-refresh'] ?? 0) + (counts.byKind['oauth-password'] ?? 0)).toBeGreaterThan(oauthBefore);
  });
});

describe('live: fault proxy in front of distribution', () => {
  const proxy = servers.faultProxy;
  // The proxy is shared by every test file: these faults have their own id
  // and only match this file's own repository (a copy of the seed image).
  const name = `live-${run}/faults`;
  const id = `remote-live-${run}`;
  const seed = { mediaType: servers.seed.mediaType, digest: servers.seed.digest, size: servers.seed.size };
  const repo = (extra: Partial<RemoteRepositoryOptions> = {}) =>
    new RemoteRepository({ reference: `${proxy.host}/${name}`, ...FAST, ...extra });
  const fault = (f: Fault) => setFault(proxy.url, { ...f, id, path: `^/v2/${name}/${f.path}` });
  const clear = () => clearFault(proxy.url, id);

  beforeAll(async () => {
    // Copy the seed through the proxy: mount its blobs, push its manifest bytes.
    const source = new RemoteRepository({ reference: `${proxy.host}/${servers.seed.repository}`, ...FAST });
    const target = repo();
    const { bytes } = await source.fetchManifest(seed);
    for (const blob of [servers.seed.config, servers.seed.layer]) {
      await target.pushBlob(await source.fetchBlob(blob), blob.mediaType, { mountFrom: servers.seed.repository });
    }
    expect(await target.pushManifest(bytes, seed.mediaType, { tag: servers.seed.tag })).toEqual(seed);
  });
  afterAll(clear);

  it('OCI-9: a wrong byte in the manifest body → ERR_OCI_DIGEST_MISMATCH', async () => {
    await fault({ kind: 'wrong-digest', path: 'manifests/' });
    expect((await rejection(repo().fetchManifest(seed))).code).toBe('ERR_OCI_DIGEST_MISMATCH');
    expect((await rejection(repo().fetchManifest(servers.seed.tag))).code).toBe('ERR_OCI_DIGEST_MISMATCH');
    await clear();
    expect((await repo().fetchManifest(seed)).descriptor.digest).toBe(seed.digest);
  });
  it('OCI-9: a wrong byte in a blob → ERR_OCI_DIGEST_MISMATCH', async () => {
    await fault({ kind: 'wrong-digest', path: 'blobs/' });
    expect((await rejection(repo().fetchBlob(servers.seed.layer))).code).toBe('ERR_OCI_DIGEST_MISMATCH');
    await clear();
  });
  it('a truncated body is an error, not content', async () => {
    await fault({ kind: 'truncate', path: 'blobs/' });
    const error = await rejection(repo().fetchBlob(servers.seed.layer));
    expect(['ERR_OCI_NETWORK', 'ERR_OCI_DIGEST_MISMATCH']).toContain(error.code);
    await fault({ kind: 'truncate', path: 'manifests/' });
    expect(['ERR_OCI_NETWORK', 'ERR_OCI_DIGEST_MISMATCH']).toContain(
      (await rejection(repo().fetchManifest(seed))).code,
    );
    await clear();
  });
  for (const mode of ['pad', 'pad-chunked', 'claim'] as const) {
    it(`OCI-9: an oversized manifest (${mode}) → ERR_OCI_TOO_LARGE`, async () => {
      await fault({ kind: 'oversize', mode, path: 'manifests/' });
      expect((await rejection(repo().fetchManifest(servers.seed.tag))).code).toBe('ERR_OCI_TOO_LARGE');
      await clear();
    });
  }
  it('503 then success is retried', async () => {
    const rec = recordingFetch();
    await fault({ kind: 'status-then-ok', times: 2, status: 503, path: 'manifests/' });
    expect(await repo({ fetch: rec.fetch }).resolve(servers.seed.tag)).toEqual(seed);
    expect(rec.log.map((r) => r.method)).toEqual(['HEAD', 'HEAD', 'HEAD']);
    await clear();
    await fault({ kind: 'status-then-ok', times: 5, status: 503, path: 'manifests/' });
    const error = await rejection(repo().resolve(servers.seed.tag));
    expect(error.code).toBe('ERR_OCI_NETWORK');
    expect(error.status).toBe(503);
    await clear();
  });
  it('an answer slower than the timeout → ERR_OCI_NETWORK (headers or body)', async () => {
    await fault({ kind: 'slow', delayMs: 1500, phase: 'headers', path: 'manifests/' });
    const started = Date.now();
    const error = await rejection(
      repo({ timeoutMs: 200, retry: { attempts: 2, baseDelayMs: 10, minDelayMs: 10, maxDelayMs: 10 } }).fetchManifest(
        seed,
      ),
    );
    expect(error.code).toBe('ERR_OCI_NETWORK');
    expect(Date.now() - started).toBeLessThan(1400);
    await fault({ kind: 'slow', delayMs: 1500, phase: 'body', path: 'blobs/' });
    expect((await rejection(repo({ timeoutMs: 200 }).fetchBlob(servers.seed.layer))).code).toBe('ERR_OCI_NETWORK');
    await clear();
  });
  it('a redirect to another host is followed, but the credentials stay behind', async () => {
    // The registry behind the proxy is anonymous; make the client hold Basic
    // credentials for the proxy's origin so that there is something to leak.
    const cache = new TokenCache();
    cache.setScheme(proxy.host, 'basic');
    const rec = recordingFetch();
    const r = repo({
      fetch: rec.fetch,
      authCache: cache,
      credentials: staticCredentials({ [proxy.host]: { username: 'alice', password: 'secret' } }),
    });
    await fault({ kind: 'redirect', status: 307, path: 'blobs/' });
    const layer = await r.fetchBlob(servers.seed.layer);
    expect(digestOf(layer)).toBe(servers.seed.layer.digest);
    // The client sent Basic to the proxy, then went to the recorder (another loopback host) without it.
    const recorderHost = new URL(proxy.recorder.url).host;
    expect(rec.log.map((e) => [e.url.host, e.authorization?.split(' ')[0] ?? null])).toEqual([
      [proxy.host, 'Basic'],
      [recorderHost, null],
    ]);
    const recorded = (await recordedHeaders(proxy.recorder.url)).filter((e) => e.url.includes(`/v2/${name}/blobs/`));
    expect(recorded.length).toBeGreaterThanOrEqual(1);
    expect(recorded.every((e) => !Object.keys(e.headers).some((h) => h.toLowerCase() === 'authorization'))).toBe(true);
    await clear();
  });
});

describe('live: interop with skopeo', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'skopeo-home-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });
  it('a manifest pushed by this client reads back byte-identical with skopeo inspect --raw', async () => {
    const host = servers.registries.none.host;
    const repo = new RemoteRepository({ reference: `${host}/live-${run}/interop`, ...FAST });
    const { descriptor: subject } = await pushImage(repo, 'base', 'interop');
    const signature = await pushSignature(repo, subject, 7);
    const { bytes } = await repo.fetchManifest(signature);
    await repo.tag(signature, 'sig');
    const { stdout } = await promisify(execFile)(
      'skopeo',
      ['inspect', '--raw', '--tls-verify=false', `docker://${host}/live-${run}/interop:sig`],
      {
        env: { ...process.env, HOME: home },
        encoding: 'buffer',
        timeout: 60_000,
        maxBuffer: 8 * 1024 * 1024,
      },
    );
    expect(new Uint8Array(stdout as unknown as Uint8Array)).toEqual(bytes);
    expect(digestOf(new Uint8Array(stdout as unknown as Uint8Array))).toBe(signature.digest);
  });
});
