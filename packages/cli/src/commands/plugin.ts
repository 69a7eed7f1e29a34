/**
 * `notary plugin install|uninstall|list` (PLG-1 … PLG-3), as notation's
 * commands and notation-go's CLIManager behave:
 * - `install --file <path>` or `install --url <https-url> --sha256sum <hex>`
 *   takes a single executable `notation-<name>`, or a `.zip` / `.tar.gz`
 *   with exactly one executable, each < 256 MiB; the plugin is run
 *   (get-plugin-metadata) before anything is installed, its name must be the
 *   file's (PLG-2), and an installed plugin is only replaced by a newer
 *   version unless `--force`. It lands in `{config}/plugins/<name>/`.
 * - `uninstall <name>` removes that directory, after a prompt unless `--yes`.
 * - `list` prints NAME DESCRIPTION VERSION CAPABILITIES ERROR per plugin.
 */
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readBoundedBody } from '@x/notary-pki/foundation';
import { comparePluginVersions, createPluginClient, isValidPluginVersion, type PluginMetadata } from '@x/notary-plugin';
import {
  isValidPluginName,
  listPlugins,
  openPlugin,
  parsePluginFileName,
  pluginDirectoryOf,
  processTransport,
} from '@x/notary-plugin/node';
import { booleanFlag, type CommandGroup, type CommandSpec, requireExclusive, stringFlag } from '../args.js';
import type { CommandContext } from '../context.js';
import { CliError, errorReason, usageError } from '../errors.js';
import { table } from '../output/text.js';
import { detectPackageKind, MAX_PLUGIN_FILE_BYTES, type PackageFile, readTarGz, readZip } from '../plugin-archive.js';

/**
 * Set to `1` to let `plugin install --url` use plain `http://` to a loopback
 * address (127.0.0.0/8, ::1). For tests only; every other URL must be https.
 */
export const ALLOW_LOOPBACK_HTTP_ENV = 'NOTARY_PLUGIN_INSTALL_ALLOW_LOOPBACK_HTTP';

/** notation's DownloadPluginFromURLTimeout. */
const DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;
const MAX_REDIRECTS = 10;
const LIMIT_TEXT = `${MAX_PLUGIN_FILE_BYTES / 1024 / 1024} MiB`;

function installError(message: string, cause?: unknown): CliError {
  return new CliError('ERR_PLUGIN_INSTALL', message, cause === undefined ? undefined : { cause });
}

function isLoopbackHost(hostname: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) || hostname === '[::1]';
}

function checkDownloadUrl(url: URL, allowLoopbackHttp: boolean): void {
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && allowLoopbackHttp && isLoopbackHost(url.hostname)) return;
  throw installError(
    `failed to download plugin from URL: only the HTTPS scheme is supported, but got ${url.protocol.replace(/:$/, '')}`,
  );
}

/**
 * Downloads `url` into memory, following redirects (each hop must be https
 * too), refusing a body that reaches {@link MAX_PLUGIN_FILE_BYTES}: the
 * stream is cancelled as soon as it does.
 */
async function download(url: URL, allowLoopbackHttp: boolean): Promise<{ bytes: Uint8Array; finalUrl: URL }> {
  let current = url;
  const signal = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    checkDownloadUrl(current, allowLoopbackHttp);
    const response = await fetch(current, { redirect: 'manual', signal });
    if ([301, 302, 303, 307, 308].includes(response.status)) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (!location) throw new Error(`redirect ${response.status} without a Location header`);
      current = new URL(location, current);
      continue;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`${response.status} ${response.statusText}`.trim());
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    // The foundation's bounded reader; a plugin must stay below the limit, so the cap is one byte under it.
    const bytes = await readBoundedBody(response, MAX_PLUGIN_FILE_BYTES - 1, signal);
    if (bytes === undefined) {
      throw new Error(
        declared >= MAX_PLUGIN_FILE_BYTES
          ? `the plugin is ${declared} bytes, over the ${LIMIT_TEXT} size limit`
          : `the download reached the ${LIMIT_TEXT} size limit`,
      );
    }
    return { bytes, finalUrl: current };
  }
  throw new Error(`stopped after ${MAX_REDIRECTS} redirects`);
}

