/**
 * issue 13 item 7: the command-line conveniences notation has: `help
 * <command>`, examples in every command's help, integer flags shown as
 * integers, "did you mean", `-v/--verbose`, `completion bash|zsh|fish|
 * powershell`; and no requirement IDs in messages meant for users, no ANSI
 * escapes under TERM=dumb or NO_COLOR.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CommandGroup, type CommandSpec, isGroup, parseCommandArgs } from '../src/args.js';
import { ROOT } from '../src/cli.js';
import type { CommandContext } from '../src/context.js';
import { withoutRequirementIds } from '../src/errors.js';
import { examplesFor } from '../src/help-examples.js';
import { startProgress } from '../src/output/progress.js';
import { editDistance, suggest } from '../src/suggestions.js';
import { makeHome, makeLayout, type TestHome } from './helpers.js';

/** Every runnable command with its canonical path (`notary certificate add`). */
function leaves(group: CommandGroup = ROOT, path = ROOT.name): Array<{ path: string; command: CommandSpec }> {
  return group.commands.flatMap((entry) =>
    isGroup(entry) ? leaves(entry, `${path} ${entry.name}`) : [{ path: `${path} ${entry.name}`, command: entry }],
  );
}

/** Shell words of an example line up to a redirection, quotes removed. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  // `source <(notary …)`: the process substitution's parentheses are not part of the words.
  for (const match of line.replace(/<\(|\)/g, ' ').matchAll(/"[^"]*"|'[^']*'|\S+/g)) {
    const word = match[0];
    if (word === '>' || word === '>>' || word === '|') break;
    words.push(/^["']/.test(word) ? word.slice(1, -1) : word);
  }
  return words;
}

/** Resolves `notary cert ls …` to its command (aliases allowed) and the words after it. */
function resolveExample(words: readonly string[]): { path: string; command: CommandSpec; rest: string[] } | undefined {
  let entry: CommandSpec | CommandGroup = ROOT;
  let path = ROOT.name;
  let index = 1;
  while (isGroup(entry)) {
    const word = words[index];
    const next: CommandSpec | CommandGroup | undefined = entry.commands.find(
      (c) => c.name === word || c.aliases?.includes(word ?? ''),
    );
    if (next === undefined) return undefined;
    entry = next;
    path = `${path} ${next.name}`;
    index += 1;
  }
  return { path, command: entry, rest: words.slice(index) };
}

describe('issue 13 item 7: help', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = await makeHome();
  });

  it("`help <command>` prints that command's help, aliases included, not the root help", async () => {
    expect(await home.ok(['help', 'ls'])).toBe(await home.ok(['list', '--help']));
    expect(await home.ok(['help', 'cert', 'add'])).toBe(await home.ok(['certificate', 'add', '--help']));
    expect(await home.ok(['help', 'blob', 'policy'])).toBe(await home.ok(['blob', 'policy', '--help']));
    expect(await home.ok(['help'])).toBe(await home.ok(['--help']));
    expect(await home.ok(['help', 'verify'])).not.toBe(await home.ok(['--help']));
    expect(await home.fails(['help', 'verfy'])).toBe(
      'Error: unknown command "verfy" for "notary"; did you mean "verify"?',
    );
  });

  it('every command has examples, each naming real flags of the command it shows', () => {
    const all = leaves();
    expect(all.length).toBeGreaterThan(25);
    for (const { path, command } of all) {
      const examples = examplesFor(path);
      expect(examples.length, `${path} has no examples`).toBeGreaterThan(0);
      for (const example of examples) {
        let words = shellWords(example.command);
        // `echo 'source <(notary completion zsh)' >> ~/.zshrc`: the command is inside a quoted word.
        if (!words.includes('notary')) words = words.flatMap((word) => word.split(/\s+/).filter((w) => w !== ''));
        const at = words.indexOf('notary');
        expect(at, example.command).toBeGreaterThanOrEqual(0);
        const resolved = resolveExample(words.slice(at));
        expect(resolved?.path, example.command).toBe(path);
        expect(() => parseCommandArgs(resolved!.rest, command.flags), example.command).not.toThrow();
      }
    }
  });

  it("the examples appear in --help in notation's layout, before the usage", async () => {
    const help = await home.ok(['inspect', '--help']);
    expect(help).toMatch(
      /^Inspect all signatures associated with the signed artifact\n\nExample - [^\n]+:\n {2}notary inspect [^\n]+\n\n(Example - [^\n]+:\n {2}notary [^\n]+\n\n)*Usage:\n/,
    );
    expect(await home.ok(['completion', 'bash', '--help'])).toContain(
      'Example - Load completions in the current shell:\n  source <(notary completion bash)',
    );
  });

  it('integer flags are shown as `int` with a bare default, and refuse a non-integer as pflag does', async () => {
    for (const command of ['list', 'inspect', 'verify']) {
      expect(await home.ok([command, '--help'])).toMatch(
        / {6}--max-signatures int {2,}maximum number of signatures to evaluate or examine \(default 100\)\n/,
      );
    }
    expect(await home.ok(['cert', 'generate-test', '--help'])).toMatch(
      /-b, --bits int {2,}RSA key bits[^\n]*\(default 2048\)\n/,
    );
    expect(await home.fails(['ls', '--max-signatures', '1.5', 'localhost:5000/a@sha256:0'])).toBe(
      'Error: invalid argument "1.5" for "--max-signatures" flag: strconv.ParseInt: parsing "1.5": invalid syntax',
    );
    expect(await home.fails(['cert', 'generate-test', '--bits=2k', 'x.example'])).toBe(
      'Error: invalid argument "2k" for "--bits" flag: strconv.ParseInt: parsing "2k": invalid syntax',
    );
  });
});

