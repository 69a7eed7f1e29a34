/**
 * Command-line parsing on `node:util` parseArgs, with notation's (cobra's)
 * conventions: `-x value` / `--flag value` / `--flag=value`, repeatable
 * flags, `--bool=true|false`, flags anywhere among the arguments, and
 * cobra's error wording for unknown flags and missing values.
 */
import { parseArgs } from 'node:util';
import type { CommandContext } from './context.js';
import { usageError } from './errors.js';
import { didYouMean } from './suggestions.js';

export interface FlagSpec {
  /** `int` is parsed as a string and checked to be a decimal integer (pflag's IntVar); help shows it as `int`. */
  type: 'string' | 'boolean' | 'int';
  short?: string;
  /** Repeatable (`-m a=b -m c=d`), like pflag's StringArray. */
  multiple?: boolean;
  default?: string | boolean;
  /** Shown in `--help`; the value placeholder comes first for string flags. */
  description: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** The parsed flags of a command: string, boolean or string[] per its spec, plus which were given. */
export interface ParsedArgs {
  flags: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** Flags present on the command line (cobra's `Changed`). */
  given: ReadonlySet<string>;
}

/** A runnable command. */
export interface CommandSpec {
  name: string;
  aliases?: readonly string[];
  /** `sign [flags] <reference>`. */
  usage: string;
  summary: string;
  /** Longer text for `--help` (defaults to the summary). */
  description?: string;
  flags: FlagSpecs;
  run(context: CommandContext, args: ParsedArgs): Promise<void>;
}

/** A group of commands (`blob`, `cert`, `key`, …). */
export interface CommandGroup {
  name: string;
  aliases?: readonly string[];
  summary: string;
  commands: ReadonlyArray<CommandSpec | CommandGroup>;
}

export function isGroup(entry: CommandSpec | CommandGroup): entry is CommandGroup {
  return 'commands' in entry;
}

/** Flags every command has: `--debug/-d`, `--verbose/-v` (notation's LoggingFlagOpts) and `--help/-h`. */
export const COMMON_FLAGS: FlagSpecs = {
  debug: { type: 'boolean', short: 'd', description: 'debug mode: print the stack of a failure' },
  verbose: { type: 'boolean', short: 'v', description: 'verbose mode: log each step on stderr' },
  help: { type: 'boolean', short: 'h', description: 'help for this command' },
};

function flagName(token: string): string {
  return token.replace(/^-+/, '').split('=')[0]!;
}

/**
 * parseArgs refuses `--bool=false`; pflag accepts it. Rewrite `--b=true` to
 * `--b` and drop `--b=false` (the default of every boolean flag here is false).
 */
function normaliseBooleans(argv: readonly string[], specs: FlagSpecs): { argv: string[]; falsified: Set<string> } {
  const out: string[] = [];
  const falsified = new Set<string>();
  let afterTerminator = false;
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i]!;
    // pflag takes the next word as a string flag's value even when it starts with "-" (`-e -1h`).
    const stringSpec = afterTerminator || token.includes('=') ? undefined : stringFlagOf(token, specs);
    if (stringSpec !== undefined && i + 1 < argv.length) {
      out.push(`--${stringSpec}=${argv[i + 1]}`);
      i += 1;
      continue;
    }
    if (afterTerminator || !token.startsWith('--') || !token.includes('=')) {
      if (token === '--') afterTerminator = true;
      out.push(token);
      continue;
    }
    const name = flagName(token);
    const spec = specs[name];
    if (spec?.type !== 'boolean') {
      out.push(token);
      continue;
    }
    const value = token.slice(token.indexOf('=') + 1).toLowerCase();
    if (value === 'true' || value === '1' || value === 't') out.push(`--${name}`);
    else if (value === 'false' || value === '0' || value === 'f') falsified.add(name);
    else
      throw usageError(
        `invalid argument "${value}" for "--${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`,
      );
  }
  return { argv: out, falsified };
}

/** The name of the string flag `token` is (`--key` or `-k`), if it is one. */
function stringFlagOf(token: string, specs: FlagSpecs): string | undefined {
  if (token.startsWith('--')) {
    const name = token.slice(2);
    return takesValue(specs[name]) ? name : undefined;
  }
  if (/^-[^-]$/.test(token)) {
    const entry = Object.entries(specs).find(([, spec]) => spec.short === token[1]);
    return takesValue(entry?.[1]) ? entry![0] : undefined;
  }
  return undefined;
}

function takesValue(spec: FlagSpec | undefined): boolean {
  return spec?.type === 'string' || spec?.type === 'int';
}

function optionLabel(specs: FlagSpecs, name: string): string {
  const spec = specs[name];
  return spec?.short ? `-${spec.short}, --${name}` : `--${name}`;
}

