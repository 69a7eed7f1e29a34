/**
 * `notary plugin install|uninstall|list` and signing through plugins, end
 * to end through the built CLI (PLG-1 … PLG-3, PLG-7, PLG-12, PLG-13):
 * single executables, tar.gz (tar CLI and hand-written ustar) and zip
 * (hand-written) packages, upgrades and refused downgrades, name
 * mismatches, packages with no or two executables, links and traversal,
 * `--url` from a loopback HTTP server (allowed for tests by
 * NOTARY_PLUGIN_INSTALL_ALLOW_LOOPBACK_HTTP=1) with its checksum; then an
 * OCI layout artifact and a blob signed through the example plugin
 * executable (`@x/notary-plugin-example`, key-file mode) and verified.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, makeLayout, strictOciPolicy, type TestHome } from './helpers.js';

const EXAMPLE_PLUGIN = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'plugin-example',
  'dist',
  'notation-com.example.notary.cjs',
);
const FAKE = 'com.test.fake';
const LOOPBACK_ENV = { NOTARY_PLUGIN_INSTALL_ALLOW_LOOPBACK_HTTP: '1' };

/** A plugin as a shell script that answers get-plugin-metadata only. */
function fakePlugin(version: string, metadataName = FAKE): string {
  const metadata = {
    name: metadataName,
    description: `fake plugin ${version}`,
    version,
    url: 'https://example.com/fake',
    supportedContractVersions: ['1.0'],
    capabilities: ['SIGNATURE_GENERATOR.RAW'],
  };
  return `#!/bin/sh\ncat >/dev/null\nif [ "$1" = "get-plugin-metadata" ]; then\n  printf '%s' '${JSON.stringify(metadata)}'\n  exit 0\nfi\nexit 1\n`;
}

interface Entry {
  name: string;
  data?: string | Buffer;
  mode?: number;
  /** tar typeflag ('0' file, '2' symlink, '5' directory); zip: a symlink when '2'. */
  type?: string;
}

