/**
 * Starts the OCI test servers once per test run, all on loopback:
 *
 * - Debian's distribution registry (2.8.2) three times: no auth, htpasswd
 *   Basic, and token auth with the loopback token issuer;
 * - olareg (v0.1.2 from `$NOTARY_PEERS`), a real registry with the
 *   Referrers API, when the binary is there (issue 13);
 * - the referrers test registry (an in-process test double with the
 *   Referrers API, kept for what no real registry does);
 * - the fault proxy in front of the no-auth registry, with its recorder on
 *   127.0.0.2 for cross-host redirects;
 *
 * and pushes the seed image into every registry with skopeo.
 *
 * In vitest: `globalSetup: ['test/global-setup.ts']` in vitest.config.ts, then
 * `inject('ociServers')` in a test; the controls in `fixtures/control.ts` work
 * from workers. Other runners (the Deno run launched from Node) call
 * `startAll()` and pass `servers` along as JSON.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { ChildSet } from '../child-processes.js';
import { registryBinary } from './docker-registry.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { olaregBinary, startOlareg } from './olareg.js';
import { type ReferrersRegistry, startReferrersRegistry } from './referrers-registry.js';
import { type Registry, startRegistry } from './registry.js';
import { buildSeedLayout, pushSeed, skopeoRunner } from './seed.js';
import { startTokenIssuer, type TokenIssuer } from './token-issuer.js';

export interface OciRegistryEndpoint {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`, the registry part of a reference. */
  host: string;
}

export interface OciServers {
  /** Temporary directory of the run (seed layout, skopeo home, issuer key); removed on teardown. */
  dir: string;
  /** The image skopeo pushed into every registry (the fault proxy shows the no-auth one's). */
  seed: {
    repository: string;
    tag: string;
    /** The manifest's digest, size and media type. */
    digest: string;
    size: number;
    mediaType: string;
    config: { digest: string; size: number; mediaType: string };
    layer: { digest: string; size: number; mediaType: string };
    /** The OCI image layout it was pushed from (`oci:<layout>:<tag>`). */
    layout: string;
  };
  registries: {
    /** distribution 2.8.2, anonymous. */
    none: OciRegistryEndpoint;
    /** distribution 2.8.2, htpasswd Basic auth. */
    basic: OciRegistryEndpoint & { username: string; password: string };
    /** distribution 2.8.2, token auth; `username` may push, `readOnly` may only pull. */
    token: OciRegistryEndpoint & {
      username: string;
      password: string;
      readOnly: { username: string; password: string };
      tokenIssuer: {
        url: string;
        /** The realm of the registry's Bearer challenge (`<url>/token`). */
        realm: string;
        service: string;
        issuer: string;
        /** GET → per-scope request counts (`tokenRequests` in control.ts). */
        requestsUrl: string;
        /** POST → resets the counts. */
        resetUrl: string;
      };
    };
  };
  /** The in-process test registry with the Referrers API (no auth). */
  referrers: OciRegistryEndpoint & { pageSize: number; requestsUrl: string };
  /** olareg, a real Referrers-API registry (no auth, in-memory), or why it is not running (binary absent). */
  olareg: OciRegistryEndpoint | { missing: string };
  /** The fault proxy in front of `registries.none`. */
  faultProxy: OciRegistryEndpoint & {
    upstream: string;
    /** POST a Fault as JSON (`setFault` in control.ts). */
    controlUrl: string;
    requestsUrl: string;
    /** Where the `redirect` fault sends clients: another loopback host. */
    recorder: OciRegistryEndpoint & { recordedUrl: string };
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    ociServers: OciServers;
  }
}

const endpoint = (server: { url: string; host: string }): OciRegistryEndpoint => ({
  url: server.url,
  host: server.host,
});

/**
 * Starts every server and seeds the registries; `stop()` ends every server and child process and removes the files.
 * Throws, before starting anything, when docker-registry is not on PATH (with how to install it).
 */
