#!/usr/bin/env node
/**
 * API reports (issue 14 item 4): one `api/<package>[.<subpath>].api.md` per
 * published entry, listing every export (runtime or type-only) with its
 * declaration as the built `dist/*.d.ts` states it, sorted by name.
 *
 *   node scripts/api-report.mjs          rewrite the reports (`pnpm api`)
 *   node scripts/api-report.mjs --check  fail with a diff when dist differs from
 *                                        the committed reports (`pnpm api:check`)
 *
 * Both modes also fail when two packages export one name with different
 * declarations (one name, one meaning; re-exports of the same symbol are fine),
 * and print a JSON summary of runtime export counts per entry on the last line.
 *
 * Reads only built output: run the build first. The runtime count comes from
 * importing each entry's JavaScript (Object.keys), so it is what a consumer gets.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const apiDir = join(root, 'api');
const check = process.argv.includes('--check');

/** Every `exports` subpath (except ./package.json) of every non-private workspace package. */
function publishedEntries() {
  const entries = [];
  const packagesDir = join(root, 'packages');
  for (const dir of readdirSync(packagesDir).sort()) {
    const manifestPath = join(packagesDir, dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.private || !manifest.exports) continue;
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (subpath === './package.json' || typeof target !== 'object' || !target.types || !target.import) continue;
      const suffix = subpath === '.' ? '' : `.${subpath.slice(2).replaceAll('/', '.')}`;
      entries.push({
        name: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
        packageDir: join(packagesDir, dir),
        file: `${dir}${suffix}.api.md`,
        types: resolve(packagesDir, dir, target.types),
        js: resolve(packagesDir, dir, target.import),
      });
    }
  }
  return entries;
}

const entries = publishedEntries();
const missing = entries.filter((e) => !existsSync(e.types) || !existsSync(e.js));
if (missing.length > 0) {
  console.error(
    `api-report: not built: ${missing.map((e) => relative(root, e.types)).join(', ')}\nRun \`pnpm build\` first.`,
  );
  process.exit(1);
}

const program = ts.createProgram(
  entries.map((e) => e.types),
  {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  },
);
const checker = program.getTypeChecker();
const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/** Which published package a declaration file belongs to (its directory under packages/), or undefined for a third party. */
function owningPackage(fileName) {
  const real = realpathSync(fileName);
  const rel = relative(join(root, 'packages'), real);
  if (rel.startsWith('..') || rel.includes(`${sep}node_modules${sep}`)) return undefined;
  return rel.split(sep)[0];
}

/** The printed declaration(s) of a symbol, without comments, in a stable form. */
function declarationText(symbol) {
  const texts = [];
  for (const declaration of symbol.declarations ?? []) {
    const node = declaration;
    // `declare const X: T;` is a VariableDeclaration inside a statement: print the statement, one name.
    if (ts.isVariableDeclaration(node)) {
      const list = node.parent;
      const keyword = list.flags & ts.NodeFlags.Const ? 'const' : list.flags & ts.NodeFlags.Let ? 'let' : 'var';
      texts.push(`declare ${keyword} ${printer.printNode(ts.EmitHint.Unspecified, node, node.getSourceFile())};`);
      continue;
    }
    if (ts.isSourceFile(node)) {
      texts.push(`namespace ${symbol.name}`);
      continue;
    }
    let text = printer.printNode(ts.EmitHint.Unspecified, node, node.getSourceFile());
    // The d.ts bundler's `export`/`declare` modifiers say nothing about the API.
    text = text.replace(/^(export )?(default )?(declare )?/, '');
    texts.push(text);
  }
  return texts.join('\n');
}

/** The exports of an entry; `runtime` is what importing its JavaScript yields (a class exported `type X` is type-only). */
function reportFor(entry, runtime) {
  const sourceFile = program.getSourceFile(entry.types);
  const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
  if (!moduleSymbol) throw new Error(`api-report: ${entry.types} is not a module`);
  const self = owningPackage(entry.types);
  const exports = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const from = target.declarations?.[0] ? owningPackage(target.declarations[0].getSourceFile().fileName) : undefined;
    const text = declarationText(target);
    exports.push({
      name: exported.name,
      runtime: runtime.includes(exported.name),
      text,
      reexportOf: from !== self ? (from ?? 'a third-party package') : undefined,
      symbol: target,
    });
  }
  exports.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return exports;
}

