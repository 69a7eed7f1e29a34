/**
 * How long each plugin command may run before the host gives up on it
 * (issue 12 finding 9).
 *
 * PLG-4 sets no timeout, and notation-go has none of its own ([impl]: only
 * the caller's context applies), so a plugin that hangs hangs notation with
 * it. We are stricter: every command has a default, generous enough for what
 * the command may legitimately wait on, and finite.
 */
import type { PluginCommand } from './protocol.js';

/**
 * The default timeout of each command, in milliseconds:
 *
 * - `get-plugin-metadata` (30 s): a static answer; the time goes on starting
 *   the plugin's runtime (a JVM, a Python interpreter with heavy imports, a
 *   cold disk).
 * - `describe-key` (2 min): may reach a KMS or HSM, including signing in to it.
 * - `generate-signature` and `generate-envelope` (10 min): a remote signing
 *   service may queue the request, an HSM or token may wait for a touch, a
 *   signing workflow may wait for someone to approve; an envelope plugin may
 *   also timestamp.
 * - `verify-signature` (5 min): may fetch revocation or transparency data
 *   over the network.
 */
export const DEFAULT_PLUGIN_TIMEOUTS_MS: Readonly<Record<PluginCommand, number>> = Object.freeze({
  'get-plugin-metadata': 30_000,
  'describe-key': 120_000,
  'generate-signature': 600_000,
  'generate-envelope': 600_000,
  'verify-signature': 300_000,
});

/** Timeouts of a plugin host; the most specific wins: per command, then for every command, then the default. */
export interface PluginTimeoutOptions {
  /**
   * Milliseconds every command of this plugin may run (overrides
   * {@link DEFAULT_PLUGIN_TIMEOUTS_MS}). `Infinity` turns the timeout off;
   * the caller's AbortSignal still applies.
   */
  timeoutMs?: number;
  /** Milliseconds for particular commands (overrides `timeoutMs`). */
  commandTimeoutsMs?: Readonly<Partial<Record<PluginCommand, number>>>;
}

/** A timeout is a positive number of milliseconds, or `Infinity`. */
export function isValidTimeoutMs(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && !Number.isNaN(value);
}

/** The timeout that applies to `command` (ms, or `Infinity`). The values are assumed valid ({@link isValidTimeoutMs}). */
export function pluginCommandTimeoutMs(command: PluginCommand, options: PluginTimeoutOptions = {}): number {
  return options.commandTimeoutsMs?.[command] ?? options.timeoutMs ?? DEFAULT_PLUGIN_TIMEOUTS_MS[command];
}
