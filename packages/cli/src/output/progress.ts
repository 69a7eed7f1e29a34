/**
 * Progress of long work (hashing a big blob, going through many signatures)
 * on stderr, only when stderr is a terminal: a piped or captured run stays
 * quiet, and stdout is never touched, so `-o json` output stays parseable.
 */
import type { CommandContext } from '../context.js';

export interface Progress {
  /** Reports `done` of `total` (bytes or items). */
  update(done: number): void;
  /** Clears the progress line. */
  finish(): void;
}

const QUIET: Progress = { update() {}, finish() {} };
const REDRAW_INTERVAL_MS = 100;

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * issue 13 item 7: whether the terminal may get ANSI escapes. Not under
 * `TERM=dumb` (no cursor control) nor when `NO_COLOR` is set (no-color.org);
 * there the line is redrawn with a carriage return and spaces only.
 */
export function ansiAllowed(env: Readonly<Record<string, string | undefined>>): boolean {
  return env['TERM'] !== 'dumb' && (env['NO_COLOR'] ?? '') === '';
}

/**
 * A progress line for `label`; `unit` says how to print counts. Returns a
 * no-op unless stderr is a TTY. Redraws at most every 100 ms.
 */
export function startProgress(
  context: CommandContext,
  label: string,
  total: number,
  unit: 'bytes' | 'items',
): Progress {
  if (!context.stderr.isTTY) return QUIET;
  const ansi = ansiAllowed(context.env);
  let last = 0;
  let drawn = false;
  let width = 0;
  // Without escapes, a shorter line is cleared by writing spaces over the longer one before it.
  const clear = () => (ansi ? '\r\x1b[2K' : `\r${' '.repeat(width)}\r`);
  const show = (n: number) => (unit === 'bytes' ? formatBytes(n) : String(n));
  return {
    update(done) {
      const now = Date.now();
      if (now - last < REDRAW_INTERVAL_MS && done < total) return;
      last = now;
      const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
      const line = `${label} ${show(done)}/${show(total)} (${percent}%)`;
      context.stderr.write(`${clear()}${line}`);
      drawn = true;
      width = Math.max(width, line.length);
    },
    finish() {
      if (drawn) context.stderr.write(clear());
    },
  };
}
