/**
 * Runs a plugin executable for one command (PLG-4): `notation-<name>
 * <command>` with the request JSON on stdin, stdout and stderr read up to a
 * cap each. On POSIX the plugin runs in its own process group, and the whole
 * group is killed on timeout, on abort, on overflow and when the host exits
 * (issue 12 finding 9), so a plugin that forked helpers leaves none behind.
 */
import { spawn } from 'node:child_process';
import { concatChunks } from '@x/notary-pki/foundation';
import type { CallOptions, PluginExchange, PluginTransport } from '../client.js';
import { isValidTimeoutMs, type PluginTimeoutOptions, pluginCommandTimeoutMs } from '../command-timeouts.js';
import { PluginError } from '../errors.js';
import { trackPluginProcess } from './live-plugin-processes.js';

/** PLG-4 [impl]: stdout and stderr are each limited to 64 MiB. */
export const MAX_PLUGIN_OUTPUT_BYTES = 64 * 1024 * 1024;

/** setTimeout's largest delay (about 24.8 days); a longer timeout is no timeout, not an immediate one. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ProcessTransportOptions extends PluginTimeoutOptions {
  /** Cap for stdout and for stderr, each (default 64 MiB, PLG-4). */
  maxOutputBytes?: number;
  /** Environment of the plugin process; defaults to this process's. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Aborts every command of this plugin (a call's own `signal` applies as well); the process group is killed. */
  signal?: AbortSignal;
}

/**
 * A transport that spawns `executable` once per command. `name` is the
 * plugin's, for errors. Throws ERR_PLUGIN_OPTIONS_INVALID for a timeout that
 * is not a positive number of milliseconds (or `Infinity`).
 */
export function processTransport(
  executable: string,
  name: string,
  options: ProcessTransportOptions = {},
): PluginTransport {
  const cap = options.maxOutputBytes ?? MAX_PLUGIN_OUTPUT_BYTES;
  const timeouts = [
    ['timeoutMs', options.timeoutMs],
    ...Object.entries(options.commandTimeoutsMs ?? {}).map(([c, ms]) => [`commandTimeoutsMs["${c}"]`, ms]),
  ] as const;
  for (const [field, ms] of timeouts) {
    if (ms !== undefined && !isValidTimeoutMs(ms)) {
      throw new PluginError(
        'ERR_PLUGIN_OPTIONS_INVALID',
        name,
        `${field} must be a positive number of milliseconds or Infinity, not ${String(ms)}`,
        { rule: 'PLG-4' },
      );
    }
  }
  return (command, request, call: CallOptions) =>
    new Promise<PluginExchange>((resolve, reject) => {
      const fail = (
        code: 'ERR_PLUGIN_TIMEOUT' | 'ERR_PLUGIN_ABORTED' | 'ERR_PLUGIN_OUTPUT_TOO_LARGE' | 'ERR_PLUGIN_NOT_EXECUTABLE',
        message: string,
        cause?: unknown,
      ) =>
        new PluginError(code, name, message, {
          command,
          rule: code === 'ERR_PLUGIN_NOT_EXECUTABLE' ? 'PLG-2' : 'PLG-4',
          ...(cause ? { cause } : {}),
        });
      const signals = [options.signal, call.signal].filter((s): s is AbortSignal => s !== undefined);
      const aborted = signals.find((s) => s.aborted);
      if (aborted) {
        reject(fail('ERR_PLUGIN_ABORTED', 'the call was aborted before the plugin started', aborted.reason));
        return;
      }
      const timeoutMs = pluginCommandTimeoutMs(command, options);
      const posix = process.platform !== 'win32';
      const child = spawn(executable, [command], {
        stdio: ['pipe', 'pipe', 'pipe'],
        // Its own process group (POSIX), so that a kill also reaches whatever the plugin started.
        detached: posix,
        env: { ...(options.env ?? process.env) } as NodeJS.ProcessEnv,
        windowsHide: true,
      });
      let settled = false;
      const out: Uint8Array[] = [];
      const err: Uint8Array[] = [];
      let outBytes = 0;
      let errBytes = 0;

      const kill = () => {
        try {
          if (posix && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          // Already gone.
        }
      };
      // Killed with the host if the host ends first; released once the plugin's output is closed.
      const release = child.pid !== undefined ? trackPluginProcess(kill) : () => {};
      const finish = (error: PluginError | undefined, exchange?: PluginExchange) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        for (const s of signals) s.removeEventListener('abort', onAbort);
        if (error) {
          kill();
          release();
          child.stdout?.destroy();
          child.stderr?.destroy();
          reject(error);
        } else resolve(exchange!);
      };
      const onAbort = () => {
        const reason = signals.find((s) => s.aborted)?.reason;
        finish(fail('ERR_PLUGIN_ABORTED', "the call was aborted; the plugin's process group was killed", reason));
      };
      for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
      const timer =
        timeoutMs <= MAX_TIMER_MS
          ? setTimeout(
              () =>
                finish(
                  fail(
                    'ERR_PLUGIN_TIMEOUT',
                    `'${executable} ${command}' did not finish within ${timeoutMs} ms; the plugin's process group was killed`,
                  ),
                ),
              timeoutMs,
            )
          : undefined;

      child.stdout!.on('data', (chunk: Uint8Array) => {
        outBytes += chunk.length;
        if (outBytes > cap)
          finish(
            fail('ERR_PLUGIN_OUTPUT_TOO_LARGE', `stdout exceeds the ${cap}-byte limit; the plugin process was killed`),
          );
        else out.push(chunk);
      });
      child.stderr!.on('data', (chunk: Uint8Array) => {
        errBytes += chunk.length;
        if (errBytes > cap)
          finish(
            fail('ERR_PLUGIN_OUTPUT_TOO_LARGE', `stderr exceeds the ${cap}-byte limit; the plugin process was killed`),
          );
        else err.push(chunk);
      });
      child.on('error', (error: NodeJS.ErrnoException) =>
        finish(
          fail(
            'ERR_PLUGIN_NOT_EXECUTABLE',
            `the plugin executable cannot be started (${error.code ?? error.message}): ${executable}`,
            error,
          ),
        ),
      );
      child.on('close', (code, signal) => {
        release();
        finish(undefined, {
          // A plugin killed by a signal from elsewhere failed like any non-zero exit.
          exitCode: code ?? (signal ? 128 : 1),
          stdout: concatChunks(out),
          stderr: concatChunks(err),
        });
      });
      // A plugin may exit without reading its input (EPIPE): its exit status tells what happened.
      child.stdin!.on('error', () => {});
      child.stdin!.end(request);
    });
}