/** A ustar archive, gzipped, written by hand (so that links and `..` can be put in). */
function tarGz(entries: readonly Entry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '');
    const header = Buffer.alloc(512);
    header.write(entry.name, 0, 100, 'utf8');
    header.write(`${(entry.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100, 'ascii');
    header.write('0000000\0', 108, 'ascii');
    header.write('0000000\0', 116, 'ascii');
    header.write(
      `${(entry.type === '0' || entry.type === undefined ? data.length : 0).toString(8).padStart(11, '0')}\0`,
      124,
      'ascii',
    );
    header.write('00000000000\0', 136, 'ascii');
    header.write('        ', 148, 'ascii');
    header.write(entry.type ?? '0', 156, 'ascii');
    if (entry.type === '2') header.write('/etc/passwd', 157, 'ascii');
    header.write('ustar\0', 257, 'ascii');
    header.write('00', 263, 'ascii');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    blocks.push(header);
    if (entry.type === '0' || entry.type === undefined)
      blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** A zip archive (deflate, Unix modes), written by hand. */
function zip(entries: readonly Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '');
    const compressed = deflateRawSync(data);
    const name = Buffer.from(entry.name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    const type = entry.type === '2' ? 0o120000 : 0o100000;
    central.writeUInt32LE(((type | (entry.mode ?? 0o644)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('notary plugin install / uninstall / list (PLG-1, PLG-2, PLG-3)', () => {
  let home: TestHome;
  let work: string;
  let server: Server;
  let baseUrl: string;
  const served = new Map<string, Buffer>();
  const pluginFile = () => join(home.configDir, 'plugins', FAKE, `notation-${FAKE}`);
  const installedVersion = async () => /"version":"([^"]+)"/.exec(await readFile(pluginFile(), 'utf8'))![1];

  beforeAll(async () => {
    home = await makeHome();
    work = join(home.dir, 'work');
    await mkdir(work, { recursive: true });
    server = createServer((request, response) => {
      const body = served.get(request.url ?? '');
      if (body === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Writes `notation-<name>` with `content` into a fresh directory; returns its path. */
  async function executable(dir: string, content: string, name = FAKE, mode = 0o755): Promise<string> {
    const folder = join(work, dir);
    await mkdir(folder, { recursive: true });
    const path = join(folder, `notation-${name}`);
    await writeFile(path, content);
    await chmod(path, mode);
    return path;
  }

  it('PLG-1, PLG-2, PLG-3: installs a single executable file to {config}/plugins/<name>/notation-<name>, mode 0755', async () => {
    const source = await executable('single', fakePlugin('1.0.0'));
    const out = await home.ok(['plugin', 'install', '--file', source]);
    expect(out).toBe(`Successfully installed plugin ${FAKE}, version 1.0.0\n`);
    const info = await stat(pluginFile());
    expect(info.isFile()).toBe(true);
    expect(info.mode & 0o777).toBe(0o755);
    expect(await installedVersion()).toBe('1.0.0');
  });

  it('PLG-2: an equal version is refused without --force, and reinstalled with it', async () => {
    const source = await executable('single', fakePlugin('1.0.0'));
    expect(await home.fails(['plugin', 'install', '--file', source])).toBe(
      `Error: plugin installation failed: plugin ${FAKE} with version 1.0.0 already exists. To reinstall it, use the "--force" option`,
    );
    expect(await home.ok(['plugin', 'install', '--file', source, '--force'])).toBe(
      `Successfully updated plugin ${FAKE} from version 1.0.0 to 1.0.0\n`,
    );
  });

  it('PLG-3: upgrades from a .tar.gz made by the tar CLI, installing its other files too', async () => {
    const folder = join(work, 'tarball');
    await executable('tarball', fakePlugin('1.1.0'));
    await writeFile(join(folder, 'LICENSE'), 'Apache-2.0\n');
    const archive = join(work, 'fake-1.1.0.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', folder, '.']);
    const out = await home.ok(['plugin', 'install', '--file', archive]);
    expect(out).toBe(`Successfully updated plugin ${FAKE} from version 1.0.0 to 1.1.0\n`);
    expect(await installedVersion()).toBe('1.1.0');
    expect((await readdir(join(home.configDir, 'plugins', FAKE))).sort()).toEqual(['LICENSE', `notation-${FAKE}`]);
    expect((await stat(join(home.configDir, 'plugins', FAKE, 'LICENSE'))).mode & 0o777).toBe(0o644);
  });

  it('PLG-3: a downgrade from a .zip is refused without --force, and done with it', async () => {
    const archive = join(work, 'fake-0.9.0.zip');
    await writeFile(
      archive,
      zip([
        { name: 'README.md', data: '# fake\n' },
        { name: `notation-${FAKE}`, data: fakePlugin('0.9.0'), mode: 0o755 },
      ]),
    );
    expect(await home.fails(['plugin', 'install', '--file', archive])).toBe(
      `Error: plugin installation failed: failed to install plugin ${FAKE}. The installing plugin version 0.9.0 is lower than the existing plugin version 1.1.0. It is not recommended to install an older version. To force the installation, use the "--force" option`,
    );
    expect(await installedVersion()).toBe('1.1.0');
    expect(await home.ok(['plugin', 'install', '--file', archive, '--force'])).toBe(
      `Successfully updated plugin ${FAKE} from version 1.1.0 to 0.9.0\n`,
    );
    expect(await installedVersion()).toBe('0.9.0');
    // An upgrade replaces the whole directory: the tarball's LICENSE is gone.
    expect((await readdir(join(home.configDir, 'plugins', FAKE))).sort()).toEqual(['README.md', `notation-${FAKE}`]);
  });

  it('PLG-2: a plugin whose metadata name is not its file name is refused, and nothing is installed', async () => {
    const source = await executable('mismatch', fakePlugin('1.0.0', FAKE), 'com.test.other');
    const line = await home.fails(['plugin', 'install', '--file', source]);
    expect(line).toMatch(
      /^Error: plugin installation failed: failed to get metadata of new plugin: plugin "com\.test\.other" get-plugin-metadata: plugin executable file name must be "notation-com\.test\.fake" instead of "notation-com\.test\.other"$/,
    );
    expect(await readdir(join(home.configDir, 'plugins'))).toEqual([FAKE]);
  });

  it('PLG-1, PLG-2: a file not named notation-<name>, or not executable, is refused', async () => {
    const folder = join(work, 'badname');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'my-plugin'), fakePlugin('2.0.0'));
    await chmod(join(folder, 'my-plugin'), 0o755);
    expect(await home.fails(['plugin', 'install', '--file', join(folder, 'my-plugin')])).toBe(
      'Error: plugin installation failed: failed to read plugin name from input file: invalid plugin executable file name. Plugin file name requires format notation-{plugin-name}, but got my-plugin',
    );
    const plain = await executable('plain', fakePlugin('2.0.0'), FAKE, 0o644);
    expect(await home.fails(['plugin', 'install', '--file', plain])).toBe(
      'Error: plugin installation failed: input file is not executable',
    );
    expect(await installedVersion()).toBe('0.9.0');
  });

  it('PLG-3: archives with two executables, no plugin file, a symlink or path traversal are refused', async () => {
    const cases: Array<[string, Buffer, RegExp]> = [
      [
        'two.tar.gz',
        tarGz([
          { name: `notation-${FAKE}`, data: fakePlugin('2.0.0'), mode: 0o755 },
          { name: 'helper.sh', data: '#!/bin/sh\n', mode: 0o755 },
        ]),
        /found more than one executable file in the archive \(notation-com\.test\.fake, helper\.sh\); a plugin archive must hold exactly one$/,
      ],
      [
        'two.zip',
        zip([
          { name: `notation-${FAKE}`, data: fakePlugin('2.0.0'), mode: 0o755 },
          { name: 'notation-com.test.second', data: fakePlugin('2.0.0'), mode: 0o755 },
        ]),
        /found more than one executable file/,
      ],
      ['none.zip', zip([{ name: 'README.md', data: 'nothing here' }]), /no plugin executable file was found$/],
      [
        'link.tar.gz',
        tarGz([{ name: `notation-${FAKE}`, type: '2' }]),
        /"notation-com\.test\.fake" is not a regular file \(links and special files are not allowed in a plugin archive\)$/,
      ],
      [
        'link.zip',
        zip([{ name: `notation-${FAKE}`, data: '/etc/passwd', type: '2', mode: 0o777 }]),
        /is not a regular file/,
      ],
      [
        'slip.tar.gz',
        tarGz([{ name: `../notation-${FAKE}`, data: fakePlugin('2.0.0'), mode: 0o755 }]),
        /file name in tar\.gz cannot contain '\.\.' or be absolute, but found "\.\.\/notation-com\.test\.fake"$/,
      ],
      [
        'slip.zip',
        zip([{ name: `a/../../notation-${FAKE}`, data: fakePlugin('2.0.0'), mode: 0o755 }]),
        /file name in zip cannot contain '\.\.'/,
      ],
      [
        'absolute.tar.gz',
        tarGz([{ name: `/tmp/notation-${FAKE}`, data: fakePlugin('2.0.0'), mode: 0o755 }]),
        /cannot contain '\.\.' or be absolute/,
      ],
    ];
    for (const [file, bytes, expected] of cases) {
      const path = join(work, file);
      await writeFile(path, bytes);
      const line = await home.fails(['plugin', 'install', '--file', path]);
      expect(line, file).toMatch(/^Error: plugin installation failed: /);
      expect(line, file).toMatch(expected);
    }
    expect(await installedVersion()).toBe('0.9.0');
    expect(await readdir(join(home.configDir, 'plugins'))).toEqual([FAKE]);
  });

  it('PLG-3: --url requires --sha256sum and https', async () => {
    expect(await home.fails(['plugin', 'install', '--url', 'https://example.com/notation-x'])).toBe(
      'Error: installing from URL requires non-empty SHA256 checksum of the plugin source',
    );
    expect(
      await home.fails(['plugin', 'install', '--url', `${baseUrl}/fake.tar.gz`, '--sha256sum', 'a'.repeat(64)]),
    ).toBe('Error: failed to download plugin from URL: only the HTTPS scheme is supported, but got http');
    // The loopback allowance is for 127.x only.
    expect(
      await home.fails(
        ['plugin', 'install', '--url', 'http://example.com/fake.tar.gz', '--sha256sum', 'a'.repeat(64)],
        { env: LOOPBACK_ENV },
      ),
    ).toBe('Error: failed to download plugin from URL: only the HTTPS scheme is supported, but got http');
    expect(await home.fails(['plugin', 'install', '--file', '--url', 'x'])).toBe(
      'Error: if any flags in the group [file url] are set none of the others can be; [file url] were all set',
    );
    expect(await home.fails(['plugin', 'install', 'x'])).toBe(
      'Error: at least one of the flags in the group [file url] is required',
    );
  });

  it('PLG-3: a download whose SHA-256 does not match is refused; a matching one installs', async () => {
    const folder = join(work, 'download');
    await executable('download', fakePlugin('3.0.0'));
    const archive = join(work, 'fake-3.0.0.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', folder, `notation-${FAKE}`]);
    const bytes = await readFile(archive);
    served.set('/fake-3.0.0.tar.gz', bytes);
    const wrong = sha256(Buffer.from('something else'));
    const url = `${baseUrl}/fake-3.0.0.tar.gz`;
    expect(await home.fails(['plugin', 'install', '--url', url, '--sha256sum', wrong], { env: LOOPBACK_ENV })).toBe(
      `Error: plugin installation failed: plugin checksum does not match user input. Expecting ${wrong}`,
    );
    expect(await installedVersion()).toBe('0.9.0');
    expect(
      await home.fails(['plugin', 'install', '--url', `${baseUrl}/absent`, '--sha256sum', wrong], {
        env: LOOPBACK_ENV,
      }),
    ).toBe(`Error: failed to download plugin from URL ${baseUrl}/absent with error: 404 Not Found`);
    const out = await home.ok(['plugin', 'install', '--url', url, '--sha256sum', sha256(bytes).toUpperCase()], {
      env: LOOPBACK_ENV,
    });
    expect(out).toBe(
      `Downloading plugin from ${url}\nDownload completed\nSuccessfully updated plugin ${FAKE} from version 0.9.0 to 3.0.0\n`,
    );
    expect(await installedVersion()).toBe('3.0.0');
  });

  it("PLG-2: plugin list shows NAME DESCRIPTION VERSION CAPABILITIES ERROR, with a broken plugin's error", async () => {
    await mkdir(join(home.configDir, 'plugins', 'com.test.broken'), { recursive: true });
    const out = await home.ok(['plugin', 'list']);
    const lines = out
      .trimEnd()
      .split('\n')
      .map((l) => l.trimEnd().split(/\s{3,}/));
    expect(lines[0]).toEqual(['NAME', 'DESCRIPTION', 'VERSION', 'CAPABILITIES', 'ERROR']);
    expect(lines[1]).toEqual([
      'com.test.broken',
      '[]',
      expect.stringMatching(
        /^plugin "com\.test\.broken": plugin executable file is either not found or inaccessible: .*$/,
      ),
    ]);
    expect(lines[2]).toEqual([FAKE, 'fake plugin 3.0.0', '3.0.0', '[SIGNATURE_GENERATOR.RAW]', '<nil>']);
    expect(await home.ok(['plugin', 'ls'])).toBe(out);
  });

  it('plugin uninstall prompts unless --yes, and refuses unknown or unsafe names', async () => {
    const cancelled = await home.notary(['plugin', 'uninstall', FAKE], { input: 'n\n' });
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toBe(`Are you sure you want to uninstall plugin "${FAKE}"? [y/N] Operation cancelled.\n`);
    expect(await installedVersion()).toBe('3.0.0');
    expect(await home.ok(['plugin', 'uninstall', FAKE], { input: 'y\n' })).toBe(
      `Are you sure you want to uninstall plugin "${FAKE}"? [y/N] Successfully uninstalled plugin ${FAKE}\n`,
    );
    expect(await home.ok(['plugin', 'uninstall', '--yes', 'com.test.broken'])).toBe(
      'Successfully uninstalled plugin com.test.broken\n',
    );
    expect(await readdir(join(home.configDir, 'plugins'))).toEqual([]);
    expect(await home.fails(['plugin', 'uninstall', '-y', FAKE])).toBe(
      `Error: unable to find plugin ${FAKE}. To view a list of installed plugins, use \`notary plugin list\``,
    );
    expect(await home.fails(['plugin', 'uninstall', '-y', '..'])).toMatch(/^Error: unable to find plugin \.\./);
    expect(await home.fails(['plugin', 'uninstall'])).toBe('Error: plugin name is required');
    expect(await home.ok(['plugin', 'list'])).toBe('NAME   DESCRIPTION   VERSION   CAPABILITIES   ERROR   \n');
  });
});

