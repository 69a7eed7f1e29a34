/**
 * Trust policy and trust store cases with in-memory stores, written once and
 * run in Node (vitest), Deno and Chromium. No file system store, no network:
 * certificates come from the repository's own vectors (read through the
 * runtime's `readFile`) or are made on the spot with WebCrypto.
 *
 * Two parts:
 * - own cases (TP-*, BTP-*, TS-*, DN-*): documents, statement selection,
 *   levels and overrides, the timestamp decision, identities, MemoryTrustStore;
 * - the upstream `trust-policy` vectors that need no file store: every policy
 *   document (valid / invalid, with notation's message) and every
 *   verifyX509TrustedIdentities case. (The `valid-document` cases and the
 *   `trust-store` kind exercise the file store of `./node`, which only Node
 *   has: they stay in packages/trust-policy/test/upstream-trust-policy.test.ts.)
 */
import type * as Pki from '@x/notary-pki';
import { selfSignedSigner } from '@x/notary-test-servers/certificates';
import type * as Policy from '@x/notary-trust-policy';
import { AssertionFailed, check, equal, expectCode, type RuntimeCase } from './types.ts';

export interface TrustPolicySuiteEnvironment {
  pki: typeof Pki;
  policy: typeof Policy;
  readFile(path: string): Promise<Uint8Array>;
  /** Folder of test-vectors/out. */
  ownVectorsDir: string;
  /** Folder of the upstream vectors, or undefined when absent. */
  upstreamVectorsDir: string | undefined;
}

const DIGEST = `sha256:${'0'.repeat(64)}`;
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function statementJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'apps',
    registryScopes: ['registry.example/apps/web'],
    signatureVerification: { level: 'strict' },
    trustStores: ['ca:acme'],
    trustedIdentities: ['*'],
    ...overrides,
  };
}

const document = (...statements: Record<string, unknown>[]) => ({ version: '1.0', trustPolicies: statements });

