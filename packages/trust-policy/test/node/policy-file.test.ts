import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TrustPolicyError } from '../../src/index.js';
import {
  loadBlobTrustPolicyFile,
  loadOciTrustPolicyFile,
  ociTrustPolicyFileInEffect,
  ociTrustPolicyImportFiles,
} from '../../src/node/index.js';

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
function configDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'policy-file-'));
  temps.push(d);
  return d;
}
async function failure(action: () => Promise<unknown>): Promise<TrustPolicyError> {
  try {
    await action();
  } catch (e) {
    expect(e).toBeInstanceOf(TrustPolicyError);
    return e as TrustPolicyError;
  }
  throw new Error('expected a TrustPolicyError');
}

const policy = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: '1.0',
    trustPolicies: [
      {
        name,
        registryScopes: ['*'],
        signatureVerification: { level: 'strict' },
        trustStores: ['ca:x'],
        trustedIdentities: ['*'],
        ...extra,
      },
    ],
  });
const LINK = 'https://notaryproject.dev/docs/quickstart/#create-a-trust-policy';

describe('policy files', () => {
  it('TP-1: trustpolicy.oci.json wins over the legacy trustpolicy.json, which is the fallback', async () => {
    const config = configDir();
    writeFileSync(join(config, 'trustpolicy.json'), policy('legacy'));
    expect((await loadOciTrustPolicyFile(config)).trustPolicies[0]!.name).toBe('legacy');
    writeFileSync(join(config, 'trustpolicy.oci.json'), policy('current'));
    expect((await loadOciTrustPolicyFile(config)).trustPolicies[0]!.name).toBe('current');
  });

  it('TP-1: the blob policy is trustpolicy.blob.json', async () => {
    const config = configDir();
    writeFileSync(
      join(config, 'trustpolicy.blob.json'),
      policy('blob', { registryScopes: undefined, globalPolicy: true }),
    );
    const doc = await loadBlobTrustPolicyFile(config);
    expect(doc.trustPolicies[0]!.globalPolicy).toBe(true);
  });

  it('TP-1: a missing file is ERR_POLICY_NOT_FOUND; malformed JSON and invalid documents are ERR_POLICY_INVALID', async () => {
    const config = configDir();
    const missing = await failure(() => loadOciTrustPolicyFile(config));
    expect(missing.code).toBe('ERR_POLICY_NOT_FOUND');
    expect(missing.message).toBe(`trust policy is not present. To create a trust policy, see: ${LINK}`);
    expect((await failure(() => loadBlobTrustPolicyFile(config))).code).toBe('ERR_POLICY_NOT_FOUND');
    writeFileSync(join(config, 'trustpolicy.oci.json'), '{"version":');
    expect((await failure(() => loadOciTrustPolicyFile(config))).message).toBe(
      `malformed trust policy. To create a trust policy, see: ${LINK}`,
    );
    writeFileSync(join(config, 'trustpolicy.oci.json'), policy('bad', { trustStores: ['ca'] }));
    expect((await failure(() => loadOciTrustPolicyFile(config))).message).toMatch(
      /^oci trust policy: trust policy statement "bad" has malformed trust store value "ca"/,
    );
  });

  it('TP-1 [impl]: a policy path that is a directory or a symlink is rejected (no fallback to the legacy file)', async () => {
    const config = configDir();
    writeFileSync(join(config, 'trustpolicy.json'), policy('legacy'));
    mkdirSync(join(config, 'trustpolicy.oci.json'));
    const dir = await failure(() => loadOciTrustPolicyFile(config));
    expect(dir.code).toBe('ERR_POLICY_INVALID');
    expect(dir.message).toBe(
      `trust policy is not a regular file (symlinks are not supported). To create a trust policy, see: ${LINK}`,
    );
    const other = configDir();
    const real = join(configDir(), 'real.json');
    writeFileSync(real, policy('linked'));
    symlinkSync(real, join(other, 'trustpolicy.blob.json'));
    expect((await failure(() => loadBlobTrustPolicyFile(other))).message).toMatch(
      /^trust policy is not a regular file \(symlinks are not supported\)/,
    );
  });
});

describe('which OCI policy file is read and which are written (TP-1, issue 13 finding 4)', () => {
  const write = (config: string, name: string) => writeFileSync(join(config, name), policy(name.replace(/\W/g, '')));

  it('TP-1: the file in effect is trustpolicy.oci.json, else trustpolicy.json, else none', async () => {
    const config = configDir();
    expect(await ociTrustPolicyFileInEffect(config)).toBeUndefined();
    write(config, 'trustpolicy.json');
    expect(await ociTrustPolicyFileInEffect(config)).toBe('trustpolicy.json');
    write(config, 'trustpolicy.oci.json');
    expect(await ociTrustPolicyFileInEffect(config)).toBe('trustpolicy.oci.json');
  });

  it('TP-1 [impl]: an import writes the legacy file into an empty directory, the file in use otherwise, and both when both exist', async () => {
    const empty = configDir();
    expect(await ociTrustPolicyImportFiles(empty)).toEqual(['trustpolicy.json']);
    const legacy = configDir();
    write(legacy, 'trustpolicy.json');
    expect(await ociTrustPolicyImportFiles(legacy)).toEqual(['trustpolicy.json']);
    const current = configDir();
    write(current, 'trustpolicy.oci.json');
    expect(await ociTrustPolicyImportFiles(current)).toEqual(['trustpolicy.oci.json']);
    const both = configDir();
    write(both, 'trustpolicy.json');
    write(both, 'trustpolicy.oci.json');
    expect(await ociTrustPolicyImportFiles(both)).toEqual(['trustpolicy.oci.json', 'trustpolicy.json']);
  });
});
