/**
 * A real RFC 3161 TSA on loopback: each request is answered by `openssl ts -reply`.
 *
 * One server serves every TSA scenario; the first path segment picks the route
 * (signer, config section, delay), e.g. POST `${url}/good`.
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
import type { TsaRoute } from './pki-scenario.js';
import { resignTimestampResponse } from './resign-token.js';

export interface TsaServerOptions {
  /** Path name → route; more can be added later with `setRoute` (certificates need the URL before they exist). */
  routes?: Record<string, TsaRoute>;
}

export interface TsaServer {
  /** Base URL, `http://127.0.0.1:<port>`; a route is at `${url}/<name>`. */
  url: string;
  setRoute(name: string, route: TsaRoute): void;
  /** Number of requests answered so far (any route). */
  requests(): number;
  close(): Promise<void>;
}

export async function startTsaServer(options: TsaServerOptions = {}): Promise<TsaServer> {
  const routes = new Map(Object.entries(options.routes ?? {}));
  const children = new ChildSet();
  const delays = new Delays();
  let answered = 0;
  // openssl ts reads and rewrites the serial file: two concurrent runs could reuse a serial.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  async function reply(route: TsaRoute, query: Buffer): Promise<Uint8Array> {
    const work = await mkdtemp(join(tmpdir(), 'notary-tsa-'));
    try {
      await writeFile(join(work, 'req.tsq'), query);
      // Reply files are read relative to `work`, so concurrent requests never share a path.
      await children.run(
        'openssl',
        [
          'ts',
          '-reply',
          '-config',
          route.config,
          '-section',
          route.section,
          '-queryfile',
          'req.tsq',
          '-inkey',
          route.signerKey,
          '-signer',
          route.signerCert,
          '-chain',
          route.chain,
          '-out',
          'resp.tsr',
        ],
        { cwd: work, timeoutMs: OPENSSL_TIMEOUT_MS },
      );
      const der = Uint8Array.from(await readFile(join(work, 'resp.tsr')));
      return route.resignWith ? await resignTimestampResponse(der, route.resignWith) : der;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [name] = splitRoute(req.url);
    const route = routes.get(name);
    if (!route) throw new HttpError(404, `no TSA route "${name}"`);
    if (req.method !== 'POST') throw new HttpError(405, 'POST only');
    if (req.headers['content-type'] !== 'application/timestamp-query')
      throw new HttpError(415, 'expected application/timestamp-query');
    const query = await readBody(req, SMALL_BODY_LIMIT);
    await delays.wait(route.delayMs ?? 0);
    const response = await serialized(() => reply(route, query));
    answered++;
    send(res, 200, { 'Content-Type': 'application/timestamp-reply' }, Buffer.from(response));
  }

  const server = createServer((req, res) => void handle(req, res).catch((error: unknown) => sendError(res, error)));
  const url = await listenOnLoopback(server);
  return {
    url,
    setRoute: (name, route) => void routes.set(name, route),
    requests: () => answered,
    async close() {
      delays.clear();
      children.killAll();
      await closeServer(server);
    },
  };
}
