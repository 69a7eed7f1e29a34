/**
 * `--plugin-timeout <duration>` (issue 12 finding 9): how long each plugin
 * command may run before the plugin's process group is killed. notation has
 * no such flag (it has no plugin timeout at all, PLG-4 [impl]); the name says
 * what it bounds. Without it, each command has the SDK's default
 * (`DEFAULT_PLUGIN_TIMEOUTS_MS`: 30s for get-plugin-metadata up to 10m for
 * generate-signature and generate-envelope).
 */
import { type FlagSpecs, type ParsedArgs, stringFlag } from './args.js';
import { usageError } from './errors.js';
import { parseGoDuration } from './go-duration.js';

export const PLUGIN_TIMEOUT_FLAG: FlagSpecs = {
  'plugin-timeout': {
    type: 'string',
    description:
      'maximum duration of each plugin command, e.g. 90s, 5m, 1h; a plugin running longer is killed (default: per command, from 30s for get-plugin-metadata to 10m for generate-signature)',
  },
};

/** The `timeoutMs` option of `--plugin-timeout`, or none when the flag is absent: a positive Go duration. */
export function pluginTimeoutOf(args: ParsedArgs): { timeoutMs?: number } {
  const text = stringFlag(args, 'plugin-timeout');
  if (text === undefined) return {};
  const seconds = parseGoDuration(text);
  if (seconds === undefined)
    throw usageError(`invalid argument "${text}" for "--plugin-timeout" flag: time: invalid duration "${text}"`);
  const timeoutMs = Math.round(seconds * 1000);
  if (!(timeoutMs > 0)) throw usageError(`plugin timeout must be a positive duration of at least 1ms, not "${text}"`);
  return { timeoutMs };
}
