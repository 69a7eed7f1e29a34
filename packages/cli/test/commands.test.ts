/**
 * Each command group's happy path and main failures, offline: exit status,
 * stdout, and the single `Error:` line on stderr (no stack unless --debug).
 */
import { execFileSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeHome, readJson, strictOciPolicy, type TestHome } from './helpers.js';

describe('command line basics', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = await makeHome();
  });

  it('prints help and the version with status 0', async () => {
    expect(await home.ok(['--help'])).toContain('Available Commands:');
    expect(await home.ok(['sign', '--help'])).toContain('--signature-format');
    expect(await home.ok(['blob', 'policy', '--help'])).toContain('init');
    expect(await home.ok(['cert'])).toContain('generate-test');
    expect(await home.ok(['version'])).toContain('Version:');
  });

  it('refuses unknown commands and flags with one line', async () => {
    expect(await home.fails(['frobnicate'])).toBe('Error: unknown command "frobnicate" for "notary"');
    expect(await home.fails(['sign', '--frob', 'x'])).toBe('Error: unknown flag: --frob');
    expect(await home.fails(['sign', '-z', 'x'])).toBe("Error: unknown shorthand flag: 'z' in -z");
    expect(await home.fails(['sign', 'localhost:5000/repo:v1', '--key'])).toBe('Error: flag needs an argument: --key');
    expect(await home.fails(['sign'])).toBe(
      'Error: missing reference to the artifact: use `notary sign --help` to see what parameters are required',
    );
    expect(await home.fails(['verify'])).toBe(
      'Error: missing reference to the artifact: use `notary verify --help` to see what parameters are required',
    );
    expect(await home.fails(['list'])).toBe(
      'Error: missing reference to the artifact: use `notary list --help` to see what parameters are required',
    );
    expect(await home.fails(['inspect', '-o', 'yaml', 'x'])).toBe('Error: invalid format: "yaml"');
  });

  it('--debug prints the stack before the error line', async () => {
    const result = await home.notary(['sign', '--debug', 'localhost:5000/repo:v1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\n\s+at /);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
      'Error: default signing key not set. Please set default signing key or specify a key name',
    );
  });

  it('SIGN-1: references must name a tag or digest; bad references say why', async () => {
    await home.ok(['cert', 'generate-test', '--default', 'refs.example']);
    expect(await home.fails(['sign', 'localhost:5000/repo'])).toBe(
      'Error: "localhost:5000/repo": invalid reference: no tag or digest. Expecting <registry>/<repository>:<tag> or <registry>/<repository>@<digest>',
    );
    expect(await home.fails(['sign', 'repo:v1'])).toMatch(
      /^Error: "repo:v1": .*Expecting <registry>\/<repository>:<tag> or <registry>\/<repository>@<digest>$/,
    );
    expect(await home.fails(['sign', '--oci-layout', join(home.dir, 'no-such-layout')])).toMatch(
      /missing tag or digest/,
    );
  });

  it('SIGN-1: expiry durations are Go durations, whole seconds, not negative', async () => {
    expect(await home.fails(['sign', '-e', '-1h', 'localhost:5000/repo:v1'])).toBe(
      'Error: expiry duration cannot be a negative value',
    );
    expect(await home.fails(['sign', '-e', '1500ms', 'localhost:5000/repo:v1'])).toBe(
      'Error: expiry duration supports minimum granularity of seconds',
    );
    expect(await home.fails(['sign', '-e', 'soon', 'localhost:5000/repo:v1'])).toBe(
      'Error: invalid argument "soon" for "-e, --expiry" flag: time: invalid duration "soon"',
    );
  });

  it('PAY-3: user metadata must be k=v', async () => {
    expect(await home.fails(['sign', '-m', 'novalue', 'localhost:5000/repo:v1'])).toBe(
      'Error: could not parse flag --user-metadata: key-value pair requires "=" as separator',
    );
  });

  it('SIGN-2: a timestamp URL needs the TSA root certificate, and the root must be a root', async () => {
    expect(await home.fails(['sign', '--timestamp-url', 'http://127.0.0.1:9/', 'localhost:5000/repo:v1'])).toBe(
      'Error: if any flags in the group [timestamp-url timestamp-root-cert] are set they must all be set; missing [timestamp-root-cert]',
    );
    expect(await home.fails(['sign', '--timestamp-root-cert', 'x.pem', 'localhost:5000/repo:v1'])).toContain(
      'missing [timestamp-url]',
    );
    const missing = join(home.dir, 'absent.pem');
    expect(
      await home.fails([
        'sign',
        '--timestamp-url',
        'http://127.0.0.1:9/',
        '--timestamp-root-cert',
        missing,
        'localhost:5000/repo:v1',
      ]),
    ).toBe(`Error: open ${missing}: no such file or directory`);
  });

  it('SIGN-2, PLG-1: signing with a plugin that is not installed is refused clearly', async () => {
    expect(await home.fails(['sign', '--plugin', 'kms', 'localhost:5000/repo:v1'])).toBe(
      'Error: if any flags in the group [id plugin] are set they must all be set; missing [id]',
    );
    expect(await home.fails(['sign', '--plugin', 'kms', '--id', 'k1', 'localhost:5000/repo:v1'])).toMatch(
      /^Error: plugin "kms": plugin executable file is either not found or inaccessible: .*plugins\/kms\/notation-kms$/,
    );
    expect(await home.fails(['sign', '--signature-format', 'pgp', 'localhost:5000/repo:v1'])).toBe(
      'Error: signature format "pgp" not supported. Supported signature envelope formats are "jws" and "cose"',
    );
  });
});