describe('signing and verifying through the example plugin (PLG-7, PLG-9, PLG-10, PLG-12)', () => {
  let home: TestHome;
  let layoutDir: string;
  let digest: string;
  let keyFile: string;
  let certFile: string;
  const scope = 'local.test/plugin';
  const PLUGIN = 'com.example.notary';

  beforeAll(async () => {
    home = await makeHome();
    // Installed from the built example executable, as a user would.
    const source = join(home.dir, 'dist', `notation-${PLUGIN}`);
    await mkdir(dirname(source), { recursive: true });
    await copyFile(EXAMPLE_PLUGIN, source);
    await chmod(source, 0o755);
    expect(await home.ok(['plugin', 'install', '--file', source])).toBe(
      `Successfully installed plugin ${PLUGIN}, version 1.0.0\n`,
    );
    // The key the plugin signs with (key-file mode): a test key and certificate, trusted as ca:plugin.test.
    await home.ok(['cert', 'generate-test', 'plugin.test']);
    keyFile = join(home.configDir, 'localkeys', 'plugin.test.key');
    certFile = join(home.configDir, 'localkeys', 'plugin.test.crt');
    layoutDir = join(home.dir, 'layout');
    digest = (await makeLayout(layoutDir, 'v1', 'signed through a plugin')).image.digest;
    const policyFile = join(home.dir, 'policy.json');
    await writeFile(policyFile, strictOciPolicy([scope], 'plugin.test'));
    await home.ok(['policy', 'import', policyFile]);
    await home.ok([
      'blob',
      'policy',
      'init',
      '--name',
      'blobs',
      '--trust-store',
      'ca:plugin.test',
      '--trusted-identity',
      '*',
      '--global',
    ]);
  });

  it('PLG-7, PLG-9, PLG-12: sign --plugin --id --plugin-config signs an OCI layout artifact through a RAW plugin, and verify accepts it', async () => {
    const out = await home.ok([
      'sign',
      '--oci-layout',
      '--plugin',
      PLUGIN,
      '--id',
      'release',
      '--plugin-config',
      `keyFile=${keyFile}`,
      '--plugin-config',
      `certFile=${certFile}`,
      `${layoutDir}@${digest}`,
    ]);
    expect(out).toMatch(
      new RegExp(
        `^Successfully signed ${layoutDir}@${digest}\\nPushed the signature to ${layoutDir}@sha256:[0-9a-f]{64}\\n$`,
      ),
    );
    const verified = await home.ok([
      'verify',
      '--oci-layout',
      '--scope',
      scope,
      '--plugin-config',
      'unused=by-any-plugin',
      `${layoutDir}@${digest}`,
    ]);
    expect(verified).toBe(`Successfully verified signature for ${layoutDir}@${digest}\n`);
    const inspected = JSON.parse(
      await home.ok(['inspect', '--oci-layout', '-o', 'json', `${layoutDir}@${digest}`]),
    ) as { signatures: Array<Record<string, any>> };
    // ATTR-5 [impl]: a RAW plugin's signature carries "<agent> <plugin>/<version>".
    expect(inspected.signatures[0]!['unsignedAttributes']['signingAgent']).toMatch(/ com\.example\.notary\/1\.0\.0$/);
    expect(inspected.signatures[0]!['certificates'][0]['issuedTo']).toBe(
      'CN=plugin.test,O=Notary,L=Seattle,ST=WA,C=US',
    );
  });

  it('PLG-12 AMB-6: key add --plugin stores the id, pluginName and pluginConfig in signingkeys.json; at sign time --plugin-config values win', async () => {
    expect(
      await home.ok([
        'key',
        'add',
        '--plugin',
        PLUGIN,
        '--id',
        'release',
        '--plugin-config',
        `keyFile=${keyFile}`,
        '--plugin-config',
        'certFile=/nonexistent/chain.pem',
        'remote',
      ]),
    ).toBe('remote\n');
    const keys = JSON.parse(await readFile(join(home.configDir, 'signingkeys.json'), 'utf8')) as { keys: unknown[] };
    expect(keys.keys.at(-1)).toEqual({
      name: 'remote',
      id: 'release',
      pluginName: PLUGIN,
      pluginConfig: { keyFile, certFile: '/nonexistent/chain.pem' },
    });
    // The stored config reaches the plugin: its certFile does not exist.
    expect(await home.fails(['sign', '--oci-layout', '--key', 'remote', `${layoutDir}@${digest}`])).toMatch(
      /^Error: plugin "com\.example\.notary" describe-key: ERROR: .*\/nonexistent\/chain\.pem.*$/,
    );
    // The call's certFile overrides the stored one.
    const out = await home.ok([
      'sign',
      '--oci-layout',
      '--key',
      'remote',
      '--signature-format',
      'cose',
      '--plugin-config',
      `certFile=${certFile}`,
      `${layoutDir}@${digest}`,
    ]);
    expect(out).toContain(`Successfully signed ${layoutDir}@${digest}`);
    const json = JSON.parse(
      await home.ok(['verify', '--oci-layout', '--scope', scope, '-o', 'json', `${layoutDir}@${digest}`]),
    ) as Record<string, any>;
    expect(json['verified']).toBe(true);
  });

  it('PLG-7, PLG-12: blob sign through the RAW plugin, then blob verify', async () => {
    const blob = join(home.dir, 'release.bin');
    await writeFile(blob, 'a blob signed by a plugin\n');
    const out = await home.ok([
      'blob',
      'sign',
      '--plugin',
      PLUGIN,
      '--id',
      'release',
      '--plugin-config',
      `keyFile=${keyFile}`,
      '--plugin-config',
      `certFile=${certFile}`,
      blob,
    ]);
    expect(out).toBe(`Successfully signed ${blob}\nSignature file written to ${blob}.jws.sig\n`);
    expect(await home.ok(['blob', 'verify', '--plugin-config', 'a=b', '--signature', `${blob}.jws.sig`, blob])).toBe(
      `Successfully verified signature for ${blob}\n`,
    );
    const inspected = JSON.parse(await home.ok(['blob', 'inspect', '-o', 'json', `${blob}.jws.sig`])) as Record<
      string,
      any
    >;
    expect(inspected['unsignedAttributes']['signingAgent']).toMatch(/ com\.example\.notary\/1\.0\.0$/);
  });

  it('PLG-7, PLG-10: an ENVELOPE-only plugin signs OCI artifacts through generate-envelope, and cannot sign blobs', async () => {
    // A wrapper that announces only SIGNATURE_GENERATOR.ENVELOPE and lets the example plugin build the envelope.
    const name = 'com.test.envelope';
    const metadata = {
      name,
      description: 'envelope only',
      version: '0.1.0',
      url: 'https://example.com',
      supportedContractVersions: ['1.0'],
      capabilities: ['SIGNATURE_GENERATOR.ENVELOPE'],
    };
    const source = join(home.dir, 'wrapper', `notation-${name}`);
    await mkdir(dirname(source), { recursive: true });
    await writeFile(
      source,
      `#!/bin/sh\nif [ "$1" = "get-plugin-metadata" ]; then\n  cat >/dev/null\n  printf '%s' '${JSON.stringify(metadata)}'\n  exit 0\nfi\nexec "${process.execPath}" "${join(home.configDir, 'plugins', PLUGIN, `notation-${PLUGIN}`)}" "$@"\n`,
    );
    await chmod(source, 0o755);
    await home.ok(['plugin', 'install', '--file', source]);
    const config = ['--plugin-config', `keyFile=${keyFile}`, '--plugin-config', `certFile=${certFile}`];
    const out = await home.ok([
      'sign',
      '--oci-layout',
      '--plugin',
      name,
      '--id',
      'release',
      ...config,
      `${layoutDir}@${digest}`,
    ]);
    expect(out).toContain(`Successfully signed ${layoutDir}@${digest}`);
    // PLG-10: the plugin's annotations reach the signature manifest.
    const signatureDigest = /Pushed the signature to .*@(sha256:[0-9a-f]{64})/.exec(out)![1]!;
    const manifest = JSON.parse(
      await readFile(join(layoutDir, 'blobs', 'sha256', signatureDigest.slice(7)), 'utf8'),
    ) as { annotations: Record<string, string> };
    expect(manifest.annotations['com.example.notary.key-id']).toBe('release');
    expect(await home.ok(['verify', '--oci-layout', '--scope', scope, `${layoutDir}@${digest}`])).toBe(
      `Successfully verified signature for ${layoutDir}@${digest}\n`,
    );
    const blob = join(home.dir, 'other.bin');
    await writeFile(blob, 'x');
    expect(await home.fails(['blob', 'sign', '--plugin', name, '--id', 'release', ...config, blob])).toBe(
      `Error: plugin "${name}" cannot sign blobs: blob signing needs the SIGNATURE_GENERATOR.RAW capability, and the plugin generates whole envelopes only`,
    );
  });
});