export async function startAll(): Promise<{ servers: OciServers; stop(): Promise<void> }> {
  const registry = registryBinary();
  if ('missing' in registry) throw new Error(registry.missing);
  const dir = await mkdtemp(join(tmpdir(), 'notary-oci-servers-'));
  const children = new ChildSet();
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    children.killAll();
    // Proxy first (it forwards to the registry), then the rest.
    for (const s of stoppers.reverse().splice(0)) await s().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  const started = <T extends { stop(): Promise<void> }>(server: T): T => {
    stoppers.push(() => server.stop());
    return server;
  };
  try {
    const issuerDir = await mkdtemp(join(dir, 'token-issuer-'));
    const user = { username: 'user', password: 'pass' };
    const readOnly = { username: 'reader', password: 'readerpass' };
    const olaregPath = olaregBinary();
    // Every start settles before anything is torn down: with Promise.all a
    // failed registry start ran stop() while the seed layout was still being
    // written, and rm's ENOTEMPTY hid the real cause (issue 14).
    const settled = await Promise.allSettled([
      startRegistry({ auth: 'none', parentDir: dir }).then(started),
      startRegistry({ auth: 'basic', parentDir: dir, ...user }).then(started),
      startTokenIssuer({ dir: issuerDir, children, users: [user, { ...readOnly, actions: ['pull'] }] }).then(started),
      startReferrersRegistry({ pageSize: 2 }).then(started),
      buildSeedLayout(dir),
      'path' in olaregPath
        ? startOlareg(olaregPath.path, { parentDir: dir }).then(started)
        : Promise.resolve(undefined),
    ] as const);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [none, basic, tokenIssuer, referrers, seed, olareg] = settled.map(
      (r) => (r as PromiseFulfilledResult<unknown>).value,
    ) as [
      Registry,
      Registry,
      TokenIssuer,
      ReferrersRegistry,
      Awaited<ReturnType<typeof buildSeedLayout>>,
      Awaited<ReturnType<typeof startOlareg>> | undefined,
    ];
    const token: Registry = started(await startRegistry({ auth: 'token', parentDir: dir, ...user, tokenIssuer }));
    const faultProxy: FaultProxy = started(await startFaultProxy({ upstream: none.url }));

    const skopeo = await skopeoRunner(dir, children);
    const targets = { none, basic, token, referrers, ...(olareg ? { olareg } : {}) };
    // Settled too: a failed push must not start the teardown while other pushes still write into `dir`.
    const pushes = await Promise.allSettled(
      Object.entries(targets).map(async ([name, target]) => {
        const creds =
          'username' in target && target.username ? { username: target.username, password: target.password } : {};
        const digest = await pushSeed(skopeo, seed, { host: target.host, ...creds }, join(dir, `seed-${name}.digest`));
        return [name, digest] as const;
      }),
    );
    const failedPush = pushes.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failedPush) throw failedPush.reason;
    const pushed = pushes.map((r) => (r as PromiseFulfilledResult<readonly [string, string]>).value);
    for (const [name, digest] of pushed) {
      if (digest !== seed.digest)
        throw new Error(`skopeo pushed the seed to ${name} as ${digest}, expected ${seed.digest}`);
    }
    // The issuer's counts start at zero for the tests, not with skopeo's requests.
    (tokenIssuer as TokenIssuer).reset();

    const servers: OciServers = {
      dir,
      seed: {
        repository: seed.repository,
        tag: seed.tag,
        digest: seed.digest,
        size: seed.size,
        mediaType: seed.mediaType,
        config: seed.config,
        layer: seed.layer,
        layout: seed.layout,
      },
      registries: {
        none: endpoint(none),
        basic: { ...endpoint(basic), ...user },
        token: {
          ...endpoint(token),
          ...user,
          readOnly,
          tokenIssuer: {
            url: tokenIssuer.url,
            realm: tokenIssuer.realm,
            service: tokenIssuer.service,
            issuer: tokenIssuer.issuer,
            requestsUrl: tokenIssuer.requestsUrl,
            resetUrl: tokenIssuer.resetUrl,
          },
        },
      },
      referrers: { ...endpoint(referrers), pageSize: referrers.pageSize, requestsUrl: referrers.requestsUrl },
      olareg: olareg ? endpoint(olareg) : { missing: 'missing' in olaregPath ? olaregPath.missing : 'not started' },
      faultProxy: {
        ...endpoint(faultProxy),
        upstream: faultProxy.upstream,
        controlUrl: faultProxy.controlUrl,
        requestsUrl: faultProxy.requestsUrl,
        recorder: { ...endpoint(faultProxy.recorder), recordedUrl: faultProxy.recorder.recordedUrl },
      },
    };
    return { servers, stop };
  } catch (error) {
    // The cause is what the user must see: a failing teardown does not replace it.
    await stop().catch((stopError: unknown) =>
      console.warn(`[oci global setup] teardown after a failed start also failed: ${String(stopError)}`),
    );
    throw error;
  }
}

/**
 * Without docker-registry the suites that need it are left out by the
 * package's vitest config (`excludeWithoutRegistry`, which prints the
 * notice), and nothing is started here; under `CI=true` it is a failure.
 */
export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const registry = registryBinary();
  if ('missing' in registry && process.env['CI'] !== 'true') return async () => undefined;
  const { servers, stop } = await startAll();
  provide('ociServers', servers);
  return stop;
}