describe('notary cert', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = await makeHome();
  });

  it('generate-test makes a key, a certificate, a key entry and a ca store', async () => {
    const out = await home.ok(['cert', 'generate-test', '--default', 'wabbit.example']);
    const keyPath = join(home.configDir, 'localkeys', 'wabbit.example.key');
    const certPath = join(home.configDir, 'localkeys', 'wabbit.example.crt');
    expect(out.split('\n')).toEqual([
      'generating RSA Key with 2048 bits',
      expect.stringMatching(/^generated certificate expiring on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      `wrote key: ${keyPath}`,
      `wrote certificate: ${certPath}`,
      'Successfully added wabbit.example.crt to named store wabbit.example of type ca',
      'wabbit.example: added to the key list',
      'wabbit.example: marked as default signing key',
      '',
    ]);
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    expect(await readJson(join(home.configDir, 'signingkeys.json'))).toEqual({
      default: 'wabbit.example',
      keys: [{ name: 'wabbit.example', keyPath, certPath }],
    });
    // notation's own tooling (openssl here) reads the key and certificate.
    const modulus = (args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' }).trim();
    expect(modulus(['rsa', '-in', keyPath, '-noout', '-modulus'])).toBe(
      modulus(['x509', '-in', certPath, '-noout', '-modulus']),
    );
  });

  it('generate-test refuses a bad name, a duplicate and unsupported sizes', async () => {
    expect(await home.fails(['cert', 'generate-test', 'bad/name'])).toBe(
      'Error: name needs to follow [a-zA-Z0-9_.-]+ format',
    );
    expect(await home.fails(['cert', 'generate-test', 'wabbit.example'])).toBe(
      'Error: signing key with name "wabbit.example" already exists',
    );
    expect(await home.fails(['cert', 'generate-test', '-b', '1024', 'small'])).toContain('2048, 3072 or 4096');
  });

  it('add, list, show and delete', async () => {
    const certPath = join(home.configDir, 'localkeys', 'wabbit.example.crt');
    expect(await home.ok(['cert', 'add', '-t', 'tsa', '-s', 'stamps', certPath])).toBe(
      `Successfully added following certificates to named store stamps of type tsa:\n${certPath}\n`,
    );
    const list = await home.ok(['cert', 'ls']);
    expect(list.split('\n')[0]).toMatch(/^STORE TYPE\s+STORE NAME\s+CERTIFICATE\s*$/);
    expect(list).toMatch(/ca\s+wabbit\.example\s+wabbit\.example\.crt/);
    expect(list).toMatch(/tsa\s+stamps\s+wabbit\.example\.crt/);
    expect(await home.ok(['cert', 'list', '--type', 'tsa'])).not.toContain('ca ');
    const shown = await home.ok(['cert', 'show', '-t', 'ca', '-s', 'wabbit.example', 'wabbit.example.crt']);
    expect(shown).toContain('Subject: CN=wabbit.example,O=Notary,L=Seattle,ST=WA,C=US');
    expect(shown).toMatch(/SHA256 Thumbprint: [0-9a-f]{64}/);
    expect(shown).toMatch(/Valid to: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC/);
    expect(await home.ok(['cert', 'delete', '-t', 'tsa', '-s', 'stamps', '-y', 'wabbit.example.crt'])).toBe(
      'Successfully deleted wabbit.example.crt from trust store stamps of type tsa\n',
    );
    expect(await home.ok(['cert', 'list', '-t', 'tsa'])).toBe('');
  });

  it('add and delete failures', async () => {
    const certPath = join(home.configDir, 'localkeys', 'wabbit.example.crt');
    expect(await home.fails(['cert', 'add', '-t', 'nope', '-s', 'x', certPath])).toBe(
      'Error: unsupported store type: nope',
    );
    expect(await home.fails(['cert', 'add', '-t', 'ca', '-s', 'bad/name', certPath])).toBe(
      'Error: named store name needs to follow [a-zA-Z0-9_.-]+ format',
    );
    expect(await home.fails(['cert', 'add', '-t', 'ca', '-s', 'x'])).toBe('Error: missing certificate path');
    expect(await home.fails(['cert', 'add', '-s', 'x', certPath])).toBe('Error: required flag(s) "type" not set');
    expect(await home.fails(['cert', 'add', '-t', 'ca', '-s', 'wabbit.example', certPath])).toBe(
      `Error: Failed to add following certificates to named store wabbit.example of type ca: ${certPath}, with error "certificate already exists in the Trust Store"`,
    );
    const notCert = join(home.dir, 'not-a-cert.pem');
    await writeFile(notCert, 'hello');
    expect(await home.fails(['cert', 'add', '-t', 'ca', '-s', 'x', notCert])).toMatch(
      /^Error: Failed to add following certificates to named store x of type ca: /,
    );
    expect(await home.fails(['cert', 'delete', '-t', 'ca', '-s', 'x', '-y', 'absent.crt'])).toMatch(
      /^Error: failed to delete the certificate file: /,
    );
    expect(await home.fails(['cert', 'delete', '-t', 'ca', '-s', 'x'])).toMatch(
      /^Error: delete requires either the certificate file name/,
    );
  });

  it('delete without -y asks, and "no" keeps the store', async () => {
    const result = await home.notary(['cert', 'delete', '-t', 'ca', '-s', 'wabbit.example', '--all'], { input: 'n\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'Are you sure you want to delete all certificates in "wabbit.example" of type "ca"? [y/N] Operation cancelled.\n',
    );
    const yes = await home.notary(['cert', 'delete', '-t', 'ca', '-s', 'wabbit.example', '--all'], { input: 'y\n' });
    expect(yes.stdout).toContain(
      `Successfully deleted ${join(home.configDir, 'truststore', 'x509', 'ca', 'wabbit.example')}`,
    );
  });
});

describe('notary key', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = await makeHome();
    await home.ok(['cert', 'generate-test', 'first.example']);
    await home.ok(['cert', 'generate-test', 'second.example']);
  });

  it('lists keys with the default marked', async () => {
    await home.ok(['key', 'update', '--default', 'second.example']);
    const out = await home.ok(['key', 'ls']);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+KEY PATH\s+CERTIFICATE PATH\s+ID\s+PLUGIN NAME\s*$/);
    expect(lines[1]).toMatch(/^first\.example\s+\//);
    expect(lines[2]).toMatch(/^\* second\.example\s+\//);
  });

  it('key add --key-file --cert-file adds an existing local key (and checks they match)', async () => {
    const local = join(home.configDir, 'localkeys');
    expect(
      await home.ok([
        'key',
        'add',
        '--key-file',
        join(local, 'first.example.key'),
        '--cert-file',
        join(local, 'first.example.crt'),
        '--default',
        'imported',
      ]),
    ).toBe('imported: marked as default\n');
    const keys = (await readJson(join(home.configDir, 'signingkeys.json'))) as {
      default: string;
      keys: Array<{ name: string; keyPath: string }>;
    };
    expect(keys.default).toBe('imported');
    expect(keys.keys.map((k) => k.name)).toEqual(['first.example', 'second.example', 'imported']);
    expect(
      await home.fails([
        'key',
        'add',
        '--key-file',
        join(local, 'first.example.key'),
        '--cert-file',
        join(local, 'second.example.crt'),
        'mismatch',
      ]),
    ).toBe('Error: tls: private key does not match public key');
    expect(
      await home.fails([
        'key',
        'add',
        '--key-file',
        join(local, 'first.example.key'),
        '--cert-file',
        join(local, 'first.example.crt'),
        'imported',
      ]),
    ).toBe('Error: signing key with name "imported" already exists');
    expect(await home.fails(['key', 'add', '--key-file', join(local, 'first.example.key'), 'x'])).toContain(
      'missing [cert-file]',
    );
  });

  it('key add --plugin needs the plugin installed', async () => {
    expect(await home.fails(['key', 'add', '--plugin', 'kms', '--id', 'key-1', 'remote'])).toMatch(
      /^Error: plugin executable file is either not found or inaccessible/,
    );
    expect(await home.fails(['key', 'add', 'remote'])).toMatch(/^Error: required flag\(s\) "plugin" not set/);
    expect(await home.fails(['key', 'add'])).toBe('Error: either missing key name or unnecessary parameters passed');
  });

  it('update and delete', async () => {
    expect(await home.fails(['key', 'update', '--default', 'absent'])).toBe('Error: signing key absent not found');
    expect(await home.ok(['key', 'delete', 'imported'])).toBe(
      'Removed default key imported from signing key list. The source key still exists.\n',
    );
    expect(await home.ok(['key', 'delete', 'first.example', 'second.example'])).toBe(
      'Removed the following keys from signing key list. The source keys still exist.\nfirst.example\nsecond.example\n',
    );
    expect(await home.fails(['key', 'delete', 'absent'])).toBe('Error: signing key absent not found');
    expect(await readJson(join(home.configDir, 'signingkeys.json'))).toEqual({ keys: [] });
  });

  it('a malformed signingkeys.json is reported', async () => {
    await writeFile(join(home.configDir, 'signingkeys.json'), JSON.stringify({ default: 'ghost', keys: [] }));
    expect(await home.fails(['key', 'ls'])).toBe("Error: malformed signingkeys.json: default key 'ghost' not found");
  });
});

