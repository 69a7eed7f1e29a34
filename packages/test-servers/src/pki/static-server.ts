/**
 * A loopback static file server for CRLs (`application/pkix-crl`), with the
 * failure modes and counters the revocation tests need.
 *
 * - GET `/<file>`: the file under `root`, or 404.
 * - GET `/hang/<file>`: never answers (until the client gives up or the server closes): timeouts.
 * - GET `/delay/<ms>/<file>`: answers `<file>` after `<ms>` milliseconds.
 * - A path can be switched to 404 or hang at run time (`setBehavior`).
 * - Every request is counted per path (`requests`), for cache tests.
 *
 * vitest runs tests in workers while the servers live in the main process, so
 * the controls are also plain HTTP (see `CONTROL`), usable from any worker.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import {
  closeServer,
  Delays,
  HttpError,
  listenOnLoopback,
  readBody,
  SMALL_BODY_LIMIT,
  send,
  sendError,
} from '../http.js';

export type Behavior = 'serve' | 'hang' | 404;

/** HTTP controls (paths under the server URL). */
export const CONTROL = {
  /** GET → JSON `{ "<path>": count, … }` of file requests so far. */
  requests: '/__control/requests',
  /** POST JSON `{ "path": "/inter.crl", "behavior": "hang" | 404 | "serve" }`. */
  behavior: '/__control/behavior',
} as const;

export interface StaticServer {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** Switches one path (e.g. `/inter.crl`) to 404, hang, or back to serving. */
  setBehavior(path: string, behavior: Behavior): void;
  /** Requests so far for one path (e.g. `/inter.crl`), whatever was answered. */
  requests(path: string): number;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = { '.crl': 'application/pkix-crl', '.pem': 'application/x-pem-file' };

export async function startStaticServer(options: { root: string }): Promise<StaticServer> {
  const root = normalize(options.root);
  const behaviors = new Map<string, Behavior>();
  const counts = new Map<string, number>();
  const delays = new Delays();

  function setBehavior(path: string, behavior: Behavior): void {
    if (behavior === 'serve') behaviors.delete(path);
    else behaviors.set(path, behavior);
  }

  async function serveFile(res: ServerResponse, relative: string): Promise<void> {
    const file = normalize(join(root, relative));
    if (!file.startsWith(root + sep)) throw new HttpError(404, 'not found');
    const body = await readFile(file).catch(() => {
      throw new HttpError(404, 'not found');
    });
    send(res, 200, { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }, body);
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === CONTROL.requests && req.method === 'GET') {
      send(res, 200, { 'Content-Type': 'application/json' }, JSON.stringify(Object.fromEntries(counts)));
    } else if (path === CONTROL.behavior && req.method === 'POST') {
      const { path: target, behavior } = JSON.parse((await readBody(req, SMALL_BODY_LIMIT)).toString()) as {
        path: string;
        behavior: Behavior;
      };
      if (!['serve', 'hang', 404].includes(behavior)) throw new HttpError(400, `unknown behavior ${String(behavior)}`);
      setBehavior(target, behavior);
      send(res, 204, { 'Content-Type': 'text/plain' }, '');
    } else {
      throw new HttpError(404, 'unknown control');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/__control/')) return control(req, res, path);
    counts.set(path, (counts.get(path) ?? 0) + 1);
    if (req.method !== 'GET') throw new HttpError(405, 'GET only');
    const behavior = behaviors.get(path);
    if (behavior === 404) throw new HttpError(404, 'not found (switched off)');
    // Hanging = never answering; closeServer() drops the connection at teardown.
    if (behavior === 'hang' || path.startsWith('/hang/')) return;
    const delayed = /^\/delay\/(\d+)(\/.*)$/.exec(path);
    if (delayed) {
      await delays.wait(Number(delayed[1]));
      return serveFile(res, delayed[2]!);
    }
    return serveFile(res, decodeURIComponent(path));
  }

  const server = createServer((req, res) => void handle(req, res).catch((error: unknown) => sendError(res, error)));
  const url = await listenOnLoopback(server);
  return {
    url,
    setBehavior,
    requests: (path) => counts.get(path) ?? 0,
    async close() {
      delays.clear();
      await closeServer(server);
    },
  };
}
