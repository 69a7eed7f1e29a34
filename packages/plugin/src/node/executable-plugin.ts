import { createPluginClient, type PluginClient } from '../client.js';
import { createVerificationRunner, type VerificationRunner } from '../verification-runner.js';
import { resolvePluginExecutable } from './discovery.js';
import { type ProcessTransportOptions, processTransport } from './process-transport.js';

export interface OpenPluginOptions extends ProcessTransportOptions {
  /** `{NOTATION_CONFIG}/plugins` (see `pluginDirectoryOf`). */
  pluginDirectory: string;
  /** Defaults to `process.platform` (`.exe` on win32, PLG-1). */
  platform?: string;
}

/**
 * An installed plugin (PLG-1, PLG-2, PLG-4): its executable is found and
 * checked now; each command then spawns it. `getMetadata()` also checks that
 * the metadata name is the directory name.
 */
export async function openPlugin(name: string, options: OpenPluginOptions): Promise<PluginClient> {
  const executable = await resolvePluginExecutable(options.pluginDirectory, name, options.platform);
  return createPluginClient(name, processTransport(executable, name, options));
}

/**
 * The trust-policy verifier's plugin runner over installed plugins (VER-8,
 * PLG-13): pass it as `verificationPlugins` to `verifySignatureEnvelope`/`verify`.
 */
export function createVerificationPluginRunner(options: OpenPluginOptions): VerificationRunner {
  return createVerificationRunner((name) => openPlugin(name, options));
}
