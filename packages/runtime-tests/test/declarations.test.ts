/**
 * issue 14 item 4: the published declarations compile for a strict consumer.
 * A consumer file imports every `exports` subpath (neutral and ./node) of every
 * published package and is compiled with `skipLibCheck: false`, `lib: ["ES2022"]`,
 * `types: ["node"]` and node16 resolution, as an application would: no error may
 * come from our d.ts files or from a third-party type they expose (pkijs,
 * asn1js, cbor2, ky, noble stay internal).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { publishedEntries } from '../harness/published-entries.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const scratch = mkdtempSync(join(tmpdir(), 'notary-declarations-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Compiles `source` as a consumer project that depends on every published package; returns the diagnostics. */
function compileConsumer(source: string, entries: ReturnType<typeof publishedEntries>): string[] {
  const project = mkdtempSync(join(scratch, 'consumer-'));
  // node_modules as an installing consumer would have it: our packages and @types/node.
  mkdirSync(join(project, 'node_modules', '@x'), { recursive: true });
  mkdirSync(join(project, 'node_modules', '@types'), { recursive: true });
  for (const pkgDir of new Set(entries.map((e) => e.pkgDir))) {
    const name = entries.find((e) => e.pkgDir === pkgDir)!.name;
    symlinkSync(pkgDir, join(project, 'node_modules', name), 'dir');
  }
  symlinkSync(join(root, 'node_modules', '@types', 'node'), join(project, 'node_modules', '@types', 'node'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  const file = join(project, 'consumer.ts');
  writeFileSync(file, source);
  const program = ts.createProgram([file], {
    strict: true,
    skipLibCheck: false,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
    typeRoots: [join(project, 'node_modules', '@types')],
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('published declarations (issue 14 item 4)', () => {
  const entries = publishedEntries();

  it('issue 14 item 4: every published entry, neutral and ./node, compiles with skipLibCheck false, lib ES2022 and @types/node', () => {
    const missing = entries.filter((e) => !existsSync(e.types)).map((e) => e.types);
    expect(missing, 'build every package first').toEqual([]);
    expect(entries.some((e) => e.specifier.endsWith('/node'))).toBe(true);
    const source = entries
      .map((e, i) => `import * as entry${i} from '${e.specifier}';\nexport { entry${i} };\n`)
      .join('');
    const diagnostics = compileConsumer(source, entries);
    if (diagnostics.length > 0)
      console.log(`${diagnostics.length} diagnostics:\n${diagnostics.slice(0, 100).join('\n')}`);
    expect(diagnostics).toEqual([]);
  }, 300_000);

  it('issue 14 item 4: the check does report an error that a declaration brings (a consumer misusing a type)', () => {
    const pki = entries.find((e) => e.specifier === '@x/notary-pki')!;
    const diagnostics = compileConsumer(
      `import { Certificate } from '@x/notary-pki';\nconst n: number = ({} as Certificate).der;\nexport { n };\n`,
      [pki],
    );
    expect(diagnostics.some((d) => d.includes('consumer.ts') && d.includes("'Uint8Array"))).toBe(true);
  }, 300_000);
});
