/**
 * Node only: the page's origin, `http://127.0.0.1:<port>` (a secure context).
 *
 * - `GET /` the test page, `GET /bundle.js` the suites bundled for the browser
 *   (esbuild, platform browser, from the packages' built dist/);
 * - `GET|HEAD /fs/<absolute path>` read-only files under the allowed roots
 *   (the vectors, the pki servers' generated PKI): the suites' `readFile`;
 * - `/proxy/<host:port>/<path>`: a loopback forwarder for servers that send no
 *   CORS headers (the `openssl ts` TSA, the `openssl ocsp` responder, the CRL
 *   server). Going through the page's own origin makes their answers readable
 *   to the page. It forwards the method, headers and body, streams the
 *   answer back (so slow servers stay slow and client timeouts still fire),
 *   and turns a refused connection into a dropped connection (so the page
 *   sees the same network error as without the proxy). Only 127.0.0.0/8
 *   targets are forwarded.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve, sep } from 'node:path';

export interface BrowserHost {
  url: string;
  /** Count of requests forwarded by the proxy, per target host:port. */
  proxied: Map<string, number>;
  close(): Promise<void>;
}

export interface BrowserHostOptions {
  /** The bundle served at /bundle.js. */
  bundle: string;
  /** Folders the page may read through /fs. */
  roots: string[];
  /** Extra routes: path → HTML or JS body (content type from the extension). */
  pages?: Record<string, string>;
}

const PAGE =
  '<!doctype html><meta charset="utf-8"><title>notary runtime tests</title><script type="module" src="/bundle.js"></script><body>runtime tests</body>';

function allowed(path: string, roots: string[]): boolean {
  const full = resolve(path);
  return roots.some((root) => full === root || full.startsWith(root.endsWith(sep) ? root : root + sep));
}

function forward(
  req: IncomingMessage,
  res: ServerResponse,
  target: string,
  path: string,
  proxied: Map<string, number>,
): void {
  const [hostname, port] = target.split(':');
  if (!hostname || !/^127\.\d+\.\d+\.\d+$/.test(hostname) || !port) {
    res.writeHead(403).end('only 127.0.0.0/8 targets are forwarded');
    return;
  }
  proxied.set(target, (proxied.get(target) ?? 0) + 1);
  const headers = { ...req.headers, host: target };
  delete headers['origin'];
  delete headers['referer'];
  const upstream = request({ hostname, port: Number(port), path, method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => res.socket?.destroy());
  // The page gave up (a client timeout): stop the upstream request too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const roots = options.roots.map((r) => resolve(r));
  const proxied = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    if (path.startsWith('/proxy/')) {
      const rest = url.pathname.slice('/proxy/'.length);
      const slash = rest.indexOf('/');
      const target = slash < 0 ? rest : rest.slice(0, slash);
      forward(req, res, target, (slash < 0 ? '/' : rest.slice(slash)) + url.search, proxied);
      return;
    }
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE);
      return;
    }
    if (path === '/bundle.js') {
      res
        .writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' })
        .end(options.bundle);
      return;
    }
    const page = options.pages?.[path];
    if (page !== undefined) {
      res
        .writeHead(200, { 'content-type': path.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8' })
        .end(page);
      return;
    }
    if (path.startsWith('/fs/') && (req.method === 'GET' || req.method === 'HEAD')) {
      const file = path.slice('/fs'.length);
      if (!allowed(file, roots)) {
        res.writeHead(403).end();
        return;
      }
      stat(file).then(
        (s) => {
          if (!s.isFile()) return void res.writeHead(404).end();
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': s.size });
          if (req.method === 'HEAD') return void res.end();
          createReadStream(file).pipe(res);
        },
        () => res.writeHead(404).end(),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    proxied,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
