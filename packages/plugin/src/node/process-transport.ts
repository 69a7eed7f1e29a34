/**
 * Runs a plugin executable for one command (PLG-4): `notation-<name>
 * <command>` with the request JSON on stdin, stdout and stderr read up to a
 * cap each, and the process killed on timeout, abort or overflow.
 */
import { spawn } from 'node:child_process';
import type { CallOptions, PluginExchange, PluginTransport } from '../client.js';
import { PluginError } from '../errors.js';

/** PLG-4 [impl]: stdout and stderr are each limited to 64 MiB. */
export const MAX_PLUGIN_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface ProcessTransportOptions {
  /** Kill the plugin after this long (ms). No default: notation-go has none either (PLG-4 [impl]). */
  timeoutMs?: number;
  /** Cap for stdout and for stderr, each (default 64 MiB, PLG-4). */
  maxOutputBytes?: number;
  /** Environment of the plugin process; defaults to this process's. */
  env?: Readonly<Record<string, string | undefined>>;
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** A transport that spawns `executable` once per command. `name` is the plugin's, for errors. */
export function processTransport(executable: string, name: string, options: ProcessTransportOptions = {}): PluginTransport {
  const cap = options.maxOutputBytes ?? MAX_PLUGIN_OUTPUT_BYTES;
  return (command, request, call: CallOptions) =>
    new Promise<PluginExchange>((resolve, reject) => {
      const fail = (code: 'ERR_PLUGIN_TIMEOUT' | 'ERR_PLUGIN_ABORTED' | 'ERR_PLUGIN_OUTPUT_TOO_LARGE' | 'ERR_PLUGIN_NOT_EXECUTABLE', message: string, cause?: unknown) =>
        new PluginError(code, name, message, { command, rule: code === 'ERR_PLUGIN_NOT_EXECUTABLE' ? 'PLG-2' : 'PLG-4', ...(cause ? { cause } : {}) });
      if (call.signal?.aborted) {
        reject(fail('ERR_PLUGIN_ABORTED', 'the call was aborted before the plugin started', call.signal.reason));
        return;
      }
      const posix = process.platform !== 'win32';
      const child = spawn(executable, [command], {
        stdio: ['pipe', 'pipe', 'pipe'],
        // Its own process group, so that a kill also reaches what a wrapper script started.
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
      const finish = (error: PluginError | undefined, exchange?: PluginExchange) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        call.signal?.removeEventListener('abort', onAbort);
        if (error) {
          kill();
          child.stdout?.destroy();
          child.stderr?.destroy();
          reject(error);
        } else resolve(exchange!);
      };
      const onAbort = () => finish(fail('ERR_PLUGIN_ABORTED', 'the call was aborted; the plugin process was killed', call.signal?.reason));
      call.signal?.addEventListener('abort', onAbort, { once: true });
      const timer =
        options.timeoutMs !== undefined
          ? setTimeout(() => finish(fail('ERR_PLUGIN_TIMEOUT', `'${executable} ${command}' command execution timeout after ${options.timeoutMs} ms; the plugin process was killed`)), options.timeoutMs)
          : undefined;

      child.stdout!.on('data', (chunk: Uint8Array) => {
        outBytes += chunk.length;
        if (outBytes > cap) finish(fail('ERR_PLUGIN_OUTPUT_TOO_LARGE', `stdout exceeds the ${cap}-byte limit; the plugin process was killed`));
        else out.push(chunk);
      });
      child.stderr!.on('data', (chunk: Uint8Array) => {
        errBytes += chunk.length;
        if (errBytes > cap) finish(fail('ERR_PLUGIN_OUTPUT_TOO_LARGE', `stderr exceeds the ${cap}-byte limit; the plugin process was killed`));
        else err.push(chunk);
      });
      child.on('error', (error: NodeJS.ErrnoException) => finish(fail('ERR_PLUGIN_NOT_EXECUTABLE', `the plugin executable cannot be started (${error.code ?? error.message}): ${executable}`, error)));
      child.on('close', (code, signal) => {
        finish(undefined, {
          // A plugin killed by a signal from elsewhere failed like any non-zero exit.
          exitCode: code ?? (signal ? 128 : 1),
          stdout: concat(out, Math.min(outBytes, cap)),
          stderr: concat(err, Math.min(errBytes, cap)),
        });
      });
      // A plugin may exit without reading its input (EPIPE): its exit status tells what happened.
      child.stdin!.on('error', () => {});
      child.stdin!.end(request);
    });
}
