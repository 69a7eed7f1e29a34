/**
 * A loopback HTTP server for the revocation and timestamp targets: it
 * answers the fuzzed URL with the bytes of the case being run (a mutated OCSP
 * response or CRL), and every other revocation URL with the answer its real
 * loopback server gave during setup. Revocation then runs its whole HTTP path
 * (status, bounded body, timeout) on hostile bytes, and a case costs no
 * `openssl ocsp` round trip for the certificates that are not fuzzed.
 */
import { createServer, type Server } from 'node:http';
import type { Fetcher } from '@x/notary-pki';
import { closeServer, listenOnLoopback } from '@x/notary-test-servers/http';
import { defaultFetcher } from '../../pki/src/revocation/fetcher.js';

export interface RecordedAnswer {
  status: number;
  contentType: string;
  bytes: Uint8Array;
}

/** What the real servers answered during setup, by requested URL. */
export type Recording = Map<string, RecordedAnswer>;

export interface MutatingServer {
  url: string;
  /** What the next request for the fuzzed URL gets. */
  serve(bytes: Uint8Array, contentType: string): void;
  /**
   * Requests for `fuzzed` (or below it: OCSP GET appends the request) go to
   * the case's bytes; recorded URLs to their recorded answer; others to
   * their own server.
   */
  fetcherFor(fuzzed: string | undefined, recording: Recording): Fetcher;
  close(): Promise<void>;
}

const matches = (requested: string, url: string) => requested === url || requested.startsWith(`${url}/`);

export async function startMutatingServer(): Promise<MutatingServer> {
  let current: RecordedAnswer = { status: 200, contentType: 'application/octet-stream', bytes: new Uint8Array(0) };
  const replay: RecordedAnswer[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const index = /^\/replay\/(\d+)$/.exec(req.url ?? '')?.[1];
      const answer = index === undefined ? current : replay[Number(index)];
      if (!answer) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': answer.bytes.length });
      res.end(answer.bytes);
    });
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    serve(bytes, contentType) {
      current = { status: 200, contentType, bytes };
    },
    fetcherFor(fuzzed, recording) {
      const routes = new Map<string, string>();
      for (const [requested, answer] of recording) {
        routes.set(requested, `${url}/replay/${replay.length}`);
        replay.push(answer);
      }
      return (requested, init) => {
        if (fuzzed !== undefined && matches(requested, fuzzed)) return defaultFetcher(`${url}/case`, init);
        return defaultFetcher(routes.get(requested) ?? requested, init);
      };
    },
    close: () => closeServer(server),
  };
}

/** A fetcher that records every answer the real servers give, by URL. */
export function recordingFetcher(into: Recording): Fetcher {
  return async (requested, init) => {
    const response = await defaultFetcher(requested, init);
    const bytes = new Uint8Array(await response.arrayBuffer());
    into.set(requested, {
      status: response.status,
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      bytes,
    });
    return new Response(bytes, { status: response.status, headers: response.headers });
  };
}

/** The recorded answer for `url` (or a URL below it). */
export function recordedFor(recording: Recording, url: string): RecordedAnswer | undefined {
  for (const [requested, answer] of recording) if (matches(requested, url)) return answer;
  return undefined;
}
