/**
 * Proves the OCI test infrastructure itself (test/global-setup.ts and
 * test/fixtures/): the three distribution registry set-ups, the token
 * issuer, the referrers test registry, the fault proxy and its recorder, and
 * the seed image skopeo pushed. Plain `fetch` and skopeo only: no client code
 * of this package is used here.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildSet } from '@x/notary-test-servers/child-processes';
import {
  clearFault,
  faultState,
  proxyRequests,
  recordedHeaders,
  registryRequests,
  setFault,
  tokenRequests,
} from '@x/notary-test-servers/oci/control';
// The `inject('ociServers')` type: the global setup's ProvidedContext declaration.
import type {} from '@x/notary-test-servers/oci/global-setup';
import { startRegistry } from '@x/notary-test-servers/oci/registry';
import { type SkopeoRunner, skopeoRunner } from '@x/notary-test-servers/oci/seed';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';

const servers = inject('ociServers');
if (!servers)
  throw new Error(
    "ociServers was not provided: packages/oci/vitest.config.ts needs `globalSetup: ['test/global-setup.ts']`",
  );
const { seed } = servers;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const NOTARY = 'application/vnd.cncf.notary.signature';
const EMPTY = 'application/vnd.oci.empty.v1+json';
const ACCEPT = [OCI_MANIFEST, OCI_INDEX, 'application/vnd.docker.distribution.manifest.v2+json'].join(', ');
const MANIFEST_PATH = `/v2/${seed.repository}/manifests/${seed.tag}`;

const sha256 = (bytes: Uint8Array | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

let work: string;
const children = new ChildSet();
let skopeo: SkopeoRunner;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'notary-oci-fixtures-test-'));
  skopeo = await skopeoRunner(work, children);
});

afterAll(async () => {
  children.killAll();
  await rm(work, { recursive: true, force: true });
});

/** `skopeo inspect --raw` of the seed image at `host`. */
function inspectRaw(
  host: string,
  creds?: { username: string; password: string },
  reference = `${seed.repository}:${seed.tag}`,
) {
  const auth = creds ? ['--creds', `${creds.username}:${creds.password}`] : ['--no-creds'];
  return skopeo.run(['inspect', '--raw', '--tls-verify=false', ...auth, `docker://${host}/${reference}`], 30_000);
}

/** Pushes a blob to a registry with POST then PUT to the returned Location. */
async function pushBlob(
  base: string,
  name: string,
  bytes: Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
) {
  const post = await fetch(`${base}/v2/${name}/blobs/uploads/`, { method: 'POST', headers });
  expect(post.status).toBe(202);
  const location = post.headers.get('location')!;
  const put = new URL(location, `${base}/v2/${name}/blobs/uploads/`);
  put.searchParams.set('digest', sha256(bytes));
  const res = await fetch(put, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  expect(res.status).toBe(201);
  return { location, digest: sha256(bytes), size: bytes.length };
}

/** A Notary-style signature manifest (OCI 1.1 form) with `subject`. */
function signatureManifest(
  subject: { digest: string; size: number },
  config: { digest: string; size: number },
  layer: { digest: string; size: number },
  artifactType = NOTARY,
  n = 0,
) {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType,
    config: { mediaType: EMPTY, ...config },
    layers: [{ mediaType: 'application/jose+json', ...layer }],
    subject: { mediaType: OCI_MANIFEST, ...subject },
    annotations: {
      'io.cncf.notary.x509chain.thumbprint#S256': `["${'0'.repeat(63)}${n}"]`,
      'org.opencontainers.image.created': '2024-01-01T00:00:00Z',
    },
  });
}

