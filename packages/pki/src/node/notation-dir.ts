/**
 * notation's user directories, as notation-go's `dir` package computes them
 * from Go's `os.UserConfigDir` and `os.UserCacheDir` (TS-6, REV-5 [impl]).
 * One module for every package (issue 14 finding 2: oci and trust-policy
 * each had a config-directory function, with different fallbacks).
 *
 * Go's rules, which notation-go applies unchanged:
 * - Linux and other Unixes: `$XDG_CONFIG_HOME` (`$XDG_CACHE_HOME`) when set,
 *   else `$HOME/.config` (`$HOME/.cache`); no `$HOME` is an error. Go reads
 *   only the environment, never the password database, so neither does this.
 *   [impl] A relative `$XDG_CONFIG_HOME` is used as it is (relative to the
 *   working directory), as by the released notation binaries (v1.3.2 and
 *   v2.0.0-alpha.1 are built with Go 1.23, checked against them in the
 *   tests). Go 1.24 made a relative value an error (golang/go#68470), so a
 *   notation built with it would fall back to `.notation` instead.
 * - macOS: `$HOME/Library/Application Support` (`$HOME/Library/Caches`).
 * - Windows: `%AppData%` (`%LocalAppData%`); Windows variable names are
 *   case-insensitive.
 *
 * Where Go reports an error, notation-go falls back to the relative
 * `.notation` (config) and `.notation/cache` (cache), and so does this.
 */
import { posix, win32 } from 'node:path';

/** Inputs of the directory functions, for tests; defaults are the running process's. */
export interface NotationDirOptions {
  /** Defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Defaults to `process.platform`. */
  readonly platform?: string;
}

/** Kept for callers of the CRL cache's options type. */
export type CacheDirEnvironment = NotationDirOptions;

/** Go's `os.Getenv` on Windows ignores case; elsewhere names are exact. */
function getenv(env: Readonly<Record<string, string | undefined>>, name: string, platform: string): string {
  if (platform !== 'win32') return env[name] ?? '';
  const lower = name.toLowerCase();
  for (const key of Object.keys(env)) if (key.toLowerCase() === lower) return env[key] ?? '';
  return '';
}

/** Go's `os.UserConfigDir` / `os.UserCacheDir`, or `undefined` where Go returns an error. */
function userDir(kind: 'config' | 'cache', options: NotationDirOptions): string | undefined {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  if (platform === 'win32') return getenv(env, kind === 'config' ? 'AppData' : 'LocalAppData', platform) || undefined;
  const home = getenv(env, 'HOME', platform);
  if (platform === 'darwin' || platform === 'ios') {
    return home ? posix.join(home, 'Library', kind === 'config' ? 'Application Support' : 'Caches') : undefined;
  }
  const xdg = getenv(env, kind === 'config' ? 'XDG_CONFIG_HOME' : 'XDG_CACHE_HOME', platform);
  if (xdg) return xdg;
  return home ? posix.join(home, kind === 'config' ? '.config' : '.cache') : undefined;
}

/**
 * `{NOTATION_CONFIG}` (TS-6): Linux `$XDG_CONFIG_HOME/notation`, default
 * `~/.config/notation`; macOS `~/Library/Application Support/notation`;
 * Windows `%AppData%\notation`; `.notation` where Go has no answer.
 */
export function notationConfigDir(options: NotationDirOptions = {}): string {
  const base = userDir('config', options);
  if (base === undefined) return '.notation';
  return (options.platform ?? process.platform) === 'win32'
    ? win32.join(base, 'notation')
    : posix.join(base, 'notation');
}

/**
 * `{NOTATION_CACHE}` (REV-5 [impl], the CRL cache's parent): Linux
 * `$XDG_CACHE_HOME/notation`, default `~/.cache/notation`; macOS
 * `~/Library/Caches/notation`; Windows `%LocalAppData%\notation`;
 * `.notation/cache` where Go has no answer.
 */
export function defaultNotationCacheDir(options: NotationDirOptions = {}): string {
  const windows = (options.platform ?? process.platform) === 'win32';
  const path = windows ? win32 : posix;
  const base = userDir('cache', options);
  return base === undefined ? path.join('.notation', 'cache') : path.join(base, 'notation');
}