/** The file that is the plugin: PLG-1 name, executable, exactly one per archive (PLG-3). */
function pickExecutable(
  files: readonly PackageFile[],
  single: boolean,
  context: CommandContext,
): { file: PackageFile; name: string } {
  const nameOf = (file: PackageFile): string => {
    const name = parsePluginFileName(file.name);
    if (name === undefined) {
      throw installError(
        `failed to read plugin name from input file: invalid plugin executable file name. Plugin file name requires format notation-{plugin-name}, but got ${file.name}`,
      );
    }
    if (process.platform !== 'win32' && name.toLowerCase().endsWith('.exe')) {
      throw installError(
        `on ${process.platform}, plugin executable file ${file.name} cannot have the '.exe' extension`,
      );
    }
    if (!isValidPluginName(name)) throw installError(`invalid plugin name ${JSON.stringify(name)}`);
    return name;
  };
  const executable = (f: PackageFile) => (f.mode & 0o111) !== 0;
  if (single) {
    const file = files[0]!;
    const name = nameOf(file);
    if (!executable(file)) throw installError('input file is not executable');
    return { file, name };
  }
  const executables = files.filter(executable);
  if (executables.length > 1) {
    throw installError(
      `found more than one executable file in the archive (${executables.map((f) => f.name).join(', ')}); a plugin archive must hold exactly one`,
    );
  }
  if (executables.length === 1) return { file: executables[0]!, name: nameOf(executables[0]!) };
  // notation-go: no executable, but exactly one notation-{name} file (e.g. a zip made on Windows): make it executable.
  const candidates = files.filter((f) => parsePluginFileName(f.name) !== undefined);
  if (candidates.length === 1) {
    context.warn(
      `Found candidate plugin executable file "${candidates[0]!.name}" without executable permission. Setting user executable bit and trying to install.`,
    );
    return { file: candidates[0]!, name: nameOf(candidates[0]!) };
  }
  throw installError('no plugin executable file was found');
}

/** get-plugin-metadata of the installed plugin, undefined when none is installed. */
async function installedMetadata(
  pluginDirectory: string,
  name: string,
): Promise<{ metadata?: PluginMetadata; error?: unknown }> {
  try {
    await lstat(join(pluginDirectory, name));
  } catch {
    return {};
  }
  try {
    const plugin = await openPlugin(name, { pluginDirectory });
    return { metadata: await plugin.getMetadata() };
  } catch (error) {
    return { error };
  }
}

interface InstallSource {
  bytes: Uint8Array;
  /** The file name of a single executable (the file's, or the URL path's last segment). */
  fileName: string;
  /** Permission bits of a single executable from the file system; a download counts as executable. */
  mode: number;
}

