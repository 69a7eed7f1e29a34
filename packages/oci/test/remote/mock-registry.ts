/**
 * An in-memory OCI distribution registry behind a `fetch` function, for the
 * remote client's unit tests: no sockets, every request recorded, and knobs
 * for the behaviours the client must cope with (auth schemes, Referrers API
 * or not, mount or not, relative/absolute Locations, ETags, faults through
 * `intercept`). The live tests run the same client against real servers.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export interface Recorded {
  method: string;
  url: URL;
  authorization: string | null;
  headers: Headers;
}

export interface MockOptions {
  origin?: string;
  auth?: 'none' | 'basic' | 'bearer';
  username?: string;
  password?: string;
  tokenRealm?: string;
  /** Serve GET /v2/<name>/referrers/<digest> and answer OCI-Subject on pushes. */
  referrersApi?: boolean;
  /** Answer mounts with 201 (true) or start an upload with 202 (false). */
  mount?: boolean;
  /** Upload Location style. */
  location?: 'relative' | 'absolute' | 'relative-with-query' | 'other-origin';
  /** Tags per page when the client asks without `n`. */
  tagsPageSize?: number;
  /** Referrers per page. */
  referrersPageSize?: number;
  /** Apply the artifactType filter server-side (OCI-Filters-Applied). */
  filterReferrers?: boolean;
  /** Answer ETag on manifest GETs and honour If-Match on PUTs. */
  etags?: boolean;
  /** Refuse DELETE (like a registry without storage.delete.enabled). */
  deleteDisabled?: boolean;
  /** Omit Docker-Content-Digest on HEAD. */
  headWithoutDigest?: boolean;
  /** Called first for every request; a Response short-circuits. */
  intercept?: (req: Request, url: URL) => Response | Promise<Response | undefined> | undefined;
}

const digestOf = (b: Uint8Array) => `sha256:${bytesToHex(sha256(b))}`;

