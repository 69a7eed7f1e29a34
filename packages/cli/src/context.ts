/**
 * What a command runs with: its streams, environment and working directory
 * (injectable, so the CLI can also be driven in-process), notation's config
 * directory, and the helpers every command shares (warnings, prompts).
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { notationConfigDir } from '@x/notary-pki/node';
import { withoutRequirementIds } from './errors.js';

export interface CliStreams {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin: Readable & { isTTY?: boolean };
}

export interface CommandContext extends CliStreams {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** `{NOTATION_CONFIG}` (TS-6): `$NOTATION_CONFIG` when set, as notation honours it, else the OS user config dir + `notation`. */
  configDir: string;
  /** `{NOTATION_CACHE}` (TS-6), for the CRL cache (REV-5). */
  cacheDir: string;
  /** stdout text. */
  print(text: string): void;
  /** A `Warning: …` line on stderr, as notation prints them. */
  warn(message: string): void;
  /** What goes to stderr besides warnings: `info` with `-v/--verbose`, `debug` with `-d/--debug`. */
  logLevel: 'warn' | 'info' | 'debug';
  /**
   * A step of the command (issue 13 item 7), on stderr under `-v` as
   * notation's verbose mode logs (`level=info msg=…`; with `-d` prefixed by
   * the time).
   */
  info(message: string): void;
  /** Asks a yes/no question on stdout and reads the answer from stdin (notation's AskForConfirmation). */
  confirm(prompt: string): Promise<boolean>;
  /** Reads stdin to its end (`--password-stdin`). */
  readStdin(): Promise<string>;
  /** An absolute path for a user-given one. */
  path(input: string): string;
}

function userCacheDir(env: Readonly<Record<string, string | undefined>>, platform: string): string {
  if (env['NOTATION_CACHE']) return env['NOTATION_CACHE'];
  if (platform === 'win32') return `${env['LocalAppData'] ?? env['LOCALAPPDATA'] ?? '.'}\\notation`;
  if (platform === 'darwin') return `${env['HOME'] ?? '.'}/Library/Caches/notation`;
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg && xdg.startsWith('/')) return `${xdg}/notation`;
  return env['HOME'] ? `${env['HOME']}/.cache/notation` : '.notation/cache';
}

export function createContext(
  streams: CliStreams,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): CommandContext {
  const configDir = env['NOTATION_CONFIG']
    ? resolve(cwd, env['NOTATION_CONFIG'])
    : resolve(cwd, notationConfigDir({ env }));
  let stdinLines: AsyncIterator<string> | undefined;
  const context: CommandContext = {
    ...streams,
    env,
    cwd,
    configDir,
    cacheDir: resolve(cwd, userCacheDir(env, process.platform)),
    print(text) {
      streams.stdout.write(text);
    },
    warn(message) {
      streams.stderr.write(`Warning: ${withoutRequirementIds(message)}\n`);
    },
    logLevel: 'warn',
    info(message) {
      if (context.logLevel === 'warn') return;
      const time = context.logLevel === 'debug' ? `time=${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')} ` : '';
      streams.stderr.write(`${time}level=info msg=${message}\n`);
    },
    async confirm(prompt) {
      streams.stdout.write(`${prompt} [y/N] `);
      stdinLines ??= createInterface({ input: streams.stdin, terminal: false })[Symbol.asyncIterator]();
      const next = await stdinLines.next();
      const answer = next.done ? '' : next.value.trim().toLowerCase();
      if (answer === 'y' || answer === 'yes') return true;
      streams.stdout.write(next.done ? '\n' : '');
      streams.stdout.write('Operation cancelled.\n');
      return false;
    },
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of streams.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks).toString('utf8');
    },
    path(input) {
      return resolve(cwd, input);
    },
  };
  return context;
}
