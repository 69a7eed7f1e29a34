/**
 * `notary policy import|show`: the OCI trust policy of the config directory.
 * TP-1: `show` (like `verify`) reads `trustpolicy.oci.json`, else the legacy
 * `trustpolicy.json`. [impl] `import` writes the file(s) every tool sharing
 * the directory reads (`ociTrustPolicyImportFiles`: notation v1.3.2 reads
 * only `trustpolicy.json`, notation v2 prefers `trustpolicy.oci.json`), and,
 * unlike notation v2, never deletes `trustpolicy.json` (issue 13 finding 4;
 * docs/guides/shared-config-directory.md). The blob policy commands reuse this.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseBlobTrustPolicy, parseOciTrustPolicy } from '@x/notary-trust-policy';
import {
  BLOB_TRUST_POLICY_FILE,
  LEGACY_OCI_TRUST_POLICY_FILE,
  OCI_TRUST_POLICY_FILE,
  ociTrustPolicyFileInEffect,
  ociTrustPolicyImportFiles,
} from '@x/notary-trust-policy/node';
import { booleanFlag, type CommandGroup, type CommandSpec } from '../args.js';
import { writePrivateFile } from '../config/files.js';
import type { CommandContext } from '../context.js';
import { CliError, usageError } from '../errors.js';

export type PolicyKind = 'OCI' | 'blob';

const FILE: Readonly<Record<PolicyKind, string>> = { OCI: OCI_TRUST_POLICY_FILE, blob: BLOB_TRUST_POLICY_FILE };
const COMMAND: Readonly<Record<PolicyKind, string>> = { OCI: 'notary policy', blob: 'notary blob policy' };

function validate(kind: PolicyKind, json: unknown): void {
  if (kind === 'OCI') parseOciTrustPolicy(json);
  else parseBlobTrustPolicy(json);
}

/** True when a valid policy of `kind` is in place (notation's LoadOCIDocument / LoadBlobDocument succeeding). */
async function hasValidPolicy(context: CommandContext, kind: PolicyKind): Promise<boolean> {
  const paths = kind === 'OCI' ? [OCI_TRUST_POLICY_FILE, LEGACY_OCI_TRUST_POLICY_FILE] : [BLOB_TRUST_POLICY_FILE];
  for (const name of paths) {
    try {
      validate(kind, JSON.parse(await readFile(join(context.configDir, name), 'utf8')));
      return true;
    } catch {
      // absent or invalid: try the next file
    }
  }
  return false;
}

/**
 * Writes a policy document after validating it (TP-2 … TP-10, BTP-1); an
 * existing valid policy is replaced only with `--force` or a "y" answer.
 * Returns the paths written: none when the user declined; for an OCI
 * policy, every file of `ociTrustPolicyImportFiles`.
 */