describe('distribution 2.8.2, no auth', () => {
  const { url, host } = servers.registries.none;

  test('binds 127.0.0.1 and answers /v2/ with 200 and the CORS headers of http.headers', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/v2/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization, Content-Type, Accept/);
    for (const h of ['Docker-Content-Digest', 'Location', 'Link', 'OCI-Subject', 'WWW-Authenticate']) {
      expect(res.headers.get('access-control-expose-headers')).toContain(h);
    }
  });

  test('serves the seed image skopeo pushed, byte for byte (Docker-Content-Digest, ETag)', async () => {
    const res = await fetch(url + MANIFEST_PATH, { headers: { accept: ACCEPT } });
    expect(res.status).toBe(200);
    const body = await bytesOf(res);
    expect(sha256(body)).toBe(seed.digest);
    expect(body.length).toBe(seed.size);
    expect(res.headers.get('content-type')).toBe(OCI_MANIFEST);
    expect(res.headers.get('docker-content-digest')).toBe(seed.digest);
    expect(res.headers.get('etag')).toBe(`"${seed.digest}"`);
    const blob = await fetch(`${url}/v2/${seed.repository}/blobs/${seed.layer.digest}`);
    expect(sha256(await bytesOf(blob))).toBe(seed.layer.digest);
  });

  test('observed: GET of an OCI manifest without an OCI Accept header is 404 MANIFEST_UNKNOWN', async () => {
    const res = await fetch(url + MANIFEST_PATH);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      errors: [
        { code: 'MANIFEST_UNKNOWN', message: 'OCI manifest found, but accept header does not support OCI manifests' },
      ],
    });
  });

  test('OCI-8: no Referrers API: GET /v2/<name>/referrers/<digest> is a plain-text 404', async () => {
    const res = await fetch(`${url}/v2/${seed.repository}/referrers/${seed.digest}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('404 page not found\n');
  });

  test('observed: DELETE of a manifest by tag is 400 DIGEST_INVALID; by digest 202', async () => {
    const name = 'fixtures/delete';
    // Same manifest in another repository: mount both blobs, then PUT it by tag.
    for (const d of [seed.config.digest, seed.layer.digest]) {
      const mount = await fetch(`${url}/v2/${name}/blobs/uploads/?mount=${d}&from=${seed.repository}`, {
        method: 'POST',
      });
      expect(mount.status).toBe(201);
      expect(mount.headers.get('location')).toBe(`${url}/v2/${name}/blobs/${d}`);
    }
    const manifest = await bytesOf(await fetch(url + MANIFEST_PATH, { headers: { accept: ACCEPT } }));
    const put = await fetch(`${url}/v2/${name}/manifests/v1`, {
      method: 'PUT',
      headers: { 'content-type': OCI_MANIFEST },
      body: manifest,
    });
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(seed.digest);
    expect(put.headers.get('oci-subject')).toBeNull();

    const byTag = await fetch(`${url}/v2/${name}/manifests/v1`, { method: 'DELETE' });
    expect(byTag.status).toBe(400);
    expect(await byTag.json()).toEqual({
      errors: [{ code: 'DIGEST_INVALID', message: 'provided digest did not match uploaded content' }],
    });

    const byDigest = await fetch(`${url}/v2/${name}/manifests/${seed.digest}`, { method: 'DELETE' });
    expect(byDigest.status).toBe(202);
    const gone = await fetch(`${url}/v2/${name}/manifests/v1`, { headers: { accept: ACCEPT } });
    expect(gone.status).toBe(404);
    expect((await gone.json()).errors[0].code).toBe('MANIFEST_UNKNOWN');
  });

  test('observed: upload Location is absolute with a _state query; a single-POST upload (?digest=) is not honoured', async () => {
    const post = await fetch(`${url}/v2/fixtures/upload/blobs/uploads/`, { method: 'POST' });
    expect(post.status).toBe(202);
    expect(post.headers.get('location')).toMatch(
      new RegExp(`^${url}/v2/fixtures/upload/blobs/uploads/[0-9a-f-]{36}\\?_state=`),
    );
    expect(post.headers.get('range')).toBe('0-0');
    await fetch(post.headers.get('location')!, { method: 'DELETE' });
    const bytes = new TextEncoder().encode('single post');
    const single = await fetch(`${url}/v2/fixtures/upload/blobs/uploads/?digest=${sha256(bytes)}`, {
      method: 'POST',
      body: bytes,
    });
    expect(single.status).toBe(202); // an upload session, not 201: the client must go on with PUT
    expect((await fetch(`${url}/v2/fixtures/upload/blobs/${sha256(bytes)}`, { method: 'HEAD' })).status).toBe(404);
    const missing = await fetch(
      `${url}/v2/fixtures/upload/blobs/uploads/?mount=${sha256('absent')}&from=${seed.repository}`,
      { method: 'POST' },
    );
    expect(missing.status).toBe(202); // a failed mount falls back to an upload session
  });

  test('observed: tags/list ignores n and last (no Link) and is not sorted', async () => {
    const name = 'fixtures/tags';
    const { digest: cfg } = await pushBlob(url, name, new TextEncoder().encode('{}'));
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: EMPTY, digest: cfg, size: 2 },
      layers: [],
    });
    const tags = ['c', 'a', 'b', 'd', 'e'];
    for (const tag of tags) {
      expect(
        (
          await fetch(`${url}/v2/${name}/manifests/${tag}`, {
            method: 'PUT',
            headers: { 'content-type': OCI_MANIFEST },
            body,
          })
        ).status,
      ).toBe(201);
    }
    for (const query of ['', '?n=2', '?n=2&last=b']) {
      const page = await fetch(`${url}/v2/${name}/tags/list${query}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('link')).toBeNull();
      const listed = (await page.json()) as { name: string; tags: string[] };
      expect(listed.name).toBe(name);
      expect([...listed.tags].sort()).toEqual([...tags].sort());
    }
    const unknown = await fetch(`${url}/v2/fixtures/nothing-here/tags/list`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).errors[0].code).toBe('NAME_UNKNOWN');
  });

  test('observed, OCI-8: a manifest with subject is stored without OCI-Subject; artifact manifests and manifests over 4 MiB are 400 MANIFEST_INVALID', async () => {
    const name = 'fixtures/subject';
    const config = await pushBlob(url, name, new TextEncoder().encode('{}'));
    const layer = await pushBlob(url, name, new TextEncoder().encode('envelope'));
    const body = signatureManifest({ digest: seed.digest, size: seed.size }, config, layer);
    const put = await fetch(`${url}/v2/${name}/manifests/${sha256(body)}`, {
      method: 'PUT',
      headers: { 'content-type': OCI_MANIFEST },
      body,
    });
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(sha256(body));
    expect(put.headers.get('oci-subject')).toBeNull();
    // The tag-schema fallback index can be pushed under sha256-<hex>.
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: OCI_MANIFEST, digest: sha256(body), size: body.length, artifactType: NOTARY }],
    });
    const tagSchema = await fetch(`${url}/v2/${name}/manifests/${seed.digest.replace(':', '-')}`, {
      method: 'PUT',
      headers: { 'content-type': OCI_INDEX },
      body: index,
    });
    expect(tagSchema.status).toBe(201);

    const artifact = await fetch(`${url}/v2/${name}/manifests/artifact`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.oci.artifact.manifest.v1+json' },
      body: JSON.stringify({
        mediaType: 'application/vnd.oci.artifact.manifest.v1+json',
        artifactType: NOTARY,
        blobs: [],
      }),
    });
    expect(artifact.status).toBe(400);
    expect((await artifact.json()).errors[0].code).toBe('MANIFEST_INVALID');
    const big = body.slice(0, -1) + ' '.repeat(4 * 1024 * 1024) + '}';
    const tooBig = await fetch(`${url}/v2/${name}/manifests/big`, {
      method: 'PUT',
      headers: { 'content-type': OCI_MANIFEST },
      body: big,
    });
    expect(tooBig.status).toBe(400);
    expect(await tooBig.json()).toEqual({
      errors: [{ code: 'MANIFEST_INVALID', message: 'manifest invalid', detail: 'http: request body too large' }],
    });
  });

  test('skopeo inspect --raw reads the seed manifest', async () => {
    const raw = await inspectRaw(host);
    expect(sha256(raw)).toBe(seed.digest);
  });
});

