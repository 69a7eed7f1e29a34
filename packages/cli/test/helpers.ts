/**
 * Test helpers: run the built `notary` executable in a child process with a
 * fresh HOME and XDG_CONFIG_HOME (so notation's config directory is a
 * temporary one), and build small OCI image layouts to sign.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Descriptor, MEDIA_TYPE_OCI_MANIFEST, type Repository } from '@x/notary-oci';
import { OciLayoutRepository } from '@x/notary-oci/node';
import { afterAll } from 'vitest';

/** The built executable; NOTARY_CLI_MAIN points the tests at another build. */
export const MAIN =
  process.env['NOTARY_CLI_MAIN'] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A temporary user: HOME, XDG_CONFIG_HOME (notation's config dir is `<config>/notation`) and XDG_CACHE_HOME. */
export interface TestHome {
  dir: string;
  env: Record<string, string>;
  configDir: string;
  /** Runs `notary <args>`; never throws on a non-zero exit. */
  notary(
    args: readonly string[],
    options?: { input?: string; env?: Record<string, string>; cwd?: string },
  ): Promise<RunResult>;
  /** Runs and expects exit status 0, returning stdout. */
  ok(
    args: readonly string[],
    options?: { input?: string; env?: Record<string, string>; cwd?: string },
  ): Promise<string>;
  /** Runs and expects a failure: exit status 1 and exactly one `Error:` line, the last on stderr; returns that line. */
  fails(
    args: readonly string[],
    options?: { input?: string; env?: Record<string, string>; cwd?: string },
  ): Promise<string>;
}

const homes: string[] = [];
afterAll(async () => {
  await Promise.all(homes.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export function runNotary(
  args: readonly string[],
  env: Record<string, string>,
  options: { input?: string; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env,
      cwd: options.cwd ?? env['HOME'],
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export async function makeHome(): Promise<TestHome> {
  const dir = await mkdtemp(join(tmpdir(), 'notary-cli-test-'));
  homes.push(dir);
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, '.config'),
    XDG_CACHE_HOME: join(dir, '.cache'),
  };
  const home: TestHome = {
    dir,
    env,
    configDir: join(dir, '.config', 'notation'),
    notary: (args, options = {}) => runNotary(args, { ...env, ...options.env }, options),
    async ok(args, options) {
      const result = await home.notary(args, options);
      if (result.code !== 0)
        throw new Error(`notary ${args.join(' ')} failed (${result.code}):\n${result.stderr}\n${result.stdout}`);
      return result.stdout;
    },
    async fails(args, options) {
      const result = await home.notary(args, options);
      if (result.code !== 1)
        throw new Error(
          `notary ${args.join(' ')} should fail with status 1, got ${result.code}:\n${result.stderr}\n${result.stdout}`,
        );
      const lines = result.stderr.trimEnd().split('\n');
      const errors = lines.filter((l) => l.startsWith('Error: '));
      if (errors.length !== 1 || lines.at(-1) !== errors[0])
        throw new Error(`expected one Error: line, last on stderr, got:\n${result.stderr}`);
      if (/\n\s+at /.test(result.stderr)) throw new Error(`a stack was printed without --debug:\n${result.stderr}`);
      return errors[0]!;
    },
  };
  return home;
}

/** Writes an image manifest (config + one layer with `content`) into an OCI layout and tags it. */
export async function pushImage(layout: Repository, tag: string, content: string): Promise<Descriptor> {
  const encoder = new TextEncoder();
  const config = await layout.pushBlob(encoder.encode('{}'), 'application/vnd.oci.image.config.v1+json');
  const layer = await layout.pushBlob(encoder.encode(content), 'application/vnd.oci.image.layer.v1.tar');
  const manifest = encoder.encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPE_OCI_MANIFEST,
      config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
      layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }],
    }),
  );
  return layout.pushManifest(manifest, MEDIA_TYPE_OCI_MANIFEST, { tag });
}

/** A new OCI layout under `dir` holding one image tagged `tag`. */
export async function makeLayout(
  dir: string,
  tag: string,
  content: string,
): Promise<{ layout: OciLayoutRepository; image: Descriptor }> {
  const layout = await OciLayoutRepository.open(dir, { create: true });
  const image = await pushImage(layout, tag, content);
  return { layout, image };
}

/** A strict OCI trust policy document for `scopes`, trusting the `ca` store `store` (and a `tsa` store when given). */
export function strictOciPolicy(scopes: readonly string[], store: string, tsaStore?: string): string {
  return JSON.stringify({
    version: '1.0',
    trustPolicies: [
      {
        name: 'strict',
        registryScopes: scopes,
        signatureVerification: { level: 'strict' },
        trustStores: [`ca:${store}`, ...(tsaStore ? [`tsa:${tsaStore}`] : [])],
        trustedIdentities: ['*'],
      },
    ],
  });
}

export async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}
