/**
 * The preflight of `pnpm test` (scripts/system-tools.mjs, issue 15 item 9):
 * on a machine without the Debian packages the tests start, a user who is not
 * root is stopped at once with the exact apt-get line, and nothing else runs.
 * Each run is a child Node process with a PATH of its own: a folder with links
 * to node, sh and apt-get only.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const script = resolve(import.meta.dirname, '../../../scripts/system-tools.mjs');
let bin: string;

beforeAll(() => {
  bin = mkdtempSync(join(tmpdir(), 'notary-preflight-'));
  chmodSync(bin, 0o755); // the unprivileged child must be able to look in it
  for (const tool of ['node', 'sh', 'apt-get']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) symlinkSync(found, join(bin, tool));
  }
});
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** Runs ensureSystemTools() in a child with `path` as PATH, as an unprivileged user when we are root. */
function preflight(path: string) {
  const code = `import(${JSON.stringify(script)}).then((m) => { m.ensureSystemTools(); console.log('PREFLIGHT PASSED'); })`;
  const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const [command, ...args] = [...asUser, 'env', `PATH=${path}`, process.execPath, '-e', code];
  return spawnSync(command!, args, { encoding: 'utf8' });
}

describe('the test command brings its Debian packages (issue 15 item 9)', () => {
  it('without them, a non-root user is stopped at once with the sudo apt-get line', () => {
    const run = preflight(bin);
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain('PREFLIGHT PASSED');
    expect(run.stderr).toContain(
      'sudo apt-get install -y openssl docker-registry apache2-utils skopeo chromium golang-go',
    );
    expect(run.stderr).toContain('docker-registry (docker-registry: the OCI registry');
  });

  it('with them on PATH, the tests go on', () => {
    const run = preflight(`${bin}:${process.env['PATH']}`);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('PREFLIGHT PASSED');
    expect(run.status).toBe(0);
  });
});