describe('distribution 2.8.2, htpasswd Basic', () => {
  const { url, host, username, password } = servers.registries.basic;

  test('/v2/ is 401 with a Basic challenge without credentials, 200 with them, 401 with others', async () => {
    const anonymous = await fetch(`${url}/v2/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="notary-oci-test"');
    expect(anonymous.headers.get('access-control-allow-origin')).toBe('*');
    expect((await anonymous.json()).errors[0].code).toBe('UNAUTHORIZED');
    expect((await fetch(`${url}/v2/`, { headers: { authorization: basic(username, password) } })).status).toBe(200);
    expect((await fetch(`${url}/v2/`, { headers: { authorization: basic(username, 'wrong') } })).status).toBe(401);
    expect((await fetch(`${url}/v2/`, { headers: { authorization: basic('nobody', password) } })).status).toBe(401);
  });

  test('the seed manifest needs the credentials', async () => {
    expect((await fetch(url + MANIFEST_PATH, { headers: { accept: ACCEPT } })).status).toBe(401);
    const res = await fetch(url + MANIFEST_PATH, {
      headers: { accept: ACCEPT, authorization: basic(username, password) },
    });
    expect(res.status).toBe(200);
    expect(sha256(await bytesOf(res))).toBe(seed.digest);
  });

  test('skopeo inspect --raw with --creds works, with wrong ones fails', async () => {
    expect(sha256(await inspectRaw(host, { username, password }))).toBe(seed.digest);
    await expect(inspectRaw(host, { username, password: 'wrong' })).rejects.toThrow(
      /unauthorized|authentication required/i,
    );
  });
});

describe('distribution 2.8.2, token auth with the loopback token issuer', () => {
  const { url, host, username, password, readOnly, tokenIssuer } = servers.registries.token;
  const pullScope = `repository:${seed.repository}:pull`;

  async function getToken(query: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await fetch(`${tokenIssuer.realm}?${new URLSearchParams({ service: tokenIssuer.service, ...query })}`, {
      headers,
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  }

  test('401 with a Bearer challenge naming realm, service and scope', async () => {
    const ping = await fetch(`${url}/v2/`);
    expect(ping.status).toBe(401);
    expect(ping.headers.get('www-authenticate')).toBe(
      `Bearer realm="${tokenIssuer.realm}",service="${tokenIssuer.service}"`,
    );
    const res = await fetch(url + MANIFEST_PATH, { headers: { accept: ACCEPT } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer realm="${tokenIssuer.realm}",service="${tokenIssuer.service}",scope="${pullScope}"`,
    );
  });

  test('a token fetched with Basic credentials lets GET /v2/seed/app/manifests/v1 through; the issuer counts per scope', async () => {
    // The issuer is shared by every test file: count a scope of this test's own alongside.
    const marker = `repository:fixtures/token-count-${Date.now()}:pull`;
    const before = await tokenRequests(tokenIssuer.requestsUrl);
    const { status, body } = await getToken(
      { scope: [pullScope, marker].join(' '), account: username },
      { authorization: basic(username, password) },
    );
    expect(status).toBe(200);
    expect(body.token).toBe(body.access_token);
    expect(body.expires_in).toBe(300);
    const [header, claims] = body.token
      .split('.')
      .slice(0, 2)
      .map((p: string) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toMatchObject({ typ: 'JWT', alg: 'ES256' });
    expect(header.kid).toMatch(/^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
    expect(claims).toMatchObject({ iss: tokenIssuer.issuer, sub: username, aud: tokenIssuer.service });
    expect(claims.access[0]).toEqual({ type: 'repository', name: seed.repository, actions: ['pull'] });
    for (const c of ['exp', 'nbf', 'iat', 'jti']) expect(claims[c]).toBeDefined();

    const res = await fetch(url + MANIFEST_PATH, {
      headers: { accept: ACCEPT, authorization: `Bearer ${body.token}` },
    });
    expect(res.status).toBe(200);
    expect(sha256(await bytesOf(res))).toBe(seed.digest);
    // The same token again: no new token request.
    expect(
      (
        await fetch(url + MANIFEST_PATH, {
          method: 'HEAD',
          headers: { accept: ACCEPT, authorization: `Bearer ${body.token}` },
        })
      ).status,
    ).toBe(200);
    const after = await tokenRequests(tokenIssuer.requestsUrl);
    expect(after.byScope[marker]).toBe(1);
    expect(after.byScope[pullScope]).toBeGreaterThanOrEqual((before.byScope[pullScope] ?? 0) + 1);
    expect(after.entries.filter((e) => e.scopes.includes(marker))).toEqual([
      { method: 'GET', kind: 'basic', account: username, scopes: [pullScope, marker], status: 200 },
    ]);
  });

  test('refresh tokens (GET offline_token, OAuth2 POST password and refresh_token) give working tokens', async () => {
    const first = await getToken(
      { scope: pullScope, offline_token: 'true', client_id: 'fixtures' },
      { authorization: basic(username, password) },
    );
    expect(first.body.refresh_token).toEqual(expect.any(String));
    const viaGet = await getToken({ scope: pullScope, refresh_token: first.body.refresh_token });
    expect(viaGet.status).toBe(200);

    const form = (fields: Record<string, string>) =>
      fetch(tokenIssuer.realm, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ service: tokenIssuer.service, client_id: 'fixtures', ...fields }),
      });
    const password1 = await form({
      grant_type: 'password',
      username,
      password,
      scope: pullScope,
      access_type: 'offline',
    });
    expect(password1.status).toBe(200);
    const p1 = (await password1.json()) as Record<string, any>;
    expect(p1).toMatchObject({ token_type: 'Bearer', scope: pullScope, expires_in: 300 });
    const refreshed = await form({ grant_type: 'refresh_token', refresh_token: p1.refresh_token, scope: pullScope });
    expect(refreshed.status).toBe(200);
    const r1 = (await refreshed.json()) as Record<string, any>;
    expect((await form({ grant_type: 'password', username, password: 'wrong', scope: pullScope })).status).toBe(401);
    expect((await form({ grant_type: 'refresh_token', refresh_token: 'nope', scope: pullScope })).status).toBe(401);

    for (const token of [viaGet.body.token, p1.access_token, r1.access_token]) {
      expect(
        (
          await fetch(url + MANIFEST_PATH, {
            method: 'HEAD',
            headers: { accept: ACCEPT, authorization: `Bearer ${token}` },
          })
        ).status,
      ).toBe(200);
    }
    const counts = await tokenRequests(tokenIssuer.requestsUrl);
    for (const kind of ['refresh-get', 'oauth-password', 'oauth-refresh'])
      expect(counts.byKind[kind]).toBeGreaterThanOrEqual(1);
  });

  test('anonymous and read-only tokens are refused with insufficient_scope; bad credentials get no token', async () => {
    const anonymous = await getToken({ scope: pullScope });
    expect(anonymous.status).toBe(200);
    const denied = await fetch(url + MANIFEST_PATH, {
      headers: { accept: ACCEPT, authorization: `Bearer ${anonymous.body.token}` },
    });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toContain('error="insufficient_scope"');

    const pushScope = 'repository:fixtures/readonly:pull,push';
    const reader = await getToken({ scope: pushScope }, { authorization: basic(readOnly.username, readOnly.password) });
    const post = await fetch(`${url}/v2/fixtures/readonly/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${reader.body.token}` },
    });
    expect(post.status).toBe(401);
    // Observed: the order of the actions in the challenge's scope varies (distribution iterates a Go map).
    const challenge = post.headers.get('www-authenticate');
    expect(
      [pushScope, 'repository:fixtures/readonly:push,pull'].map(
        (scope) =>
          `Bearer realm="${tokenIssuer.realm}",service="${tokenIssuer.service}",scope="${scope}",error="insufficient_scope"`,
      ),
    ).toContain(challenge);

    expect((await getToken({ scope: pullScope }, { authorization: basic(username, 'wrong') })).status).toBe(401);
    expect((await getToken({ scope: pullScope, service: 'other' } as never)).status).toBe(400);
  });

  test('a tampered token is rejected with invalid_token', async () => {
    const { body } = await getToken({ scope: pullScope }, { authorization: basic(username, password) });
    const [h, c, s] = body.token.split('.');
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString());
    claims.sub = 'someone-else';
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    const res = await fetch(url + MANIFEST_PATH, { headers: { accept: ACCEPT, authorization: `Bearer ${forged}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  test('skopeo inspect --raw with --creds goes through the token flow', async () => {
    const before = await tokenRequests(tokenIssuer.requestsUrl);
    expect(sha256(await inspectRaw(host, { username, password }))).toBe(seed.digest);
    const after = await tokenRequests(tokenIssuer.requestsUrl);
    expect(after.byScope[pullScope]).toBeGreaterThan(before.byScope[pullScope] ?? 0);
  });

  test.each([
    ['x5c', 'RS256'],
    ['x5c', 'ES256'],
    ['kid', 'RS256'],
  ] as const)('distribution 2.8 also accepts tokens with a %s header signed %s', async (keyHeader, algorithm) => {
    const registry = await startRegistry({ auth: 'token', tokenIssuerOptions: { keyHeader, algorithm } });
    try {
      const issuer = registry.tokenIssuer!;
      const res = await fetch(`${issuer.realm}?service=${issuer.service}&scope=repository:x/y:pull`, {
        headers: { authorization: basic('user', 'pass') },
      });
      const { token } = (await res.json()) as { token: string };
      expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({
        alg: algorithm,
        ...(keyHeader === 'kid' ? { kid: issuer.keyId } : {}),
      });
      const probe = await fetch(`${registry.url}/v2/x/y/tags/list`, { headers: { authorization: `Bearer ${token}` } });
      // Past auth: the repository does not exist.
      expect(probe.status).toBe(404);
      expect((await probe.json()).errors[0].code).toBe('NAME_UNKNOWN');
    } finally {
      await registry.stop();
    }
  });
});

describe('referrers test registry (test double with the Referrers API)', () => {
  const { url, host, pageSize, requestsUrl } = servers.referrers;

  test('/v2/ is 200, and skopeo pushed and reads the seed image (POST, PATCH, PUT through relative Locations)', async () => {
    expect((await fetch(`${url}/v2/`)).status).toBe(200);
    expect(sha256(await inspectRaw(host))).toBe(seed.digest);
    const log = await registryRequests(requestsUrl);
    expect(log.some((r) => r.method === 'PATCH' && r.status === 202)).toBe(true);
  });

  test('uploads: the Location is relative and carries a _state query that must be followed; mounts across repositories', async () => {
    const name = 'fixtures/upload';
    const bytes = new TextEncoder().encode('a blob');
    const post = await fetch(`${url}/v2/${name}/blobs/uploads/`, { method: 'POST' });
    const location = post.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/v2/${name}/blobs/uploads/[0-9a-f-]{36}\\?_state=[\\w-]+$`));
    const withoutQuery = await fetch(`${url}${location.split('?')[0]}?digest=${sha256(bytes)}`, {
      method: 'PUT',
      body: bytes,
    });
    expect(withoutQuery.status).toBe(400);
    expect((await withoutQuery.json()).errors[0].code).toBe('BLOB_UPLOAD_INVALID');
    const put = await fetch(`${url}${location}&digest=${sha256(bytes)}`, { method: 'PUT', body: bytes });
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(sha256(bytes));
    const wrongDigest = await fetch(`${url}/v2/${name}/blobs/uploads/?digest=${sha256('other')}`, {
      method: 'POST',
      body: bytes,
    });
    expect(wrongDigest.status).toBe(400);
    expect((await wrongDigest.json()).errors[0].code).toBe('DIGEST_INVALID');

    const mount = await fetch(`${url}/v2/fixtures/mounted/blobs/uploads/?mount=${sha256(bytes)}&from=${name}`, {
      method: 'POST',
    });
    expect(mount.status).toBe(201);
    expect(mount.headers.get('location')).toBe(`/v2/fixtures/mounted/blobs/${sha256(bytes)}`);
    const head = await fetch(`${url}/v2/fixtures/mounted/blobs/${sha256(bytes)}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    const noSource = await fetch(`${url}/v2/fixtures/mounted2/blobs/uploads/?mount=${sha256('absent')}&from=${name}`, {
      method: 'POST',
    });
    expect(noSource.status).toBe(202); // falls back to an upload session, per spec
  });

  test('OCI-7, OCI-8: referrers with artifactType filtering, Link paging, and OCI-Subject on push', async () => {
    const name = 'fixtures/referrers';
    const subjectBytes = new TextEncoder().encode(await inspectRaw(host));
    // The subject: the seed manifest, copied into this repository.
    for (const d of [seed.config.digest, seed.layer.digest]) {
      expect(
        (await fetch(`${url}/v2/${name}/blobs/uploads/?mount=${d}&from=${seed.repository}`, { method: 'POST' })).status,
      ).toBe(201);
    }
    expect(
      (
        await fetch(`${url}/v2/${name}/manifests/${seed.tag}`, {
          method: 'PUT',
          headers: { 'content-type': OCI_MANIFEST },
          body: subjectBytes,
        })
      ).status,
    ).toBe(201);
    const subject = { digest: seed.digest, size: seed.size };
    const config = await pushBlob(url, name, new TextEncoder().encode('{}'));
    const digests: Record<string, string[]> = { [NOTARY]: [], 'application/example': [] };
    for (const [i, type] of [NOTARY, NOTARY, 'application/example', NOTARY].entries()) {
      const layer = await pushBlob(url, name, new TextEncoder().encode(`envelope ${i}`));
      const body = signatureManifest(subject, config, layer, type, i);
      const put = await fetch(`${url}/v2/${name}/manifests/${sha256(body)}`, {
        method: 'PUT',
        headers: { 'content-type': OCI_MANIFEST },
        body,
      });
      expect(put.status).toBe(201);
      expect(put.headers.get('oci-subject')).toBe(seed.digest);
      expect(put.headers.get('docker-content-digest')).toBe(sha256(body));
      digests[type]!.push(sha256(body));
    }

    async function all(path: string) {
      const pages: Array<{
        manifests: Array<{ digest: string; artifactType: string; annotations: Record<string, string> }>;
      }> = [];
      const filters: Array<string | null> = [];
      let next: string | undefined = path;
      while (next) {
        const res: Response = await fetch(new URL(next, url));
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe(OCI_INDEX);
        filters.push(res.headers.get('oci-filters-applied'));
        pages.push(await res.json());
        next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      }
      return { pages, filters, digests: pages.flatMap((p) => p.manifests.map((m) => m.digest)) };
    }

    const unfiltered = await all(`/v2/${name}/referrers/${seed.digest}`);
    expect(unfiltered.pages.map((p) => p.manifests.length)).toEqual([pageSize, 2]);
    expect(new Set(unfiltered.digests)).toEqual(new Set([...digests[NOTARY]!, ...digests['application/example']!]));
    expect(unfiltered.filters.every((f) => f === null)).toBe(true);
    expect(unfiltered.pages[0]!.manifests[0]!.annotations['org.opencontainers.image.created']).toBe(
      '2024-01-01T00:00:00Z',
    );

    const filtered = await all(`/v2/${name}/referrers/${seed.digest}?artifactType=${encodeURIComponent(NOTARY)}`);
    expect(filtered.pages.map((p) => p.manifests.length)).toEqual([2, 1]);
    expect(filtered.digests).toEqual(digests[NOTARY]);
    expect(filtered.filters).toEqual(['artifactType', 'artifactType']);
    expect(filtered.pages.flatMap((p) => p.manifests).every((m) => m.artifactType === NOTARY)).toBe(true);

    const none = await fetch(`${url}/v2/${name}/referrers/${sha256('no such subject')}`);
    expect(none.status).toBe(200);
    expect(await none.json()).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });

    // Deleting a referrer (by digest) removes it from the API.
    expect(
      (await fetch(`${url}/v2/${name}/manifests/${digests['application/example']![0]}`, { method: 'DELETE' })).status,
    ).toBe(202);
    expect((await all(`/v2/${name}/referrers/${seed.digest}`)).digests).toHaveLength(3);
  });

  test('manifests: tags with n/last Link paging, ETag and If-Match, missing blobs refused', async () => {
    const name = 'fixtures/manifests';
    const config = await pushBlob(url, name, new TextEncoder().encode('{}'));
    const manifest = (n: number) =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: EMPTY, ...config },
        layers: [],
        annotations: { n: String(n) },
      });
    for (const [i, tag] of ['c', 'a', 'b'].entries()) {
      expect(
        (
          await fetch(`${url}/v2/${name}/manifests/${tag}`, {
            method: 'PUT',
            headers: { 'content-type': OCI_MANIFEST },
            body: manifest(i),
          })
        ).status,
      ).toBe(201);
    }
    const page = await fetch(`${url}/v2/${name}/tags/list?n=2`);
    expect(await page.json()).toEqual({ name, tags: ['a', 'b'] });
    expect(page.headers.get('link')).toBe(`</v2/${name}/tags/list?n=2&last=b>; rel="next"`);
    expect(await (await fetch(`${url}/v2/${name}/tags/list?n=2&last=b`)).json()).toEqual({ name, tags: ['c'] });

    const head = await fetch(`${url}/v2/${name}/manifests/a`, { method: 'HEAD' });
    expect(head.headers.get('docker-content-digest')).toBe(sha256(manifest(1)));
    expect(head.headers.get('etag')).toBe(`"${sha256(manifest(1))}"`);
    const stale = await fetch(`${url}/v2/${name}/manifests/a`, {
      method: 'PUT',
      headers: { 'content-type': OCI_MANIFEST, 'if-match': `"${sha256('old')}"` },
      body: manifest(9),
    });
    expect(stale.status).toBe(412);
    const fresh = await fetch(`${url}/v2/${name}/manifests/a`, {
      method: 'PUT',
      headers: { 'content-type': OCI_MANIFEST, 'if-match': head.headers.get('etag')! },
      body: manifest(9),
    });
    expect(fresh.status).toBe(201);

    const missing = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: EMPTY, digest: sha256('nope'), size: 4 },
      layers: [],
    });
    const refused = await fetch(`${url}/v2/${name}/manifests/x`, {
      method: 'PUT',
      headers: { 'content-type': OCI_MANIFEST },
      body: missing,
    });
    expect(refused.status).toBe(400);
    expect((await refused.json()).errors[0].code).toBe('MANIFEST_BLOB_UNKNOWN');
    const unknown = await fetch(`${url}/v2/${name}/manifests/${sha256('nope')}`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).errors[0].code).toBe('MANIFEST_UNKNOWN');
  });
});

describe('fault proxy in front of the no-auth registry', () => {
  const { url, host, controlUrl, requestsUrl, recorder } = servers.faultProxy;
  // The proxy is shared by every test file: these faults have their own id and only match this file's repository.
  const name = 'fixtures/faults';
  const id = 'fixtures.test';
  const manifestPath = `/v2/${name}/manifests/${seed.tag}`;
  const blobPath = (digest: string) => `/v2/${name}/blobs/${digest}`;
  const getManifest = () => fetch(url + manifestPath, { headers: { accept: ACCEPT } });

  beforeAll(async () => {
    // A copy of the seed image under `name`, pushed through the proxy.
    for (const d of [seed.config.digest, seed.layer.digest]) {
      expect(
        (await fetch(`${url}/v2/${name}/blobs/uploads/?mount=${d}&from=${seed.repository}`, { method: 'POST' })).status,
      ).toBe(201);
    }
    const manifest = await bytesOf(await fetch(url + MANIFEST_PATH, { headers: { accept: ACCEPT } }));
    expect(
      (await fetch(url + manifestPath, { method: 'PUT', headers: { 'content-type': OCI_MANIFEST }, body: manifest }))
        .status,
    ).toBe(201);
  });

  afterAll(async () => {
    await clearFault(url, id);
  });

  test('passes through unchanged without a fault, keeping Locations on the proxy; skopeo works through it', async () => {
    await clearFault(url, id);
    const res = await getManifest();
    expect(sha256(await bytesOf(res))).toBe(seed.digest);
    const post = await fetch(`${url}/v2/${name}/blobs/uploads/`, { method: 'POST' });
    expect(post.headers.get('location')).toMatch(new RegExp(`^${url}/v2/${name}/blobs/uploads/`));
    await fetch(post.headers.get('location')!, { method: 'DELETE' });
    expect(sha256(await inspectRaw(host, undefined, `${name}:${seed.tag}`))).toBe(seed.digest);
    expect(controlUrl).toBe(`${url}/__fault`);
  });

  test('wrong-digest: one byte flipped, same length, Docker-Content-Digest kept', async () => {
    await setFault(url, { id, kind: 'wrong-digest', path: `^/v2/${name}/manifests/` });
    const res = await getManifest();
    const body = await bytesOf(res);
    expect(body.length).toBe(seed.size);
    expect(res.headers.get('docker-content-digest')).toBe(seed.digest);
    expect(sha256(body)).not.toBe(seed.digest);
    // Blobs are untouched by a manifests fault.
    const blob = await fetch(url + blobPath(seed.layer.digest));
    expect(sha256(await bytesOf(blob))).toBe(seed.layer.digest);
  });

  test('truncate: full Content-Length announced, connection closed early', async () => {
    await setFault(url, { id, kind: 'truncate', path: `^/v2/${name}/blobs/sha256:` });
    const res = await fetch(url + blobPath(seed.config.digest));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(seed.config.size));
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  test('oversize: padded past 4 MiB (with and without Content-Length), or a huge Content-Length claimed', async () => {
    await setFault(url, { id, kind: 'oversize', path: `^/v2/${name}/manifests/`, mode: 'pad' });
    const padded = await getManifest();
    expect(Number(padded.headers.get('content-length'))).toBe(4 * 1024 * 1024 + 1);
    const body = await bytesOf(padded);
    expect(body.length).toBe(4 * 1024 * 1024 + 1);
    expect(JSON.parse(new TextDecoder().decode(body)).schemaVersion).toBe(2);

    await setFault(url, { id, kind: 'oversize', path: `^/v2/${name}/manifests/`, mode: 'pad-chunked' });
    const chunked = await getManifest();
    expect(chunked.headers.get('content-length')).toBeNull();
    expect((await bytesOf(chunked)).length).toBe(4 * 1024 * 1024 + 1);

    await setFault(url, {
      id,
      kind: 'oversize',
      path: `^/v2/${name}/manifests/`,
      mode: 'claim',
      bytes: 64 * 1024 * 1024,
    });
    const head = await fetch(url + manifestPath, { method: 'HEAD', headers: { accept: ACCEPT } });
    expect(head.headers.get('content-length')).toBe(String(64 * 1024 * 1024));
    const claimed = await getManifest();
    expect(claimed.headers.get('content-length')).toBe(String(64 * 1024 * 1024));
    await expect(claimed.arrayBuffer()).rejects.toThrow();
  });

  test('status-then-ok: N answers of 503 (with Retry-After), then the real one', async () => {
    await setFault(url, {
      id,
      kind: 'status-then-ok',
      path: `^/v2/${name}/manifests/`,
      times: 2,
      status: 503,
      retryAfter: '0',
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await getManifest();
      statuses.push(res.status);
      if (res.status === 503) {
        expect(res.headers.get('retry-after')).toBe('0');
        expect((await res.json()).errors[0].code).toBe('UNAVAILABLE');
      } else expect(sha256(await bytesOf(res))).toBe(seed.digest);
    }
    expect(statuses).toEqual([503, 503, 200]);
    const state = await faultState(url);
    expect(state.faults.find((f) => f.fault.id === id)).toMatchObject({
      applied: 2,
      fault: { kind: 'status-then-ok' },
    });
  });

  test('slow: an answer later than the client timeout', async () => {
    await setFault(url, { id, kind: 'slow', path: `^/v2/${name}/manifests/`, delayMs: 1_500 });
    await expect(
      fetch(url + manifestPath, { headers: { accept: ACCEPT }, signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow(/timeout|aborted/i);
    await setFault(url, { id, kind: 'slow', path: `^/v2/${name}/manifests/`, delayMs: 1_500, phase: 'body' });
    const res = await fetch(url + manifestPath, { headers: { accept: ACCEPT }, signal: AbortSignal.timeout(500) });
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow(/timeout|aborted/i);
    await setFault(url, { id, kind: 'slow', path: `^/v2/${name}/manifests/`, delayMs: 200 });
    const started = Date.now();
    expect(sha256(await bytesOf(await getManifest()))).toBe(seed.digest);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  test('redirect: 302 to the recorder on 127.0.0.2, which records headers and serves the real content', async () => {
    expect(recorder.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    await setFault(url, { id, kind: 'redirect', path: `^/v2/${name}/blobs/sha256:` });
    // Other test files may clear the recorder's list: each request here carries its own marker query.
    const path = (probe: string) => `${blobPath(seed.layer.digest)}?probe=${probe}-${Date.now()}`;
    const seen = async (p: string) => (await recordedHeaders(recorder.url)).filter((r) => r.url === p);

    const manualPath = path('manual');
    const manual = await fetch(url + manualPath, {
      redirect: 'manual',
      headers: { authorization: basic('user', 'pass') },
    });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe(recorder.url + manualPath);

    // A correct client (fetch drops Authorization on a cross-origin redirect) gets the blob and leaks nothing.
    const followedPath = path('followed');
    const followed = await fetch(url + followedPath, { headers: { authorization: basic('user', 'pass') } });
    expect(followed.status).toBe(200);
    expect(sha256(await bytesOf(followed))).toBe(seed.layer.digest);
    const recorded = await seen(followedPath);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ method: 'GET', url: followedPath, status: 200 });
    expect(recorded[0]!.headers.authorization).toBeUndefined();

    // A leaking client is caught: the recorder keeps what it was sent.
    await fetch(manual.headers.get('location')!, { headers: { authorization: basic('user', 'pass') } }).then((r) =>
      r.arrayBuffer(),
    );
    const leaked = await seen(manualPath);
    expect(leaked).toHaveLength(1);
    expect(leaked[0]!.headers.authorization).toBe(basic('user', 'pass'));
  });

  test('the request log names the fault applied; several faults coexist by id; control errors are 400', async () => {
    // Other test files may clear the log: look for requests marked with a query of this test's own.
    const marker = `log-${Date.now()}`;
    await setFault(url, { id, kind: 'wrong-digest', path: `^/v2/${name}/manifests/` });
    await (await fetch(`${url + manifestPath}?m=${marker}`, { headers: { accept: ACCEPT } })).arrayBuffer();
    await (await fetch(`${url}/v2/${name}/tags/list?m=${marker}`)).arrayBuffer();
    const log = (await proxyRequests(url)).filter((r) => r.url.endsWith(`?m=${marker}`));
    expect(log.map((r) => [r.url.split('?')[0], r.status, r.fault])).toEqual([
      [manifestPath, 200, 'wrong-digest'],
      [`/v2/${name}/tags/list`, 200, undefined],
    ]);
    expect((await proxyRequests(url)).every((r) => !r.url.startsWith('/__'))).toBe(true);

    await setFault(url, { id, kind: 'status-then-ok', path: `^/v2/${name}/manifests/`, times: 1, status: 500 });
    await setFault(url, { id: `${id}.2`, kind: 'status-then-ok', path: `^/v2/${name}/tags/`, times: 1, status: 429 });
    expect((await getManifest()).status).toBe(500);
    expect((await fetch(`${url}/v2/${name}/tags/list`)).status).toBe(429);
    expect((await getManifest()).status).toBe(200);
    await clearFault(url, `${id}.2`);
    expect((await faultState(url)).faults.some((f) => f.fault.id === `${id}.2`)).toBe(false);

    const bad = await fetch(controlUrl, { method: 'POST', body: JSON.stringify({ kind: 'nonsense', path: '.' }) });
    expect(bad.status).toBe(400);
    expect(requestsUrl).toBe(`${url}/__requests`);
  });
});
