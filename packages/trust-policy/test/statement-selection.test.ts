import { describe, expect, it } from 'vitest';
import {
  parseBlobTrustPolicy,
  parseOciTrustPolicy,
  selectBlobStatement,
  selectOciStatement,
  TrustPolicyError,
} from '../src/index.js';

const stmt = (name: string, registryScopes?: string[]) => ({
  name,
  ...(registryScopes ? { registryScopes } : {}),
  signatureVerification: { level: 'strict' },
  trustStores: ['ca:x'],
  trustedIdentities: ['*'],
});
const oci = parseOciTrustPolicy({
  version: '1.0',
  trustPolicies: [stmt('exact', ['registry.io/team/app', 'registry.io:5000/app']), stmt('global', ['*'])],
});
const ociNoGlobal = parseOciTrustPolicy({ version: '1.0', trustPolicies: [stmt('exact', ['registry.io/team/app'])] });
const D = `sha256:${'a'.repeat(64)}`;

function failure(action: () => unknown): TrustPolicyError {
  try {
    action();
  } catch (e) {
    expect(e).toBeInstanceOf(TrustPolicyError);
    expect((e as TrustPolicyError).code).toBe('ERR_POLICY_NOT_APPLICABLE');
    return e as TrustPolicyError;
  }
  throw new Error('expected a TrustPolicyError');
}

describe('statement selection', () => {
  it('TP-9: exact repository match wins over the global statement', () => {
    expect(selectOciStatement(oci, `registry.io/team/app@${D}`).name).toBe('exact');
    expect(selectOciStatement(oci, `registry.io:5000/app@${D}`).name).toBe('exact');
    expect(selectOciStatement(oci, `registry.io/team/other@${D}`).name).toBe('global');
    // Only the repository counts: a parent path is not a match.
    expect(selectOciStatement(ociNoGlobal, `registry.io/team/app@${D}`).name).toBe('exact');
  });

  it('TP-9: no match and no global statement: the artifact is untrusted', () => {
    expect(failure(() => selectOciStatement(ociNoGlobal, `registry.io/team/other@${D}`)).message).toBe(
      `artifact "registry.io/team/other@${D}" has no applicable oci trust policy statement. Trust policy applicability for a given artifact is determined by registryScopes. To create a trust policy, see: https://notaryproject.dev/docs/quickstart/#create-a-trust-policy`,
    );
  });

  it('TP-9 [impl]: the reference needs @; the repository is everything before the last @ and must be a valid scope', () => {
    expect(failure(() => selectOciStatement(oci, 'registry.io/team/app:v1')).message).toBe(
      'artifact URI "registry.io/team/app:v1" could not be parsed, make sure it is the fully qualified oci artifact URI without the scheme/protocol. e.g domain.com:80/my/repository@sha256:digest',
    );
    expect(failure(() => selectOciStatement(oci, `registry.io/team/app:v1@${D}`)).message).toMatch(
      /^registry scope "registry.io\/team\/app:v1" is not valid/,
    );
    expect(failure(() => selectOciStatement(oci, `https://registry.io/team/app@${D}`)).message).toMatch(/is not valid/);
  });

  const blob = parseBlobTrustPolicy({
    version: '1.0',
    trustPolicies: [stmt('named'), { ...stmt('global'), globalPolicy: true }],
  });
  const blobNoGlobal = parseBlobTrustPolicy({ version: '1.0', trustPolicies: [stmt('named')] });

  it('BTP-2: a given name selects exactly that statement; otherwise the global one', () => {
    expect(selectBlobStatement(blob, 'named').name).toBe('named');
    expect(selectBlobStatement(blob, 'global').name).toBe('global');
    expect(selectBlobStatement(blob).name).toBe('global');
    expect(failure(() => selectBlobStatement(blob, 'Named')).message).toBe(
      'no applicable blob trust policy with name "Named"',
    );
    expect(failure(() => selectBlobStatement(blobNoGlobal)).message).toBe('no global blob trust policy');
  });

  it('BTP-2 [impl]: an empty or whitespace-only name is an error', () => {
    expect(failure(() => selectBlobStatement(blob, '')).message).toBe('policy name cannot be empty');
    expect(failure(() => selectBlobStatement(blob, ' \t')).message).toBe('policy name cannot be empty');
  });
});
