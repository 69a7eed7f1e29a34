/**
 * Issue 12 finding 9 (PLG-4): a hung plugin is timed out by default, and
 * neither it nor anything it started outlives the command or the host. The
 * fake plugin in `hang-with-grandchild` mode forks a sleeping helper and
 * hangs; the tests then look for both processes in /proc.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Certificate } from '@x/notary-pki';
import { caAndLeaf, type Issued } from '@x/notary-test-servers/certificates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLUGIN_TIMEOUTS_MS, pluginCommandTimeoutMs } from '../../src/command-timeouts.js';
import { openPlugin } from '../../src/node/index.js';
import { livePluginProcessCount } from '../../src/node/live-plugin-processes.js';
import { PLUGIN_COMMANDS } from '../../src/protocol.js';
import { expectPluginError, installFake, tempPluginDirectory } from '../support/fake-plugins.js';

const HOST = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/plugin-host.mjs');
const BUILT = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/node/index.js');
const POSIX = process.platform !== 'win32';

let plugins: { dir: string; cleanup(): void };
let key: { leaf: Issued<Certificate>; chain: Certificate[] };
let installed = 0;

beforeAll(async () => {
  plugins = tempPluginDirectory();
  key = await caAndLeaf(Certificate.fromDer);
});
afterAll(() => plugins.cleanup());

/** A fresh hanging plugin with a grandchild; its pid file is `<record>.pids.json`. */
function hangingPlugin(): { name: string; pidsFile: string } {
  installed += 1;
  const name = `com.example.hang${installed}`;
  const record = join(plugins.dir, `record-${installed}`);
  installFake(plugins.dir, name, {
    keyPkcs8: key.leaf.pkcs8,
    chain: key.chain,
    mode: 'hang-with-grandchild',
    recordPath: record,
  });
  return { name, pidsFile: `${record}.pids.json` };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pidsOf(pidsFile: string): Promise<{ plugin: number; grandchild: number }> {
  for (let i = 0; i < 1500 && !existsSync(pidsFile); i++) await sleep(20);
  return JSON.parse(readFileSync(pidsFile, 'utf8')) as { plugin: number; grandchild: number };
}

/** Alive and not a zombie (a zombie still answers kill(pid, 0) until its parent reaps it). */
function isAlive(pid: number): boolean {
  if (existsSync('/proc/self/stat')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return false;
    }
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (bounded) for the processes to go; returns those still alive. */
async function survivors(pids: readonly number[]): Promise<number[]> {
  for (let i = 0; i < 100; i++) {
    if (pids.every((p) => !isAlive(p))) return [];
    await sleep(50);
  }
  return pids.filter(isAlive);
}

const signalListeners = () => ['SIGINT', 'SIGTERM', 'SIGHUP', 'exit'].map((s) => process.listenerCount(s));

describe.skipIf(!POSIX)('plugin process lifetime (issue 12 finding 9, PLG-4)', () => {
  it('issue 12 finding 9 PLG-4: every command has a finite default timeout; per-command beats per-plugin beats default', () => {
    for (const command of PLUGIN_COMMANDS) {
      expect(Number.isFinite(DEFAULT_PLUGIN_TIMEOUTS_MS[command]), command).toBe(true);
      expect(pluginCommandTimeoutMs(command)).toBe(DEFAULT_PLUGIN_TIMEOUTS_MS[command]);
    }
    // A remote signer may wait on an HSM, a queue or an approval: signing gets the longest default.
    expect(DEFAULT_PLUGIN_TIMEOUTS_MS['generate-signature']).toBeGreaterThan(
      DEFAULT_PLUGIN_TIMEOUTS_MS['get-plugin-metadata'],
    );
    expect(pluginCommandTimeoutMs('describe-key', { timeoutMs: 5000 })).toBe(5000);
    expect(
      pluginCommandTimeoutMs('describe-key', { timeoutMs: 5000, commandTimeoutsMs: { 'describe-key': 700 } }),
    ).toBe(700);
    expect(
      pluginCommandTimeoutMs('generate-signature', { timeoutMs: 5000, commandTimeoutsMs: { 'describe-key': 700 } }),
    ).toBe(5000);
  });

  it('issue 12 finding 9 PLG-4: a timeout that is not a positive number of ms is ERR_PLUGIN_OPTIONS_INVALID', async () => {
    const { name } = hangingPlugin();
    for (const bad of [0, -1, Number.NaN, '5000' as unknown as number]) {
      await expectPluginError(
        openPlugin(name, { pluginDirectory: plugins.dir, timeoutMs: bad }),
        'ERR_PLUGIN_OPTIONS_INVALID',
        name,
        'PLG-4',
      );
    }
    await expectPluginError(
      openPlugin(name, { pluginDirectory: plugins.dir, commandTimeoutsMs: { 'describe-key': -5 } }),
      'ERR_PLUGIN_OPTIONS_INVALID',
      name,
      'PLG-4',
    );
  });

  it('issue 12 finding 9 PLG-4: a hung plugin is killed at its timeout with its grandchild: ERR_PLUGIN_TIMEOUT, no process left', async () => {
    const before = signalListeners();
    const { name, pidsFile } = hangingPlugin();
    const plugin = await openPlugin(name, {
      pluginDirectory: plugins.dir,
      timeoutMs: Infinity,
      commandTimeoutsMs: { 'describe-key': 4000 },
    });
    const call = plugin.describeKey({ keyId: 'k' });
    const settled = call.catch(() => undefined);
    const pids = await pidsOf(pidsFile);
    expect(isAlive(pids.plugin)).toBe(true);
    expect(isAlive(pids.grandchild)).toBe(true);
    // While the plugin runs, the host-exit hooks are installed.
    expect(livePluginProcessCount()).toBe(1);
    expect(signalListeners()).toEqual(before.map((n) => n + 1));
    const error = await expectPluginError(call, 'ERR_PLUGIN_TIMEOUT', name, 'PLG-4');
    await settled;
    expect(error.message).toContain('did not finish within 4000 ms');
    expect(error.command).toBe('describe-key');
    expect(await survivors([pids.plugin, pids.grandchild])).toEqual([]);
    // … and removed once none runs.
    expect(livePluginProcessCount()).toBe(0);
    expect(signalListeners()).toEqual(before);
  });

  it('issue 12 finding 9 PLG-4: an abort (the call’s or the host option’s signal) kills the whole process group', async () => {
    for (const where of ['call', 'host'] as const) {
      const { name, pidsFile } = hangingPlugin();
      const controller = new AbortController();
      const plugin = await openPlugin(name, {
        pluginDirectory: plugins.dir,
        ...(where === 'host' ? { signal: controller.signal } : {}),
      });
      const call = plugin.describeKey({ keyId: 'k' }, where === 'call' ? { signal: controller.signal } : {});
      call.catch(() => undefined);
      const pids = await pidsOf(pidsFile);
      controller.abort(new Error('user cancelled'));
      const error = await expectPluginError(call, 'ERR_PLUGIN_ABORTED', name, 'PLG-4');
      expect((error.cause as Error).message).toBe('user cancelled');
      expect(await survivors([pids.plugin, pids.grandchild]), where).toEqual([]);
    }
    expect(livePluginProcessCount()).toBe(0);
  });

  describe.skipIf(!existsSync(BUILT))('when the host itself ends (needs the built dist/)', () => {
    async function runHost(
      how: 'exit' | 'throw' | NodeJS.Signals,
    ): Promise<{ code: number | null; signal: NodeJS.Signals | null; pids: { plugin: number; grandchild: number } }> {
      const { name, pidsFile } = hangingPlugin();
      const host = spawn(
        process.execPath,
        [HOST, plugins.dir, name, pidsFile, how.startsWith('SIG') ? 'signal' : how],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
        host.on('exit', (code, signal) => done({ code, signal })),
      );
      if (how.startsWith('SIG')) {
        await new Promise<void>((ready) =>
          host.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready()),
        );
        host.kill(how as NodeJS.Signals);
      }
      const result = await ended;
      return { ...result, pids: await pidsOf(pidsFile) };
    }

    it('issue 12 finding 9 PLG-4: a host that exits (process.exit, an uncaught error) takes its plugin and grandchild with it', async () => {
      const exited = await runHost('exit');
      expect(exited.code).toBe(0);
      expect(await survivors([exited.pids.plugin, exited.pids.grandchild])).toEqual([]);
      const crashed = await runHost('throw');
      expect(crashed.code).toBe(1);
      expect(await survivors([crashed.pids.plugin, crashed.pids.grandchild])).toEqual([]);
    });

    it('issue 12 finding 9 PLG-4: a host ended by SIGTERM, SIGINT or SIGHUP kills its plugins and still dies of the signal', async () => {
      for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
        const ended = await runHost(signal);
        expect(ended.signal, signal).toBe(signal);
        expect(await survivors([ended.pids.plugin, ended.pids.grandchild]), signal).toEqual([]);
      }
    });
  });
});