describe('issue 13 item 7: did you mean', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = await makeHome();
  });

  it('edit distance and suggestions follow cobra (distance ≤ 2, or a prefix)', () => {
    expect(editDistance('lst', 'list')).toBe(1);
    expect(editDistance('verfiy', 'verify')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
    expect(suggest('lst', ['list', 'login', 'sign'])).toEqual(['list']);
    expect(suggest('ver', ['verify', 'version', 'sign'])).toEqual(['verify', 'version']);
    expect(suggest('frobnicate', ['list', 'sign'])).toEqual([]);
    expect(suggest('x'.repeat(100_000), ['list'])).toEqual([]);
  });

  it('a mistyped command or flag names the close one; a far one gets no suggestion', async () => {
    expect(await home.fails(['lst'])).toBe('Error: unknown command "lst" for "notary"; did you mean "list"?');
    expect(await home.fails(['certificate', 'lst'])).toBe(
      'Error: unknown command "lst" for "notary certificate"; did you mean "list"?',
    );
    expect(await home.fails(['verify', '--max-signature', '3', 'localhost:5000/a@sha256:0'])).toBe(
      'Error: unknown flag: --max-signature; did you mean "--max-signatures"?',
    );
    expect(await home.fails(['frobnicate'])).toBe('Error: unknown command "frobnicate" for "notary"');
  });
});

describe('issue 13 item 7: -v/--verbose', () => {
  it("logs the steps on stderr as notation's verbose mode does, and leaves stdout alone", async () => {
    const home = await makeHome();
    const layoutDir = join(home.dir, 'layout');
    const { image } = await makeLayout(layoutDir, 'v1', 'verbose');
    await home.ok(['cert', 'generate-test', '--default', 'verbose.example']);
    const reference = `${layoutDir}@${image.digest}`;
    await home.ok(['sign', '--oci-layout', reference]);
    const quiet = await home.notary(['ls', '--oci-layout', reference]);
    const verbose = await home.notary(['ls', '-v', '--oci-layout', reference]);
    expect(verbose.code).toBe(0);
    expect(verbose.stdout).toBe(quiet.stdout);
    expect(quiet.stderr).toBe('');
    expect(verbose.stderr).toContain(
      `level=info msg=Reference ${reference} resolved to manifest descriptor: {MediaType:application/vnd.oci.image.manifest.v1+json Digest:${image.digest} Size:${image.size}}\n`,
    );
    expect(verbose.stderr).toContain(`level=info msg=Found 1 signature manifest(s) of ${reference}\n`);
    const inspected = await home.notary(['inspect', '--verbose', '--oci-layout', reference]);
    expect(inspected.stderr).toMatch(/^level=info msg=Inspecting signature manifest sha256:[0-9a-f]{64}$/m);
    const debug = await home.notary(['ls', '-d', '--oci-layout', reference]);
    expect(debug.stderr).toMatch(/^time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ level=info msg=Reference /m);
  });
});

describe('issue 13 item 7: no requirement IDs in messages for users', () => {
  it('the ID notes are dropped, and nothing else', () => {
    expect(withoutRequirementIds('plugin "x": not executable: /p (PLG-2)')).toBe('plugin "x": not executable: /p');
    expect(withoutRequirementIds('not application/jose+json or application/cose (OCI-1, OCI-9)')).toBe(
      'not application/jose+json or application/cose',
    );
    expect(withoutRequirementIds('manifest (OCI-9 limit): too large')).toBe('manifest: too large');
    expect(withoutRequirementIds('bad (ENV-JWS-4) header')).toBe('bad header');
    expect(withoutRequirementIds('RSASSA-PSS-SHA-256 on P-256 (SHA-256)')).toBe(
      'RSASSA-PSS-SHA-256 on P-256 (SHA-256)',
    );
  });

  it('PLG-2: a non-executable plugin fails with a clean line; --debug keeps the ID in the stack', async () => {
    const home = await makeHome();
    const pluginDir = join(home.configDir, 'plugins', 'inert');
    await mkdir(pluginDir, { recursive: true });
    await writeFile(join(pluginDir, 'notation-inert'), '#!/bin/sh\n', { mode: 0o644 });
    const args = ['sign', '--plugin', 'inert', '--id', 'k', '--oci-layout', `${home.dir}/layout:v1`];
    const line = await home.fails(args);
    expect(line).toBe(
      `Error: plugin "inert": plugin executable file is not executable: ${join(pluginDir, 'notation-inert')}`,
    );
    expect((await home.notary([...args, '-d'])).stderr).toContain('(PLG-2)');
  });
});

