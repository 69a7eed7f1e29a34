import { describe, expect, it } from 'vitest';
import { parseBlobTrustPolicy, parseOciTrustPolicy, TrustPolicyError } from '../src/index.js';

const statement = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'wabbit',
  registryScopes: ['registry.wabbit-networks.io/software/net-monitor'],
  signatureVerification: { level: 'strict' },
  trustStores: ['ca:wabbit'],
  trustedIdentities: ['x509.subject:C=US,ST=WA,O=wabbit-networks.io'],
  ...over,
});
const oci = (...statements: Record<string, unknown>[]) => ({
  version: '1.0',
  trustPolicies: statements.length ? statements : [statement()],
});

function error(action: () => unknown): TrustPolicyError {
  try {
    action();
  } catch (e) {
    expect(e).toBeInstanceOf(TrustPolicyError);
    return e as TrustPolicyError;
  }
  throw new Error('expected a TrustPolicyError');
}

describe('policy documents', () => {
  it('TP-2: version must be "1.0" (empty and other versions are errors)', () => {
    expect(parseOciTrustPolicy(oci()).version).toBe('1.0');
    const empty = error(() => parseOciTrustPolicy({ ...oci(), version: '' }));
    expect(empty.code).toBe('ERR_POLICY_INVALID');
    expect(empty.field).toBe('version');
    expect(empty.message).toBe('oci trust policy document has empty version, version must be specified');
    expect(error(() => parseOciTrustPolicy({ ...oci(), version: '2.0' })).message).toBe(
      'oci trust policy document uses unsupported version "2.0"',
    );
    expect(error(() => parseBlobTrustPolicy({ trustPolicies: [] })).message).toBe(
      'blob trust policy document has empty version, version must be specified',
    );
  });

  it('TP-2: zero statements, an empty name and duplicate names are errors', () => {
    expect(error(() => parseOciTrustPolicy({ version: '1.0', trustPolicies: [] })).message).toBe(
      'oci trust policy document can not have zero trust policy statements',
    );
    const unnamed = error(() => parseOciTrustPolicy(oci(statement({ name: '' }))));
    expect(unnamed.message).toBe(
      'oci trust policy: a trust policy statement is missing a name, every statement requires a name',
    );
    expect(unnamed.field).toBe('trustPolicies[0].name');
    const dup = error(() => parseOciTrustPolicy(oci(statement(), statement({ registryScopes: ['a.io/b'] }))));
    expect(dup.message).toBe(
      'multiple oci trust policy statements use the same name "wabbit", statement names must be unique',
    );
    expect(dup.statement).toBe('wabbit');
  });

  it('TP-3: non-skip statements need trust stores AND trusted identities; skip statements may have neither', () => {
    for (const missing of [{ trustStores: [] }, { trustedIdentities: undefined }]) {
      const e = error(() => parseOciTrustPolicy(oci(statement(missing))));
      expect(e.message).toBe(
        'oci trust policy: trust policy statement "wabbit" is either missing trust stores or trusted identities, both must be specified',
      );
      expect(e.statement).toBe('wabbit');
    }
    const skip = error(() => parseOciTrustPolicy(oci(statement({ signatureVerification: { level: 'skip' } }))));
    expect(skip.message).toContain(
      'is set to skip signature verification but configured with trust stores and/or trusted identities',
    );
    const ok = parseOciTrustPolicy(
      oci(statement({ signatureVerification: { level: 'skip' }, trustStores: [], trustedIdentities: null })),
    );
    expect(ok.trustPolicies[0]!.signatureVerification.level).toBe('skip');
  });

  it('TP-3: registryScopes are required in OCI statements (non-empty)', () => {
    const e = error(() => parseOciTrustPolicy(oci(statement({ registryScopes: [] }))));
    expect(e.message).toBe(
      'oci trust policy statement "wabbit" has zero registry scopes, it must specify registry scopes with at least one value',
    );
    expect(e.field).toBe('trustPolicies[0].registryScopes');
  });

  it('TP-4: level is strict, permissive, audit or skip', () => {
    for (const level of ['strict', 'permissive', 'audit']) {
      expect(
        parseOciTrustPolicy(oci(statement({ signatureVerification: { level } }))).trustPolicies[0]!
          .signatureVerification.level,
      ).toBe(level);
    }
    const e = error(() => parseOciTrustPolicy(oci(statement({ signatureVerification: { level: 'Strict' } }))));
    expect(e.message).toBe(
      'oci trust policy: trust policy statement "wabbit" has invalid signatureVerification: invalid signature verification level "Strict"',
    );
    expect(e.field).toBe('trustPolicies[0].signatureVerification.level');
    expect(error(() => parseOciTrustPolicy(oci(statement({ signatureVerification: {} })))).message).toContain(
      'signature verification level is empty or missing in the trust policy statement',
    );
  });

  it('TP-5: verifyTimestamp is always or afterCertExpiry', () => {
    for (const verifyTimestamp of ['always', 'afterCertExpiry']) {
      const doc = parseOciTrustPolicy(oci(statement({ signatureVerification: { level: 'strict', verifyTimestamp } })));
      expect(doc.trustPolicies[0]!.signatureVerification.verifyTimestamp).toBe(verifyTimestamp);
    }
    expect(
      error(() =>
        parseOciTrustPolicy(oci(statement({ signatureVerification: { level: 'strict', verifyTimestamp: 'never' } }))),
      ).message,
    ).toBe(
      'oci trust policy: trust policy statement "wabbit" has invalid signatureVerification: verifyTimestamp must be "always" or "afterCertExpiry", but got "never"',
    );
  });

  it('TP-6: overrides are validated in the document (integrity, skip, unknown keys and values)', () => {
    const sv = (override: Record<string, string>, level = 'strict') =>
      oci(statement({ signatureVerification: { level, override } }));
    expect(
      parseOciTrustPolicy(sv({ revocation: 'skip', expiry: 'log' })).trustPolicies[0]!.signatureVerification.override,
    ).toEqual({
      revocation: 'skip',
      expiry: 'log',
    });
    expect(error(() => parseOciTrustPolicy(sv({ integrity: 'log' }))).message).toContain(
      '"integrity" verification can not be overridden in custom signature verification',
    );
    expect(error(() => parseOciTrustPolicy(sv({ expiry: 'skip' }))).message).toContain(
      '"expiry" verification can not be skipped in custom signature verification',
    );
    expect(error(() => parseOciTrustPolicy(sv({ timestamp: 'log' }))).message).toContain(
      'verification type "timestamp" in custom signature verification is not supported, supported values are ["integrity" "authenticity" "authenticTimestamp" "expiry" "revocation"]',
    );
    expect(error(() => parseOciTrustPolicy(sv({ expiry: 'warn' }))).message).toContain(
      'verification action "warn" in custom signature verification is not supported, supported values are ["enforce" "log" "skip"]',
    );
    const skip = oci(
      statement({
        signatureVerification: { level: 'skip', override: { expiry: 'log' } },
        trustStores: [],
        trustedIdentities: [],
      }),
    );
    expect(error(() => parseOciTrustPolicy(skip)).message).toContain(
      `signature verification level "skip" can't be used to customize signature verification`,
    );
  });

  it('TP-7: trust store references are type:name with a known type and a portable name; duplicates are accepted', () => {
    const stores = (...trustStores: string[]) => oci(statement({ trustStores }));
    expect(
      parseOciTrustPolicy(stores('ca:a', 'signingAuthority:b.c', 'tsa:d_e-f', 'ca:a')).trustPolicies[0]!.trustStores,
    ).toHaveLength(4);
    expect(error(() => parseOciTrustPolicy(stores('ca'))).message).toBe(
      'oci trust policy: trust policy statement "wabbit" has malformed trust store value "ca". The required format is <TrustStoreType>:<TrustStoreName>',
    );
    expect(error(() => parseOciTrustPolicy(stores('x509:a'))).message).toContain(
      'uses an unsupported trust store type "x509" in trust store value "x509:a"',
    );
    const name = error(() => parseOciTrustPolicy(stores('ca:a', 'ca:a/b')));
    expect(name.message).toContain(
      'uses an unsupported trust store name "a/b" in trust store value "ca:a/b". Named store name needs to follow [a-zA-Z0-9_.-]+ format',
    );
    expect(name.field).toBe('trustPolicies[0].trustStores[1]');
  });

  it('TP-7 TS-4 [impl] issue 12 finding 10: "ca:." and "ca:.." are refused in OCI and blob statements', () => {
    for (const name of ['.', '..']) {
      const e = error(() => parseOciTrustPolicy(oci(statement({ trustStores: ['ca:a', `ca:${name}`] }))));
      expect(e.code).toBe('ERR_POLICY_INVALID');
      expect(e.message).toContain(
        `uses an unsupported trust store name "${name}" in trust store value "ca:${name}". Named store name needs to follow [a-zA-Z0-9_.-]+ format and cannot be "." or ".."`,
      );
      expect(e.field).toBe('trustPolicies[0].trustStores[1]');
      const blob = {
        version: '1.0',
        trustPolicies: [
          {
            name: 'b',
            signatureVerification: { level: 'strict' },
            trustStores: [`tsa:${name}`],
            trustedIdentities: ['*'],
          },
        ],
      };
      expect(error(() => parseBlobTrustPolicy(blob)).code).toBe('ERR_POLICY_INVALID');
    }
    expect(
      parseOciTrustPolicy(oci(statement({ trustStores: ['ca:..a', 'ca:a..'] }))).trustPolicies[0]!.trustStores,
    ).toEqual(['ca:..a', 'ca:a..']);
  });

  it('TP-8: scopes are registry/repository without * or tags; * alone, once per document', () => {
    const scopes = (...registryScopes: string[]) => oci(statement({ registryScopes }));
    expect(() => parseOciTrustPolicy(scopes('localhost:5000/a/b', 'docker.io/library/registry'))).not.toThrow();
    expect(() => parseOciTrustPolicy(scopes('*'))).not.toThrow();
    expect(error(() => parseOciTrustPolicy(scopes('docker.io/library/registry:latest'))).message).toMatch(
      /^registry scope "docker.io\/library\/registry:latest" is not valid/,
    );
    expect(error(() => parseOciTrustPolicy(scopes('docker.io/*'))).message).toMatch(
      /^registry scope "docker.io\/\*" with wild card\(s\) is not valid/,
    );
    expect(error(() => parseOciTrustPolicy(scopes('Docker.io/Library'))).message).toMatch(/is not valid/);
    expect(error(() => parseOciTrustPolicy(scopes('*', 'a.io/b'))).message).toBe(
      `oci trust policy statement "wabbit" uses wildcard registry scope '*', a wildcard scope cannot be used in conjunction with other scope values`,
    );
    const twoGlobals = oci(statement({ registryScopes: ['*'] }), statement({ name: 'other', registryScopes: ['*'] }));
    expect(error(() => parseOciTrustPolicy(twoGlobals)).message).toBe(
      'registry scope "*" is present in multiple oci trust policy statements, one registry scope value can only be associated with one statement',
    );
    expect(error(() => parseOciTrustPolicy(scopes('a.io/b', 'a.io/b'))).message).toContain(
      'registry scope "a.io/b" is present in multiple oci trust policy statements',
    );
  });

  it('TP-10: trusted identities: * alone, prefix:value, x509.subject DNs parsed and not overlapping', () => {
    const ids = (...trustedIdentities: string[]) => oci(statement({ trustedIdentities }));
    expect(() => parseOciTrustPolicy(ids('*'))).not.toThrow();
    expect(() => parseOciTrustPolicy(ids('plugin.id:anything', 'x509.subject:C=US,ST=WA,O=a'))).not.toThrow();
    expect(error(() => parseOciTrustPolicy(ids('*', 'x509.subject:C=US,ST=WA,O=a'))).message).toContain(
      'uses a wildcard trusted identity',
    );
    expect(error(() => parseOciTrustPolicy(ids(''))).message).toContain('has an empty trusted identity');
    expect(error(() => parseOciTrustPolicy(ids('x509.subject'))).message).toContain(
      'has trusted identity "x509.subject" missing separator',
    );
    const dn = error(() => parseOciTrustPolicy(ids('x509.subject:C=US,O=a')));
    expect(dn.code).toBe('ERR_IDENTITY_INVALID');
    expect(dn.statement).toBe('wabbit');
    expect(dn.field).toBe('trustPolicies[0].trustedIdentities[0]');
    const overlap = error(() =>
      parseOciTrustPolicy(ids('x509.subject:C=US,ST=WA,O=a', 'x509.subject:C=US,ST=WA,O=a,CN=b')),
    );
    expect(overlap.code).toBe('ERR_IDENTITY_INVALID');
    expect(overlap.message).toContain('has overlapping x509 trustedIdentities');
  });

  it('BTP-1: blob statements have no registryScopes, an optional globalPolicy, at most one global, never a skip global', () => {
    const blob = (...trustPolicies: Record<string, unknown>[]) => ({ version: '1.0', trustPolicies });
    const strict = {
      name: 'a',
      signatureVerification: { level: 'strict' },
      trustStores: ['ca:x'],
      trustedIdentities: ['*'],
    };
    const doc = parseBlobTrustPolicy(
      blob(strict, { ...strict, name: 'g', globalPolicy: true, registryScopes: ['ignored'] }),
    );
    expect(doc.trustPolicies[1]!.globalPolicy).toBe(true);
    expect('registryScopes' in doc.trustPolicies[1]!).toBe(false);
    expect(
      error(() =>
        parseBlobTrustPolicy(blob({ ...strict, globalPolicy: true }, { ...strict, name: 'b', globalPolicy: true })),
      ).message,
    ).toBe(
      'multiple blob trust policy statements have globalPolicy set to true. Only one trust policy statement can be marked as global policy',
    );
    // AMB-13: notation's check is dead code; the spec's MUST NOT is enforced here.
    const skipGlobal = error(() =>
      parseBlobTrustPolicy(blob({ name: 's', signatureVerification: { level: 'skip' }, globalPolicy: true })),
    );
    expect(skipGlobal.message).toBe('global blob trust policy statement cannot have verification level set to skip');
    expect(skipGlobal.statement).toBe('s');
    expect(error(() => parseBlobTrustPolicy(blob({ ...strict, trustStores: ['ca'] }))).message).toMatch(
      /^blob trust policy: trust policy statement "a" has malformed/,
    );
  });

  it('returns deeply frozen plain data and drops unknown members', () => {
    const doc = parseOciTrustPolicy(JSON.stringify({ ...oci(), extra: 1 }));
    expect(Object.isFrozen(doc)).toBe(true);
    expect(Object.isFrozen(doc.trustPolicies[0]!.trustStores)).toBe(true);
    expect(Object.isFrozen(doc.trustPolicies[0]!.signatureVerification)).toBe(true);
    expect('extra' in doc).toBe(false);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(oci());
  });

  it('rejects malformed JSON and wrong member types with the CLI import wording', () => {
    const bad = error(() => parseOciTrustPolicy('{"version": "1.0",'));
    expect(bad.code).toBe('ERR_POLICY_INVALID');
    expect(bad.message).toMatch(/^failed to parse OCI trust policy configuration: /);
    const type = error(() => parseBlobTrustPolicy({ version: '1.0', trustPolicies: [{ name: 1 }] }));
    expect(type.message).toBe(
      'failed to parse blob trust policy configuration: trustPolicies[0].name must be a string, got number',
    );
    expect(type.field).toBe('trustPolicies[0].name');
    expect(error(() => parseOciTrustPolicy([])).message).toContain('the document must be a JSON object, got array');
  });
});