/** Parses `argv` against `specs` (plus the common flags); errors are ERR_USAGE with cobra's wording. */
export function parseCommandArgs(argv: readonly string[], specs: FlagSpecs): ParsedArgs {
  const all: FlagSpecs = { ...COMMON_FLAGS, ...specs };
  const { argv: normalised, falsified } = normaliseBooleans(argv, all);
  const options = Object.fromEntries(
    Object.entries(all).map(([name, spec]) => [
      name,
      {
        type: spec.type === 'boolean' ? ('boolean' as const) : ('string' as const),
        ...(spec.short ? { short: spec.short } : {}),
        ...(spec.multiple ? { multiple: true } : {}),
      },
    ]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: normalised, options, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message;
    const option = /'(-[^' ,]+)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      // issue 13 item 7: a near miss gets a suggestion (cobra has none for flags; notation users asked for one).
      const hint = option.startsWith('--')
        ? didYouMean(option.slice(2).split('=')[0]!, Object.keys(all)).replace(/"([^"]+)"/g, '"--$1"')
        : '';
      throw usageError(
        option.startsWith('--')
          ? `unknown flag: ${option}${hint}`
          : `unknown shorthand flag: '${option.slice(1, 2)}' in ${option}`,
      );
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name =
        Object.keys(all).find((n) => message.includes(`--${n} `) || message.includes(`--${n}'`)) ??
        option.replace(/^-+/, '');
      throw usageError(`flag needs an argument: ${optionLabel(all, name).split(', ').at(-1)}`);
    }
    throw usageError(message);
  }
  const given = new Set<string>();
  for (const token of parsed.tokens ?? []) if (token.kind === 'option') given.add(token.name);
  for (const name of falsified) given.add(name);
  const flags: ParsedArgs['flags'] = {};
  for (const [name, spec] of Object.entries(all)) {
    const value = (parsed.values as Record<string, string | boolean | string[] | undefined>)[name];
    if (spec.type === 'int') for (const text of [value].flat()) if (typeof text === 'string') checkInteger(name, text);
    flags[name] = value ?? (spec.multiple ? [] : (spec.default ?? (spec.type === 'boolean' ? false : undefined)));
  }
  return { flags, positionals: parsed.positionals, given };
}

/** pflag's IntVar check, with its wording. */
function checkInteger(name: string, text: string): void {
  if (!/^[+-]?\d{1,18}$/.test(text))
    throw usageError(
      `invalid argument "${text}" for "--${name}" flag: strconv.ParseInt: parsing "${text}": invalid syntax`,
    );
}

/** Typed accessors over {@link ParsedArgs.flags}. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
}

export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}

export function listFlag(args: ParsedArgs, name: string): string[] {
  const value = args.flags[name];
  return Array.isArray(value) ? value : [];
}

/**
 * notation's ParseFlagMap: `k=v` pairs, split at the first `=`, both sides
 * non-empty; a later pair overrides an earlier one with the same key.
 */
export function parseKeyValuePairs(pairs: readonly string[], flag: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = at < 0 ? '' : pair.slice(0, at);
    const value = at < 0 ? '' : pair.slice(at + 1);
    if (key === '' || value === '')
      throw usageError(`could not parse flag ${flag}: key-value pair requires "=" as separator`);
    map[key] = value;
  }
  return map;
}

/** cobra's MarkFlagsRequiredTogether. */
export function requireTogether(args: ParsedArgs, names: readonly string[]): void {
  const present = names.filter((n) => args.given.has(n));
  if (present.length > 0 && present.length < names.length) {
    const missing = names.filter((n) => !args.given.has(n));
    throw usageError(
      `if any flags in the group [${names.join(' ')}] are set they must all be set; missing [${missing.join(' ')}]`,
    );
  }
}

/** cobra's MarkFlagsMutuallyExclusive. */
export function requireExclusive(args: ParsedArgs, names: readonly string[]): void {
  const present = names.filter((n) => args.given.has(n));
  if (present.length > 1) {
    throw usageError(
      `if any flags in the group [${names.join(' ')}] are set none of the others can be; [${present.join(' ')}] were all set`,
    );
  }
}

/** cobra's MarkFlagRequired. */
export function requireFlags(args: ParsedArgs, names: readonly string[]): void {
  const missing = names.filter((n) => !args.given.has(n));
  if (missing.length > 0) throw usageError(`required flag(s) ${missing.map((n) => `"${n}"`).join(', ')} not set`);
}

/** An example in a command's help: notation's `Example - <title>:` followed by the indented command line. */
export interface HelpExample {
  title: string;
  command: string;
}

/** pflag's type word after a flag name in help (`--max-signatures int`). */
function valueTypeOf(spec: FlagSpec): string {
  if (spec.type === 'int') return ' int';
  if (spec.type === 'string') return spec.multiple ? ' stringArray' : ' string';
  return '';
}

/** The `--help` text of a command, with its examples (issue 13 item 7) before the usage, as notation lays them out. */
export function commandHelp(path: string, command: CommandSpec, examples: readonly HelpExample[] = []): string {
  const all: FlagSpecs = { ...command.flags, ...COMMON_FLAGS };
  const rows = Object.entries(all).map(([name, spec]) => {
    const left = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${valueTypeOf(spec)}`;
    // pflag quotes a string default and prints an integer's bare.
    const def =
      spec.default !== undefined && spec.default !== false
        ? ` (default ${spec.type === 'int' ? String(spec.default) : JSON.stringify(spec.default)})`
        : '';
    return [left, `${spec.description}${def}`] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 3;
  const aliases = command.aliases?.length ? `\nAliases:\n  ${[command.name, ...command.aliases].join(', ')}\n` : '';
  const exampleText = examples.map((e) => `\n\nExample - ${e.title}:\n  ${e.command}`).join('');
  return `${command.description ?? command.summary}${exampleText}\n\nUsage:\n  ${path.split(' ').slice(0, -1).join(' ')} ${command.usage}\n${aliases}\nFlags:\n${rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n')}\n`;
}

/** The `--help` text of a group. */
export function groupHelp(path: string, group: CommandGroup): string {
  const width = Math.max(...group.commands.map((c) => c.name.length)) + 3;
  const lines = group.commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return `${group.summary}\n\nUsage:\n  ${path} [command]\n\nAvailable Commands:\n${lines.join('\n')}\n\nUse "${path} [command] --help" for more information about a command.\n`;
}