describe('issue 13 item 7: the progress line and the terminal', () => {
  function capture(env: Record<string, string>, isTTY: boolean): { context: CommandContext; written: () => string } {
    let text = '';
    const stderr = Object.assign(
      new Writable({ write: (chunk, _encoding, done) => ((text += String(chunk)), done()) }),
      { isTTY },
    );
    return { context: { stderr, env } as unknown as CommandContext, written: () => text };
  }
  const draw = (context: CommandContext) => {
    const progress = startProgress(context, 'Inspecting signatures', 3, 'items');
    progress.update(3);
    progress.finish();
  };

  it.each([
    ['TERM=dumb', { TERM: 'dumb' }],
    ['NO_COLOR', { TERM: 'xterm-256color', NO_COLOR: '1' }],
  ])('no ANSI escapes under %s: the line is drawn and cleared with \\r and spaces', (_label, env) => {
    const { context, written } = capture(env, true);
    draw(context);
    expect(written()).toContain('Inspecting signatures 3/3 (100%)');
    expect(written()).not.toContain('\x1b');
    expect(written().endsWith(`\r${' '.repeat('Inspecting signatures 3/3 (100%)'.length)}\r`)).toBe(true);
  });

  it('a capable terminal gets the erase-line escape; a pipe gets nothing at all', () => {
    const tty = capture({ TERM: 'xterm-256color' }, true);
    draw(tty.context);
    expect(tty.written()).toContain('\x1b[2K');
    const pipe = capture({ TERM: 'xterm-256color' }, false);
    draw(pipe.context);
    expect(pipe.written()).toBe('');
  });
});

describe('issue 13 item 7: completion scripts', () => {
  let home: TestHome;
  const scripts: Record<string, string> = {};
  beforeAll(async () => {
    home = await makeHome();
    for (const shell of ['bash', 'zsh', 'fish', 'powershell']) scripts[shell] = await home.ok(['completion', shell]);
  });

  it('bash: the script parses, registers _notary, and completes commands, aliases and flags', async () => {
    const file = join(home.dir, 'notary.bash');
    await writeFile(file, scripts['bash']!);
    execFileSync('bash', ['-n', file]);
    const probe = `source ${JSON.stringify(file)}
t() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _notary; echo "\${COMPREPLY[*]}"; }
complete -p notary
t notary ce
t notary cert a
t notary certificate generate-test --b
t notary verify --max
t notary sign -k mykey --sig
t notary blob policy i
t notary ls --oci-layout x`;
    const out = spawnSync('bash', ['-c', probe], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout.split('\n')).toEqual([
      'complete -o bashdefault -o default -F _notary notary',
      'certificate',
      'add',
      '--bits',
      '--max-signatures',
      '--signature-format',
      'import init',
      '',
      '',
    ]);
  });

  it("zsh: bash's functions through bashcompinit, which bash itself can parse", async () => {
    expect(scripts['zsh']).toMatch(/^#compdef notary\n/);
    expect(scripts['zsh']).toContain('autoload -U +X bashcompinit && bashcompinit');
    expect(scripts['zsh']).toContain('complete -o default -o bashdefault -F _notary notary');
    const file = join(home.dir, 'notary.zsh');
    await writeFile(file, scripts['zsh']!);
    execFileSync('bash', ['-n', file]);
  });

  it('fish and powershell: balanced blocks and one entry per command and flag', () => {
    const fish = scripts['fish']!;
    const opens = fish.match(/^\s*(function|switch|for|if)\b/gm)!.length;
    const ends = fish.match(/^\s*end$/gm)!.length;
    expect(opens).toBe(ends);
    expect(fish).toContain(
      "complete -c notary -f -n 'test (__notary_path) = \\'notary certificate\\'' -a 'generate-test'",
    );
    expect(fish).toMatch(
      /complete -c notary -n 'test \(__notary_path\) = \\'notary verify\\'' -l max-signatures -r -d 'maximum number/,
    );
    const ps = scripts['powershell']!;
    expect(ps).toContain("Register-ArgumentCompleter -Native -CommandName 'notary' -ScriptBlock {");
    expect(ps.split('{').length).toBe(ps.split('}').length);
    expect(ps.split('(').length).toBe(ps.split(')').length);
    expect(ps).toContain("'notary' = @{ 'blob' = 'notary blob';");
    expect(ps).toContain("'cert' = 'notary certificate'");
  });

  it('an unknown shell is refused with a suggestion', async () => {
    expect(await home.fails(['completion', 'bsh'])).toBe(
      'Error: unknown command "bsh" for "notary completion"; did you mean one of "bash", "zsh", "fish"?',
    );
  });
});
