/**
 * The `notary` command tree and its runner: finds the command, parses its
 * flags, runs it, and turns any failure into exit status 1 with one
 * `Error: <reason>` line on stderr (the stack only with `--debug`).
 */
import { commandHelp, groupHelp, isGroup, parseCommandArgs, type CommandGroup, type CommandSpec } from './args.js';
import { blobGroup } from './commands/blob.js';
import { certGroup } from './commands/cert.js';
import { inspectCommand } from './commands/inspect.js';
import { keyGroup } from './commands/key.js';
import { listCommand } from './commands/list.js';
import { loginCommand, logoutCommand } from './commands/login.js';
import { pluginGroup } from './commands/plugin.js';
import { policyGroup } from './commands/policy.js';
import { signCommand } from './commands/sign.js';
import { verifyCommand } from './commands/verify.js';
import { createContext, type CliStreams } from './context.js';
import { errorLine, usageError } from './errors.js';

/** The CLI's version (kept with package.json's). */
export const VERSION = '0.1.0';

const versionCommand: CommandSpec = {
  name: 'version',
  usage: 'version',
  summary: 'Show the notary version information',
  flags: {},
  async run(context) {
    context.print(`notary: sign and verify artifacts (Notary Project)\n\nVersion:     ${VERSION}\nNode.js:     ${process.version}\n`);
  },
};

/** Top-level commands, in notation's order. */
export const ROOT: CommandGroup = {
  name: 'notary',
  summary: 'notary - a tool to sign and verify artifacts (compatible with notation)',
  commands: [blobGroup, signCommand, verifyCommand, listCommand, certGroup, policyGroup, keyGroup, pluginGroup, loginCommand, logoutCommand, versionCommand, inspectCommand],
};

function findEntry(group: CommandGroup, name: string): CommandSpec | CommandGroup | undefined {
  return group.commands.find((c) => c.name === name || c.aliases?.includes(name));
}

export interface RunOptions extends Partial<CliStreams> {
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

/** Runs `notary <argv>`; resolves to the exit status (0 success, 1 failure). */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const context = createContext(
    { stdout: options.stdout ?? process.stdout, stderr: options.stderr ?? process.stderr, stdin: options.stdin ?? process.stdin },
    options.env ?? process.env,
    options.cwd ?? process.cwd(),
  );
  const debug = argv.includes('--debug') || argv.includes('-d');
  try {
    let group: CommandGroup = ROOT;
    let path = 'notary';
    let index = 0;
    for (;;) {
      const word = argv[index];
      if (word === undefined || word === '--help' || word === '-h' || word === 'help') {
        // cobra: a group without a subcommand prints its help and succeeds.
        context.print(groupHelp(path, group));
        return 0;
      }
      const entry = findEntry(group, word);
      if (entry === undefined) {
        throw usageError(word.startsWith('-') ? `unknown flag: ${word}` : `unknown command "${word}" for "${path}"`);
      }
      index += 1;
      path = `${path} ${entry.name}`;
      if (isGroup(entry)) {
        group = entry;
        continue;
      }
      const args = parseCommandArgs(argv.slice(index), entry.flags);
      if (args.flags['help'] === true) {
        context.print(commandHelp(path, entry));
        return 0;
      }
      await entry.run(context, args);
      return 0;
    }
  } catch (error) {
    if (debug && error instanceof Error && error.stack) context.stderr.write(`${error.stack}\n${causeStacks(error)}`);
    context.stderr.write(`${errorLine(error)}\n`);
    return 1;
  }
}

/** The `cause` chain's stacks, for `--debug`. */
function causeStacks(error: Error): string {
  let text = '';
  let cause = error.cause;
  while (cause instanceof Error) {
    text += `Caused by: ${cause.stack ?? cause.message}\n`;
    cause = cause.cause;
  }
  return text;
}