function errorResponse(
  status: number,
  code: string,
  message = code.toLowerCase(),
  headers: Record<string, string> = {},
) {
  return new Response(JSON.stringify({ errors: [{ code, message }] }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export class MockRegistry {
  readonly origin: string;
  readonly host: string;
  readonly requests: Recorded[] = [];
  readonly tokenRequests: Recorded[] = [];
  readonly blobs = new Map<string, Uint8Array>();
  readonly manifests = new Map<string, { bytes: Uint8Array; mediaType: string }>();
  readonly tags = new Map<string, Map<string, string>>();
  readonly options: MockOptions;
  #uploads = 0;
  #tokens = 0;

  constructor(options: MockOptions = {}) {
    this.options = options;
    this.origin = options.origin ?? 'https://reg.example';
    this.host = new URL(this.origin).host;
  }

  get fetch(): typeof globalThis.fetch {
    return (async (input: RequestInfo | URL, init?: RequestInit) =>
      this.handle(new Request(input, init))) as typeof globalThis.fetch;
  }

  requestsTo(pathPart: string, method?: string): Recorded[] {
    return this.requests.filter(
      (r) => r.url.pathname.includes(pathPart) && (method === undefined || r.method === method),
    );
  }

  putManifest(repo: string, bytes: Uint8Array, mediaType: string, tag?: string): string {
    const digest = digestOf(bytes);
    this.manifests.set(digest, { bytes, mediaType });
    if (tag) this.#tagMap(repo).set(tag, digest);
    return digest;
  }

  #tagMap(repo: string): Map<string, string> {
    let m = this.tags.get(repo);
    if (!m) this.tags.set(repo, (m = new Map()));
    return m;
  }

  async handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const record = { method: req.method, url, authorization: req.headers.get('authorization'), headers: req.headers };
    if (this.options.tokenRealm && url.href.startsWith(this.options.tokenRealm.split('?')[0]!)) {
      this.tokenRequests.push(record);
      return this.#token(req, url);
    }
    this.requests.push(record);
    const intercepted = await this.options.intercept?.(req, url);
    if (intercepted) return intercepted;
    if (url.origin !== this.origin) return new Response('unknown host', { status: 502 });
    const denied = this.#authorize(req);
    if (denied) return denied;
    return this.#route(req, url);
  }

  #token(req: Request, url: URL): Response {
    let user: string | undefined;
    let pass: string | undefined;
    const auth = req.headers.get('authorization');
    if (auth?.startsWith('Basic ')) [user, pass] = atob(auth.slice(6)).split(':');
    if (req.method === 'POST')
      return new Response(JSON.stringify({ access_token: `oauth-${++this.#tokens}` }), {
        headers: { 'content-type': 'application/json' },
      });
    if (user !== undefined && (user !== this.options.username || pass !== this.options.password))
      return errorResponse(401, 'UNAUTHORIZED');
    const scopes = url.searchParams.getAll('scope').join(' ');
    return new Response(JSON.stringify({ token: `tok-${++this.#tokens}|${scopes}`, expires_in: 300 }), {
      headers: { 'content-type': 'application/json' },
    });
  }

  #authorize(req: Request): Response | undefined {
    const auth = req.headers.get('authorization');
    if (this.options.auth === 'basic') {
      const expected = `Basic ${btoa(`${this.options.username}:${this.options.password}`)}`;
      if (auth !== expected)
        return errorResponse(401, 'UNAUTHORIZED', 'authentication required', {
          'www-authenticate': 'Basic realm="mock"',
        });
    }
    if (this.options.auth === 'bearer') {
      if (!auth?.startsWith('Bearer ')) {
        return errorResponse(401, 'UNAUTHORIZED', 'authentication required', {
          'www-authenticate': `Bearer realm="${this.options.tokenRealm}",service="mock"`,
        });
      }
    }
    return undefined;
  }

  async #route(req: Request, url: URL): Promise<Response> {
    const path = url.pathname;
    let m: RegExpExecArray | null;
    if ((m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path)))
      return this.#manifest(req, m[1]!, decodeURIComponent(m[2]!));
    if ((m = /^\/v2\/(.+)\/blobs\/uploads\/$/.exec(path)) && req.method === 'POST')
      return this.#startUpload(url, m[1]!);
    if ((m = /^\/(?:v2\/(.+)\/blobs\/uploads|upload)\/(u\d+)$/.exec(path)) && req.method === 'PUT')
      return this.#finishUpload(req, url);
    if ((m = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(path))) return this.#blob(req, m[2]!);
    if ((m = /^\/v2\/(.+)\/tags\/list$/.exec(path))) return this.#tagList(url, m[1]!);
    if ((m = /^\/v2\/(.+)\/referrers\/([^/]+)$/.exec(path))) return this.#referrers(url, m[1]!, m[2]!);
    return new Response('404 page not found', { status: 404, headers: { 'content-type': 'text/plain' } });
  }

  #manifest(req: Request, repo: string, ref: string): Response | Promise<Response> {
    const digest = ref.includes(':') ? ref : this.tags.get(repo)?.get(ref);
    const stored = digest ? this.manifests.get(digest) : undefined;
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (!stored || !digest) return errorResponse(404, 'MANIFEST_UNKNOWN');
      const headers: Record<string, string> = {
        'content-type': stored.mediaType,
        'content-length': String(stored.bytes.byteLength),
      };
      if (!(req.method === 'HEAD' && this.options.headWithoutDigest)) headers['docker-content-digest'] = digest;
      if (this.options.etags) headers.etag = `"${digest}"`;
      return new Response(req.method === 'HEAD' ? null : (stored.bytes as BodyInit), { headers });
    }
    if (req.method === 'PUT') {
      return (async () => {
        const bytes = new Uint8Array(await req.arrayBuffer());
        const ifMatch = req.headers.get('if-match');
        if (this.options.etags && ifMatch !== null) {
          const currentDigest = this.tags.get(repo)?.get(ref);
          if (`"${currentDigest}"` !== ifMatch) return errorResponse(412, 'PRECONDITION_FAILED');
        }
        const d = this.putManifest(
          repo,
          bytes,
          req.headers.get('content-type') ?? '',
          ref.includes(':') ? undefined : ref,
        );
        if (ref.includes(':') && ref !== d) return errorResponse(400, 'DIGEST_INVALID');
        const headers: Record<string, string> = { 'docker-content-digest': d, location: `/v2/${repo}/manifests/${d}` };
        const doc = JSON.parse(new TextDecoder().decode(bytes)) as { subject?: { digest: string } };
        if (this.options.referrersApi && doc.subject) headers['oci-subject'] = doc.subject.digest;
        return new Response(null, { status: 201, headers });
      })();
    }
    if (req.method === 'DELETE') {
      if (!ref.includes(':')) return errorResponse(400, 'UNSUPPORTED', 'delete by tag');
      if (this.options.deleteDisabled) return errorResponse(405, 'UNSUPPORTED', 'The operation is unsupported.');
      if (!stored) return errorResponse(404, 'MANIFEST_UNKNOWN');
      this.manifests.delete(ref);
      for (const [tag, d] of this.tags.get(repo) ?? []) if (d === ref) this.tags.get(repo)!.delete(tag);
      return new Response(null, { status: 202 });
    }
    return errorResponse(405, 'UNSUPPORTED');
  }

  #blob(req: Request, digest: string): Response {
    const bytes = this.blobs.get(digest);
    if (!bytes) return req.method === 'HEAD' ? new Response(null, { status: 404 }) : errorResponse(404, 'BLOB_UNKNOWN');
    return new Response(req.method === 'HEAD' ? null : (bytes as BodyInit), {
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.byteLength),
        'docker-content-digest': digest,
      },
    });
  }

  #startUpload(url: URL, repo: string): Response {
    const mount = url.searchParams.get('mount');
    if (mount && this.options.mount && this.blobs.has(mount)) {
      return new Response(null, {
        status: 201,
        headers: { 'docker-content-digest': mount, location: `/v2/${repo}/blobs/${mount}` },
      });
    }
    const id = `u${++this.#uploads}`;
    const style = this.options.location ?? 'relative';
    const location =
      style === 'absolute'
        ? `${this.origin}/v2/${repo}/blobs/uploads/${id}`
        : style === 'relative-with-query'
          ? `/v2/${repo}/blobs/uploads/${id}?_state=abc%3D%3D&x=1`
          : style === 'other-origin'
            ? `https://upload.example/upload/${id}?sig=s%2B1`
            : `/v2/${repo}/blobs/uploads/${id}`;
    return new Response(null, { status: 202, headers: { location, 'docker-upload-uuid': id } });
  }

  async #finishUpload(req: Request, url: URL): Promise<Response> {
    const digest = url.searchParams.get('digest');
    const bytes = new Uint8Array(await req.arrayBuffer());
    if (!digest || digestOf(bytes) !== digest) return errorResponse(400, 'DIGEST_INVALID');
    this.blobs.set(digest, bytes);
    return new Response(null, { status: 201, headers: { 'docker-content-digest': digest } });
  }

  #tagList(url: URL, repo: string): Response {
    const all = [...(this.tags.get(repo)?.keys() ?? [])].sort();
    if (!this.tags.has(repo)) return errorResponse(404, 'NAME_UNKNOWN');
    const n = Number(url.searchParams.get('n') ?? this.options.tagsPageSize ?? 1000);
    const last = url.searchParams.get('last');
    const start = last ? all.findIndex((t) => t > last) : 0;
    const page = start < 0 ? [] : all.slice(start, start + n);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (start >= 0 && start + n < all.length)
      headers.link = `</v2/${repo}/tags/list?last=${page.at(-1)}&n=${n}>; rel="next"`;
    return new Response(JSON.stringify({ name: repo, tags: page }), { headers });
  }

  #referrers(url: URL, repo: string, digest: string): Response {
    if (!this.options.referrersApi)
      return new Response('404 page not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    if (!this.tags.has(repo) && ![...this.manifests.values()].length) return errorResponse(404, 'NAME_UNKNOWN');
    const artifactType = url.searchParams.get('artifactType');
    let list: Array<Record<string, unknown>> = [];
    for (const [d, m] of this.manifests) {
      const doc = JSON.parse(new TextDecoder().decode(m.bytes)) as {
        subject?: { digest: string };
        artifactType?: string;
        config?: { mediaType: string };
        annotations?: Record<string, string>;
      };
      if (doc.subject?.digest !== digest) continue;
      list.push({
        mediaType: m.mediaType,
        digest: d,
        size: m.bytes.byteLength,
        artifactType: doc.artifactType ?? doc.config?.mediaType,
        annotations: doc.annotations,
      });
    }
    list.sort((a, b) => String(a.digest).localeCompare(String(b.digest)));
    const headers: Record<string, string> = { 'content-type': 'application/vnd.oci.image.index.v1+json' };
    if (artifactType && this.options.filterReferrers) {
      list = list.filter((d) => d.artifactType === artifactType);
      headers['oci-filters-applied'] = 'artifactType';
    }
    const size = this.options.referrersPageSize ?? 1000;
    const page = Number(url.searchParams.get('page') ?? 0);
    const slice = list.slice(page * size, page * size + size);
    if ((page + 1) * size < list.length) {
      const next = new URL(url);
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${next.pathname}${next.search}>; rel="next"`;
    }
    return new Response(
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: slice }),
      { headers },
    );
  }
}

export const enc = (s: string) => new TextEncoder().encode(s);
export { digestOf };