describe('--plugin-timeout (issue 12 finding 9, PLG-4)', () => {
  /** Alive and not a zombie. */
  const alive = (pid: number): boolean => {
    try {
      const stat = execFileSync('cat', [`/proc/${pid}/stat`], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  };

  it('issue 12 finding 9 PLG-4: a plugin hanging in describe-key is killed with the child it started, after --plugin-timeout', async () => {
    const home = await makeHome();
    const name = 'com.test.hang';
    const pids = join(home.dir, 'pids');
    const metadata = {
      name,
      description: 'hangs',
      version: '0.1.0',
      url: 'https://example.com',
      supportedContractVersions: ['1.0'],
      capabilities: ['SIGNATURE_GENERATOR.RAW'],
    };
    const source = join(home.dir, 'src', `notation-${name}`);
    await mkdir(dirname(source), { recursive: true });
    // Answers get-plugin-metadata; any other command starts a sleeping child and waits for it.
    await writeFile(
      source,
      `#!/bin/sh\ncat >/dev/null\nif [ "$1" = "get-plugin-metadata" ]; then\n  printf '%s' '${JSON.stringify(metadata)}'\n  exit 0\nfi\nsleep 600 &\necho "$$ $!" > '${pids}'\nwait\n`,
    );
    await chmod(source, 0o755);
    await home.ok(['plugin', 'install', '--file', source]);
    const blob = join(home.dir, 'blob.bin');
    await writeFile(blob, 'x');
    const error = await home.fails(['blob', 'sign', '--plugin', name, '--id', 'k', '--plugin-timeout', '2s', blob]);
    expect(error).toMatch(
      /^Error: plugin "com\.test\.hang" describe-key: '.*notation-com\.test\.hang describe-key' did not finish within 2000 ms; the plugin's process group was killed\. Use --plugin-timeout to allow the plugin more time$/,
    );
    const [plugin, child] = (await readFile(pids, 'utf8')).trim().split(' ').map(Number);
    expect(plugin).toBeGreaterThan(0);
    expect(child).toBeGreaterThan(0);
    for (let i = 0; i < 50 && (alive(plugin!) || alive(child!)); i++) await new Promise((r) => setTimeout(r, 100));
    expect([alive(plugin!), alive(child!)]).toEqual([false, false]);
  });

  it('issue 12 finding 9: --plugin-timeout takes a positive Go duration, on sign, blob sign, verify and blob verify', async () => {
    const home = await makeHome();
    const blob = join(home.dir, 'blob.bin');
    await writeFile(blob, 'x');
    expect(await home.fails(['blob', 'sign', '--plugin-timeout', 'soon', blob])).toBe(
      'Error: invalid argument "soon" for "--plugin-timeout" flag: time: invalid duration "soon"',
    );
    expect(await home.fails(['sign', '--plugin-timeout', '0', 'localhost:5000/a@sha256:' + '0'.repeat(64)])).toBe(
      'Error: plugin timeout must be a positive duration of at least 1ms, not "0"',
    );
    for (const command of [['sign'], ['verify'], ['blob', 'sign'], ['blob', 'verify']]) {
      expect((await home.notary([...command, '--help'])).stdout, command.join(' ')).toContain('--plugin-timeout');
    }
  });
});