function ownCases(env: TrustPolicySuiteEnvironment): RuntimeCase[] {
  const { pki, policy } = env;
  const cases: RuntimeCase[] = [];
  const add = (name: string, run: () => Promise<void> | void): void =>
    void cases.push({ name, kind: 'own-trust-policy', run: async () => run() });
  const chainFile = (spec: string, file: string) => env.readFile(`${env.ownVectorsDir}/chains/${spec}/${file}`);

  add('TP-2: the version must be "1.0"', async () => {
    await expectCode(
      () => policy.parseOciTrustPolicy({ version: '2.0', trustPolicies: [statementJson()] }),
      'ERR_POLICY_INVALID',
    );
    await expectCode(() => policy.parseOciTrustPolicy({ trustPolicies: [statementJson()] }), 'ERR_POLICY_INVALID');
    equal(policy.parseOciTrustPolicy(document(statementJson())).version, '1.0', 'version');
  });
  add('TP-2: no statements, an empty name and duplicate names are errors', async () => {
    await expectCode(() => policy.parseOciTrustPolicy(document()), 'ERR_POLICY_INVALID');
    await expectCode(() => policy.parseOciTrustPolicy(document(statementJson({ name: '' }))), 'ERR_POLICY_INVALID');
    await expectCode(
      () =>
        policy.parseOciTrustPolicy(
          document(statementJson(), statementJson({ registryScopes: ['registry.example/other'] })),
        ),
      'ERR_POLICY_INVALID',
    );
  });
  add(
    'TP-3: a non-skip statement needs trust stores and trusted identities; a skip statement needs neither',
    async () => {
      await expectCode(
        () => policy.parseOciTrustPolicy(document(statementJson({ trustStores: [] }))),
        'ERR_POLICY_INVALID',
      );
      await expectCode(
        () => policy.parseOciTrustPolicy(document(statementJson({ trustedIdentities: [] }))),
        'ERR_POLICY_INVALID',
      );
      const skip = policy.parseOciTrustPolicy(
        document({ name: 'skip', registryScopes: ['*'], signatureVerification: { level: 'skip' } }),
      );
      equal(policy.isSkipLevel(skip.trustPolicies[0]!.signatureVerification), true, 'skip level');
    },
  );
  add(
    'TP-4 TP-5: the level is strict, permissive, audit or skip; verifyTimestamp is always or afterCertExpiry',
    async () => {
      await expectCode(
        () => policy.parseOciTrustPolicy(document(statementJson({ signatureVerification: { level: 'paranoid' } }))),
        'ERR_POLICY_INVALID',
      );
      await expectCode(
        () =>
          policy.parseOciTrustPolicy(
            document(statementJson({ signatureVerification: { level: 'strict', verifyTimestamp: 'sometimes' } })),
          ),
        'ERR_POLICY_INVALID',
      );
      policy.parseOciTrustPolicy(
        document(statementJson({ signatureVerification: { level: 'strict', verifyTimestamp: 'afterCertExpiry' } })),
      );
    },
  );
  add('TP-11: the level table: what each check does at strict, permissive, audit and skip', () => {
    const expected: Record<string, string> = {
      strict: 'enforce enforce enforce enforce enforce',
      permissive: 'enforce enforce log log log',
      audit: 'enforce log log log log',
      skip: 'skip skip skip skip skip',
    };
    for (const level of ['strict', 'permissive', 'audit', 'skip'] as const) {
      const actions = policy.resolveVerificationActions({ level });
      const row = ['integrity', 'authenticity', 'authenticTimestamp', 'expiry', 'revocation']
        .map((t) => actions[t as Policy.ValidationType])
        .join(' ');
      equal(row, expected[level], `${level} actions`);
    }
  });
  add(
    'TP-6: overrides change one action; integrity cannot be overridden; only revocation may be skipped; a skip level takes no override',
    async () => {
      const actions = policy.resolveVerificationActions({
        level: 'strict',
        override: { revocation: 'skip', expiry: 'log' },
      });
      equal(actions.revocation, 'skip', 'revocation');
      equal(actions.expiry, 'log', 'expiry');
      await expectCode(
        () => policy.resolveVerificationActions({ level: 'skip', override: { revocation: 'log' } }),
        'ERR_POLICY_INVALID',
      );
      equal(actions.authenticity, 'enforce', 'authenticity untouched');
      await expectCode(
        () =>
          policy.parseOciTrustPolicy(
            document(statementJson({ signatureVerification: { level: 'strict', override: { integrity: 'log' } } })),
          ),
        'ERR_POLICY_INVALID',
      );
      await expectCode(
        () =>
          policy.parseOciTrustPolicy(
            document(statementJson({ signatureVerification: { level: 'strict', override: { authenticity: 'skip' } } })),
          ),
        'ERR_POLICY_INVALID',
      );
    },
  );
  add('TP-7 TP-8: store references are type:name of a known type; scopes are repositories, or * alone', async () => {
    await expectCode(
      () => policy.parseOciTrustPolicy(document(statementJson({ trustStores: ['acme'] }))),
      'ERR_POLICY_INVALID',
    );
    await expectCode(
      () => policy.parseOciTrustPolicy(document(statementJson({ trustStores: ['unknown:acme'] }))),
      'ERR_POLICY_INVALID',
    );
    await expectCode(
      () => policy.parseOciTrustPolicy(document(statementJson({ registryScopes: ['registry.example/apps/web:v1'] }))),
      'ERR_POLICY_INVALID',
    );
    await expectCode(
      () => policy.parseOciTrustPolicy(document(statementJson({ registryScopes: ['*', 'registry.example/apps/web'] }))),
      'ERR_POLICY_INVALID',
    );
    equal(
      policy.parseOciTrustPolicy(document(statementJson({ registryScopes: ['registry.example/apps/web'] })))
        .trustPolicies[0]!.registryScopes[0],
      'registry.example/apps/web',
      'a repository scope',
    );
    equal(policy.splitTrustStoreReference('signingAuthority:acme')?.type, 'signingAuthority', 'store type');
  });
  add(
    'TP-9: an exact registry scope wins over the global statement; no applicable statement is ERR_POLICY_NOT_APPLICABLE',
    async () => {
      const doc = policy.parseOciTrustPolicy(
        document(statementJson(), {
          name: 'global',
          registryScopes: ['*'],
          signatureVerification: { level: 'audit' },
          trustStores: ['ca:acme'],
          trustedIdentities: ['*'],
        }),
      );
      equal(policy.selectOciStatement(doc, `registry.example/apps/web@${DIGEST}`).name, 'apps', 'exact');
      equal(policy.selectOciStatement(doc, `registry.example/apps/other@${DIGEST}`).name, 'global', 'global');
      const only = policy.parseOciTrustPolicy(document(statementJson()));
      await expectCode(
        () => policy.selectOciStatement(only, `registry.example/apps/other@${DIGEST}`),
        'ERR_POLICY_NOT_APPLICABLE',
      );
    },
  );
  add(
    'BTP-1 BTP-2: blob policies have no scopes; a name selects its statement, no name selects globalPolicy',
    async () => {
      const doc = policy.parseBlobTrustPolicy({
        version: '1.0',
        trustPolicies: [
          {
            name: 'release',
            signatureVerification: { level: 'strict' },
            trustStores: ['ca:acme'],
            trustedIdentities: ['*'],
          },
          {
            name: 'any',
            globalPolicy: true,
            signatureVerification: { level: 'audit' },
            trustStores: ['ca:acme'],
            trustedIdentities: ['*'],
          },
        ],
      });
      equal(policy.selectBlobStatement(doc, 'release').name, 'release', 'named');
      equal(policy.selectBlobStatement(doc).name, 'any', 'global');
      await expectCode(() => policy.selectBlobStatement(doc, 'missing'), 'ERR_POLICY_NOT_APPLICABLE');
      await expectCode(
        () =>
          policy.parseBlobTrustPolicy({
            version: '1.0',
            trustPolicies: [{ name: 'g', globalPolicy: true, signatureVerification: { level: 'skip' } }],
          }),
        'ERR_POLICY_INVALID',
      );
    },
  );
  add('parsed documents are deeply frozen plain data', () => {
    const doc = policy.parseOciTrustPolicy(document(statementJson()));
    check(
      Object.isFrozen(doc) && Object.isFrozen(doc.trustPolicies) && Object.isFrozen(doc.trustPolicies[0]),
      'frozen',
    );
    check(Object.isFrozen(doc.trustPolicies[0]!.trustStores), 'frozen stores');
  });
  add('TP-14: when the authentic timestamp is verified (level, scheme, tsa store, verifyTimestamp)', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const valid = [{ notAfter: new Date('2027-01-01T00:00:00Z') }];
    const expired = [{ notAfter: new Date('2026-01-01T00:00:00Z') }];
    const base = {
      actions: { authenticTimestamp: 'enforce' as const },
      scheme: 'notary.x509',
      hasTsaStore: true,
      signingChain: valid,
      now,
    };
    equal(policy.shouldVerifyTimestamp(base), true, 'always by default');
    equal(policy.shouldVerifyTimestamp({ ...base, hasTsaStore: false }), false, 'no tsa store');
    equal(policy.shouldVerifyTimestamp({ ...base, scheme: 'notary.x509.signingAuthority' }), false, 'signingAuthority');
    equal(policy.shouldVerifyTimestamp({ ...base, actions: { authenticTimestamp: 'skip' } }), false, 'skipped');
    equal(
      policy.shouldVerifyTimestamp({ ...base, verifyTimestamp: 'afterCertExpiry' }),
      false,
      'afterCertExpiry, still valid',
    );
    equal(
      policy.shouldVerifyTimestamp({ ...base, verifyTimestamp: 'afterCertExpiry', signingChain: expired }),
      true,
      'afterCertExpiry, expired',
    );
    equal(policy.hasTsaTrustStore({ trustStores: ['ca:acme', 'tsa:stamps'] }), true, 'tsa store');
  });
  add(
    'DN-1 DN-2 DN-3: identities parse with escapes and match as subsets; missing C/ST/O, duplicates and =# are errors',
    async () => {
      // Through the public calls: a document's identities are parsed when it is, and matched against a real leaf.
      const leaf = (await selfSignedSigner(pki.Certificate.fromDer, { name: 'Acme, Inc.', keySpec: 'EC-256' }))
        .certificate;
      policy.verifyTrustedIdentities(
        { name: 'escaped', trustedIdentities: ['x509.subject:CN=Acme\\, Inc.,O=Notary,ST=WA,C=US'] },
        leaf,
      );
      policy.verifyTrustedIdentities({ name: 'subset', trustedIdentities: ['x509.subject:O=Notary,ST=WA,C=US'] }, leaf);
      await expectCode(
        () =>
          policy.verifyTrustedIdentities(
            { name: 'other', trustedIdentities: ['x509.subject:O=Other,ST=WA,C=US'] },
            leaf,
          ),
        'ERR_IDENTITY_MISMATCH',
      );
      for (const identity of ['CN=Acme', 'CN=a,CN=b,O=Notary,ST=WA,C=US', 'CN=#0403,O=Notary,ST=WA,C=US']) {
        await expectCode(
          () =>
            policy.parseOciTrustPolicy(document(statementJson({ trustedIdentities: [`x509.subject:${identity}`] }))),
          'ERR_IDENTITY_INVALID',
        );
      }
    },
  );
  add('TP-10 DN-4: overlapping x509.subject identities are rejected in a document', async () => {
    const overlap = await expectCode(
      () =>
        policy.parseOciTrustPolicy(
          document(
            statementJson({
              trustedIdentities: ['x509.subject:C=US,ST=WA,O=Notary', 'x509.subject:C=US,ST=WA,O=Notary,CN=a'],
            }),
          ),
        ),
      'ERR_IDENTITY_INVALID',
    );
    check(/overlapping/.test(overlap.message), `an overlap error, got ${overlap.message}`);
    await expectCode(
      () => policy.parseOciTrustPolicy(document(statementJson({ trustedIdentities: ['*', 'x509.subject:C=US'] }))),
      'ERR_POLICY_INVALID',
    );
  });
  add('DN-4 VER-4: trusted identities against a real leaf: *, a matching subset, a mismatch', async () => {
    // A WebCrypto-made certificate: CN=…,O=Notary,L=Seattle,ST=WA,C=US (the own vectors' leaves lack C and ST).
    const leaf = (await selfSignedSigner(pki.Certificate.fromDer, { name: 'identity.example', keySpec: 'EC-256' }))
      .certificate;
    policy.verifyTrustedIdentities({ name: 'any', trustedIdentities: ['*'] }, leaf);
    // selfSignedSigner's subject is notation's: CN=…,O=Notary,L=Seattle,ST=WA,C=US.
    const subset = 'C=US,ST=WA,O=Notary';
    policy.verifyTrustedIdentities({ name: 'subset', trustedIdentities: [`x509.subject:${subset}`] }, leaf);
    await expectCode(
      () =>
        policy.verifyTrustedIdentities(
          { name: 'other', trustedIdentities: ['x509.subject:CN=someone else,O=Notary,ST=WA,C=US'] },
          leaf,
        ),
      'ERR_IDENTITY_MISMATCH',
    );
  });
  add('TS-1: a store the statement names but the memory store lacks is ERR_TRUST_STORE_NOT_FOUND', async () => {
    const store = new policy.MemoryTrustStore({ 'ca:acme': text(await chainFile('ec-256', 'root.pem')) });
    await expectCode(() => store.getCertificates('ca', 'missing'), 'ERR_TRUST_STORE_NOT_FOUND');
    await expectCode(
      () => policy.loadAuthenticityTrustStores(store, { name: 's', trustStores: ['ca:missing'] }, 'notary.x509'),
      'ERR_TRUST_STORE_NOT_FOUND',
    );
  });
  add(
    'TS-2 TS-4: entries are PEM, DER or parsed certificates; an empty or leaf-only (non-CA, not self-signed) store is invalid',
    async () => {
      const rootPem = text(await chainFile('ec-256', 'root.pem'));
      const root = pki.parseCertificates(rootPem)[0]!;
      const store = new policy.MemoryTrustStore({
        'ca:pem': rootPem,
        'ca:der': root.der,
        'ca:parsed': [root],
        'ca:empty': [],
        'ca:leaf': text(await chainFile('ec-256', 'leaf.pem')),
      });
      for (const name of ['pem', 'der', 'parsed'])
        equal((await store.getCertificates('ca', name))[0]!.sha256Fingerprint, root.sha256Fingerprint, name);
      const first = await store.getCertificates('ca', 'pem');
      check(first === (await store.getCertificates('ca', 'pem')), 'parsed once and cached');
      await expectCode(() => store.getCertificates('ca', 'empty'), 'ERR_TRUST_STORE_INVALID');
      await expectCode(() => store.getCertificates('ca', 'leaf'), 'ERR_TRUST_STORE_INVALID');
      await expectCode(() => new policy.MemoryTrustStore({ 'no-separator': rootPem }), 'ERR_TRUST_STORE_INVALID');
    },
  );
  add('TS-3: a self-signed signing certificate made with WebCrypto may anchor a ca store', async () => {
    const made = await selfSignedSigner(pki.Certificate.fromDer, { name: 'self-signed.example', keySpec: 'EC-256' });
    const store = new policy.MemoryTrustStore({ 'ca:self': [made.certificate] });
    equal((await store.getCertificates('ca', 'self')).length, 1, 'loaded');
  });
  add(
    "TP-7 VER-4: loading a statement's stores: only the type asked for, each reference once, ca for notary.x509 and signingAuthority for signingAuthority",
    async () => {
      const rootPem = text(await chainFile('ec-256', 'root.pem'));
      const otherPem = text(await chainFile('rsa-2048', 'root.pem'));
      const store = new policy.MemoryTrustStore({ 'ca:a': rootPem, 'signingAuthority:b': otherPem, 'tsa:c': otherPem });
      const statement = { name: 's', trustStores: ['ca:a', 'ca:a', 'signingAuthority:b', 'tsa:c'] };
      equal((await policy.loadAuthenticityTrustStores(store, statement, 'notary.x509')).length, 1, 'ca, once');
      const sa = await policy.loadAuthenticityTrustStores(store, statement, 'notary.x509.signingAuthority');
      equal(sa[0]!.subject, pki.parseCertificates(otherPem)[0]!.subject, 'signingAuthority');
      await expectCode(
        () => policy.loadAuthenticityTrustStores(store, statement, 'other.scheme'),
        'ERR_TRUST_STORE_INVALID',
      );
    },
  );
  return cases;
}

