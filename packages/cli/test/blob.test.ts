/**
 * `notary blob …` end to end, offline (SIGN-3, WF-4, AMB-5, BTP-1, BTP-2):
 * detached signatures written as `<file>.jws.sig` / `<file>.cose.sig`,
 * verified under the blob trust policy, and the failures of each check.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, rename, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAIN, makeHome, type TestHome } from './helpers.js';

describe('blob signing and verification', () => {
  let home: TestHome;
  let blob: string;

  beforeAll(async () => {
    home = await makeHome();
    blob = join(home.dir, 'artifact.txt');
    await writeFile(blob, 'the blob to sign\n');
    await home.ok(['cert', 'generate-test', '--default', 'blob.example']);
    await home.ok([
      'blob',
      'policy',
      'init',
      '--name',
      'blob-policy',
      '--trust-store',
      'ca:blob.example',
      '--trusted-identity',
      '*',
      '--global',
    ]);
  });

  it('SIGN-3: blob sign writes <file>.jws.sig next to the blob', async () => {
    const out = await home.ok(['blob', 'sign', blob]);
    expect(out).toBe(`Successfully signed ${blob}\nSignature file written to ${blob}.jws.sig\n`);
    const envelope = JSON.parse(await readFile(`${blob}.jws.sig`, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(envelope)).toEqual(['payload', 'protected', 'header', 'signature']);
  });

  it('SIGN-3: blob sign --signature-format cose --media-type writes <file>.cose.sig in --signature-directory', async () => {
    const dir = join(home.dir, 'sigs');
    const out = await home.ok([
      'blob',
      'sign',
      '--signature-format',
      'cose',
      '--media-type',
      'text/plain',
      '-m',
      'build=42',
      '--signature-directory',
      dir,
      blob,
    ]);
    expect(out).toContain(`Signature file written to ${join(dir, 'artifact.txt.cose.sig')}`);
    const bytes = await readFile(join(dir, 'artifact.txt.cose.sig'));
    expect([bytes[0], bytes[1]]).toEqual([0xd2, 0x84]);
  });

  it('SIGN-3: an existing signature is kept unless --force (no answer on stdin is "no")', async () => {
    const before = await readFile(`${blob}.jws.sig`);
    const result = await home.notary(['blob', 'sign', blob]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('The signature file already exists, do you want to overwrite it? [y/N]');
    expect(await readFile(`${blob}.jws.sig`)).toEqual(before);
    const forced = await home.notary(['blob', 'sign', '--force', blob]);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('Warning: existing signature file will be overwritten');
    expect(await readFile(`${blob}.jws.sig`)).not.toEqual(before);
  });

  it('WF-4: blob verify with the global policy (text)', async () => {
    const out = await home.ok(['blob', 'verify', '--signature', `${blob}.jws.sig`, blob]);
    expect(out).toBe(`Successfully verified signature for ${blob}\n`);
  });

  it('WF-4: blob verify with --policy-name, --media-type and -m k=v', async () => {
    const signature = join(home.dir, 'sigs', 'artifact.txt.cose.sig');
    const out = await home.ok([
      'blob',
      'verify',
      '--policy-name',
      'blob-policy',
      '--media-type',
      'text/plain',
      '-m',
      'build=42',
      '-s',
      signature,
      blob,
    ]);
    expect(out).toContain(`Successfully verified signature for ${blob}`);
    expect(out).toContain('The artifact was signed with the following user metadata.');
    expect(out).toMatch(/KEY\s+VALUE\s*\nbuild\s+42/);
  });

  it('WF-4: blob verify -o json prints the per-check result', async () => {
    const out = await home.ok(['blob', 'verify', '-o', 'json', '--signature', `${blob}.jws.sig`, blob]);
    const document = JSON.parse(out) as Record<string, any>;
    expect(document['blob']).toBe(blob);
    expect(document['signature']).toBe(`${blob}.jws.sig`);
    expect(document['verified']).toBe(true);
    expect(document['signatures']).toHaveLength(1);
    const [result] = document['signatures'];
    expect(result['trustPolicy']).toBe('blob-policy');
    expect(result['signatureEnvelopeType']).toBe('application/jose+json');
    expect(result['signedArtifact']).toMatchObject({ mediaType: 'application/octet-stream', size: 17 });
    expect(result['signedArtifact']['digest']).toMatch(/^sha256:/);
    expect(Object.values(result['checks']).every((c: any) => c.outcome === 'passed')).toBe(true);
  });

  it('WF-4: a wrong blob fails with the payload check named, and -o json shows it', async () => {
    const wrong = join(home.dir, 'wrong.txt');
    await writeFile(wrong, 'not the blob that was signed\n');
    const line = await home.fails(['blob', 'verify', '--signature', `${blob}.jws.sig`, wrong]);
    expect(line).toMatch(/^Error: signature verification failed: payload check failed: /);
    const result = await home.notary(['blob', 'verify', '-o', 'json', '--signature', `${blob}.jws.sig`, wrong]);
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout) as Record<string, any>;
    expect(document['verified']).toBe(false);
    expect(document['signatures'][0]['failure']).toMatchObject({ check: 'payload', code: 'ERR_PAYLOAD_MISMATCH' });
  });

  it('WF-4: a --media-type other than the signed one fails', async () => {
    const line = await home.fails([
      'blob',
      'verify',
      '--media-type',
      'application/json',
      '--signature',
      `${blob}.jws.sig`,
      blob,
    ]);
    expect(line).toContain('payload check failed');
  });

  it('WF-4: user metadata that was not signed fails', async () => {
    const line = await home.fails([
      'blob',
      'verify',
      '-m',
      'build=43',
      '--signature',
      join(home.dir, 'sigs', 'artifact.txt.cose.sig'),
      blob,
    ]);
    expect(line).toContain('unable to find specified metadata in the signature');
  });

  it('BTP-2: an unknown --policy-name fails', async () => {
    const line = await home.fails(['blob', 'verify', '--policy-name', 'nope', '--signature', `${blob}.jws.sig`, blob]);
    expect(line).toContain('nope');
  });

  it('AMB-5: the envelope type comes from the file name; a name without .jws.sig/.cose.sig is refused', async () => {
    const renamed = join(home.dir, 'artifact.sig');
    await copyFile(`${blob}.jws.sig`, renamed);
    expect(await home.fails(['blob', 'verify', '--signature', renamed, blob])).toContain(
      'must be named <file>.jws.sig or <file>.cose.sig',
    );
    // A JWS envelope named .cose.sig is parsed as COSE, and fails integrity.
    const mislabelled = join(home.dir, 'artifact.txt.COSE.SIG');
    await copyFile(`${blob}.jws.sig`, mislabelled);
    expect(await home.fails(['blob', 'verify', '--signature', mislabelled, blob])).toMatch(/^Error: /);
  });

  it('blob verify needs --signature and a blob path', async () => {
    expect(await home.fails(['blob', 'verify', blob])).toBe('Error: required flag(s) "signature" not set');
    expect(await home.fails(['blob', 'verify', '--signature', `${blob}.jws.sig`])).toBe(
      'Error: missing path to the blob artifact: use `notary blob verify --help` to see what parameters are required',
    );
    expect(await home.fails(['blob', 'verify', '--signature', `${blob}.jws.sig`, join(home.dir, 'absent')])).toBe(
      `Error: stat ${join(home.dir, 'absent')}: no such file or directory`,
    );
  });

  it('blob inspect shows the envelope (text and json)', async () => {
    const text = await home.ok(['blob', 'inspect', `${blob}.jws.sig`]);
    expect(text.split('\n')[0]).toBe(`${blob}.jws.sig`);
    expect(text).toContain('├── signature algorithm: RSASSA-PSS-SHA-256');
    const json = JSON.parse(
      await home.ok(['blob', 'inspect', '-o', 'json', join(home.dir, 'sigs', 'artifact.txt.cose.sig')]),
    ) as Record<string, any>;
    expect(json['signatureEnvelopeType']).toBe('application/cose');
    expect(json['userDefinedAttributes']).toEqual({ build: '42' });
    expect(json['signedArtifact']['mediaType']).toBe('text/plain');
  });

  it('blob policy show prints the document; init refuses an invalid statement', async () => {
    const out = await home.ok(['blob', 'policy', 'show']);
    expect(JSON.parse(out)).toMatchObject({
      version: '1.0',
      trustPolicies: [{ name: 'blob-policy', globalPolicy: true }],
    });
    expect(
      await home.fails([
        'blob',
        'policy',
        'init',
        '--name',
        'x',
        '--trust-store',
        'nocolon',
        '--trusted-identity',
        '*',
        '--force',
      ]),
    ).toMatch(/^Error: invalid blob policy: /);
  });

  it('blob policy import validates, and replaces with --force', async () => {
    const file = join(home.dir, 'blob-policy.json');
    const document = {
      version: '1.0',
      trustPolicies: [
        {
          name: 'imported',
          signatureVerification: { level: 'audit' },
          trustStores: ['ca:blob.example'],
          trustedIdentities: ['*'],
          globalPolicy: true,
        },
      ],
    };
    await writeFile(file, JSON.stringify(document));
    const result = await home.notary(['blob', 'policy', 'import', '--force', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `Successfully imported blob trust policy configuration to ${join(home.configDir, 'trustpolicy.blob.json')}.\n`,
    );
    expect(result.stderr).toContain('Warning: existing blob trust policy configuration will be overwritten');
    await writeFile(file, JSON.stringify({ version: '2.0', trustPolicies: [] }));
    expect(await home.fails(['blob', 'policy', 'import', '--force', file])).toMatch(
      /^Error: failed to validate blob trust policy configuration: /,
    );
  });

  it('SIGN-2: --timestamp-url needs --timestamp-root-cert', async () => {
    expect(await home.fails(['blob', 'sign', '--timestamp-url', 'http://127.0.0.1:1/tsa', blob])).toBe(
      'Error: if any flags in the group [timestamp-url timestamp-root-cert] are set they must all be set; missing [timestamp-root-cert]',
    );
  });

  it('a blob that is not there fails signing with one line', async () => {
    await mkdir(join(home.dir, 'empty'), { recursive: true });
    expect(await home.fails(['blob', 'sign', join(home.dir, 'empty', 'nothing.bin')])).toBe(
      `Error: stat ${join(home.dir, 'empty', 'nothing.bin')}: no such file or directory`,
    );
  });

  it('a renamed signing key file fails signing with one line', async () => {
    const keyPath = join(home.configDir, 'localkeys', 'blob.example.key');
    await rename(keyPath, `${keyPath}.moved`);
    try {
      expect(await home.fails(['blob', 'sign', '--force', blob])).toBe(
        `Error: open ${keyPath}: no such file or directory`,
      );
    } finally {
      await rename(`${keyPath}.moved`, keyPath);
    }
  });
});

describe('progress for big blobs', () => {
  let home: TestHome;
  let big: string;
  const size = 96 * 1024 * 1024;

  beforeAll(async () => {
    home = await makeHome();
    big = join(home.dir, 'big.bin');
    // A sparse file: big on paper, cheap to make; the CLI still streams and hashes every byte.
    await writeFile(big, '');
    await truncate(big, size);
    await home.ok(['cert', 'generate-test', '--default', 'big.example']);
    await home.ok([
      'blob',
      'policy',
      'init',
      '--name',
      'big',
      '--trust-store',
      'ca:big.example',
      '--trusted-identity',
      '*',
      '--global',
    ]);
  });

  it('SIGN-3 WF-4: a big blob signs and verifies, and piped stderr stays quiet', async () => {
    const signed = await home.notary(['blob', 'sign', big]);
    expect(signed.code).toBe(0);
    expect(signed.stderr).toBe('');
    const verified = await home.notary(['blob', 'verify', '-o', 'json', '--signature', `${big}.jws.sig`, big]);
    expect(verified.code).toBe(0);
    expect(verified.stderr).toBe('');
    expect((JSON.parse(verified.stdout) as Record<string, any>)['signatures'][0]['signedArtifact']['size']).toBe(size);
  });

  it('shows progress on stderr when it is a terminal', async () => {
    // util-linux `script` gives the CLI a pseudo-terminal; its output is the terminal's.
    const command = [process.execPath, MAIN, 'blob', 'sign', '--force', big].map((a) => `'${a}'`).join(' ');
    const output = execFileSync('script', ['-qfec', command, '/dev/null'], {
      env: home.env,
      encoding: 'utf8',
      timeout: 100_000,
    });
    expect(output).toMatch(/Hashing [\d.]+ (MiB|KiB|B)\/96\.0 MiB \(\d+%\)/);
    expect(output).toContain(`Signature file written to ${big}.jws.sig`);
  });
});