async function runtimeNames(entry) {
  return Object.keys(await import(pathToFileURL(entry.js).href)).sort();
}

function render(entry, exports, runtime) {
  const lines = [
    `# API report: ${entry.name}`,
    '',
    '<!-- Generated by scripts/api-report.mjs from the built dist/*.d.ts. Do not edit: run `pnpm api`. -->',
    '',
    `Runtime exports: ${runtime.length}`,
    `Type-only exports: ${exports.filter((e) => !e.runtime).length}`,
    '',
  ];
  for (const e of exports) {
    lines.push(
      `## ${e.name} (${e.runtime ? 'runtime' : 'type'}${e.reexportOf ? `, re-exported from ${e.reexportOf}` : ''})`,
      '',
    );
    lines.push('```ts', e.text, '```', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

const problems = [];
const reports = new Map();
const summary = {};
/** name -> [{ entry, text }] across packages, for the one-name-one-meaning check. */
const byName = new Map();
for (const entry of entries) {
  const runtime = await runtimeNames(entry);
  const exports = reportFor(entry, runtime);
  const declared = exports.map((e) => e.name);
  const notDeclared = runtime.filter((n) => !declared.includes(n));
  if (notDeclared.length > 0)
    problems.push(`${entry.name}: runtime exports without a declaration: ${notDeclared.join(', ')}`);
  summary[entry.name] = runtime.length;
  reports.set(entry.file, render(entry, exports, runtime));
  for (const e of exports) {
    if (!byName.has(e.name)) byName.set(e.name, []);
    byName.get(e.name).push({ entry, symbol: e.symbol, text: e.text });
  }
}

for (const [name, uses] of byName) {
  const packages = new Set(uses.map((u) => u.entry.packageDir));
  if (packages.size < 2) continue;
  const first = uses[0];
  // One symbol re-exported by several packages is one meaning; two declarations are two, even if they read alike.
  const differing = uses.filter((u) => u.symbol !== first.symbol);
  if (differing.length > 0) {
    problems.push(
      `'${name}' means different things: exported by ${[...new Set(uses.map((u) => u.entry.name))].join(', ')} with different declarations (rename one, or re-export one symbol)`,
    );
  }
}

let changed = false;
if (check) {
  const scratch = mkdtempSync(join(tmpdir(), 'api-report-'));
  try {
    // committed/ and from-dist/ side by side, so the diff names them.
    mkdirSync(join(scratch, 'committed'));
    mkdirSync(join(scratch, 'from-dist'));
    const committed = existsSync(apiDir) ? readdirSync(apiDir).filter((f) => f.endsWith('.api.md')) : [];
    for (const f of committed) writeFileSync(join(scratch, 'committed', f), readFileSync(join(apiDir, f)));
    for (const [file, text] of reports) writeFileSync(join(scratch, 'from-dist', file), text);
    const stale = committed.filter((f) => !reports.has(f));
    const differs = [...reports].filter(
      ([file, text]) => !committed.includes(file) || readFileSync(join(apiDir, file), 'utf8') !== text,
    );
    if (stale.length > 0 || differs.length > 0) {
      changed = true;
      const diff = spawnSync(
        'git',
        ['diff', '--no-index', '--no-color', '--no-prefix', '--', 'committed', 'from-dist'],
        { cwd: scratch, encoding: 'utf8' },
      );
      process.stdout.write(diff.stdout);
      console.error(
        `api-report: the public API differs from the committed reports in api/ (${[...differs.map(([f]) => f), ...stale].join(', ')}).\n` +
          'If the change is intended, run `pnpm api` and commit api/.',
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} else {
  mkdirSync(apiDir, { recursive: true });
  for (const f of readdirSync(apiDir)) if (f.endsWith('.api.md') && !reports.has(f)) rmSync(join(apiDir, f));
  for (const [file, text] of reports) writeFileSync(join(apiDir, file), text);
}

for (const p of problems) console.error(`api-report: ${p}`);
const total = Object.values(summary).reduce((a, b) => a + b, 0);
console.log(JSON.stringify({ runtimeExports: summary, total }));
process.exit(problems.length > 0 || changed ? 1 : 0);
