/**
 * The host's view of a plugin, whatever runs it: an executable spawned per
 * command (`./node`), or a TypeScript plugin called in process. Both go
 * through the same JSON (PLG-4), so a plugin behaves the same either way.
 */
import { PluginError } from './errors.js';
import { validatePluginMetadata } from './metadata.js';
import type {
  DescribeKeyRequest,
  DescribeKeyResponse,
  GenerateEnvelopeRequest,
  GenerateEnvelopeResponse,
  GenerateSignatureRequest,
  GenerateSignatureResponse,
  GetMetadataRequest,
  PluginMetadata,
  VerifySignatureRequest,
  VerifySignatureResponse,
} from './protocol.js';
import {
  CONTRACT_VERSION,
  PLUGIN_BINARY_PREFIX,
  type PluginCommand,
  type PluginErrorJson,
  type PluginRequests,
  type PluginResponses,
} from './protocol.js';
import { decodePluginResponse, encodePluginRequest } from './wire.js';

export interface CallOptions {
  /** Aborts the call; a spawned plugin is killed (PLG-4). */
  signal?: AbortSignal;
}

/** What one command produced: a process's exit code and output, or the in-process equivalent. */
export interface PluginExchange {
  exitCode: number;
  stdout: Uint8Array | string;
  stderr: Uint8Array | string;
}

/**
 * Runs one command with the request JSON on stdin (PLG-4). Failures to run
 * at all (cannot start, timeout, abort, output cap) are thrown as
 * {@link PluginError}; a plugin that ran and failed is an exchange with a
 * non-zero exit code.
 */
export type PluginTransport = (
  command: PluginCommand,
  request: string,
  options: CallOptions,
) => Promise<PluginExchange>;

/** A plugin as the signing and verification adapters use it. */
export interface PluginClient {
  /** The plugin's name: its directory name for an installed plugin (PLG-1). */
  readonly name: string;
  /** Validated (PLG-6), contract version checked (PLG-5), name checked (PLG-2). Never cached: it is called on every workflow (PLG-6). */
  getMetadata(request?: GetMetadataRequest, options?: CallOptions): Promise<PluginMetadata>;
  describeKey(request: DescribeKeyRequest, options?: CallOptions): Promise<DescribeKeyResponse>;
  generateSignature(request: GenerateSignatureRequest, options?: CallOptions): Promise<GenerateSignatureResponse>;
  generateEnvelope(request: GenerateEnvelopeRequest, options?: CallOptions): Promise<GenerateEnvelopeResponse>;
  verifySignature(request: VerifySignatureRequest, options?: CallOptions): Promise<VerifySignatureResponse>;
}

const decoder = new TextDecoder();
const asText = (output: Uint8Array | string): string => (typeof output === 'string' ? output : decoder.decode(output));

/** At most this much of a plugin's stray output is quoted in an error. */
const QUOTE_LIMIT = 512;
const quote = (text: string): string =>
  JSON.stringify(text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text);

/**
 * Reads stderr after a non-zero exit (PLG-4 [impl]: on any non-zero exit):
 * a JSON error with at least one member set is the plugin's answer (PLG-11).
 */
function failure(plugin: string, command: PluginCommand, exchange: PluginExchange): PluginError {
  const stderr = asText(exchange.stderr).trim();
  if (stderr === '') {
    return new PluginError(
      'ERR_PLUGIN_EXECUTION_FAILED',
      plugin,
      `exited with code ${exchange.exitCode} and wrote no error`,
      { command, rule: 'PLG-4' },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stderr);
  } catch {
    parsed = undefined;
  }
  const e = parsed as Partial<PluginErrorJson> | undefined;
  const wellFormed =
    typeof e === 'object' &&
    e !== null &&
    !Array.isArray(e) &&
    (e.errorCode === undefined || typeof e.errorCode === 'string') &&
    (e.errorMessage === undefined || typeof e.errorMessage === 'string') &&
    (e.errorMetadata === undefined || (typeof e.errorMetadata === 'object' && e.errorMetadata !== null)) &&
    Boolean(e.errorCode || e.errorMessage || e.errorMetadata);
  if (!wellFormed) {
    return new PluginError(
      'ERR_PLUGIN_EXECUTION_FAILED',
      plugin,
      `exited with code ${exchange.exitCode}; stderr is not a JSON error: ${quote(stderr)}`,
      { command, rule: 'PLG-4' },
    );
  }
  const pluginError: PluginErrorJson = {
    errorCode: e!.errorCode ?? '',
    ...(e!.errorMessage ? { errorMessage: e!.errorMessage } : {}),
    ...(e!.errorMetadata ? { errorMetadata: { ...e!.errorMetadata } } : {}),
  };
  return new PluginError(
    'ERR_PLUGIN_ERROR_RESPONSE',
    plugin,
    `${pluginError.errorCode || 'ERROR'}: ${pluginError.errorMessage ?? '(no message)'}`,
    { command, rule: 'PLG-11', pluginError },
  );
}

/** The executable file name of a plugin (PLG-1). */
export function pluginBinaryName(name: string, platform?: string): string {
  return `${PLUGIN_BINARY_PREFIX}${name}${platform === 'win32' ? '.exe' : ''}`;
}

/**
 * A {@link PluginClient} over a transport. Every call encodes the request
 * (filling in `contractVersion` 1.0, PLG-5), runs it, reads stderr on a
 * non-zero exit and decodes the response.
 */
export function createPluginClient(name: string, transport: PluginTransport): PluginClient {
  async function call<C extends PluginCommand>(
    command: C,
    request: PluginRequests[C],
    options: CallOptions = {},
  ): Promise<PluginResponses[C]> {
    const withVersion =
      command === 'get-plugin-metadata' || (request as { contractVersion?: string }).contractVersion
        ? request
        : { ...request, contractVersion: CONTRACT_VERSION };
    const exchange = await transport(command, JSON.stringify(encodePluginRequest(command, withVersion)), options);
    if (exchange.exitCode !== 0) throw failure(name, command, exchange);
    const stdout = asText(exchange.stdout);
    let json: unknown;
    try {
      json = JSON.parse(stdout);
    } catch (error) {
      throw new PluginError('ERR_PLUGIN_MALFORMED_RESPONSE', name, `stdout is not valid JSON: ${quote(stdout)}`, {
        command,
        rule: 'PLG-4',
        cause: error,
      });
    }
    return decodePluginResponse(command, json, name);
  }

  return {
    name,
    async getMetadata(request = {}, options) {
      const metadata = await call('get-plugin-metadata', request, options);
      validatePluginMetadata(metadata, name);
      // PLG-2 [impl]: the name in the metadata is the directory name.
      if (metadata.name !== name) {
        throw new PluginError(
          'ERR_PLUGIN_NAME_MISMATCH',
          name,
          `plugin executable file name must be "${pluginBinaryName(metadata.name)}" instead of "${pluginBinaryName(name)}"`,
          {
            command: 'get-plugin-metadata',
            rule: 'PLG-2',
          },
        );
      }
      return metadata;
    },
    describeKey: (request, options) => call('describe-key', request, options),
    generateSignature: (request, options) => call('generate-signature', request, options),
    generateEnvelope: (request, options) => call('generate-envelope', request, options),
    verifySignature: (request, options) => call('verify-signature', request, options),
  };
}