describe('notary policy', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = await makeHome();
  });

  it('show without a policy fails with the hint', async () => {
    expect(await home.fails(['policy', 'show'])).toBe(
      'Error: failed to show OCI trust policy as it does not exist. You can import one using `notary policy import <path-to-policy.json>`',
    );
  });

  it('TP-1 [impl] issue 13 finding 4: import validates, writes trustpolicy.json into an empty config directory, and show prints it', async () => {
    const file = join(home.dir, 'policy.json');
    const text = strictOciPolicy(['registry.example/app'], 'acme');
    await writeFile(file, text);
    expect(await home.ok(['policy', 'import', file])).toBe(
      `Successfully imported OCI trust policy configuration to ${join(home.configDir, 'trustpolicy.json')}.\n`,
    );
    expect(await home.ok(['policy', 'show'])).toBe(text);
    // A second import asks; no answer keeps the old one.
    const again = await home.notary(['policy', 'import', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      'The OCI trust policy configuration already exists, do you want to overwrite it? [y/N]',
    );
  });

  it('import refuses invalid documents, and needs one argument', async () => {
    const file = join(home.dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({
        version: '1.0',
        trustPolicies: [{ name: 'x', registryScopes: ['*'], signatureVerification: { level: 'strict' } }],
      }),
    );
    expect(await home.fails(['policy', 'import', '--force', file])).toMatch(
      /^Error: failed to validate OCI trust policy configuration: /,
    );
    await writeFile(file, '{not json');
    expect(await home.fails(['policy', 'import', '--force', file])).toMatch(
      /^Error: failed to parse OCI trust policy configuration: /,
    );
    expect(await home.fails(['policy', 'import'])).toMatch(
      /^Error: requires 1 argument but received 0\. Usage: notary policy import <path-to-policy.json>/,
    );
  });

  it('show prints an invalid policy but fails', async () => {
    await writeFile(join(home.configDir, 'trustpolicy.oci.json'), '{"version":"9"}');
    const result = await home.notary(['policy', 'show']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('{"version":"9"}');
    expect(result.stderr).toMatch(/^Error: existing OCI trust policy configuration is invalid/m);
  });

  it('TP-1: verify without any policy fails', async () => {
    const other = await makeHome();
    expect(await other.fails(['verify', 'localhost:5000/repo@sha256:' + 'a'.repeat(64)])).toMatch(
      /^Error: trust policy is not present/,
    );
    expect(await readFile(join(home.configDir, 'trustpolicy.oci.json'), 'utf8')).toBe('{"version":"9"}');
  });
});
