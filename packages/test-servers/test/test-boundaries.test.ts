import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crossingsIn, findCrossings } from '../src/test-boundaries.js';

const thisFile = fileURLToPath(import.meta.url);
const repoRoot = resolve(dirname(thisFile), '..', '..', '..');
const inPackage = (pkg: string, path: string) => join(repoRoot, 'packages', pkg, path);

describe('test boundaries (issue 14 item 5)', () => {
  it("issue 14 item 5: no package reaches into another package's test/ folder (imports, globalSetup, paths)", () => {
    // This file is skipped: its samples below cross on purpose.
    const { scanned, crossings } = findCrossings(repoRoot, [thisFile]);
    // The scan saw the repository, not an empty folder.
    expect(scanned).toBeGreaterThan(100);
    // No exceptions: the runtime-neutral suites live in runtime-tests/suites, their one home.
    expect(crossings).toEqual([]);
  });

  it('issue 14 item 5: the scanner finds a relative import, a dynamic import, a globalSetup path and a named path', () => {
    const file = inPackage('cli', 'test/some.test.ts');
    const text = [
      "import { startRegistry } from '../../oci/test/fixtures/registry.js';",
      "const { startAll } = await import('../../pki/test/servers/global-setup.js');",
      'import type {} from "../../core/test/conformance/suite.ts";',
    ].join('\n');
    expect(crossingsIn(repoRoot, file, text).map((c) => c.into)).toEqual(['oci', 'pki', 'core']);

    const config = inPackage('core', 'vitest.config.ts');
    expect(crossingsIn(repoRoot, config, "globalSetup: ['../pki/test/servers/global-setup.ts'],")).toEqual([
      { file: 'packages/core/vitest.config.ts', literal: '../pki/test/servers/global-setup.ts', into: 'pki' },
    ]);
    expect(
      crossingsIn(repoRoot, config, 'const dir = join(root, `packages/oci/test/fixtures`);').map((c) => c.into),
    ).toEqual(['oci']);
  });

  it("issue 14 item 5: a package's own test/ folder and this package's exports are not crossings", () => {
    const file = inPackage('pki', 'test/revocation/crl.test.ts');
    const text = [
      "import { EXT } from '../fixtures/openssl-chain.js';",
      "import { startAll } from '@x/notary-test-servers/pki/global-setup';",
      "globalSetup: ['@x/notary-test-servers/oci/global-setup'],",
      "const here = 'packages/pki/test/fixtures';",
      "import { x } from '../../src/index.js';",
    ].join('\n');
    expect(crossingsIn(repoRoot, file, text)).toEqual([]);
  });
});