export async function writePolicy(
  context: CommandContext,
  kind: PolicyKind,
  bytes: Uint8Array,
  force: boolean,
  what = 'configuration',
): Promise<string[]> {
  if (await hasValidPolicy(context, kind)) {
    if (!force) {
      if (
        !(await context.confirm(`The ${kind} trust policy configuration already exists, do you want to overwrite it?`))
      )
        return [];
    } else {
      context.warn(`existing ${kind} trust policy configuration will be overwritten`);
    }
  }
  const names = kind === 'OCI' ? await ociTrustPolicyImportFiles(context.configDir) : [FILE[kind]];
  const paths = names.map((name) => join(context.configDir, name));
  for (const path of paths) {
    try {
      await writePrivateFile(path, bytes);
    } catch (error) {
      throw new CliError('ERR_FILE', `failed to write ${kind} trust policy ${what}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return paths;
}

function importCommand(kind: PolicyKind): CommandSpec {
  return {
    name: 'import',
    usage: 'import [flags] <file_path>',
    summary: `Import ${kind} trust policy configuration from a JSON file`,
    flags: {
      force: {
        type: 'boolean',
        description: `override the existing ${kind} trust policy configuration without prompt`,
      },
    },
    async run(context, args) {
      if (args.positionals.length !== 1) {
        throw usageError(
          `requires 1 argument but received ${args.positionals.length}. Usage: ${COMMAND[kind]} import <path-to-policy.json> Please specify a trust policy ${kind === 'OCI' ? 'file' : 'configuration'} location as the argument`,
        );
      }
      const file = args.positionals[0]!;
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(context.path(file)));
      } catch (error) {
        throw new CliError(
          'ERR_FILE',
          `failed to read ${kind} trust policy ${kind === 'OCI' ? 'configuration' : 'file'}: open ${file}: no such file or directory`,
          { cause: error },
        );
      }
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(bytes));
      } catch (error) {
        throw new CliError(
          'ERR_CONFIG',
          `failed to parse ${kind} trust policy configuration: ${(error as Error).message}`,
          { cause: error },
        );
      }
      try {
        validate(kind, json);
      } catch (error) {
        throw new CliError(
          'ERR_CONFIG',
          `failed to validate ${kind} trust policy configuration: ${(error as Error).message}`,
          { cause: error },
        );
      }
      const written = await writePolicy(context, kind, bytes, booleanFlag(args, 'force'));
      for (const path of written)
        context.print(`Successfully imported ${kind} trust policy configuration to ${path}.\n`);
    },
  };
}

function showCommand(kind: PolicyKind): CommandSpec {
  return {
    name: 'show',
    usage: 'show [flags]',
    summary: `Show ${kind} trust policy configuration`,
    flags: {},
    async run(context, args) {
      if (args.positionals.length > 0) throw usageError(`accepts 0 arg(s), received ${args.positionals.length}`);
      // TP-1: the file `verify` reads. [impl] No deprecation warning for the legacy file, as notation
      // v2 prints: notary writes it on purpose (see `ociTrustPolicyImportFiles`).
      const name =
        kind === 'OCI' ? ((await ociTrustPolicyFileInEffect(context.configDir)) ?? OCI_TRUST_POLICY_FILE) : FILE[kind];
      let bytes: Buffer;
      try {
        bytes = await readFile(join(context.configDir, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new CliError(
            'ERR_CONFIG',
            kind === 'OCI'
              ? 'failed to show OCI trust policy as it does not exist. You can import one using `notary policy import <path-to-policy.json>`'
              : 'failed to show blob trust policy as the configuration does not exist. You can import one using `notary blob policy import <path-to-policy.json>`',
            { cause: error },
          );
        } else throw error;
      }
      try {
        validate(kind, JSON.parse(bytes.toString('utf8')));
      } catch (error) {
        // notation prints the invalid document anyway, so it can be fixed, and fails.
        context.print(bytes.toString('utf8'));
        throw new CliError(
          'ERR_CONFIG',
          `existing ${kind} trust policy configuration is invalid, you may update or create a new one via \`${COMMAND[kind]} import <path-to-policy.json>\`: ${(error as Error).message}`,
          { cause: error },
        );
      }
      context.print(bytes.toString('utf8'));
      if (name === OCI_TRUST_POLICY_FILE) await warnIfLegacyDiffers(context, bytes);
    },
  };
}

/**
 * When both OCI files exist and differ, notation v1.3.2 (which reads only
 * `trustpolicy.json`) verifies under another policy than notary and notation
 * v2 do; say so (issue 13 finding 4).
 */
async function warnIfLegacyDiffers(context: CommandContext, current: Buffer): Promise<void> {
  let legacy: Buffer;
  try {
    legacy = await readFile(join(context.configDir, LEGACY_OCI_TRUST_POLICY_FILE));
  } catch {
    return;
  }
  if (!legacy.equals(current)) {
    context.warn(
      `${LEGACY_OCI_TRUST_POLICY_FILE} differs from ${OCI_TRUST_POLICY_FILE}: notary and notation v2 use ${OCI_TRUST_POLICY_FILE}, notation v1.3.2 uses ${LEGACY_OCI_TRUST_POLICY_FILE}; \`notary policy import\` writes both`,
    );
  }
}

export function policyCommands(kind: PolicyKind): CommandSpec[] {
  return [importCommand(kind), showCommand(kind)];
}

export const policyGroup: CommandGroup = {
  name: 'policy',
  summary: 'Manage OCI trust policy configuration for OCI artifact signature verification',
  commands: policyCommands('OCI'),
};
