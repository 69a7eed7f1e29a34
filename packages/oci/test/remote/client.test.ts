import { describe, expect, it } from 'vitest';
import { staticCredentials } from '../../src/credentials.js';
import {
  ARTIFACT_TYPE_NOTARY_SIGNATURE,
  type Descriptor,
  MEDIA_TYPE_EMPTY,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
} from '../../src/descriptor.js';
import { OciError } from '../../src/errors.js';
import { ReferrersError } from '../../src/remote/referrers.js';
import { RegistryClient } from '../../src/remote/registry-client.js';
import { RemoteRepository, type RemoteRepositoryOptions } from '../../src/remote/repository.js';
import { digestOf, enc, type MockOptions, MockRegistry } from './mock-registry.js';

/*
 * The remote client against an in-memory registry behind `fetch`: every
 * protocol path, auth flow and fault without sockets. test/remote/live.test.ts
 * runs the same operations against real servers.
 */

const FAST = { retry: { attempts: 3, baseDelayMs: 1, minDelayMs: 1, maxDelayMs: 5 } };

function setup(mock: MockOptions = {}, options: Partial<RemoteRepositoryOptions> = {}) {
  const registry = new MockRegistry(mock);
  const repo = new RemoteRepository({
    reference: `${registry.host}/app/net-monitor`,
    fetch: registry.fetch,
    ...FAST,
    ...options,
  });
  return { registry, repo };
}

function imageManifest(registry: MockRegistry, tag = 'v1'): { bytes: Uint8Array; descriptor: Descriptor } {
  const config = enc('{"architecture":"amd64"}');
  registry.blobs.set(digestOf(config), config);
  const bytes = enc(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPE_OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: digestOf(config),
        size: config.byteLength,
      },
      layers: [],
    }),
  );
  const digest = registry.putManifest('app/net-monitor', bytes, MEDIA_TYPE_OCI_MANIFEST, tag);
  return { bytes, descriptor: { mediaType: MEDIA_TYPE_OCI_MANIFEST, digest, size: bytes.byteLength } };
}

function signatureManifest(subject: Descriptor, n: number, legacy = false): Uint8Array {
  const layer = { mediaType: 'application/jose+json', digest: digestOf(enc(`sig${n}`)), size: 4 };
  const doc = legacy
    ? {
        schemaVersion: 2,
        mediaType: MEDIA_TYPE_OCI_MANIFEST,
        config: { mediaType: ARTIFACT_TYPE_NOTARY_SIGNATURE, digest: digestOf(enc('{}')), size: 2 },
        layers: [layer],
        subject,
        annotations: { n: String(n) },
      }
    : {
        schemaVersion: 2,
        mediaType: MEDIA_TYPE_OCI_MANIFEST,
        artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE,
        config: { mediaType: MEDIA_TYPE_EMPTY, digest: digestOf(enc('{}')), size: 2, data: 'e30=' },
        layers: [layer],
        subject,
        annotations: { n: String(n) },
      };
  return enc(JSON.stringify(doc));
}

async function rejection(promise: Promise<unknown>): Promise<OciError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OciError);
    return error as OciError;
  }
  throw new Error('expected a rejection');
}

describe('RemoteRepository construction and scheme choice', () => {
  it('uses https for a remote registry, http for loopback, http everywhere with plainHttp', () => {
    const client = new RegistryClient();
    expect(client.baseUrl('reg.example').protocol).toBe('https:');
    expect(client.baseUrl('127.0.0.1:5000').protocol).toBe('http:');
    expect(client.baseUrl('localhost:5000').protocol).toBe('http:');
    expect(client.baseUrl('[::1]:5000').protocol).toBe('http:');
    expect(new RegistryClient({ plainHttp: true }).baseUrl('reg.example').protocol).toBe('http:');
    expect(new RegistryClient({ plainHttp: false }).baseUrl('127.0.0.1:5000').protocol).toBe('https:');
  });
  it('takes a reference or registry + repository, and validates them', () => {
    expect(new RemoteRepository({ reference: 'reg.example/a/b:v1' }).name).toBe('reg.example/a/b');
    expect(new RemoteRepository({ registry: 'reg.example', repository: 'a/b' }).name).toBe('reg.example/a/b');
    expect(() => new RemoteRepository({ registry: 'reg.example', repository: 'A' })).toThrow(/lowercase/);
    expect(() => new RemoteRepository({})).toThrow(OciError);
    expect(() => new RegistryClient({ retry: { attempts: 0 } })).toThrow(RangeError);
  });
});

