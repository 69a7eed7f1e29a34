/**
 * Starts the real TSA, OCSP and CRL servers on loopback and generates the PKI
 * they serve, once per test run.
 *
 * In vitest: `globalSetup: ['test/servers/global-setup.ts']`, then in a test
 * `inject('pkiServers')`. Other runners (e.g. the Deno run launched from Node)
 * call `startAll()` and pass `servers` along as JSON.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { type OcspServer, startOcspServer } from './ocsp-server.js';
import { createPkiScenario, type OcspRouteName, type PkiScenario, type TsaRouteName } from './pki-scenario.js';
import { CONTROL, type StaticServer, startStaticServer } from './static-server.js';
import { startTsaServer, type TsaServer } from './tsa-server.js';

/** Everything a test needs, JSON-serialisable (it crosses into vitest workers and other runtimes). */
export interface PkiServers {
  /** Temporary directory holding every generated file; removed by `stop()`. */
  dir: string;
  tsa: {
    url: string;
    /** POST a TimeStampReq here; see `TsaRouteName` for what each answers. */
    routes: Record<TsaRouteName, string>;
  };
  ocsp: {
    url: string;
    /** The responder paths the certificates' AIA URLs name. */
    routes: Record<OcspRouteName, string>;
  };
  crl: {
    url: string;
    /** GET → JSON `{ "<path>": count }` of CRL requests so far. */
    requestsUrl: string;
    /** POST JSON `{ "path": "/inter.crl", "behavior": "hang" | 404 | "serve" }`. */
    behaviorUrl: string;
  };
  scenario: PkiScenario;
}

declare module 'vitest' {
  export interface ProvidedContext {
    pkiServers: PkiServers;
  }
}

/** Starts the three servers and generates the scenario; `stop()` ends every server and child process and removes the files. */
export async function startAll(): Promise<{ servers: PkiServers; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'notary-pki-servers-'));
  const started: Array<TsaServer | OcspServer | StaticServer> = [];
  const stop = async () => {
    await Promise.allSettled(started.map((server) => server.close()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await mkdir(join(dir, 'crl'));
    // The servers come first: the certificates carry their URLs. Routes are added once the files exist.
    const crl = await startStaticServer({ root: join(dir, 'crl') });
    started.push(crl);
    const ocsp = await startOcspServer();
    started.push(ocsp);
    const tsa = await startTsaServer();
    started.push(tsa);

    const scenario = await createPkiScenario(dir, { ocspBase: ocsp.url, crlBase: crl.url });
    for (const [name, route] of Object.entries(scenario.ocspRoutes)) ocsp.setRoute(name, route);
    for (const [name, route] of Object.entries(scenario.tsaRoutes)) tsa.setRoute(name, route);
    const urlsOf = <K extends string>(base: string, routes: Record<K, unknown>) =>
      Object.fromEntries(Object.keys(routes).map((name) => [name, `${base}/${name}`])) as Record<K, string>;

    const servers: PkiServers = {
      dir,
      tsa: { url: tsa.url, routes: urlsOf(tsa.url, scenario.tsaRoutes) },
      ocsp: { url: ocsp.url, routes: urlsOf(ocsp.url, scenario.ocspRoutes) },
      crl: { url: crl.url, requestsUrl: crl.url + CONTROL.requests, behaviorUrl: crl.url + CONTROL.behavior },
      scenario,
    };
    return { servers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const { servers, stop } = await startAll();
  provide('pkiServers', servers);
  return stop;
}
