/**
 * The boundary the guard test enforces (issue 14 item 5): no package's test
 * code reaches into another package's `test/` folder. Shared test
 * infrastructure lives in this package and is imported by name
 * (`@x/notary-test-servers/...`), never by a relative path.
 *
 * A reach is any string literal in a package's files (imports, dynamic
 * imports, `import type`, vitest `globalSetup` entries, `new URL(…,
 * import.meta.url)`, path joins) that either
 * - is relative (`./…`, `../…`) and resolves into `packages/<other>/test/`, or
 * - names `packages/<other>/test` outright.
 * Literals are matched rather than parsed imports so that a globalSetup path
 * or a path join cannot slip past.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface Crossing {
  /** The file, relative to the repository root. */
  file: string;
  /** The string literal that reaches across. */
  literal: string;
  /** The package whose test/ folder it reaches into. */
  into: string;
}

const SCANNED = /\.(?:[cm]?[jt]s)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'test-output', '.turbo']);
/** A quoted or back-ticked literal without line breaks; bounded per line by the regex engine's linear scan. */
const LITERAL = /(['"`])([^'"`\n]{1,500})\1/g;
const NAMED = /(?:^|\/)packages\/([\w.-]+)\/test(?:\/|$)/;

/** The package a path inside `packagesDir` belongs to, and whether it is in that package's test/ folder. */
function locate(packagesDir: string, path: string): { pkg: string; inTest: boolean } | undefined {
  const rel = relative(packagesDir, path);
  if (rel.startsWith('..') || rel === '') return undefined;
  const [pkg, top] = rel.split(sep);
  return pkg ? { pkg, inTest: top === 'test' } : undefined;
}

/** Every crossing in one file's text (`file` is absolute, inside `packages/<pkg>/`). */
export function crossingsIn(repoRoot: string, file: string, text: string): Crossing[] {
  const packagesDir = join(repoRoot, 'packages');
  const own = locate(packagesDir, file)?.pkg;
  const found: Crossing[] = [];
  for (const match of text.matchAll(LITERAL)) {
    const literal = match[2]!;
    let into: string | undefined;
    if (literal.startsWith('./') || literal.startsWith('../')) {
      const target = locate(packagesDir, resolve(dirname(file), literal));
      if (target?.inTest && target.pkg !== own) into = target.pkg;
    }
    const named = NAMED.exec(literal);
    if (!into && named && named[1] !== own) into = named[1];
    if (into) found.push({ file: relative(repoRoot, file), literal, into });
  }
  return found;
}

function* filesUnder(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    if (SKIPPED_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* filesUnder(path);
    else if (SCANNED.test(name)) yield path;
  }
}

/**
 * Every crossing in every package's files (test code, suites, harnesses,
 * vitest configs, sources), except in `ignore` (absolute paths: the guard
 * test, whose samples are crossings on purpose).
 */
export function findCrossings(
  repoRoot: string,
  ignore: readonly string[] = [],
): { scanned: number; crossings: Crossing[] } {
  const packagesDir = join(repoRoot, 'packages');
  let scanned = 0;
  const crossings: Crossing[] = [];
  for (const pkg of readdirSync(packagesDir).sort()) {
    const dir = join(packagesDir, pkg);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of filesUnder(dir)) {
      if (ignore.includes(file)) continue;
      scanned++;
      crossings.push(...crossingsIn(repoRoot, file, readFileSync(file, 'utf8')));
    }
  }
  return { scanned, crossings };
}
