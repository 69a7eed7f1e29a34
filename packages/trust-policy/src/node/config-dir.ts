/**
 * TS-6: `{NOTATION_CONFIG}` is the OS user config directory + `notation`,
 * as Go's `os.UserConfigDir` computes it; when that fails notation falls back
 * to `.notation` in the working directory, and so does this.
 */
import { posix, win32 } from 'node:path';

export interface ConfigDirOptions {
  /** Defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Defaults to `process.platform`. */
  readonly platform?: string;
}

function userConfigDir(env: Readonly<Record<string, string | undefined>>, platform: string): string | undefined {
  if (platform === 'win32') return env['AppData'] || env['APPDATA'] || undefined;
  if (platform === 'darwin' || platform === 'ios') {
    const home = env['HOME'];
    return home ? posix.join(home, 'Library', 'Application Support') : undefined;
  }
  const xdg = env['XDG_CONFIG_HOME'];
  if (xdg) return posix.isAbsolute(xdg) ? xdg : undefined;
  const home = env['HOME'];
  return home ? posix.join(home, '.config') : undefined;
}

/**
 * TS-6: Linux (and other Unix) `$XDG_CONFIG_HOME/notation`, default
 * `~/.config/notation`; macOS `~/Library/Application Support/notation`;
 * Windows `%AppData%\notation`.
 */
export function notationConfigDir(options: ConfigDirOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const base = userConfigDir(env, platform);
  if (base === undefined) return '.notation';
  return platform === 'win32' ? win32.join(base, 'notation') : posix.join(base, 'notation');
}

/** TS-1 / AMB-2: the x509 trust store root, `{NOTATION_CONFIG}/truststore/x509`. */
export function trustStoreRootDir(configDir: string): string {
  return `${configDir.replace(/[\\/]+$/, '')}/truststore/x509`;
}
