/**
 * Runtime reach: the built package (dist/index.js, no `node:` import) runs
 * under Deno with network access to loopback only, and resolves + fetches
 * the image skopeo seeded into the no-auth registry. Needs `npx tsup` first.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
// The `inject('ociServers')` type: the global setup's ProvidedContext declaration.
import type {} from '@x/notary-test-servers/oci/global-setup';
import { describe, expect, inject, it } from 'vitest';

const servers = inject('ociServers');
const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const deno = resolve(packageDir, '../../node_modules/.bin/deno');
const dist = join(packageDir, 'dist/index.js');

describe('Deno', () => {
  it('the built dist exports the remote client and has no node: import', () => {
    expect(existsSync(dist), 'run `npx tsup` before the tests').toBe(true);
    const source = readFileSync(dist, 'utf8');
    expect(source).not.toMatch(/from\s+['"]node:/);
    expect(source, 'dist/index.js must export RemoteRepository (src/index.ts export lines)').toMatch(
      /export \{[^}]*\bRemoteRepository\b/,
    );
  });

  it('resolves and fetches the seeded image from the loopback registry with --allow-net=127.0.0.1', async () => {
    const registry = servers.registries.none;
    const { stdout, stderr } = await promisify(execFile)(
      deno,
      [
        'run',
        '--no-lock',
        '--node-modules-dir=manual',
        '--allow-net=127.0.0.1',
        '--allow-read',
        'test/remote/deno-resolve.ts',
        'dist/index.js',
        registry.host,
        servers.seed.repository,
        servers.seed.tag,
      ],
      { cwd: packageDir, timeout: 120_000, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } },
    ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`deno failed: ${error.message}\n${error.stderr ?? ''}\n${error.stdout ?? ''}`);
    });
    const line = stdout.trim().split('\n').at(-1) ?? '';
    let result: {
      runtime: string;
      descriptor: { digest: string; size: number; mediaType: string };
      manifestBytes: number;
      layerBytes: number;
      missing: string;
    };
    try {
      result = JSON.parse(line) as typeof result;
    } catch {
      throw new Error(`unexpected deno output: ${stdout}\n${stderr}`);
    }
    expect(result.runtime).toMatch(/^deno 2\./);
    expect(result.descriptor).toEqual({
      mediaType: servers.seed.mediaType,
      digest: servers.seed.digest,
      size: servers.seed.size,
    });
    expect(result.manifestBytes).toBe(servers.seed.size);
    expect(result.layerBytes).toBe(servers.seed.layer.size);
    expect(result.missing).toBe('ERR_OCI_NOT_FOUND');
  });
});