describe('resolve and fetch', () => {
  it('resolves a tag with HEAD and Docker-Content-Digest', async () => {
    const { registry, repo } = setup();
    const { descriptor } = imageManifest(registry);
    expect(await repo.resolve('v1')).toEqual(descriptor);
    const heads = registry.requestsTo('/manifests/v1', 'HEAD');
    expect(heads).toHaveLength(1);
    expect(heads[0]!.headers.get('accept')).toContain(MEDIA_TYPE_OCI_MANIFEST);
    expect(heads[0]!.headers.get('accept')).toContain('application/vnd.docker.distribution.manifest.v2+json');
    expect(registry.requestsTo('/manifests/', 'GET')).toHaveLength(0);
  });
  it('accepts a full reference of the same repository, refuses another one', async () => {
    const { registry, repo } = setup();
    const { descriptor } = imageManifest(registry);
    expect(await repo.resolve(`${registry.host}/app/net-monitor:v1`)).toEqual(descriptor);
    expect((await rejection(repo.resolve(`${registry.host}/other:v1`))).code).toBe('ERR_OCI_REFERENCE_INVALID');
  });
  it('falls back to GET when HEAD gives no digest, and hashes the body', async () => {
    const { registry, repo } = setup({ headWithoutDigest: true });
    const { descriptor } = imageManifest(registry);
    expect(await repo.resolve('v1')).toEqual(descriptor);
    expect(registry.requestsTo('/manifests/v1', 'GET')).toHaveLength(1);
  });
  it('rejects a HEAD digest that is not the one asked for (ERR_OCI_DIGEST_MISMATCH)', async () => {
    const other = `sha256:${'c'.repeat(64)}`;
    const { registry, repo } = setup({
      intercept: (req) =>
        req.method === 'HEAD'
          ? new Response(null, {
              headers: {
                'docker-content-digest': other,
                'content-length': '2',
                'content-type': MEDIA_TYPE_OCI_MANIFEST,
              },
            })
          : undefined,
    });
    const { descriptor } = imageManifest(registry);
    expect((await rejection(repo.resolve(descriptor.digest))).code).toBe('ERR_OCI_DIGEST_MISMATCH');
  });
  it('unknown tag → ERR_OCI_NOT_FOUND', async () => {
    const { repo } = setup();
    const error = await rejection(repo.fetchManifest('nope'));
    expect(error.code).toBe('ERR_OCI_NOT_FOUND');
    expect(error.registryErrors[0]?.code).toBe('MANIFEST_UNKNOWN');
    expect((await rejection(repo.resolve('nope'))).code).toBe('ERR_OCI_NOT_FOUND');
  });
  it('fetches a manifest by tag, digest and descriptor, verified', async () => {
    const { registry, repo } = setup();
    const { bytes, descriptor } = imageManifest(registry);
    expect(await repo.fetchManifest('v1')).toEqual({ descriptor, bytes });
    expect(await repo.fetchManifest(descriptor.digest)).toEqual({ descriptor, bytes });
    const withAnnotations = { ...descriptor, annotations: { a: 'b' } };
    expect((await repo.fetchManifest(withAnnotations)).descriptor).toBe(withAnnotations);
    const get = registry.requestsTo(`/manifests/${descriptor.digest}`, 'GET').at(-1)!;
    expect(get.headers.get('accept')).toBe(MEDIA_TYPE_OCI_MANIFEST);
  });
  it('OCI-9: a manifest body that does not match the descriptor is ERR_OCI_DIGEST_MISMATCH', async () => {
    const { registry, repo } = setup({
      intercept: (req, url) =>
        req.method === 'GET' && url.pathname.includes('/manifests/')
          ? new Response('{"schemaVersion":2,"tampered":true}', {
              headers: { 'content-type': MEDIA_TYPE_OCI_MANIFEST },
            })
          : undefined,
    });
    const { descriptor } = imageManifest(registry);
    expect((await rejection(repo.fetchManifest(descriptor))).code).toBe('ERR_OCI_DIGEST_MISMATCH');
    expect((await rejection(repo.fetchManifest(descriptor.digest))).code).toBe('ERR_OCI_DIGEST_MISMATCH');
  });
  it('OCI-9: a manifest over 4 MiB is ERR_OCI_TOO_LARGE, by descriptor without a request', async () => {
    const { registry, repo } = setup({
      intercept: (_req, url) =>
        url.pathname.endsWith('/manifests/big')
          ? new Response(new Uint8Array(4 * 1024 * 1024 + 1), { headers: { 'content-type': MEDIA_TYPE_OCI_MANIFEST } })
          : undefined,
    });
    expect((await rejection(repo.fetchManifest('big'))).code).toBe('ERR_OCI_TOO_LARGE');
    const before = registry.requests.length;
    expect(
      (
        await rejection(
          repo.fetchManifest({
            mediaType: MEDIA_TYPE_OCI_MANIFEST,
            digest: `sha256:${'d'.repeat(64)}`,
            size: 4 * 1024 * 1024 + 1,
          }),
        )
      ).code,
    ).toBe('ERR_OCI_TOO_LARGE');
    expect(registry.requests.length).toBe(before);
  });
  it("a served media type other than the descriptor's is ERR_OCI_UNSUPPORTED_MEDIA_TYPE", async () => {
    const { registry, repo } = setup();
    const { descriptor } = imageManifest(registry);
    expect((await rejection(repo.fetchManifest({ ...descriptor, mediaType: MEDIA_TYPE_OCI_INDEX }))).code).toBe(
      'ERR_OCI_UNSUPPORTED_MEDIA_TYPE',
    );
  });
  it('OCI-9: fetches blobs verified, capped at 32 MiB by default or maxBytes', async () => {
    const { registry, repo } = setup();
    const blob = enc('envelope');
    registry.blobs.set(digestOf(blob), blob);
    const descriptor = { mediaType: 'application/jose+json', digest: digestOf(blob), size: blob.byteLength };
    expect(await repo.fetchBlob(descriptor)).toEqual(blob);
    expect((await rejection(repo.fetchBlob({ ...descriptor, size: 3 }))).code).toBe('ERR_OCI_DIGEST_MISMATCH');
    expect((await rejection(repo.fetchBlob(descriptor, { maxBytes: 4 }))).code).toBe('ERR_OCI_TOO_LARGE');
    expect((await rejection(repo.fetchBlob({ ...descriptor, size: 32 * 1024 * 1024 + 1 }))).code).toBe(
      'ERR_OCI_TOO_LARGE',
    );
    expect((await rejection(repo.fetchBlob({ ...descriptor, digest: digestOf(enc('x')) }))).code).toBe(
      'ERR_OCI_NOT_FOUND',
    );
  });
});

