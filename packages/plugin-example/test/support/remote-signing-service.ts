/**
 * A loopback "remote signing service", as a managed signer works: the key
 * never leaves the service, and every signing request gets a fresh key pair
 * and a short-lived leaf (hours) issued by the service's test CA. The example
 * plugin's `url` mode talks to it.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Certificate } from '@x/notary-pki';
import { decodeBase64, encodeBase64 } from '@x/notary-pki/foundation';
import { type Issued, issue } from '@x/notary-test-servers/certificates';

export interface RemoteSigningService {
  url: string;
  /** The CA every leaf chains to: trust it as `ca:<store>`. */
  root: Certificate;
  /** Every leaf issued so far. */
  issued: Certificate[];
  close(): Promise<void>;
}

export interface RemoteSigningServiceOptions {
  /** Leaf lifetime; defaults to 3 hours. */
  leafLifetimeMs?: number;
  /** Required bearer token, when set. */
  token?: string;
}

async function body(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

export async function startRemoteSigningService(
  options: RemoteSigningServiceOptions = {},
): Promise<RemoteSigningService> {
  const ca: Issued<Certificate> = await issue(Certificate.fromDer, { cn: 'Example Managed Signing CA', ca: true });
  const lifetime = options.leafLifetimeMs ?? 3 * 3_600_000;
  const issued: Certificate[] = [];
  const server = createServer((request, response) => {
    const reply = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    void (async () => {
      if (options.token && request.headers.authorization !== `Bearer ${options.token}`)
        return reply(403, { error: 'bad token' });
      const match = /^\/keys\/([^/]+)(\/sign)?$/.exec(request.url ?? '');
      if (!match || decodeURIComponent(match[1]!) === 'unknown') return reply(404, { error: 'no such key' });
      if (!match[2]) return reply(200, { keyId: decodeURIComponent(match[1]!), keySpec: 'EC-256' });
      const { payload, hashAlgorithm } = JSON.parse(await body(request)) as { payload: string; hashAlgorithm: string };
      if (hashAlgorithm !== 'SHA-256') return reply(400, { error: 'EC-256 signs with SHA-256' });
      const now = Math.floor(Date.now() / 1000) * 1000;
      const leaf = await issue(Certificate.fromDer, {
        cn: 'Example Managed Signer',
        issuer: ca,
        notBefore: new Date(now - 5 * 60_000),
        notAfter: new Date(now + lifetime),
      });
      issued.push(leaf.certificate);
      const signature = new Uint8Array(
        await crypto.subtle.sign(
          { name: 'ECDSA', hash: 'SHA-256' },
          leaf.privateKey,
          decodeBase64(payload) as Uint8Array<ArrayBuffer>,
        ),
      );
      reply(200, {
        signature: encodeBase64(signature),
        signingAlgorithm: 'ECDSA-SHA-256',
        certificateChain: [leaf.certificate.der, ca.certificate.der].map((c) => encodeBase64(c)),
      });
    })().catch((error: unknown) => reply(500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    root: ca.certificate,
    issued,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
