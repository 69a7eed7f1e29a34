/**
 * `@x/notary-cli` as a library: run the `notary` command line in-process
 * (tests, embedding), with injectable streams, environment and directory.
 */
export { run, ROOT, VERSION, type RunOptions } from './cli.js';
export { CliError, errorLine, errorReason, type CliErrorCode } from './errors.js';
export type { CliStreams, CommandContext } from './context.js';