describe('pushing blobs', () => {
  for (const location of ['relative', 'absolute', 'relative-with-query'] as const) {
    it(`POST then PUT ?digest= following a ${location} Location`, async () => {
      const { registry, repo } = setup({ location });
      const blob = enc(`blob-${location}`);
      const descriptor = await repo.pushBlob(blob, 'application/octet-stream');
      expect(descriptor).toEqual({
        mediaType: 'application/octet-stream',
        digest: digestOf(blob),
        size: blob.byteLength,
      });
      expect(registry.blobs.get(descriptor.digest)).toEqual(blob);
      const put = registry.requests.find((r) => r.method === 'PUT')!;
      expect(put.url.searchParams.get('digest')).toBe(descriptor.digest);
      if (location === 'relative-with-query') {
        expect(put.url.searchParams.get('_state')).toBe('abc==');
        expect(put.url.searchParams.get('x')).toBe('1');
      }
      expect(put.headers.get('content-type')).toBe('application/octet-stream');
    });
  }
  it('skips a blob the registry has (HEAD only)', async () => {
    const { registry, repo } = setup();
    const blob = enc('present');
    registry.blobs.set(digestOf(blob), blob);
    await repo.pushBlob(blob, 'application/octet-stream');
    expect(registry.requests.map((r) => r.method)).toEqual(['HEAD']);
  });
  it('mounts across repositories (201)', async () => {
    const { registry, repo } = setup({ mount: true });
    const blob = enc('shared');
    registry.blobs.set(digestOf(blob), blob);
    // HEAD in this repository misses (the mock's blobs are global, so intercept it).
    registry.options.intercept = (req) => (req.method === 'HEAD' ? new Response(null, { status: 404 }) : undefined);
    await repo.pushBlob(blob, 'application/octet-stream', { mountFrom: 'base/image' });
    const post = registry.requests.find((r) => r.method === 'POST')!;
    expect(post.url.searchParams.get('mount')).toBe(digestOf(blob));
    expect(post.url.searchParams.get('from')).toBe('base/image');
    expect(registry.requests.some((r) => r.method === 'PUT')).toBe(false);
  });
  it('falls back to the upload when a mount answers 202', async () => {
    const { registry, repo } = setup({ mount: false });
    const blob = enc('not-mountable');
    await repo.pushBlob(blob, 'application/octet-stream', { mountFrom: 'base/image' });
    expect(registry.requests.map((r) => r.method)).toEqual(['HEAD', 'POST', 'PUT']);
    expect(registry.blobs.get(digestOf(blob))).toEqual(blob);
  });
  it('sends no credentials to an upload Location on another host', async () => {
    const { registry, repo } = setup(
      { location: 'other-origin', auth: 'basic', username: 'u', password: 'p', intercept: undefined },
      { credentials: staticCredentials({ 'reg.example': { username: 'u', password: 'p' } }) },
    );
    registry.options.intercept = async (req, url) => {
      if (url.host !== 'upload.example') return undefined;
      const bytes = new Uint8Array(await req.arrayBuffer());
      registry.blobs.set(url.searchParams.get('digest')!, bytes);
      return new Response(null, { status: 201 });
    };
    await repo.pushBlob(enc('elsewhere'), 'application/octet-stream');
    const put = registry.requests.find((r) => r.method === 'PUT')!;
    expect(put.url.host).toBe('upload.example');
    expect(put.url.searchParams.get('sig')).toBe('s+1');
    expect(put.authorization).toBeNull();
    expect(registry.requests.find((r) => r.method === 'POST')!.authorization).toMatch(/^Basic /);
  });
});

