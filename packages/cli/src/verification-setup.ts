/**
 * What `verify` and `blob verify` share: the trust store of the config
 * directory (TS-1), the CRL cache of the cache directory (REV-5), the
 * installed verification plugins (PLG-13), the output
 * format flag, and notation's success text (warnings for logged failures,
 * then the user metadata table).
 */
import { join } from 'node:path';
import type { VerificationResult } from '@x/notary-core';
import { FileCrlCache } from '@x/notary-pki/node';
import type { VerificationRunner } from '@x/notary-plugin';
import { createVerificationPluginRunner, pluginDirectoryOf } from '@x/notary-plugin/node';
import { FileTrustStore } from '@x/notary-trust-policy/node';
import { type FlagSpecs, type ParsedArgs, stringFlag } from './args.js';
import type { CommandContext } from './context.js';
import { usageError } from './errors.js';
import { table } from './output/text.js';
import { PLUGIN_TIMEOUT_FLAG } from './plugin-timeout.js';

/** The flags `notary verify` and `notary blob verify` share, worded as notation words them for both. */
export const VERIFICATION_FLAGS: FlagSpecs = {
  'user-metadata': {
    type: 'string',
    short: 'm',
    multiple: true,
    description:
      'user defined {key}={value} pairs that must be present in the signature for successful verification if provided',
  },
  'plugin-config': {
    type: 'string',
    multiple: true,
    description:
      "{key}={value} pairs that are passed as it is to a verification plugin, refer plugin's documentation to set appropriate values",
  },
  ...PLUGIN_TIMEOUT_FLAG,
};

export function trustStoreOf(context: CommandContext): FileTrustStore {
  return FileTrustStore.fromConfigDir(context.configDir);
}

/**
 * PLG-13 … PLG-15: envelopes naming a verification plugin run the installed
 * plugin of `{config}/plugins`; `--plugin-config` goes to it as pluginConfig,
 * `--plugin-timeout` bounds each of its commands.
 */
export function verificationPluginOptionsOf(
  context: CommandContext,
  pluginConfig: Record<string, string>,
  timeout: { timeoutMs?: number } = {},
): { verificationPlugins: VerificationRunner; pluginConfig?: Record<string, string> } {
  return {
    verificationPlugins: createVerificationPluginRunner({
      pluginDirectory: pluginDirectoryOf(context.configDir),
      ...timeout,
    }),
    ...(Object.keys(pluginConfig).length > 0 ? { pluginConfig } : {}),
  };
}

export function revocationOptionsOf(context: CommandContext): { crlCache: FileCrlCache } {
  return { crlCache: new FileCrlCache(join(context.cacheDir, 'crl')) };
}

/** `-o text|json` (notation's verify has text only; JSON is ours). */
export function outputFormat(args: ParsedArgs, allowed: readonly string[]): string {
  const format = stringFlag(args, 'output') ?? 'text';
  if (!allowed.includes(format)) throw usageError(`invalid format: "${format}"`);
  return format;
}

/** notation's printVerificationSuccess: logged failures as warnings, then the success line and the metadata. */
export function printVerificationSuccess(
  context: CommandContext,
  result: VerificationResult,
  subject: string,
  hadWarning: boolean,
): void {
  let warned = hadWarning;
  for (const check of Object.values(result.checks)) {
    if (check.outcome === 'failed-logged' && check.error) {
      context.warn(`${check.type} was set to "${check.action}" and failed with error: ${check.error.message}`);
      warned = true;
    }
  }
  if (warned) context.stderr.write('\n');
  if (result.level === 'skip') {
    context.print(`Trust policy is configured to skip signature verification for ${subject}\n`);
    return;
  }
  context.print(`Successfully verified signature for ${subject}\n`);
  const metadata = result.targetArtifact?.annotations ?? {};
  const entries = Object.entries(metadata);
  if (entries.length > 0) {
    context.print('\nThe artifact was signed with the following user metadata.\n\n');
    context.print(table([['KEY', 'VALUE'], ...entries.map(([k, v]) => [k, v])]));
  }
}
