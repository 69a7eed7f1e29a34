/**
 * Installed plugins (PLG-1, PLG-2): `{plugins}/<name>/notation-<name>`
 * (`.exe` on Windows), one directory per plugin.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pluginBinaryName } from '../client.js';
import { PluginError } from '../errors.js';
import { PLUGIN_BINARY_PREFIX } from '../protocol.js';

/** PLG-1: `{NOTATION_CONFIG}/plugins` (the config directory from `notationConfigDir()` of `@x/notary-pki/node`). */
export function pluginDirectoryOf(configDir: string): string {
  return join(configDir, 'plugins');
}

/**
 * PLG-1: the installed plugins' names, sorted: every subdirectory of the
 * plugin directory; files and symlinked directories are ignored, as
 * notation-go's CLIManager.List does. A missing directory lists nothing.
 */
export async function listPlugins(pluginDirectory: string): Promise<string[]> {
  try {
    const entries = await readdir(pluginDirectory, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && !e.isSymbolicLink())
      .map((e) => e.name)
      .sort();
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }
}

/** Where a plugin's executable is (PLG-1). */
export function pluginExecutablePath(
  pluginDirectory: string,
  name: string,
  platform: string = process.platform,
): string {
  return join(pluginDirectory, name, pluginBinaryName(name, platform));
}

/** The plugin name of an executable's file name, `notation-<name>[.exe]`, or undefined (PLG-1). */
export function parsePluginFileName(fileName: string, platform: string = process.platform): string | undefined {
  let base = fileName;
  if (platform === 'win32') {
    if (!base.toLowerCase().endsWith('.exe')) return undefined;
    base = base.slice(0, -4);
  }
  if (!base.startsWith(PLUGIN_BINARY_PREFIX) || base.length === PLUGIN_BINARY_PREFIX.length) return undefined;
  return base.slice(PLUGIN_BINARY_PREFIX.length);
}

/** A name that stays one path component inside the plugin directory. */
export function isValidPluginName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[\\/\0]/.test(name);
}

/**
 * PLG-1, PLG-2: the executable of the named plugin, checked to be a regular
 * file (not a symlink) with an execute bit (POSIX). Throws
 * ERR_PLUGIN_NOT_FOUND or ERR_PLUGIN_NOT_EXECUTABLE naming the plugin.
 */
export async function resolvePluginExecutable(
  pluginDirectory: string,
  name: string,
  platform: string = process.platform,
): Promise<string> {
  if (!isValidPluginName(name))
    throw new PluginError('ERR_PLUGIN_NOT_FOUND', name, 'not a valid plugin name', { rule: 'PLG-1' });
  const path = pluginExecutablePath(pluginDirectory, name, platform);
  let stats;
  try {
    stats = await lstat(path);
  } catch (error) {
    throw new PluginError(
      'ERR_PLUGIN_NOT_FOUND',
      name,
      `plugin executable file is either not found or inaccessible: ${path}`,
      { rule: 'PLG-1', cause: error },
    );
  }
  // PLG-2 as the spec words it: notation-go's os.Stat would follow a symlink; we do not.
  if (stats.isSymbolicLink())
    throw new PluginError('ERR_PLUGIN_NOT_EXECUTABLE', name, `plugin executable file must not be a symlink: ${path}`, {
      rule: 'PLG-2',
    });
  if (!stats.isFile())
    throw new PluginError('ERR_PLUGIN_NOT_EXECUTABLE', name, `plugin executable file is not a regular file: ${path}`, {
      rule: 'PLG-2',
    });
  if (platform !== 'win32' && (stats.mode & 0o111) === 0) {
    throw new PluginError('ERR_PLUGIN_NOT_EXECUTABLE', name, `plugin executable file is not executable: ${path}`, {
      rule: 'PLG-2',
    });
  }
  return path;
}