describe('manifests, tags, delete', () => {
  it('pushes a manifest by digest and by tag, lists tags across Link pages', async () => {
    const { registry, repo } = setup({ tagsPageSize: 2 });
    const bytes = enc(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPE_OCI_MANIFEST,
        config: { mediaType: MEDIA_TYPE_EMPTY, digest: digestOf(enc('{}')), size: 2 },
        layers: [],
      }),
    );
    const d1 = await repo.pushManifest(bytes, MEDIA_TYPE_OCI_MANIFEST);
    expect(registry.requests.at(-1)!.url.pathname).toBe(`/v2/app/net-monitor/manifests/${d1.digest}`);
    await repo.pushManifest(bytes, MEDIA_TYPE_OCI_MANIFEST, { tag: 'a' });
    expect(registry.requests.at(-1)!.url.pathname).toBe('/v2/app/net-monitor/manifests/a');
    expect(registry.requests.at(-1)!.headers.get('content-type')).toBe(MEDIA_TYPE_OCI_MANIFEST);
    for (const t of ['b', 'c', 'd', 'e']) await repo.tag(d1, t);
    expect(await repo.tags()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(registry.requestsTo('/tags/list')).toHaveLength(3);
  });
  it('tags of an unknown repository → ERR_OCI_NOT_FOUND (NAME_UNKNOWN)', async () => {
    const { repo } = setup();
    const error = await rejection(repo.tags());
    expect(error.code).toBe('ERR_OCI_NOT_FOUND');
    expect(error.registryErrors[0]?.code).toBe('NAME_UNKNOWN');
  });
  it('deletes by digest, never by tag', async () => {
    const { registry, repo } = setup({ referrersApi: true });
    const { descriptor } = imageManifest(registry);
    await repo.deleteManifest(descriptor);
    const deletes = registry.requests.filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.url.pathname)).toEqual([`/v2/app/net-monitor/manifests/${descriptor.digest}`]);
    expect((await rejection(repo.resolve('v1'))).code).toBe('ERR_OCI_NOT_FOUND');
    expect((await rejection(repo.deleteManifest(descriptor))).code).toBe('ERR_OCI_NOT_FOUND');
  });
  it('refuses an oversized manifest push (OCI-9)', async () => {
    const { registry, repo } = setup();
    expect(
      (await rejection(repo.pushManifest(new Uint8Array(4 * 1024 * 1024 + 1), MEDIA_TYPE_OCI_MANIFEST))).code,
    ).toBe('ERR_OCI_TOO_LARGE');
    expect(registry.requests).toHaveLength(0);
  });
});

describe('OCI-7 referrers API', () => {
  it('lists referrers, filters client-side by artifactType, follows Link pages, remembers support', async () => {
    const { registry, repo } = setup({ referrersApi: true, referrersPageSize: 2 });
    const { descriptor: subject } = imageManifest(registry);
    for (let n = 0; n < 3; n++) await repo.pushManifest(signatureManifest(subject, n), MEDIA_TYPE_OCI_MANIFEST);
    const other = enc(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPE_OCI_MANIFEST,
        artifactType: 'application/x-sbom',
        config: { mediaType: MEDIA_TYPE_EMPTY, digest: digestOf(enc('{}')), size: 2 },
        layers: [],
        subject,
      }),
    );
    await repo.pushManifest(other, MEDIA_TYPE_OCI_MANIFEST);
    expect(repo.referrersCapability).toBe(true); // OCI-Subject came back on push
    expect(registry.requestsTo('/tags/list')).toHaveLength(0);
    const all = await repo.referrers(subject);
    expect(all).toHaveLength(4);
    const sigs = await repo.referrers(subject, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE });
    expect(sigs).toHaveLength(3);
    expect(sigs.every((d) => d.artifactType === ARTIFACT_TYPE_NOTARY_SIGNATURE && d.annotations?.n !== undefined)).toBe(
      true,
    );
    const calls = registry.requestsTo('/referrers/');
    expect(calls.some((r) => r.url.searchParams.get('artifactType') === ARTIFACT_TYPE_NOTARY_SIGNATURE)).toBe(true);
    expect(calls.filter((r) => r.url.searchParams.get('page') === '1').length).toBe(2); // a second page each time
    expect(registry.requestsTo('/manifests/sha256-')).toHaveLength(0); // never the tag schema
  });
  it('trusts OCI-Filters-Applied and does not filter again', async () => {
    const { registry, repo } = setup({ referrersApi: true, filterReferrers: true });
    const { descriptor: subject } = imageManifest(registry);
    await repo.pushManifest(signatureManifest(subject, 1), MEDIA_TYPE_OCI_MANIFEST);
    // A server that claims to have filtered is believed: its answer is returned as is.
    registry.options.intercept = (_req, url) =>
      url.pathname.includes('/referrers/')
        ? new Response(
            JSON.stringify({
              schemaVersion: 2,
              mediaType: MEDIA_TYPE_OCI_INDEX,
              manifests: [
                { mediaType: MEDIA_TYPE_OCI_MANIFEST, digest: subject.digest, size: 1, artifactType: 'x/other' },
              ],
            }),
            {
              headers: { 'content-type': MEDIA_TYPE_OCI_INDEX, 'oci-filters-applied': 'artifactType' },
            },
          )
        : undefined;
    expect(await repo.referrers(subject, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE })).toHaveLength(1);
    registry.options.intercept = (_req, url) =>
      url.pathname.includes('/referrers/')
        ? new Response(
            JSON.stringify({
              schemaVersion: 2,
              mediaType: MEDIA_TYPE_OCI_INDEX,
              manifests: [
                { mediaType: MEDIA_TYPE_OCI_MANIFEST, digest: subject.digest, size: 1, artifactType: 'x/other' },
              ],
            }),
            {
              headers: { 'content-type': MEDIA_TYPE_OCI_INDEX },
            },
          )
        : undefined;
    expect(await repo.referrers(subject, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE })).toHaveLength(0);
  });
  it('a 404 NAME_UNKNOWN is not "unsupported": it surfaces as ERR_OCI_NOT_FOUND', async () => {
    const { repo } = setup({ referrersApi: true });
    const error = await rejection(
      repo.referrers({ mediaType: MEDIA_TYPE_OCI_MANIFEST, digest: digestOf(enc('x')), size: 1 }),
    );
    expect(error.code).toBe('ERR_OCI_NOT_FOUND');
    expect(repo.referrersCapability).toBeUndefined();
  });
});

