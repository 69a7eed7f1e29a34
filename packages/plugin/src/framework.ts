/**
 * Writing notation plugins in TypeScript: handler functions in, a compliant
 * entry point out (PLG-4 … PLG-11), in the manner of
 * notation-plugin-framework-go's `cli` package. The same object is also a
 * {@link PluginClient}, so a host can use it in process, without spawning.
 */
import { concatChunks } from '@x/notary-pki/foundation';
import { type CallOptions, createPluginClient, type PluginClient, type PluginExchange } from './client.js';
import { PluginError, PluginProtocolError } from './errors.js';
import { checkRequestContractVersion, commandsFor, commandsRequiredBy, validatePluginMetadata } from './metadata.js';
import {
  type DescribeKeyRequest,
  type DescribeKeyResponse,
  type GenerateEnvelopeRequest,
  type GenerateEnvelopeResponse,
  type GenerateSignatureRequest,
  type GenerateSignatureResponse,
  isPluginCommand,
  type PluginCommand,
  type PluginMetadata,
  type PluginResponses,
  type VerifySignatureRequest,
  type VerifySignatureResponse,
} from './protocol.js';
import { encodePluginResponse, MALFORMED_INPUT, parsePluginRequest } from './wire.js';

type Awaitable<T> = T | Promise<T>;
/** Requests as a handler sees them: validated, with the contract version set. */
type Validated<T> = T & { contractVersion: string };

/** What a handler is told besides the request. */
export interface PluginHandlerContext {
  command: PluginCommand;
  /** Set when the plugin runs in process and the host aborts the call. */
  signal?: AbortSignal;
}

/**
 * A plugin's metadata and command handlers. Throw a
 * {@link PluginProtocolError} to answer with a PLG-11 error code; any other
 * error is answered as `ERROR` with its message.
 */
export interface PluginHandlers {
  /** Static: answered as is on every get-plugin-metadata (PLG-6). */
  metadata: PluginMetadata;
  /** Required by SIGNATURE_GENERATOR.RAW (PLG-7, PLG-8). */
  describeKey?(request: Validated<DescribeKeyRequest>, context: PluginHandlerContext): Awaitable<DescribeKeyResponse>;
  /** Required by SIGNATURE_GENERATOR.RAW (PLG-7, PLG-9). */
  generateSignature?(
    request: Validated<GenerateSignatureRequest>,
    context: PluginHandlerContext,
  ): Awaitable<GenerateSignatureResponse>;
  /** Required by SIGNATURE_GENERATOR.ENVELOPE (PLG-7, PLG-10). */
  generateEnvelope?(
    request: Validated<GenerateEnvelopeRequest>,
    context: PluginHandlerContext,
  ): Awaitable<GenerateEnvelopeResponse>;
  /** Required by any SIGNATURE_VERIFIER.* capability (PLG-7, PLG-14, PLG-15). */
  verifySignature?(
    request: Validated<VerifySignatureRequest>,
    context: PluginHandlerContext,
  ): Awaitable<VerifySignatureResponse>;
}

/** Standard input: text, bytes, Node's `process.stdin`, or a web ReadableStream. */
export type PluginInput = string | Uint8Array | AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array>;
/** Standard output or error: anything with `write(text)` (Node streams qualify). */
export interface PluginOutput {
  write(chunk: string): unknown;
}

/** The result of one command, as the process would produce it. */
export interface PluginExecution {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A TypeScript plugin: an executable's entry point, and an in-process {@link PluginClient}. */
export interface TypeScriptPlugin extends PluginClient {
  readonly metadata: PluginMetadata;
  /**
   * The entry point: `argv` is the arguments after the executable (one
   * command), the request is read from `stdin`; resolves to the exit code
   * (0, or 1 with the error on stderr). Node: `runPlugin()` from `./node`.
   */
  main(argv: readonly string[], stdin: PluginInput, stdout: PluginOutput, stderr: PluginOutput): Promise<number>;
  /** One command on a request text, without streams. */
  execute(command: string, input: string | Uint8Array, context?: { signal?: AbortSignal }): Promise<PluginExecution>;
}

const HANDLER_OF: Readonly<Record<Exclude<PluginCommand, 'get-plugin-metadata'>, keyof PluginHandlers>> = {
  'describe-key': 'describeKey',
  'generate-signature': 'generateSignature',
  'generate-envelope': 'generateEnvelope',
  'verify-signature': 'verifySignature',
};

async function readInput(input: PluginInput): Promise<Uint8Array | string> {
  if (typeof input === 'string' || input instanceof Uint8Array) return input;
  const chunks: Uint8Array[] = [];
  const encoder = new TextEncoder();
  const iterable: AsyncIterable<Uint8Array | string> =
    typeof (input as ReadableStream<Uint8Array>).getReader === 'function' && !(Symbol.asyncIterator in input)
      ? (async function* () {
          const reader = (input as ReadableStream<Uint8Array>).getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            yield value;
          }
        })()
      : (input as AsyncIterable<Uint8Array | string>);
  for await (const chunk of iterable) chunks.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
  return concatChunks(chunks);
}

const errorOutput = (error: PluginProtocolError): PluginExecution => ({
  exitCode: 1,
  stdout: '',
  stderr: JSON.stringify(error.toJSON()),
});

