import { NotaryError } from '@x/notary-pki';
import type { PluginCommand, PluginErrorCode, PluginErrorJson } from './protocol.js';

/** Codes of {@link PluginError}: what the host found wrong, one per broken rule. */
export type PluginHostErrorCode =
  /** PLG-1: no `{plugins}/<name>/notation-<name>`. */
  | 'ERR_PLUGIN_NOT_FOUND'
  /** PLG-2: not a regular file, a symlink, not executable, or cannot be started. */
  | 'ERR_PLUGIN_NOT_EXECUTABLE'
  /** PLG-2 [impl]: the metadata name differs from the directory name. */
  | 'ERR_PLUGIN_NAME_MISMATCH'
  /** PLG-6: get-plugin-metadata answered with a missing or empty field. */
  | 'ERR_PLUGIN_METADATA_INVALID'
  /** PLG-5: no contract version both sides speak. */
  | 'ERR_PLUGIN_UNSUPPORTED_CONTRACT'
  /** PLG-7: the plugin lacks the capability the operation needs. */
  | 'ERR_PLUGIN_CAPABILITY_MISSING'
  /** PLG-4: stdout (or stderr) is not the JSON the command answers with. */
  | 'ERR_PLUGIN_MALFORMED_RESPONSE'
  /** PLG-4: stdout or stderr reached the output cap (64 MiB by default). */
  | 'ERR_PLUGIN_OUTPUT_TOO_LARGE'
  /** PLG-4: the call outlived its timeout (a default applies to every command); the process group was killed. */
  | 'ERR_PLUGIN_TIMEOUT'
  /** PLG-4: the caller's AbortSignal fired; the process was killed. */
  | 'ERR_PLUGIN_ABORTED'
  /** PLG-4: a host option is unusable (a timeout that is not a positive number of milliseconds). */
  | 'ERR_PLUGIN_OPTIONS_INVALID'
  /** PLG-4: a non-zero exit without a JSON error on stderr. */
  | 'ERR_PLUGIN_EXECUTION_FAILED'
  /** PLG-4, PLG-11: the plugin failed and said why (see `pluginError`). */
  | 'ERR_PLUGIN_ERROR_RESPONSE'
  /** PLG-8, PLG-9 [impl]: the response's keyId is not the request's. */
  | 'ERR_PLUGIN_KEY_ID_MISMATCH'
  /** PLG-8: an unknown key spec, or a leaf whose key is not the described one. */
  | 'ERR_PLUGIN_KEY_SPEC'
  /** PLG-9: an unsupported signing algorithm, or not the key spec's. */
  | 'ERR_PLUGIN_SIGNING_ALGORITHM'
  /** PLG-9, PLG-10: the signature does not verify with the leaf key over the unmodified payload. */
  | 'ERR_PLUGIN_SIGNATURE_INVALID'
  /** PLG-9, PLG-10: the certificate chain breaks a CERT rule (see `cause`). */
  | 'ERR_PLUGIN_CERTIFICATE_CHAIN'
  /** PLG-10: the envelope type is not the one asked for. */
  | 'ERR_PLUGIN_ENVELOPE_TYPE'
  /** PLG-10: the envelope does not parse or does not verify. */
  | 'ERR_PLUGIN_ENVELOPE_INVALID'
  /** PLG-10: targetArtifact was changed, or unknown members were added. */
  | 'ERR_PLUGIN_PAYLOAD_MODIFIED'
  /** PLG-10: the envelope's timestamp token is malformed or breaks the CERT rules. */
  | 'ERR_PLUGIN_TIMESTAMP_INVALID'
  /** PLG-12: pluginConfig is not a string→string map. */
  | 'ERR_PLUGIN_CONFIG_INVALID';

/** Every code the plugin package throws (PluginError's and PluginProtocolError's). Part of core's `NotaryErrorCode`. */
export type PluginPackageErrorCode = PluginHostErrorCode | 'ERR_PLUGIN_PROTOCOL';

export interface PluginErrorOptions {
  cause?: unknown;
  /** The command that was running. */
  command?: PluginCommand | string;
  /** The requirement broken (`PLG-9`, …). */
  rule?: string;
  /** The plugin's own error, for ERR_PLUGIN_ERROR_RESPONSE. */
  pluginError?: PluginErrorJson;
}

/**
 * A plugin that cannot be used or misbehaved. The message names the plugin,
 * the command and the broken rule, e.g.
 * `plugin "com.example.kms" generate-signature: keyId in the response "b" does not match the request "a" (PLG-9)`.
 */
export class PluginError extends NotaryError<PluginHostErrorCode> {
  readonly plugin: string;
  readonly command: string | undefined;
  readonly rule: string | undefined;
  /** What the plugin wrote on stderr, when it reported an error (PLG-11). */
  readonly pluginError: PluginErrorJson | undefined;

  constructor(code: PluginHostErrorCode, plugin: string, message: string, options: PluginErrorOptions = {}) {
    const where = options.command ? `plugin "${plugin}" ${options.command}` : `plugin "${plugin}"`;
    super(
      code,
      `${where}: ${message}${options.rule ? ` (${options.rule})` : ''}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.plugin = plugin;
    this.command = options.command;
    this.rule = options.rule;
    this.pluginError = options.pluginError;
  }
}

/**
 * An error in the protocol's own terms (PLG-11): thrown by a plugin handler
 * to answer with that error code, and by request validation. The framework
 * writes {@link toJSON} to stderr and exits 1.
 *
 * ```ts
 * throw new PluginProtocolError('ACCESS_DENIED', 'the caller may not use key "release"');
 * ```
 */
export class PluginProtocolError extends NotaryError<'ERR_PLUGIN_PROTOCOL'> {
  readonly errorCode: PluginErrorCode;
  readonly errorMetadata: Record<string, string> | undefined;

  constructor(
    errorCode: PluginErrorCode,
    message: string,
    options: { metadata?: Record<string, string>; cause?: unknown } = {},
  ) {
    super('ERR_PLUGIN_PROTOCOL', message, options.cause === undefined ? undefined : { cause: options.cause });
    this.errorCode = errorCode;
    this.errorMetadata = options.metadata;
  }

  /** The stderr form, members in notation's order (empty ones omitted, as Go's omitempty does). */
  toJSON(): PluginErrorJson {
    return {
      errorCode: this.errorCode,
      ...(this.message ? { errorMessage: this.message } : {}),
      ...(this.errorMetadata && Object.keys(this.errorMetadata).length > 0
        ? { errorMetadata: { ...this.errorMetadata } }
        : {}),
    };
  }
}