describe('OCI-8 referrers tag schema fallback', () => {
  it('falls back on 404, remembers it per registry, and maintains the sha256-<hex> index', async () => {
    const { registry, repo } = setup({ referrersApi: false });
    const { descriptor: subject } = imageManifest(registry);
    expect(await repo.referrers(subject)).toEqual([]);
    expect(registry.requestsTo('/referrers/')).toHaveLength(1);
    expect(repo.referrersCapability).toBe(false);
    // Another repository object on the same client shares the knowledge.
    const sibling = new RemoteRepository({
      registry: registry.host,
      repository: 'app/net-monitor',
      client: repo.client,
    });
    expect(await sibling.referrers(subject)).toEqual([]);
    expect(registry.requestsTo('/referrers/')).toHaveLength(1);

    const tag = subject.digest.replace(':', '-');
    const s1 = await repo.pushManifest(signatureManifest(subject, 1), MEDIA_TYPE_OCI_MANIFEST);
    const index1 = registry.tags.get('app/net-monitor')!.get(tag)!;
    const s2 = await repo.pushManifest(signatureManifest(subject, 2, true), MEDIA_TYPE_OCI_MANIFEST);
    const index2 = registry.tags.get('app/net-monitor')!.get(tag)!;
    expect(index2).not.toBe(index1);
    // The stale index was deleted by digest.
    expect(registry.manifests.has(index1)).toBe(false);
    expect(registry.requests.filter((r) => r.method === 'DELETE').map((r) => r.url.pathname)).toEqual([
      `/v2/app/net-monitor/manifests/${index1}`,
    ]);
    const index = JSON.parse(new TextDecoder().decode(registry.manifests.get(index2)!.bytes)) as {
      mediaType: string;
      manifests: Descriptor[];
    };
    expect(index.mediaType).toBe(MEDIA_TYPE_OCI_INDEX);
    expect(index.manifests.map((d) => d.digest)).toEqual([s1.digest, s2.digest]);
    // The legacy form is listed by its config media type (OCI-3), both with annotations.
    expect(index.manifests.map((d) => d.artifactType)).toEqual([
      ARTIFACT_TYPE_NOTARY_SIGNATURE,
      ARTIFACT_TYPE_NOTARY_SIGNATURE,
    ]);
    expect(index.manifests.map((d) => d.annotations?.n)).toEqual(['1', '2']);

    const found = await repo.referrers(subject, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE });
    expect(found.map((d) => d.digest)).toEqual([s1.digest, s2.digest]);
    expect(await repo.referrers(subject, { artifactType: 'application/x-other' })).toEqual([]);
    expect(registry.requestsTo('/referrers/')).toHaveLength(1);

    // Pushing the same signature again changes nothing.
    const writes = registry.requests.filter((r) => r.method === 'PUT').length;
    await repo.pushManifest(signatureManifest(subject, 2, true), MEDIA_TYPE_OCI_MANIFEST);
    expect(registry.requests.filter((r) => r.method === 'PUT').length).toBe(writes + 1);

    // Deleting a signature removes it from the index.
    await repo.deleteManifest(s1);
    expect((await repo.referrers(subject)).map((d) => d.digest)).toEqual([s2.digest]);
    await repo.deleteManifest(s2);
    expect(await repo.referrers(subject)).toEqual([]);
    expect(registry.tags.get('app/net-monitor')!.has(tag)).toBe(false);
  });
  it('a non-index answer of the referrers API also means "unsupported"', async () => {
    const { registry, repo } = setup({
      intercept: (_req, url) =>
        url.pathname.includes('/referrers/')
          ? new Response('{}', { headers: { 'content-type': 'application/json' } })
          : undefined,
    });
    const { descriptor: subject } = imageManifest(registry);
    expect(await repo.referrers(subject)).toEqual([]);
    expect(repo.referrersCapability).toBe(false);
  });
  it('uses If-Match with the ETag read, and starts over on 412', async () => {
    const { registry, repo } = setup({ etags: true }, { referrersCapability: false });
    const { descriptor: subject } = imageManifest(registry);
    await repo.pushManifest(signatureManifest(subject, 1), MEDIA_TYPE_OCI_MANIFEST);
    const tag = subject.digest.replace(':', '-');
    let raced = false;
    const original = registry.handle.bind(registry);
    registry.options.intercept = (req, url) => {
      if (!raced && req.method === 'PUT' && url.pathname.endsWith(`/manifests/${tag}`)) {
        raced = true;
        expect(req.headers.get('if-match')).toBe(`"${registry.tags.get('app/net-monitor')!.get(tag)}"`);
        return new Response(null, { status: 412 });
      }
      return undefined;
    };
    void original;
    await repo.pushManifest(signatureManifest(subject, 2), MEDIA_TYPE_OCI_MANIFEST);
    expect(raced).toBe(true);
    expect(await repo.referrers(subject)).toHaveLength(2);
    expect(registry.requestsTo(`/manifests/${tag}`, 'PUT')).toHaveLength(3); // first index, 412, retry
  });
  it('a failed deletion of the stale index is a typed ReferrersError (deleteReferrersIndex)', async () => {
    const { registry, repo } = setup({ deleteDisabled: true });
    const { descriptor: subject } = imageManifest(registry);
    await repo.pushManifest(signatureManifest(subject, 1), MEDIA_TYPE_OCI_MANIFEST);
    let caught: unknown;
    try {
      await repo.pushManifest(signatureManifest(subject, 2), MEDIA_TYPE_OCI_MANIFEST);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ReferrersError);
    const error = caught as ReferrersError;
    expect(error.op).toBe('deleteReferrersIndex');
    expect(error.isReferrersIndexDelete).toBe(true);
    expect(error.code).toBe('ERR_OCI_REGISTRY');
    expect(error.status).toBe(405);
    expect(error.subject.digest).toBe(subject.digest);
    // The new index is in place nevertheless.
    expect(await repo.referrers(subject)).toHaveLength(2);
  });
  it('a tag-schema tag that points at something other than an index is replaced but never deleted', async () => {
    const { registry, repo } = setup({}, { referrersCapability: false });
    const { descriptor: subject, bytes } = imageManifest(registry);
    registry.putManifest('app/net-monitor', bytes, MEDIA_TYPE_OCI_MANIFEST, subject.digest.replace(':', '-'));
    await repo.pushManifest(signatureManifest(subject, 1), MEDIA_TYPE_OCI_MANIFEST);
    expect(registry.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
    expect(registry.manifests.has(subject.digest)).toBe(true);
    expect(await repo.referrers(subject)).toHaveLength(1);
  });
  it('skipReferrersGc keeps the stale index', async () => {
    const { registry, repo } = setup({}, { skipReferrersGc: true });
    const { descriptor: subject } = imageManifest(registry);
    await repo.pushManifest(signatureManifest(subject, 1), MEDIA_TYPE_OCI_MANIFEST);
    await repo.pushManifest(signatureManifest(subject, 2), MEDIA_TYPE_OCI_MANIFEST);
    expect(registry.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
  });
});

describe('authentication', () => {
  it('Basic: answers the challenge, then sends credentials up front to the registry only', async () => {
    const { registry, repo } = setup(
      { auth: 'basic', username: 'u', password: 'p' },
      { credentials: staticCredentials({ 'reg.example': { username: 'u', password: 'p' } }) },
    );
    const { descriptor } = imageManifest(registry);
    expect(await repo.resolve('v1')).toEqual(descriptor);
    expect(registry.requests.map((r) => r.authorization === null)).toEqual([true, false]);
    await repo.resolve('v1');
    expect(registry.requests).toHaveLength(3);
    expect(registry.requests[2]!.authorization).toBe(`Basic ${btoa('u:p')}`);
  });
  it('Basic: the credential provider is asked once, not per request', async () => {
    let calls = 0;
    const { registry, repo } = setup(
      { auth: 'basic', username: 'u', password: 'p' },
      {
        credentials: async (host) => {
          calls++;
          return host === 'reg.example' ? { username: 'u', password: 'p' } : undefined;
        },
      },
    );
    imageManifest(registry);
    for (let i = 0; i < 4; i++) await repo.resolve('v1');
    expect(calls).toBe(1);
    expect(registry.requests).toHaveLength(5);
  });
  it('Basic with wrong credentials or none → ERR_OCI_UNAUTHORIZED', async () => {
    const wrong = setup(
      { auth: 'basic', username: 'u', password: 'p' },
      { credentials: staticCredentials({ 'reg.example': { username: 'u', password: 'bad' } }) },
    );
    const e1 = await rejection(wrong.repo.resolve('v1'));
    expect(e1.code).toBe('ERR_OCI_UNAUTHORIZED');
    expect(e1.status).toBe(401);
    expect(e1.registryErrors[0]?.code).toBe('UNAUTHORIZED');
    const anonymous = setup({ auth: 'basic', username: 'u', password: 'p' });
    expect((await rejection(anonymous.repo.resolve('v1'))).code).toBe('ERR_OCI_UNAUTHORIZED');
  });
  it('Bearer: one token per scope set, cached across calls', async () => {
    const { registry, repo } = setup(
      { auth: 'bearer', tokenRealm: 'https://auth.example/token', username: 'u', password: 'p' },
      { credentials: staticCredentials({ 'reg.example': { username: 'u', password: 'p' } }) },
    );
    const { descriptor } = imageManifest(registry);
    await repo.resolve('v1');
    await repo.fetchManifest('v1');
    await repo.resolve(descriptor.digest);
    expect(registry.tokenRequests).toHaveLength(1);
    const tokenRequest = registry.tokenRequests[0]!;
    expect(tokenRequest.method).toBe('GET');
    expect(tokenRequest.authorization).toBe(`Basic ${btoa('u:p')}`);
    expect(tokenRequest.url.searchParams.get('service')).toBe('mock');
    expect(tokenRequest.url.searchParams.getAll('scope')).toEqual(['repository:app/net-monitor:pull']);
    // Push needs pull,push: a second token.
    await repo.pushManifest(enc('{"schemaVersion":2}'), MEDIA_TYPE_OCI_MANIFEST);
    expect(registry.tokenRequests).toHaveLength(2);
    expect(registry.tokenRequests[1]!.url.searchParams.getAll('scope')).toEqual([
      'repository:app/net-monitor:pull,push',
    ]);
    await repo.pushManifest(enc('{"schemaVersion":2,"x":1}'), MEDIA_TYPE_OCI_MANIFEST);
    await repo.resolve('v1');
    expect(registry.tokenRequests).toHaveLength(2);
    // Credentials went to the realm, never to the registry as Basic.
    expect(registry.requests.every((r) => !r.authorization?.startsWith('Basic'))).toBe(true);
  });
  it('Bearer: anonymous token without credentials; wrong credentials → ERR_OCI_UNAUTHORIZED', async () => {
    const anon = setup({ auth: 'bearer', tokenRealm: 'https://auth.example/token', username: 'u', password: 'p' });
    imageManifest(anon.registry);
    await anon.repo.resolve('v1');
    expect(anon.registry.tokenRequests[0]!.authorization).toBeNull();
    const wrong = setup(
      { auth: 'bearer', tokenRealm: 'https://auth.example/token', username: 'u', password: 'p' },
      { credentials: staticCredentials({ 'reg.example': { username: 'u', password: 'x' } }) },
    );
    const error = await rejection(wrong.repo.resolve('v1'));
    expect(error.code).toBe('ERR_OCI_UNAUTHORIZED');
  });
  it('Bearer: a refresh token goes through the OAuth2 POST form; an access token is used as is', async () => {
    const { registry, repo } = setup(
      { auth: 'bearer', tokenRealm: 'https://auth.example/token' },
      { credentials: staticCredentials({ 'reg.example': { refreshToken: 'r-123' } }), clientId: 'tests' },
    );
    imageManifest(registry);
    await repo.resolve('v1');
    const post = registry.tokenRequests[0]!;
    expect(post.method).toBe('POST');
    expect(post.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(registry.requests.at(-1)!.authorization).toBe('Bearer oauth-1');
    const direct = setup(
      { auth: 'bearer', tokenRealm: 'https://auth.example/token' },
      { credentials: staticCredentials({ 'reg.example': { accessToken: 'given' } }) },
    );
    imageManifest(direct.registry);
    await direct.repo.resolve('v1');
    expect(direct.registry.tokenRequests).toHaveLength(0);
    expect(direct.registry.requests.at(-1)!.authorization).toBe('Bearer given');
  });
  it('refuses a plain-HTTP token realm on a remote host (ERR_OCI_REFUSED)', async () => {
    const { registry, repo } = setup({ auth: 'bearer', tokenRealm: 'http://auth.example/token' });
    imageManifest(registry);
    expect((await rejection(repo.resolve('v1'))).code).toBe('ERR_OCI_REFUSED');
    expect(registry.tokenRequests).toHaveLength(0);
  });
});

describe('redirects never carry credentials to another host', () => {
  it('follows a cross-origin blob redirect without Authorization, keeps it on the same origin', async () => {
    const blob = enc('redirected');
    const { registry, repo } = setup(
      { auth: 'basic', username: 'u', password: 'p' },
      { credentials: staticCredentials({ 'reg.example': { username: 'u', password: 'p' } }) },
    );
    registry.options.intercept = (req, url) => {
      if (url.host === 'storage.example')
        return new Response(blob as BodyInit, { headers: { 'content-length': String(blob.byteLength) } });
      if (url.pathname.includes('/blobs/sha256') && req.headers.get('authorization')) {
        return new Response(null, {
          status: 307,
          headers: { location: url.pathname.endsWith('same') ? '/same-origin' : 'https://storage.example/b?sig=1' },
        });
      }
      return undefined;
    };
    const got = await repo.fetchBlob({
      mediaType: 'application/octet-stream',
      digest: digestOf(blob),
      size: blob.byteLength,
    });
    expect(got).toEqual(blob);
    const storage = registry.requests.filter((r) => r.url.host === 'storage.example');
    expect(storage).toHaveLength(1);
    expect(storage[0]!.authorization).toBeNull();
    expect(registry.requests.filter((r) => r.url.host === 'reg.example').at(-1)!.authorization).toMatch(/^Basic /);
  });
  it('keeps Authorization across a same-origin redirect', async () => {
    const { registry, repo } = setup(
      { auth: 'basic', username: 'u', password: 'p' },
      { credentials: staticCredentials({ 'reg.example': { username: 'u', password: 'p' } }) },
    );
    imageManifest(registry);
    let redirected = false;
    registry.options.intercept = (req, url) => {
      if (!redirected && url.pathname.endsWith('/manifests/v1') && req.headers.get('authorization')) {
        redirected = true;
        return new Response(null, { status: 302, headers: { location: '/v2/app/net-monitor/manifests/v1?moved=1' } });
      }
      return undefined;
    };
    await repo.fetchManifest('v1');
    const moved = registry.requests.find((r) => r.url.searchParams.get('moved') === '1')!;
    expect(moved.authorization).toMatch(/^Basic /);
  });
  it('refuses a redirect that downgrades to plain HTTP on a remote host (ERR_OCI_REFUSED)', async () => {
    const { registry, repo } = setup({
      intercept: (_req, url) =>
        url.host === 'reg.example'
          ? new Response(null, { status: 302, headers: { location: 'http://mirror.example/x' } })
          : undefined,
    });
    expect((await rejection(repo.fetchManifest('v1'))).code).toBe('ERR_OCI_REFUSED');
    expect(registry.requests.some((r) => r.url.host === 'mirror.example')).toBe(false);
  });
});

describe('resilience', () => {
  it('retries 503 and 429 with backoff, then succeeds', async () => {
    let failures = 0;
    const { registry, repo } = setup({
      intercept: () => (failures++ < 2 ? new Response('busy', { status: failures === 1 ? 503 : 429 }) : undefined),
    });
    const { descriptor } = imageManifest(registry);
    expect(await repo.resolve('v1')).toEqual(descriptor);
    expect(registry.requests).toHaveLength(3);
  });
  it('gives up after the configured attempts with ERR_OCI_NETWORK carrying the status and codes', async () => {
    const { registry, repo } = setup(
      {
        intercept: () =>
          new Response(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'down' }] }), {
            status: 503,
            headers: { 'content-type': 'application/json' },
          }),
      },
      { retry: { attempts: 4, baseDelayMs: 1, minDelayMs: 1, maxDelayMs: 2 } },
    );
    const error = await rejection(repo.fetchManifest('v1'));
    expect(error.code).toBe('ERR_OCI_NETWORK');
    expect(error.status).toBe(503);
    expect(error.registryErrors[0]?.code).toBe('UNAVAILABLE');
    expect(registry.requests).toHaveLength(4);
  });
  it('does not retry a 4xx', async () => {
    const { registry, repo } = setup();
    await rejection(repo.fetchManifest('missing'));
    expect(registry.requests).toHaveLength(1);
  });
  it('retries network errors', async () => {
    let n = 0;
    const { registry, repo } = setup({
      intercept: () => {
        if (n++ === 0) throw new TypeError('fetch failed');
        return undefined;
      },
    });
    imageManifest(registry);
    await repo.resolve('v1');
    expect(registry.requests).toHaveLength(2);
    const down = setup({ intercept: () => Promise.reject(new TypeError('fetch failed')) });
    expect((await rejection(down.repo.resolve('v1'))).code).toBe('ERR_OCI_NETWORK');
    expect(down.registry.requests).toHaveLength(3);
  });
  it('a response slower than timeoutMs → ERR_OCI_NETWORK', async () => {
    const { registry, repo } = setup(
      {
        intercept: (req) =>
          new Promise<Response | undefined>((resolve, reject) => {
            const t = setTimeout(() => resolve(undefined), 2000);
            req.signal.addEventListener('abort', () => {
              clearTimeout(t);
              reject(req.signal.reason);
            });
          }),
      },
      { timeoutMs: 50, retry: { attempts: 2, baseDelayMs: 1, minDelayMs: 1, maxDelayMs: 1 } },
    );
    const started = Date.now();
    const error = await rejection(repo.resolve('v1'));
    expect(error.code).toBe('ERR_OCI_NETWORK');
    expect(error.message).toMatch(/within 50 ms/);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(registry.requests).toHaveLength(2);
  });
  it('an abort signal stops the request', async () => {
    const { repo } = setup({
      intercept: (req) =>
        new Promise((_, reject) => req.signal.addEventListener('abort', () => reject(req.signal.reason))),
    });
    const controller = new AbortController();
    const pending = repo.resolve('v1', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 20);
    expect((await rejection(pending)).code).toBe('ERR_OCI_NETWORK');
  });
  it('refuses plain HTTP to a non-loopback registry unless plainHttp is set', async () => {
    const registry = new MockRegistry({ origin: 'http://reg.example' });
    const strict = new RemoteRepository({
      reference: 'reg.example/app/x',
      fetch: registry.fetch,
      plainHttp: false,
      ...FAST,
    });
    // https is tried; the mock only answers on http, so the origin differs (502) — no plain-HTTP request is made.
    await rejection(strict.resolve('v1'));
    expect(registry.requests.every((r) => r.url.protocol === 'https:')).toBe(true);
    const insecure = new RemoteRepository({
      reference: 'reg.example/app/x',
      fetch: registry.fetch,
      plainHttp: true,
      ...FAST,
    });
    registry.putManifest('app/x', enc('{}'), MEDIA_TYPE_OCI_MANIFEST, 'v1');
    expect((await insecure.resolve('v1')).size).toBe(2);
  });
});
