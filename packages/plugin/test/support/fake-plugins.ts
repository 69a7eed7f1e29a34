/** Installs `fixtures/fake-plugin.mjs` under a temporary plugin directory, behind a shell wrapper named as PLG-1 wants. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Certificate } from '@x/notary-pki';
import { encodeBase64 } from '@x/notary-pki/foundation';
import { expect } from 'vitest';
import { PluginError, type PluginHostErrorCode } from '../../src/index.js';

export const FAKE_PLUGIN = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/fake-plugin.mjs');

export interface FakeConfig {
  name?: string;
  version?: string;
  capabilities?: string[];
  contractVersions?: string[];
  mode?: string;
  keyPkcs8: Uint8Array;
  chain: readonly Certificate[];
  verifyResponse?: unknown;
  recordPath?: string;
}

export function tempPluginDirectory(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'notary-plugins-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `<dir>/<name>/notation-<name>`, a shell script that runs the fake plugin with `config`. */
export function installFake(
  dir: string,
  name: string,
  config: FakeConfig,
  options: { executable?: boolean } = {},
): string {
  const pluginDir = join(dir, name);
  mkdirSync(pluginDir, { recursive: true });
  const configPath = join(pluginDir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      ...config,
      name: config.name ?? name,
      keyPkcs8: encodeBase64(config.keyPkcs8),
      chain: config.chain.map((c) => encodeBase64(c.der)),
    }),
  );
  const executable = join(pluginDir, `notation-${name}`);
  writeFileSync(
    executable,
    `#!/bin/sh\nFAKE_PLUGIN_CONFIG='${configPath}' exec '${process.execPath}' '${FAKE_PLUGIN}' "$@"\n`,
  );
  chmodSync(executable, options.executable === false ? 0o644 : 0o755);
  return executable;
}

/** The PluginError in an error's cause chain (a signing failure wraps the plugin's). */
export function pluginErrorIn(error: unknown): PluginError | undefined {
  let current: unknown = error;
  while (current instanceof Error) {
    if (current instanceof PluginError) return current;
    current = current.cause;
  }
  return undefined;
}

/** Asserts a failure carries a PluginError with `code`, naming `plugin` and `rule`. */
export async function expectPluginError(
  action: Promise<unknown> | (() => Promise<unknown>),
  code: PluginHostErrorCode,
  plugin: string,
  rule?: string,
): Promise<PluginError> {
  const error = await (typeof action === 'function' ? action() : action).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(Error);
  const found = pluginErrorIn(error);
  expect(found, `expected a PluginError in ${String(error)}`).toBeInstanceOf(PluginError);
  expect(found!.code, found!.message).toBe(code);
  expect(found!.plugin).toBe(plugin);
  expect(found!.message).toContain(`plugin "${plugin}"`);
  expect((error as Error).message).toContain(`plugin "${plugin}"`);
  if (rule) {
    expect(found!.rule).toBe(rule);
    expect(found!.message).toContain(`(${rule})`);
  }
  return found!;
}