interface UpstreamCase {
  id: string;
  kind: string;
  files: string[];
  expect: Record<string, unknown> & { outcome: string; reason?: string; match?: string };
  input?: Record<string, unknown>;
  notes?: string;
}

function reasonMatches(actual: string, reason: string, match = 'exact'): boolean {
  if (match === 'exact' || match === 'exact-line') return actual === reason;
  if (match === 'substring') return actual.includes(reason);
  if (match.startsWith('prefix:')) return actual.startsWith(match.slice('prefix:'.length));
  throw new AssertionFailed(`unknown match mode ${match}`);
}

async function upstreamCases(env: TrustPolicySuiteEnvironment): Promise<RuntimeCase[]> {
  const { pki, policy } = env;
  const dir = env.upstreamVectorsDir!;
  const manifest = JSON.parse(text(await env.readFile(`${dir}/manifest.json`))) as UpstreamCase[];
  const cases: RuntimeCase[] = [];
  for (const c of manifest) {
    if (c.kind !== 'trust-policy') continue;
    const fn = c.input?.['function'] as string | undefined;
    if (fn === 'verifyX509TrustedIdentities') {
      const input = c.input as { policyName: string; trustedIdentities: string[]; signingChain: string[] };
      cases.push({
        name: `upstream ${c.id} (DN-4 TP-10): trusted identities ${c.expect.outcome === 'valid' ? 'match' : 'do not match'}`,
        kind: 'upstream-trust-policy',
        async run() {
          const leaf = pki.parseCertificates(await env.readFile(`${dir}/${input.signingChain[0]}`))[0]!;
          const statement = { name: input.policyName, trustedIdentities: input.trustedIdentities };
          if (c.expect.outcome === 'valid') return policy.verifyTrustedIdentities(statement, leaf);
          const expected = input.trustedIdentities.some((t) => t.includes('=#'))
            ? 'ERR_IDENTITY_INVALID'
            : 'ERR_IDENTITY_MISMATCH';
          await expectCode(() => policy.verifyTrustedIdentities(statement, leaf), expected);
        },
      });
      continue;
    }
    if (fn !== undefined || c.files.length === 0 || !['valid', 'invalid'].includes(c.expect.outcome)) continue;
    const documentType = (c.expect['documentType'] as string | undefined) ?? 'oci';
    cases.push({
      name: `upstream ${c.id} (TP-2 … TP-10 BTP-1): the ${documentType} policy document is ${c.expect.outcome}${c.expect.reason ? ` — ${c.expect.reason}` : ''}`,
      kind: 'upstream-trust-policy',
      async run() {
        const json = text(await env.readFile(`${dir}/${c.files[0]}`));
        const parse = documentType === 'blob' ? policy.parseBlobTrustPolicy : policy.parseOciTrustPolicy;
        if (c.expect.outcome === 'valid') {
          const doc = parse(json);
          check(Object.isFrozen(doc), 'frozen');
          const selected = c.expect['selectedStatementFor'] as Record<string, string> | undefined;
          for (const [repository, name] of Object.entries(selected ?? {})) {
            equal(
              policy.selectOciStatement(policy.parseOciTrustPolicy(json), `${repository}@${DIGEST}`).name,
              name,
              `statement for ${repository}`,
            );
          }
          return;
        }
        const reason = c.expect.reason!;
        const code = /distinguished name \(DN\)|overlapping x509 trustedIdentities|with invalid identity value/.test(
          reason,
        )
          ? 'ERR_IDENTITY_INVALID'
          : 'ERR_POLICY_INVALID';
        const error = await expectCode(() => parse(json), code);
        check(
          reasonMatches(error.message, reason, c.expect.match),
          `message: expected ${JSON.stringify(reason)} (${c.expect.match ?? 'exact'}), got ${JSON.stringify(error.message)}`,
        );
      },
    });
  }
  return cases;
}

export async function trustPolicyCases(env: TrustPolicySuiteEnvironment): Promise<RuntimeCase[]> {
  return [...ownCases(env), ...(env.upstreamVectorsDir ? await upstreamCases(env) : [])];
}
