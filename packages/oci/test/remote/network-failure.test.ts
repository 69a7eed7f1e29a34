/**
 * Issue 13 item 5: a request that gets no answer says why, once, with the
 * URL once: ECONNREFUSED from a closed loopback port, a DNS failure for a
 * `.invalid` host, a certificate error from a loopback HTTPS server with a
 * self-signed certificate (from the test certificate factory), instead of ky's "Request failed
 * due to a network error: <url>" over undici's "fetch failed".
 */
import { createServer as createHttpsServer, type Server } from 'node:https';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { selfSignedTlsCredentials } from '@x/notary-test-servers/certificates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciError } from '../../src/errors.js';
import { networkFailureReason } from '../../src/remote/http.js';
import { RegistryClient } from '../../src/remote/registry-client.js';

const occurrences = (text: string, part: string) => text.split(part).length - 1;

async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  await new Promise((closed) => server.close(closed));
  return port;
}

async function failure(client: RegistryClient, registry: string, url: URL): Promise<OciError> {
  const error = await client.request({ registry, method: 'HEAD', url, scopes: [] }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OciError);
  expect((error as OciError).code).toBe('ERR_OCI_NETWORK');
  return error as OciError;
}

let tls: { server: Server; port: number };

beforeAll(async () => {
  const server = createHttpsServer(await selfSignedTlsCredentials(), (_request, response) => response.end());
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  tls = { server, port: (server.address() as AddressInfo).port };
});
afterAll(async () => {
  await new Promise((closed) => tls.server.close(closed));
});

describe('network failures name their cause (issue 13 item 5)', () => {
  it('issue 13 item 5: a closed loopback port is ECONNREFUSED, named once, the URL once, after every attempt', async () => {
    const registry = `127.0.0.1:${await closedPort()}`;
    const url = new URL(`http://${registry}/v2/a/b/manifests/v1`);
    const error = await failure(
      new RegistryClient({ retry: { attempts: 2, baseDelayMs: 10, minDelayMs: 10 } }),
      registry,
      url,
    );
    expect(error.message).toMatch(
      new RegExp(
        `^HEAD http://${registry}/v2/a/b/manifests/v1: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+ \\(2 attempts\\)$`,
      ),
    );
    expect(occurrences(error.message, 'ECONNREFUSED')).toBe(1);
    expect(occurrences(error.message, url.pathname)).toBe(1);
    expect(error.message).not.toContain('fetch failed');
    // The whole chain stays reachable for --debug.
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('issue 13 item 5: an unresolvable host (.invalid) names the DNS failure', async () => {
    const registry = 'registry.notary-test.invalid';
    const error = await failure(
      new RegistryClient({ retry: { attempts: 1 } }),
      registry,
      new URL(`https://${registry}/v2/`),
    );
    // ENOTFOUND normally; EAI_AGAIN where no resolver answers at all.
    expect(error.message).toMatch(
      /^HEAD https:\/\/registry\.notary-test\.invalid\/v2\/: getaddrinfo (ENOTFOUND|EAI_AGAIN) registry\.notary-test\.invalid \(1 attempt\)$/,
    );
    expect(occurrences(error.message, 'registry.notary-test.invalid')).toBe(2);
  });

  it('issue 13 item 5: a self-signed loopback HTTPS server names the certificate error and its code', async () => {
    const registry = `127.0.0.1:${tls.port}`;
    const error = await failure(
      new RegistryClient({ plainHttp: false, retry: { attempts: 1 } }),
      registry,
      new URL(`https://${registry}/v2/`),
    );
    expect(error.message).toBe(
      `HEAD https://${registry}/v2/: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT) (1 attempt)`,
    );
  });

  it('issue 13 item 5: several addresses refused (AggregateError) are each named; bare wrappers alone still say something', () => {
    const refused = (address: string) =>
      Object.assign(new Error(`connect ECONNREFUSED ${address}:5000`), { code: 'ECONNREFUSED' });
    const aggregate = Object.assign(new AggregateError([refused('::1'), refused('127.0.0.1')], ''), {
      code: 'ECONNREFUSED',
    });
    const wrapped = new Error('Request failed due to a network error: HEAD http://localhost:5000/v2/', {
      cause: new TypeError('fetch failed', { cause: aggregate }),
    });
    wrapped.name = 'NetworkError';
    expect(networkFailureReason(wrapped)).toBe('connect ECONNREFUSED ::1:5000; connect ECONNREFUSED 127.0.0.1:5000');
    const bare = new Error('Request failed due to a network error: GET https://x.test/v2/', {
      cause: new TypeError('fetch failed'),
    });
    bare.name = 'NetworkError';
    expect(networkFailureReason(bare)).toBe('fetch failed');
    expect(networkFailureReason(new TypeError('Failed to fetch'))).toBe('Failed to fetch');
  });
});
