/**
 * `@x/notary-cli` as a library: run the `notary` command line in-process
 * (tests, embedding), with injectable streams, environment and directory.
 */
export { ROOT, type RunOptions, run, VERSION } from './cli.js';
export type { CliStreams, CommandContext } from './context.js';
export { CliError, type CliErrorCode } from './errors.js';
