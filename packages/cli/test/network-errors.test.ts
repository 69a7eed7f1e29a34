/**
 * Issue 13 item 5: when a registry cannot be reached, `notary` says why, on
 * its one `Error:` line, naming the cause once and the URL once: a closed
 * loopback port (ECONNREFUSED), an unresolvable `.invalid` host (a DNS
 * failure), and a loopback HTTPS server whose certificate is self-signed
 * (made by openssl). With --debug the cause is in the printed chain too.
 */
import { createServer as createHttpsServer, type Server } from 'node:https';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { selfSignedTlsCredentials } from '@x/notary-test-servers/certificates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, type TestHome } from './helpers.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const occurrences = (text: string, part: string) => text.split(part).length - 1;

let home: TestHome;
let tls: { server: Server; port: number };

beforeAll(async () => {
  home = await makeHome();
  const server = createHttpsServer(await selfSignedTlsCredentials(), (_request, response) => response.end());
  // Dual-stack, so that the IPv4-mapped address below reaches it.
  await new Promise<void>((ready) => server.listen(0, '::', ready));
  tls = { server, port: (server.address() as AddressInfo).port };
});
afterAll(async () => {
  await new Promise((closed) => tls.server.close(closed));
});

async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  await new Promise((closed) => server.close(closed));
  return port;
}

describe('network errors name their cause (issue 13 item 5)', () => {
  it('issue 13 item 5: a closed loopback port: ECONNREFUSED once, the URL once, no "fetch failed"; --debug shows it too', async () => {
    const registry = `127.0.0.1:${await closedPort()}`;
    const line = await home.fails(['list', `${registry}/team/app@${DIGEST}`]);
    expect(occurrences(line, 'ECONNREFUSED')).toBe(1);
    expect(line).toContain(`connect ECONNREFUSED ${registry}`);
    expect(occurrences(line, `http://${registry}/v2/`)).toBe(1);
    expect(line).not.toContain('fetch failed');
    expect(line).not.toContain('Request failed due to a network error');
    const debug = await home.notary(['list', '--debug', `${registry}/team/app@${DIGEST}`]);
    expect(debug.code).toBe(1);
    expect(debug.stderr.trimEnd().split('\n').at(-1)).toBe(line);
    expect(debug.stderr).toMatch(/Caused by: .*ECONNREFUSED/);
  });

  it('issue 13 item 5: an unresolvable host (.invalid): the DNS failure once, the URL once', async () => {
    const host = 'registry.notary-test.invalid';
    const line = await home.fails(['list', `${host}/team/app@${DIGEST}`]);
    // ENOTFOUND normally; EAI_AGAIN where no resolver answers at all.
    expect(line).toMatch(new RegExp(`getaddrinfo (ENOTFOUND|EAI_AGAIN) ${host.replace(/\./g, '\\.')}`));
    expect(occurrences(line, 'getaddrinfo')).toBe(1);
    expect(occurrences(line, `https://${host}/v2/`)).toBe(1);
    expect(line).not.toContain('fetch failed');
  });

  it('issue 13 item 5: a self-signed HTTPS registry: the certificate error and its code once, the URL once', async () => {
    // An IPv4-mapped loopback address: not one of the loopback names that get plain HTTP, so https is spoken.
    const registry = `[::ffff:7f00:1]:${tls.port}`;
    const line = await home.fails(['list', `${registry}/team/app@${DIGEST}`]);
    expect(line).toContain('self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)');
    expect(occurrences(line, 'DEPTH_ZERO_SELF_SIGNED_CERT')).toBe(1);
    expect(occurrences(line, `https://[::ffff:7f00:1]:${tls.port}/v2/`)).toBe(1);
    expect(line).not.toContain('fetch failed');
  });
});
