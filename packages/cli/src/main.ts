/** The `notary` executable (package.json "bin"): runs the CLI on the process's arguments and exits with its status. */
import { run } from './cli.js';

process.exitCode = await run(process.argv.slice(2));
