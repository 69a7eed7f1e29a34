/**
 * get-plugin-metadata answers (PLG-6) and contract version negotiation
 * (PLG-5), on both sides of the protocol.
 */
import { PluginError, PluginProtocolError } from './errors.js';
import {
  CAPABILITY_COMMANDS,
  type Capability,
  CONTRACT_VERSION,
  type PluginCommand,
  type PluginMetadata,
} from './protocol.js';

/** The contract versions this host speaks, newest first (PLG-5). */
export const HOST_CONTRACT_VERSIONS: readonly string[] = Object.freeze([CONTRACT_VERSION]);

function parseVersion(version: string): [number, number] | undefined {
  const m = /^(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * The contract version to speak with a plugin (PLG-5): the host's own
 * version for each major it knows, when the plugin lists that version or a
 * lower minor of the same major (a plugin supports one version per major).
 * A higher minor than the host's is never used. Undefined when none fits.
 */
export function negotiateContractVersion(
  supported: readonly string[],
  hostVersions: readonly string[] = HOST_CONTRACT_VERSIONS,
): string | undefined {
  for (const host of hostVersions) {
    const [major, minor] = parseVersion(host) ?? [NaN, NaN];
    const usable = supported
      .map((v) => ({ v, parsed: parseVersion(v) }))
      .filter(
        (e): e is { v: string; parsed: [number, number] } =>
          e.parsed !== undefined && e.parsed[0] === major && e.parsed[1] <= minor,
      )
      .sort((a, b) => b.parsed[1] - a.parsed[1]);
    if (usable[0]) return usable[0].v;
  }
  return undefined;
}

/**
 * PLG-6 [impl]: every field present and non-empty, in notation-go's order
 * and words; PLG-5 [impl]: `supportedContractVersions` must allow `1.0`.
 * Throws ERR_PLUGIN_METADATA_INVALID or ERR_PLUGIN_UNSUPPORTED_CONTRACT.
 * Returns the negotiated contract version.
 */
export function validatePluginMetadata(metadata: PluginMetadata, plugin: string): string {
  const problem =
    metadata.name === ''
      ? 'empty name'
      : metadata.description === ''
        ? 'empty description'
        : metadata.version === ''
          ? 'empty version'
          : metadata.url === ''
            ? 'empty url'
            : metadata.capabilities.length === 0
              ? 'empty capabilities'
              : metadata.supportedContractVersions.length === 0
                ? 'supported contract versions not specified'
                : undefined;
  if (problem) {
    throw new PluginError(
      'ERR_PLUGIN_METADATA_INVALID',
      plugin,
      `metadata validation failed for plugin ${plugin}: ${problem}`,
      { command: 'get-plugin-metadata', rule: 'PLG-6' },
    );
  }
  const version = negotiateContractVersion(metadata.supportedContractVersions);
  if (version === undefined) {
    throw new PluginError(
      'ERR_PLUGIN_UNSUPPORTED_CONTRACT',
      plugin,
      `contract version "${CONTRACT_VERSION}" is not in the list of the plugin supported versions [${metadata.supportedContractVersions.join(' ')}]`,
      { command: 'get-plugin-metadata', rule: 'PLG-5' },
    );
  }
  return version;
}

/** Whether the metadata lists a capability (PLG-7). */
export function hasCapability(metadata: Pick<PluginMetadata, 'capabilities'>, capability: Capability): boolean {
  return metadata.capabilities.includes(capability);
}

/**
 * Plugin side of PLG-5: a request in a contract version the plugin does not
 * list is refused with UNSUPPORTED_CONTRACT_VERSION, in the framework's words.
 */
export function checkRequestContractVersion(requested: string, supported: readonly string[]): void {
  if (!supported.includes(requested)) {
    throw new PluginProtocolError(
      'UNSUPPORTED_CONTRACT_VERSION',
      `"${requested}" is not a supported notary plugin contract version`,
    );
  }
}

/** The commands a plugin with these capabilities answers (PLG-7), plus get-plugin-metadata and version, sorted as the framework lists them. */
export function commandsFor(capabilities: readonly Capability[]): string[] {
  const commands = new Set<string>(['get-plugin-metadata', 'version']);
  for (const capability of capabilities)
    for (const command of CAPABILITY_COMMANDS[capability] ?? []) commands.add(command);
  // ENVELOPE_FOR_BLOB is not served by notation-plugin-framework-go; keep the commands its capabilities imply only.
  return [...commands].sort();
}

/** The capability-implied commands, as the PluginCommand type. */
export function commandsRequiredBy(capability: Capability): readonly PluginCommand[] {
  return CAPABILITY_COMMANDS[capability] ?? [];
}
