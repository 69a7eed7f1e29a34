import type { CallOptions, PluginClient } from './client.js';
import { PluginError } from './errors.js';
import type {
  GetMetadataRequest,
  PluginMetadata,
  VerifySignatureRequest,
  VerifySignatureResponse,
} from './protocol.js';

/**
 * Runs verification plugins by name for `@x/notary-core`'s verifier (VER-8,
 * PLG-13 … PLG-15): pass it as `verificationPlugins`.
 */
export interface VerificationRunner {
  /** get-plugin-metadata of the named plugin, validated (PLG-6, PLG-2); rejects when it is not installed (PLG-13). */
  metadata(name: string, options?: GetMetadataRequest): Promise<PluginMetadata>;
  verifySignature(name: string, request: VerifySignatureRequest): Promise<VerifySignatureResponse>;
}

/**
 * A {@link VerificationRunner} over any way of finding plugins: installed
 * executables (`createVerificationPluginRunner` in `./node` does this with
 * `openPlugin`), or TypeScript plugins in process:
 *
 * ```ts
 * const runner = createVerificationRunner((name) => plugins[name] ?? Promise.reject(new Error(`no plugin ${name}`)));
 * ```
 */
export function createVerificationRunner(
  find: (name: string) => PluginClient | Promise<PluginClient>,
  options: CallOptions = {},
): VerificationRunner {
  return {
    async metadata(name, request = {}) {
      return (await find(name)).getMetadata(request, options);
    },
    async verifySignature(name, request) {
      return (await find(name)).verifySignature(request, options);
    },
  };
}

/** A lookup over in-process plugins by name; an unknown name is ERR_PLUGIN_NOT_FOUND (PLG-13). */
export function pluginsByName(plugins: readonly PluginClient[]): (name: string) => PluginClient {
  const byName = new Map(plugins.map((p) => [p.name, p]));
  return (name) => {
    const plugin = byName.get(name);
    if (!plugin) throw new PluginError('ERR_PLUGIN_NOT_FOUND', name, 'no such plugin', { rule: 'PLG-13' });
    return plugin;
  };
}
