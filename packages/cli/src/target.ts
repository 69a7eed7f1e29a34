/**
 * From a command-line reference to a repository and the manifest it names:
 * `registry/repo:tag|@digest` for a registry (with `--insecure-registry`,
 * config.json's insecureRegistries, `-u/-p` or $NOTATION_USERNAME /
 * $NOTATION_PASSWORD, else saved credentials), or `dir[:tag|@digest]` with
 * `--oci-layout`. Resolution follows notation's resolveReference (SIGN-1
 * step 1, WF-1 step 2): a digest must match; a tag resolves with a warning.
 */
import { stat } from 'node:fs/promises';
import { resolveTarget } from '@x/notary-core';
import {
  type CredentialProvider,
  type Descriptor,
  OciError,
  parseReference,
  RemoteRepository,
  type Repository,
  staticCredentials,
} from '@x/notary-oci';
import { OciLayoutRepository, parseLayoutReference } from '@x/notary-oci/node';
import type { FlagSpecs, ParsedArgs } from './args.js';
import { booleanFlag, stringFlag } from './args.js';
import { isInsecureRegistry, loadNotationConfig } from './config/notation-config.js';
import type { CommandContext } from './context.js';
import { savedCredentials } from './credentials.js';
import { CliError, usageError } from './errors.js';

/** Registry flags (notation's SecureFlagOpts). */
export const REGISTRY_FLAGS: FlagSpecs = {
  username: {
    type: 'string',
    short: 'u',
    description: 'username for registry operations (default to $NOTATION_USERNAME if not specified)',
  },
  password: {
    type: 'string',
    short: 'p',
    description: 'password for registry operations (default to $NOTATION_PASSWORD if not specified)',
  },
  'insecure-registry': {
    type: 'boolean',
    description: 'use HTTP protocol while connecting to registries. Should be used only for testing',
  },
};

export interface OpenedTarget {
  repository: Repository;
  /** The tag or digest the user gave. */
  tagOrDigest: string;
  /** `registry/repository` or the layout path: what `@digest` is appended to in messages. */
  displayName: string;
  isLayout: boolean;
}

export interface ResolvedTarget extends OpenedTarget {
  descriptor: Descriptor;
  /** `<displayName>@<digest>`. */
  resolvedReference: string;
}

/** `-u/-p`, else the environment, as notation's SecureFlagOpts: a password without a user is a refresh token. */
function flagCredentials(context: CommandContext, args: ParsedArgs, registry: string): CredentialProvider | undefined {
  const username = stringFlag(args, 'username') ?? context.env['NOTATION_USERNAME'] ?? '';
  const password = stringFlag(args, 'password') ?? context.env['NOTATION_PASSWORD'] ?? '';
  if (username === '' && password === '') return undefined;
  return staticCredentials({ [registry]: username === '' ? { refreshToken: password } : { username, password } });
}

const EXPECTING = 'Expecting <registry>/<repository>:<tag> or <registry>/<repository>@<digest>';

/** Opens the repository a reference names (notation's getRepository). */
export async function openTarget(
  context: CommandContext,
  args: ParsedArgs,
  reference: string,
  options: { ociLayout: boolean; forceReferrersTag?: boolean },
): Promise<OpenedTarget> {
  if (options.ociLayout) {
    let parsed;
    try {
      parsed = parseLayoutReference(reference);
    } catch (error) {
      throw usageError(
        `"${reference}": invalid reference: ${(error as Error).message}. Expecting <file_path>:<tag> or <file_path>@<digest>`,
      );
    }
    if (parsed.kind === 'none' || parsed.reference === undefined) {
      throw usageError(
        `"${reference}": invalid reference: missing tag or digest. Expecting <file_path>:<tag> or <file_path>@<digest>`,
      );
    }
    const path = context.path(parsed.path);
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw new CliError(
        'ERR_FILE',
        `failed to resolve user input reference: stat ${parsed.path}: no such file or directory`,
        { cause: error },
      );
    }
    if (!info.isDirectory())
      throw new CliError('ERR_FILE', 'failed to resolve user input reference: input path is not a dir');
    const repository = await OciLayoutRepository.open(path, { name: parsed.path });
    return { repository, tagOrDigest: parsed.reference, displayName: parsed.path, isLayout: true };
  }
  let parsed;
  try {
    parsed = parseReference(reference);
  } catch (error) {
    throw usageError(`"${reference}": ${(error as Error).message}. ${EXPECTING}`);
  }
  const tagOrDigest = parsed.digest ?? parsed.tag;
  if (tagOrDigest === undefined) throw usageError(`"${reference}": invalid reference: no tag or digest. ${EXPECTING}`);
  const config = await loadNotationConfig(context.configDir);
  const host = parsed.registry.replace(/:\d+$/, '');
  // notation: --insecure-registry, config.json's insecureRegistries, or a localhost registry use plain HTTP.
  const plainHttp =
    booleanFlag(args, 'insecure-registry') || isInsecureRegistry(config, parsed.registry) || host === 'localhost';
  const credentials = flagCredentials(context, args, parsed.registry) ?? (await savedCredentials(context));
  const repository = new RemoteRepository({
    registry: parsed.registry,
    repository: parsed.repository,
    ...(plainHttp ? { plainHttp: true } : {}),
    // `sign --force-referrers-tag`: store the signature with the tag schema (OCI-8) even where the Referrers API exists.
    ...(options.forceReferrersTag ? { referrersCapability: false } : {}),
    credentials,
  });
  return { repository, tagOrDigest, displayName: `${parsed.registry}/${parsed.repository}`, isLayout: false };
}

/**
 * Resolves the reference (notation's resolveReference): a digest must equal
 * the resolved one; a tag calls `onTag` (each command has its own warning).
 */
export async function resolveOpenedTarget(opened: OpenedTarget, onTag: (tag: string) => void): Promise<ResolvedTarget> {
  let descriptor: Descriptor;
  try {
    descriptor = await resolveTarget(opened.repository, opened.tagOrDigest);
  } catch (error) {
    // Any OCI failure (not found, unauthorized, network): by code, so a second copy of the oci package still matches.
    if (error instanceof OciError || String((error as { code?: unknown }).code).startsWith('ERR_OCI_')) {
      throw new CliError('ERR_FILE', `failed to get manifest descriptor: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if ((error as { code?: string }).code === 'ERR_REFERENCE_DIGEST_MISMATCH') {
      throw new CliError('ERR_FILE', `user input digest ${opened.tagOrDigest} does not match the resolved digest`, {
        cause: error,
      });
    }
    throw error;
  }
  if (!opened.tagOrDigest.includes(':')) onTag(opened.tagOrDigest);
  return { ...opened, descriptor, resolvedReference: `${opened.displayName}@${descriptor.digest}` };
}

/** notation's wording of the tag warning, per operation (`sign` has its own). */
export function tagWarning(context: CommandContext, operation: 'verify' | 'list' | 'inspect'): (tag: string) => void {
  return (tag) =>
    context.warn(
      `Always ${operation} the artifact using digest(@sha256:...) rather than a tag(:${tag}) because resolved digest may not point to the same signed artifact, as tags are mutable.`,
    );
}
