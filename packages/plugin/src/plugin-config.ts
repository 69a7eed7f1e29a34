import { PluginError } from './errors.js';
import type { PluginConfig } from './protocol.js';

/**
 * PLG-12: the config stored with a signing key (signingkeys.json
 * `pluginConfig`) merged with the one given for this call; the call's
 * values win, key by key, as notation-go's `mergeConfig` does. Both must be
 * string→string maps (ERR_PLUGIN_CONFIG_INVALID naming `plugin`).
 */
export function mergePluginConfig(
  stored: PluginConfig | undefined,
  call: PluginConfig | undefined,
  plugin = '(unnamed)',
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const layer of [stored, call]) {
    if (layer === undefined || layer === null) continue;
    if (typeof layer !== 'object' || Array.isArray(layer)) {
      throw new PluginError(
        'ERR_PLUGIN_CONFIG_INVALID',
        plugin,
        'pluginConfig must be an object mapping strings to strings',
        { rule: 'PLG-12' },
      );
    }
    for (const [key, value] of Object.entries(layer)) {
      if (typeof value !== 'string')
        throw new PluginError('ERR_PLUGIN_CONFIG_INVALID', plugin, `pluginConfig["${key}"] must be a string`, {
          rule: 'PLG-12',
        });
      // defineProperty, so that a "__proto__" key stays data.
      Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return merged;
}