async function installPackage(context: CommandContext, source: InstallSource, force: boolean): Promise<void> {
  const kind = detectPackageKind(source.bytes.subarray(0, 8));
  const files =
    kind === 'zip'
      ? readZip(source.bytes)
      : kind === 'gzip'
        ? readTarGz(source.bytes)
        : [{ name: source.fileName, mode: source.mode, data: source.bytes }];
  const { file, name } = pickExecutable(files, kind === 'binary', context);

  const pluginDirectory = pluginDirectoryOf(context.configDir);
  await mkdir(pluginDirectory, { recursive: true, mode: 0o755 });
  // Staged next to its final place so that the switch is a rename.
  const staging = await mkdtemp(join(pluginDirectory, '.install-'));
  try {
    for (const f of files) {
      const path = join(staging, f.name);
      const mode = f === file ? 0o755 : 0o644;
      await writeFile(path, f.data, { mode, flag: 'wx' });
      await chmod(path, mode);
    }
    // PLG-2: it runs, answers valid metadata, and its name is the file's.
    let metadata: PluginMetadata;
    try {
      metadata = await createPluginClient(name, processTransport(join(staging, file.name), name)).getMetadata();
    } catch (error) {
      throw installError(`failed to get metadata of new plugin: ${errorReason(error)}`, error);
    }
    const existing = await installedMetadata(pluginDirectory, name);
    if (existing.error !== undefined && !force) {
      throw installError(`failed to get metadata of existing plugin: ${errorReason(existing.error)}`, existing.error);
    }
    if (existing.metadata && !force) {
      const [next, current] = [metadata.version, existing.metadata.version];
      if (!isValidPluginVersion(next) || !isValidPluginVersion(current)) {
        throw installError(
          `failed to compare plugin versions: ${!isValidPluginVersion(next) ? next : current} is not a valid semantic version`,
        );
      }
      const comparison = comparePluginVersions(next, current);
      if (comparison < 0) {
        throw installError(
          `failed to install plugin ${name}. The installing plugin version ${next} is lower than the existing plugin version ${current}. It is not recommended to install an older version. To force the installation, use the "--force" option`,
        );
      }
      if (comparison === 0)
        throw installError(
          `plugin ${name} with version ${current} already exists. To reinstall it, use the "--force" option`,
        );
    }
    const target = join(pluginDirectory, name);
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
    await chmod(target, 0o755);
    if (existing.metadata)
      context.print(
        `Successfully updated plugin ${name} from version ${existing.metadata.version} to ${metadata.version}\n`,
      );
    else context.print(`Successfully installed plugin ${name}, version ${metadata.version}\n`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const installCommand: CommandSpec = {
  name: 'install',
  aliases: ['add'],
  usage: 'install [flags] <--file|--url> <plugin_source>',
  summary: 'Install a plugin',
  description: `Install a plugin: a single executable named notation-<plugin-name>, or a .zip or .tar.gz archive holding exactly one executable
(each smaller than 256 MiB). The plugin's get-plugin-metadata name must be the file's <plugin-name>. An installed plugin is
replaced only by a newer version, unless --force. The plugin goes to {NOTATION_CONFIG}/plugins/<plugin-name>/.

--url needs an https URL and --sha256sum. For tests only, plain http to a loopback address (127.x.x.x, [::1]) is accepted
when the environment variable ${ALLOW_LOOPBACK_HTTP_ENV}=1 is set.

Example - Install plugin from file system:
  notary plugin install --file wabbit-plugin-v1.0.zip

Example - Install plugin from file system with a single plugin executable file:
  notary plugin install --file notation-wabbit-plugin

Example - Install plugin from URL, SHA256 checksum is required:
  notary plugin install --url https://wabbit-networks.com/intaller/linux/amd64/wabbit-plugin-v1.0.tar.gz --sha256sum f8a75d9234db90069d9eb5660e5374820edf36d710bd063f4ef81e7063d3810b`,
  flags: {
    file: { type: 'boolean', description: 'install plugin from a file on file system' },
    url: {
      type: 'boolean',
      description: `install plugin from an HTTPS URL. The plugin download timeout is 10m0s (plain http only to loopback with ${ALLOW_LOOPBACK_HTTP_ENV}=1, for tests)`,
    },
    sha256sum: {
      type: 'string',
      description: 'must match SHA256 of the plugin source, required when "--url" flag is set',
    },
    force: { type: 'boolean', description: 'force the installation of the plugin' },
  },
  async run(context, args) {
    requireExclusive(args, ['file', 'url']);
    const isFile = booleanFlag(args, 'file');
    const isUrl = booleanFlag(args, 'url');
    if (!isFile && !isUrl) throw usageError('at least one of the flags in the group [file url] is required');
    if (args.positionals.length === 0) throw usageError(isFile ? 'missing plugin file path' : 'missing plugin URL');
    if (args.positionals.length > 1)
      throw usageError(`can only install one plugin at a time, but got [${args.positionals.join(' ')}]`);
    const sourceText = args.positionals[0]!;
    const checksum = stringFlag(args, 'sha256sum')?.toLowerCase() ?? '';
    if (checksum !== '' && !/^[0-9a-f]{64}$/.test(checksum))
      throw usageError(`invalid --sha256sum ${JSON.stringify(checksum)}: expected 64 hexadecimal digits`);
    const force = booleanFlag(args, 'force');

    let source: InstallSource;
    if (isUrl) {
      if (checksum === '')
        throw usageError('installing from URL requires non-empty SHA256 checksum of the plugin source');
      let url: URL;
      try {
        url = new URL(sourceText);
      } catch (error) {
        throw usageError(`failed to parse plugin download URL ${sourceText} with error: ${(error as Error).message}`);
      }
      checkDownloadUrl(url, context.env[ALLOW_LOOPBACK_HTTP_ENV] === '1');
      context.print(`Downloading plugin from ${sourceText}\n`);
      let downloaded;
      try {
        downloaded = await download(url, context.env[ALLOW_LOOPBACK_HTTP_ENV] === '1');
      } catch (error) {
        if (error instanceof CliError) throw error;
        throw installError(
          `failed to download plugin from URL ${sourceText} with error: ${(error as Error).message}`,
          error,
        );
      }
      context.print('Download completed\n');
      source = {
        bytes: downloaded.bytes,
        fileName: decodeURIComponent(basename(downloaded.finalUrl.pathname)),
        mode: 0o755,
      };
    } else {
      const path = context.path(sourceText);
      let info;
      try {
        info = await stat(path);
      } catch (error) {
        throw installError(`plugin installation failed: ${errorReason(error)}`, error);
      }
      if (!info.isFile()) throw installError(`plugin installation failed: ${sourceText} is not a valid file`);
      if (info.size >= MAX_PLUGIN_FILE_BYTES)
        throw installError(`plugin installation failed: file size reached the ${LIMIT_TEXT} size limit`);
      source = { bytes: new Uint8Array(await readFile(path)), fileName: basename(path), mode: info.mode & 0o7777 };
    }
    try {
      if (checksum !== '' && sha256Hex(source.bytes) !== checksum)
        throw installError(`plugin checksum does not match user input. Expecting ${checksum}`);
      await installPackage(context, source, force);
    } catch (error) {
      throw installError(`plugin installation failed: ${errorReason(error)}`, error);
    }
  },
};

const uninstallCommand: CommandSpec = {
  name: 'uninstall',
  aliases: ['remove', 'rm'],
  usage: 'uninstall [flags] <plugin_name>',
  summary: 'Uninstall a plugin',
  flags: { yes: { type: 'boolean', short: 'y', description: 'do not prompt for confirmation' } },
  async run(context, args) {
    const name = args.positionals[0];
    if (name === undefined) throw usageError('plugin name is required');
    if (args.positionals.length > 1)
      throw usageError(`only one plugin can be removed at a time, but got [${args.positionals.join(' ')}]`);
    const pluginDirectory = pluginDirectoryOf(context.configDir);
    // A name that is not one path component would point outside the plugin directory.
    const exists =
      isValidPluginName(name) &&
      (await lstat(join(pluginDirectory, name)).then(
        (s) => s.isDirectory() || s.isSymbolicLink(),
        () => false,
      ));
    if (!exists)
      throw new CliError(
        'ERR_PLUGIN_INSTALL',
        `unable to find plugin ${name}.\nTo view a list of installed plugins, use \`notary plugin list\``,
      );
    if (
      !booleanFlag(args, 'yes') &&
      !(await context.confirm(`Are you sure you want to uninstall plugin ${JSON.stringify(name)}?`))
    )
      return;
    try {
      await rm(join(pluginDirectory, name), { recursive: true });
    } catch (error) {
      throw new CliError('ERR_PLUGIN_INSTALL', `failed to uninstall ${name}: ${errorReason(error)}`, { cause: error });
    }
    context.print(`Successfully uninstalled plugin ${name}\n`);
  },
};

const listCommand: CommandSpec = {
  name: 'list',
  aliases: ['ls'],
  usage: 'list [flags]',
  summary: 'List installed plugins',
  flags: {},
  async run(context, args) {
    if (args.positionals.length > 0) throw usageError(`accepts 0 arg(s), received ${args.positionals.length}`);
    const pluginDirectory = pluginDirectoryOf(context.configDir);
    const rows: string[][] = [['NAME', 'DESCRIPTION', 'VERSION', 'CAPABILITIES', 'ERROR']];
    for (const name of await listPlugins(pluginDirectory)) {
      try {
        const metadata = await (await openPlugin(name, { pluginDirectory })).getMetadata();
        rows.push([name, metadata.description, metadata.version, `[${metadata.capabilities.join(' ')}]`, '<nil>']);
      } catch (error) {
        rows.push([name, '', '', '[]', errorReason(error).replace(/\s*\n\s*/g, ' ')]);
      }
    }
    context.print(table(rows));
  },
};

export const pluginGroup: CommandGroup = {
  name: 'plugin',
  summary: 'Manage plugins',
  commands: [installCommand, uninstallCommand, listCommand],
};
