/**
 * The `notary` command tree and its runner: finds the command, parses its
 * flags, runs it, and turns any failure into exit status 1 with one
 * `Error: <reason>` line on stderr (the stack only with `--debug`).
 */
import { type CommandGroup, type CommandSpec, commandHelp, groupHelp, isGroup, parseCommandArgs } from './args.js';
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
import { COMPLETION_SHELLS, completionScript } from './completion.js';
import { type CliStreams, createContext } from './context.js';
import { errorLine, usageError } from './errors.js';
import { examplesFor } from './help-examples.js';
import { didYouMean } from './suggestions.js';

/** The CLI's version (kept with package.json's). */
export const VERSION = '0.1.0';

const versionCommand: CommandSpec = {
  name: 'version',
  usage: 'version',
  summary: 'Show the notary version information',
  flags: {},
  async run(context) {
    context.print(
      `notary: sign and verify artifacts (Notary Project)\n\nVersion:     ${VERSION}\nNode.js:     ${process.version}\n`,
    );
  },
};

/** `help`, which the runner handles (cobra's help command), as completion offers it. */
const HELP_WORD = { name: 'help', summary: 'Help about any command' };

/** `notary completion <shell>` (issue 13 item 7): prints the completion script of the whole tree. */
const completionGroup: CommandGroup = {
  name: 'completion',
  summary: 'Generate the autocompletion script for the specified shell',
  commands: COMPLETION_SHELLS.map(
    (shell): CommandSpec => ({
      name: shell,
      usage: shell,
      summary: `Generate the autocompletion script for ${shell}`,
      flags: {},
      async run(context) {
        context.print(completionScript(shell, ROOT, [HELP_WORD]));
      },
    }),
  ),
};

/** Top-level commands, in notation's order. */
export const ROOT: CommandGroup = {
  name: 'notary',
  summary: 'notary - a tool to sign and verify artifacts (compatible with notation)',
  commands: [
    blobGroup,
    signCommand,
    verifyCommand,
    listCommand,
    certGroup,
    policyGroup,
    keyGroup,
    pluginGroup,
    loginCommand,
    logoutCommand,
    versionCommand,
    inspectCommand,
    completionGroup,
  ],
};

function findEntry(group: CommandGroup, name: string): CommandSpec | CommandGroup | undefined {
  return group.commands.find((c) => c.name === name || c.aliases?.includes(name));
}

/** issue 13 item 7: cobra's "unknown command" with a suggestion of a near name. */
function unknownCommand(word: string, group: CommandGroup, path: string): Error {
  if (word.startsWith('-')) return usageError(`unknown flag: ${word}`);
  const names = group.commands.map((c) => c.name); // cobra suggests names, not aliases
  return usageError(
    `unknown command "${word}" for "${path}"${didYouMean(word, path === ROOT.name ? [...names, HELP_WORD.name] : names)}`,
  );
}

/**
 * `notary help [command…]` (cobra's help command): the help of the named
 * command or group; an unknown name fails like an unknown command.
 */
function helpFor(words: readonly string[]): string {
  let entry: CommandSpec | CommandGroup = ROOT;
  let path = ROOT.name;
  for (const word of words) {
    if (!isGroup(entry)) break;
    const next = findEntry(entry, word);
    if (next === undefined) throw unknownCommand(word, entry, path);
    entry = next;
    path = `${path} ${next.name}`;
  }
  return isGroup(entry) ? groupHelp(path, entry) : commandHelp(path, entry, examplesFor(path));
}

export interface RunOptions extends Partial<CliStreams> {
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

/** Runs `notary <argv>`; resolves to the exit status (0 success, 1 failure). */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const context = createContext(
    {
      stdout: options.stdout ?? process.stdout,
      stderr: options.stderr ?? process.stderr,
      stdin: options.stdin ?? process.stdin,
    },
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
      if (word === 'help' && group === ROOT) {
        context.print(helpFor(argv.slice(index + 1).filter((w) => !w.startsWith('-'))));
        return 0;
      }
      if (word === undefined || word === '--help' || word === '-h' || word === 'help') {
        // cobra: a group without a subcommand prints its help and succeeds.
        context.print(groupHelp(path, group));
        return 0;
      }
      const entry = findEntry(group, word);
      if (entry === undefined) throw unknownCommand(word, group, path);
      index += 1;
      path = `${path} ${entry.name}`;
      if (isGroup(entry)) {
        group = entry;
        continue;
      }
      const args = parseCommandArgs(argv.slice(index), entry.flags);
      if (args.flags['help'] === true) {
        context.print(commandHelp(path, entry, examplesFor(path)));
        return 0;
      }
      context.logLevel = args.flags['debug'] === true ? 'debug' : args.flags['verbose'] === true ? 'info' : 'warn';
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