/**
 * Turns handlers into a plugin (PLG-4 … PLG-11):
 * - `get-plugin-metadata` answers the static metadata (PLG-6), `version`
 *   prints name, description and version;
 * - any other command must be one the capabilities imply (PLG-7), else
 *   "Invalid command, valid commands are: <…>" on stderr and exit 1;
 * - the request is decoded and validated, unknown members ignored (PLG-4),
 *   with the framework's "Input is not a valid JSON[: reason]" errors;
 * - a contract version the plugin does not list is UNSUPPORTED_CONTRACT_VERSION (PLG-5);
 * - the handler's response is printed as JSON, exit 0; its failure is the
 *   PLG-11 error JSON on stderr, exit 1.
 *
 * Throws ERR_PLUGIN_METADATA_INVALID when the metadata is incomplete or a
 * capability lacks its handler.
 */
export function createPlugin(handlers: PluginHandlers): TypeScriptPlugin {
  const metadata = Object.freeze({
    ...handlers.metadata,
    supportedContractVersions: Object.freeze([...handlers.metadata.supportedContractVersions]) as string[],
    capabilities: Object.freeze([...handlers.metadata.capabilities]) as string[],
  }) as PluginMetadata;
  const name = metadata.name || '(unnamed)';
  validatePluginMetadata(metadata, name);
  for (const capability of metadata.capabilities) {
    for (const command of commandsRequiredBy(capability)) {
      if (command !== 'get-plugin-metadata' && typeof handlers[HANDLER_OF[command]] !== 'function') {
        throw new PluginError(
          'ERR_PLUGIN_METADATA_INVALID',
          name,
          `capability ${capability} needs a ${HANDLER_OF[command]} handler for ${command}`,
          { rule: 'PLG-7' },
        );
      }
    }
  }
  const validCommands = commandsFor(metadata.capabilities);
  const metadataJson = JSON.stringify(encodePluginResponse('get-plugin-metadata', metadata));

  async function execute(
    command: string,
    input: string | Uint8Array,
    context: { signal?: AbortSignal } = {},
  ): Promise<PluginExecution> {
    if (!validCommands.includes(command)) {
      return { exitCode: 1, stdout: '', stderr: `Invalid command, valid commands are: <${validCommands.join('|')}>` };
    }
    if (command === 'version')
      return {
        exitCode: 0,
        stdout: `${metadata.name} - ${metadata.description}\nVersion: ${metadata.version}\n`,
        stderr: '',
      };
    if (!isPluginCommand(command)) return errorOutput(new PluginProtocolError('ERROR', 'something went wrong'));
    const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
    // Lenient where the Go framework is not: an empty stdin asks for the metadata with no config.
    const request = (() => {
      try {
        return {
          ok: parsePluginRequest(command, command === 'get-plugin-metadata' && text.trim() === '' ? '{}' : input),
        };
      } catch (error) {
        if (!(error instanceof PluginProtocolError)) throw error;
        const message = error.message === MALFORMED_INPUT ? MALFORMED_INPUT : `${MALFORMED_INPUT}: ${error.message}`;
        return { failed: new PluginProtocolError('VALIDATION_ERROR', message, { cause: error }) };
      }
    })();
    if ('failed' in request) return errorOutput(request.failed!);
    if (command === 'get-plugin-metadata') return { exitCode: 0, stdout: metadataJson, stderr: '' };

    let response: PluginResponses[PluginCommand];
    try {
      const validated = request.ok as Validated<DescribeKeyRequest>;
      checkRequestContractVersion(validated.contractVersion, metadata.supportedContractVersions);
      const handler = handlers[HANDLER_OF[command]] as (
        r: unknown,
        c: PluginHandlerContext,
      ) => Awaitable<PluginResponses[PluginCommand]>;
      response = await handler.call(handlers, validated, {
        command,
        ...(context.signal ? { signal: context.signal } : {}),
      });
    } catch (error) {
      if (error instanceof PluginProtocolError) return errorOutput(error);
      return errorOutput(
        new PluginProtocolError('ERROR', error instanceof Error ? error.message : String(error), { cause: error }),
      );
    }
    try {
      return { exitCode: 0, stdout: JSON.stringify(encodePluginResponse(command, response as never)), stderr: '' };
    } catch (error) {
      return errorOutput(
        new PluginProtocolError(
          'ERROR',
          `Failed to generate response. Error: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }
  }

  const client = createPluginClient(
    metadata.name,
    async (command, request, options: CallOptions): Promise<PluginExchange> => {
      const abort = (): PluginError =>
        new PluginError('ERR_PLUGIN_ABORTED', metadata.name, 'the call was aborted', { command, rule: 'PLG-4' });
      if (options.signal?.aborted) throw abort();
      const run = execute(command, request, options.signal ? { signal: options.signal } : {});
      if (!options.signal) return run;
      const signal = options.signal;
      return new Promise<PluginExchange>((resolve, reject) => {
        const onAbort = () => reject(abort());
        signal.addEventListener('abort', onAbort, { once: true });
        run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    },
  );

  return {
    ...client,
    metadata,
    execute,
    async main(argv, stdin, stdout, stderr) {
      const command = argv.length === 1 ? argv[0]! : '';
      const input = command === 'version' || !validCommands.includes(command) ? '' : await readInput(stdin);
      const result = await execute(command, input);
      if (result.stdout) stdout.write(result.stdout);
      if (result.stderr) stderr.write(result.stderr);
      return result.exitCode;
    },
  };
}
