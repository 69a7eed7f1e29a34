/**
 * The OCI global setup when docker-registry is missing or cannot start
 * (issue 14 item 5): the user sees the cause, not `ENOTEMPTY … rmdir` from a
 * teardown that ran while the seed layout was still being written.
 *
 * The runs use a PATH of their own: a folder of links to the real tools the
 * setup needs (openssl, htpasswd, skopeo), without docker-registry, or with
 * a `docker-registry` that exits at once the way a broken installation does.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { excludeWithoutRegistry, registryBinary } from '../src/oci/docker-registry.js';
import { startAll } from '../src/oci/global-setup.js';

const TOOLS = ['openssl', 'htpasswd', 'skopeo'];
let bin: string;
const savedPath = process.env['PATH'];

/** A folder on PATH holding links to the tools, plus what `extra` writes into it. */
function toolFolder(extra?: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'notary-test-path-'));
  for (const tool of TOOLS) {
    const path = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    symlinkSync(path, join(dir, tool));
  }
  extra?.(dir);
  return dir;
}

/** The setup's temporary folders (`notary-oci-servers-*`) that exist now. */
const setupFolders = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('notary-oci-servers-')));

describe('OCI global setup without a working docker-registry (issue 14 item 5)', () => {
  beforeAll(() => {
    expect('path' in registryBinary(), 'these tests compare against a machine that has docker-registry').toBe(true);
  });
  afterEach(() => {
    process.env['PATH'] = savedPath;
    if (bin) rmSync(bin, { recursive: true, force: true });
  });
  afterAll(() => {
    process.env['PATH'] = savedPath;
  });

  it('issue 14 item 5: with docker-registry not on PATH, startAll() says so and how to install it, and leaves no folder', async () => {
    bin = toolFolder();
    process.env['PATH'] = bin;
    const before = setupFolders();
    const error = await startAll().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toContain('docker-registry not found on PATH');
    expect(error!.message).toContain('apt-get install docker-registry');
    expect([...setupFolders()].filter((name) => !before.has(name))).toEqual([]);
  });

  it("issue 14 item 5: when docker-registry cannot start, the registry's own error reaches the user (not ENOTEMPTY) and the folder is removed", async () => {
    bin = toolFolder((dir) => {
      const fake = join(dir, 'docker-registry');
      writeFileSync(
        fake,
        '#!/bin/sh\necho "configuration error: storage driver refused (test stand-in for a broken registry)" >&2\nexit 1\n',
      );
      chmodSync(fake, 0o755);
    });
    process.env['PATH'] = bin;
    const before = setupFolders();
    const error = await startAll().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toContain('docker-registry exited before it was ready');
    expect(error!.message).toContain('configuration error: storage driver refused');
    expect(error!.message).not.toMatch(/ENOTEMPTY|rmdir/);
    const left = [...setupFolders()].filter((name) => !before.has(name));
    expect(left.filter((name) => existsSync(join(tmpdir(), name)))).toEqual([]);
  });

  it('issue 14 item 5: the vitest configs leave the registry suites out with a notice, and fail under CI=true', () => {
    const files = ['test/remote/live.test.ts'];
    expect(excludeWithoutRegistry(files, { PATH: savedPath })).toEqual([]);
    expect(excludeWithoutRegistry(files, { PATH: '/nonexistent' })).toEqual(files);
    expect(() => excludeWithoutRegistry(files, { PATH: '/nonexistent', CI: 'true' })).toThrow(
      /docker-registry not found on PATH: install it with `apt-get install docker-registry`.*CI=true requires it/,
    );
  });
});
