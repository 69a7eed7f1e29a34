/** Small HTTP helpers shared by the loopback test servers. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The only address the servers may bind: the machine allows no other. */
export const LOOPBACK = '127.0.0.1';

/** Listens on an ephemeral loopback port and returns the base URL (no trailing slash). */
export function listenOnLoopback(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve(`http://${LOOPBACK}:${port}`);
    });
  });
}

/** Stops accepting, drops kept-alive and hanging connections, and waits for the close. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a request body, refusing more than `limit` bytes (the servers only take small DER requests). */
export async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function send(res: ServerResponse, status: number, contentType: string, body: Buffer | string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Turns a handler failure into a plain-text error reply (HttpError keeps its status, anything else is a 500). */
export function sendError(res: ServerResponse, error: unknown): void {
  const status = error instanceof HttpError ? error.status : 500;
  send(res, status, 'text/plain; charset=utf-8', error instanceof Error ? error.message : String(error));
}

/** The first path segment and the rest, e.g. `/good/abc/def` → ['good', 'abc/def']. */
export function splitRoute(url: string | undefined): [string, string] {
  // Not `new URL()`: a path starting with `//` would be read as a host name.
  const path = (url ?? '/').split('?')[0]!.replace(/^\/+/, '');
  const slash = path.indexOf('/');
  return slash < 0 ? [path, ''] : [path.slice(0, slash), path.slice(slash + 1)];
}

/** A cancellable delay: the servers' `close()` clears pending ones so nothing keeps the process alive. */
export class Delays {
  readonly #timers = new Set<NodeJS.Timeout>();

  wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  clear(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
