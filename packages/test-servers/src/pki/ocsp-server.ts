/**
 * A real OCSP responder on loopback: each request is answered by one
 * `openssl ocsp -index … -reqin … -respout …` run.
 *
 * Not `openssl ocsp -port`: that listens on every interface. Running openssl
 * per request also means it always reads the current index.
 *
 * One server serves every scenario; the first path segment picks the route
 * (index, CA, responder, delay):
 * - GET  `${url}/<route>/<url-encoded base64 OCSPRequest>` (RFC 6960 A.1)
 * - POST `${url}/<route>` with `Content-Type: application/ocsp-request`
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildSet, OPENSSL_TIMEOUT_MS } from '../child-processes.js';
import {
  closeServer,
  Delays,
  HttpError,
  listenOnLoopback,
  readBody,
  SMALL_BODY_LIMIT,
  send,
  sendError,
  splitRoute,
} from '../http.js';
import type { OcspRoute } from './pki-scenario.js';

export interface OcspServerOptions {
  /** Path name → route; more can be added later with `setRoute` (certificates need the URL before they exist). */
  routes?: Record<string, OcspRoute>;
}

export interface OcspServer {
  /** Base URL, `http://127.0.0.1:<port>`; a route is at `${url}/<name>`. */
  url: string;
  setRoute(name: string, route: OcspRoute): void;
  /** Requests answered so far, per route name. */
  requests(route: string): number;
  close(): Promise<void>;
}

/** The DER request of a GET or POST, per RFC 6960 appendix A.1. */
async function requestDer(req: IncomingMessage, rest: string): Promise<Buffer> {
  if (req.method === 'GET') {
    // The base64 may hold raw '/' (then it spans segments) or be percent-encoded.
    const der = Buffer.from(decodeURIComponent(rest), 'base64');
    if (der.length === 0) throw new HttpError(400, 'empty OCSP request');
    return der;
  }
  if (req.method !== 'POST') throw new HttpError(405, 'GET or POST only');
  if (req.headers['content-type'] !== 'application/ocsp-request')
    throw new HttpError(415, 'expected application/ocsp-request');
  return readBody(req, SMALL_BODY_LIMIT);
}

export async function startOcspServer(options: OcspServerOptions = {}): Promise<OcspServer> {
  const routes = new Map(Object.entries(options.routes ?? {}));
  const counts = new Map<string, number>();
  const children = new ChildSet();
  const delays = new Delays();

  async function respond(route: OcspRoute, request: Buffer): Promise<Buffer> {
    const work = await mkdtemp(join(tmpdir(), 'notary-ocsp-'));
    try {
      await writeFile(join(work, 'req.der'), request);
      await children.run(
        'openssl',
        [
          'ocsp',
          '-index',
          route.index,
          '-CA',
          route.caCert,
          '-rsigner',
          route.signerCert,
          '-rkey',
          route.signerKey,
          '-rmd',
          'sha256',
          '-ndays',
          '1',
          '-reqin',
          'req.der',
          '-respout',
          'resp.der',
        ],
        { cwd: work, timeoutMs: OPENSSL_TIMEOUT_MS },
      );
      return await readFile(join(work, 'resp.der'));
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [name, rest] = splitRoute(req.url);
    const route = routes.get(name);
    if (!route) throw new HttpError(404, `no OCSP route "${name}"`);
    const request = await requestDer(req, rest);
    await delays.wait(route.delayMs ?? 0);
    const response = await respond(route, request);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    send(res, 200, { 'Content-Type': 'application/ocsp-response' }, response);
  }

  const server = createServer((req, res) => void handle(req, res).catch((error: unknown) => sendError(res, error)));
  const url = await listenOnLoopback(server);
  return {
    url,
    setRoute: (name, route) => void routes.set(name, route),
    requests: (route) => counts.get(route) ?? 0,
    async close() {
      delays.clear();
      children.killAll();
      await closeServer(server);
    },
  };
}
