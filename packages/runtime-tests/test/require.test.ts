/**
 * CommonJS consumers (issue 15 item 2): every published entry loads with
 * require() on Node ≥ 20.19, which can require ES modules. The exports maps
 * carry a `default` condition for that; with `import` alone Node answers
 * ERR_PACKAGE_PATH_NOT_EXPORTED. Each entry is required in a child process
 * (a plain CommonJS script, as a consumer writes it) on the built packages.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { publishedEntries } from '../harness/published-entries.js';

const entries = publishedEntries();

describe('require() of every published entry (issue 15 item 2)', () => {
  it('lists the entries, ./node subpaths included', () => {
    expect(entries.length).toBeGreaterThan(10);
    expect(entries.some((e) => e.specifier === '@x/notary-core')).toBe(true);
    expect(entries.some((e) => e.specifier.endsWith('/node'))).toBe(true);
  });

  for (const entry of entries) {
    it(`require('${entry.specifier}') returns its runtime exports`, () => {
      const script = `const m = require(${JSON.stringify(entry.specifier)}); console.log(Object.keys(m).length);`;
      const run = spawnSync(process.execPath, ['--no-warnings', '-e', script], { cwd: entry.pkgDir, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(Number(run.stdout.trim())).toBeGreaterThan(0);
    });
  }
});
