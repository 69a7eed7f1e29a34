/**
 * The verifier's level × check table (TP-11, TP-12, TP-13, TP-6, VER-1 …
 * VER-10), written once and run by runtime-tests in Node, Deno and Chromium,
 * on the built packages (registry.ts). It needs no network: certificates are
 * made on the spot (no revocation URLs, so revocation is non-revokable) and
 * the trust store is in memory.
 */
import type * as Core from '@x/notary-core';
import type * as Envelope from '@x/notary-envelope';
import type * as Pki from '@x/notary-pki';
import { selfSignedSigner } from '@x/notary-test-servers/certificates';
import type * as Policy from '@x/notary-trust-policy';
import { check, equal } from './types.ts';

export interface SuiteEnvironment {
  pki: typeof Pki;
  envelope: typeof Envelope;
  policy: typeof Policy;
  core: typeof Core;
}

export interface SuiteCase {
  name: string;
  run(): Promise<void>;
}

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DIGEST = `sha256:${'5a'.repeat(32)}`;
const DAY = 86_400_000;

type Outcome = Core.CheckOutcome;
type Level = 'strict' | 'permissive' | 'audit';

export function verifierCases(env: SuiteEnvironment): SuiteCase[] {
  const { pki, envelope, policy, core } = env;
  const cases: SuiteCase[] = [];
  const add = (name: string, run: () => Promise<void>): void => void cases.push({ name, run });

  /** A signer with a fresh self-signed certificate (CERT-7: a lone self-signed certificate is a leaf). */
  const identity = async (name = 'verifier.example', options: { validityDays?: number } = {}) => {
    const made = await selfSignedSigner(pki.Certificate.fromDer, { name, keySpec: 'EC-256', ...options });
    return { ...made, signer: envelope.signerFromCryptoKey(made.privateKey, [made.certificate]) };
  };
  const sign = async (who: Awaited<ReturnType<typeof identity>>, extra: Partial<Envelope.SignEnvelopeRequest> = {}) =>
    (
      await envelope.signEnvelope({
        mediaType: envelope.MEDIA_TYPE_JWS,
        signer: who.signer,
        targetArtifact: {
          mediaType: MANIFEST,
          digest: DIGEST,
          size: 1234,
          annotations: { 'org.example.team': 'core' },
        },
        ...extra,
      })
    ).bytes;
  const statement = (
    level: string,
    trustStores: string[],
    override?: Record<string, string>,
    trustedIdentities = ['*'],
  ): Policy.TrustPolicyStatement => ({
    name: 'scenario',
    registryScopes: ['*'],
    signatureVerification: { level: level as Policy.VerificationLevel, ...(override ? { override } : {}) },
    trustStores,
    trustedIdentities,
  });
  /** Runs verifySignatureEnvelope and returns the result whether it throws or not. */
  const verify = async (
    bytes: Uint8Array,
    options: Core.VerifySignatureEnvelopeOptions,
    mediaType: string = envelope.MEDIA_TYPE_JWS,
  ): Promise<{ result: Core.VerificationResult; threw: boolean; error?: Core.VerificationError }> => {
    try {
      return { result: await core.verifySignatureEnvelope(bytes, mediaType, options), threw: false };
    } catch (error) {
      check(error instanceof core.VerificationError, `expected a VerificationError, got ${String(error)}`);
      return { result: error.result, threw: true, error };
    }
  };
  const target = { digest: DIGEST, size: 1234, mediaType: MANIFEST };
  const expectOutcomes = (
    result: Core.VerificationResult,
    expected: Partial<Record<Policy.ValidationType, Outcome>>,
  ): void => {
    for (const [type, outcome] of Object.entries(expected))
      equal(result.checks[type as Policy.ValidationType].outcome, outcome, `${type} outcome`);
  };
  /** TP-11: what a failed check becomes at each level. */
  const table: Record<'authenticity' | 'authenticTimestamp' | 'expiry', Record<Level, Outcome>> = {
    authenticity: { strict: 'failed-enforced', permissive: 'failed-enforced', audit: 'failed-logged' },
    authenticTimestamp: { strict: 'failed-enforced', permissive: 'failed-logged', audit: 'failed-logged' },
    expiry: { strict: 'failed-enforced', permissive: 'failed-logged', audit: 'failed-logged' },
  };

  add('VER-1 VER-2 VER-4 VER-5 VER-6 VER-7 VER-3 VER-9: a good signature passes every check under strict', async () => {
    const who = await identity();
    const { result, threw } = await verify(await sign(who), {
      statement: statement('strict', ['ca:acme']),
      trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
      target,
      userMetadata: { 'org.example.team': 'core' },
    });
    equal(threw, false, 'threw');
    equal(result.verified, true, 'verified');
    expectOutcomes(result, {
      integrity: 'passed',
      authenticity: 'passed',
      expiry: 'passed',
      authenticTimestamp: 'passed',
      revocation: 'passed',
    });
    equal(result.revocation?.length, 0, 'a lone self-signed certificate has nothing to revocation-check (REV-2)');
    equal(result.certificateChain?.[0]?.sha256Fingerprint, who.certificate.sha256Fingerprint, 'chain in the result');
    equal(result.targetArtifact?.digest, DIGEST, 'payload in the result');
  });

  add(
    'VER-2 TP-11: integrity is enforced at every level, and a failed verification throws with the full result',
    async () => {
      const who = await identity();
      const bytes = await sign(who);
      const tampered = JSON.parse(new TextDecoder().decode(bytes)) as { signature: string };
      tampered.signature = tampered.signature.startsWith('A')
        ? `B${tampered.signature.slice(1)}`
        : `A${tampered.signature.slice(1)}`;
      for (const level of ['strict', 'permissive', 'audit'] as const) {
        const { result, threw, error } = await verify(new TextEncoder().encode(JSON.stringify(tampered)), {
          statement: statement(level, ['ca:acme']),
          trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
        });
        equal(threw, true, `${level}: threw`);
        equal(error?.check, 'integrity', `${level}: deciding check`);
        equal(
          (error?.cause as { code?: string } | undefined)?.code,
          'ERR_SIGNATURE_VERIFICATION_FAILED',
          `${level}: cause code`,
        );
        expectOutcomes(result, {
          integrity: 'failed-enforced',
          authenticity: 'skipped',
          expiry: 'skipped',
          authenticTimestamp: 'skipped',
          revocation: 'skipped',
        });
      }
    },
  );

  for (const level of ['strict', 'permissive', 'audit'] as const) {
    add(`VER-4 TP-11 TP-12: an untrusted root at ${level} is ${table.authenticity[level]}`, async () => {
      const who = await identity();
      const other = await identity('other.example');
      const { result, threw } = await verify(await sign(who), {
        statement: statement(level, ['ca:acme']),
        trustStore: new policy.MemoryTrustStore({ 'ca:acme': [other.certificate] }),
        target,
      });
      equal(result.checks.authenticity.outcome, table.authenticity[level], 'authenticity');
      equal(result.checks.authenticity.error?.code, 'ERR_UNTRUSTED_CHAIN', 'code');
      equal(threw, table.authenticity[level] === 'failed-enforced', 'threw');
      // TP-12: after an enforced failure nothing else runs; after a logged one everything does.
      equal(result.checks.expiry.outcome, threw ? 'skipped' : 'passed', 'expiry ran only when not stopped');
    });

    add(
      `VER-6 TP-14 CERT-12 TP-11: an expired certificate without a timestamp at ${level} is ${table.authenticTimestamp[level]}`,
      async () => {
        const who = await identity('short-lived.example', { validityDays: 1 });
        const { result, threw } = await verify(await sign(who), {
          statement: statement(level, ['ca:acme']),
          trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
          now: new Date(Date.now() + 2 * DAY),
          target,
        });
        equal(result.checks.authenticTimestamp.outcome, table.authenticTimestamp[level], 'authenticTimestamp');
        equal(result.checks.authenticTimestamp.error?.code, 'ERR_CERTIFICATE_EXPIRED', 'code');
        check(
          /verification time is after certificate/.test(result.checks.authenticTimestamp.error?.message ?? ''),
          'notation message',
        );
        equal(threw, level === 'strict', 'threw');
      },
    );

    add(`VER-5 ATTR-7 TP-11: an expired signature at ${level} is ${table.expiry[level]}`, async () => {
      const who = await identity();
      const { result, threw } = await verify(await sign(who, { expiresInSeconds: 60 }), {
        statement: statement(level, ['ca:acme']),
        trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
        now: new Date(Date.now() + 120_000),
        target,
      });
      equal(result.checks.expiry.outcome, table.expiry[level], 'expiry');
      equal(result.checks.expiry.error?.code, 'ERR_SIGNATURE_EXPIRED', 'code');
      check(/^digital signature has expired on "/.test(result.checks.expiry.error?.message ?? ''), 'notation message');
      equal(threw, level === 'strict', 'threw');
      if (!threw) equal(result.verified, true, 'a logged failure still verifies');
    });
  }

  add('VER-5: expiry is "now ≥ expiry": one millisecond before passes, the instant itself fails', async () => {
    const who = await identity();
    const bytes = await sign(who, { expiresInSeconds: 60 });
    const parsed = await envelope.verifyEnvelopeIntegrity(bytes, envelope.MEDIA_TYPE_JWS);
    const expiry = parsed.content.signerInfo.signedAttributes.expiry!;
    const options = {
      statement: statement('strict', ['ca:acme']),
      trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
    };
    equal(
      (await verify(bytes, { ...options, now: new Date(expiry.getTime() - 1) })).result.checks.expiry.outcome,
      'passed',
      'before',
    );
    equal((await verify(bytes, { ...options, now: expiry })).result.checks.expiry.outcome, 'failed-enforced', 'at');
  });

  add('TP-13 VER-1: a skip statement verifies nothing, not even integrity, and succeeds', async () => {
    const { result, threw } = await verify(new TextEncoder().encode('not an envelope'), {
      statement: { name: 'skip', registryScopes: ['*'], signatureVerification: { level: 'skip' } },
      trustStore: new policy.MemoryTrustStore({}),
    });
    equal(threw, false, 'threw');
    equal(result.verified, true, 'verified');
    expectOutcomes(result, {
      integrity: 'skipped',
      authenticity: 'skipped',
      expiry: 'skipped',
      authenticTimestamp: 'skipped',
      revocation: 'skipped',
    });
  });

  add(
    'TP-6 TP-11: overrides change the actions: strict+authenticity:log, audit+expiry:enforce, strict+revocation:skip',
    async () => {
      const who = await identity();
      const other = await identity('other.example');
      const untrusted = await verify(await sign(who), {
        statement: statement('strict', ['ca:acme'], { authenticity: 'log' }),
        trustStore: new policy.MemoryTrustStore({ 'ca:acme': [other.certificate] }),
      });
      equal(untrusted.result.checks.authenticity.outcome, 'failed-logged', 'authenticity logged');
      equal(untrusted.threw, false, 'not thrown');
      const expired = await verify(await sign(who, { expiresInSeconds: 60 }), {
        statement: statement('audit', ['ca:acme'], { expiry: 'enforce' }),
        trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
        now: new Date(Date.now() + 120_000),
      });
      equal(expired.result.checks.expiry.outcome, 'failed-enforced', 'expiry enforced');
      equal(expired.threw, true, 'thrown');
      const skipped = await verify(await sign(who), {
        statement: statement('strict', ['ca:acme'], { revocation: 'skip' }),
        trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
      });
      equal(skipped.result.checks.revocation.outcome, 'skipped', 'revocation skipped');
      equal(skipped.result.checks.revocation.action, 'skip', 'revocation action');
      equal(skipped.result.revocation, undefined, 'no revocation results');
    },
  );

  add('VER-4 DN-2 DN-4: a trusted identity with escaped characters matches; another identity does not', async () => {
    const who = await identity('Acme, Inc.');
    const escaped = 'x509.subject:CN=Acme\\, Inc.,O=Notary,L=Seattle,ST=WA,C=US';
    const store = new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] });
    const bytes = await sign(who);
    const ok = await verify(bytes, {
      statement: statement('strict', ['ca:acme'], undefined, [escaped]),
      trustStore: store,
    });
    equal(ok.result.checks.authenticity.outcome, 'passed', 'escaped identity');
    const wrong = await verify(bytes, {
      statement: statement('strict', ['ca:acme'], undefined, ['x509.subject:CN=Acme Inc.,O=Notary,ST=WA,C=US']),
      trustStore: store,
    });
    equal(wrong.result.checks.authenticity.outcome, 'failed-enforced', 'other identity');
    equal(wrong.result.checks.authenticity.error?.code, 'ERR_IDENTITY_MISMATCH', 'code');
  });

  add(
    'VER-4 SCH-3 VER-6: the signingAuthority scheme needs a signingAuthority store and an authentic time inside the chain validity',
    async () => {
      const who = await identity('signing-service.example', { validityDays: 3 });
      // signEnvelope signs only notary.x509 (SIGN-2), so a signing service's JWS is written here by hand (ENV-JWS-1, ENV-JWS-3).
      const signingAuthorityEnvelope = async (authenticSigningTime: Date): Promise<Uint8Array> => {
        const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
        const b64url = (bytes: Uint8Array): string =>
          btoa(String.fromCharCode(...bytes))
            .replace(/\+/g, '-')
            .replace(/\//g, '_')
            .replace(/=+$/, '');
        const payload = b64url(json({ targetArtifact: { digest: DIGEST, mediaType: MANIFEST, size: 1234 } }));
        const protectedHeader = b64url(
          json({
            alg: 'ES256',
            crit: [envelope.HEADER.signingScheme, envelope.HEADER.authenticSigningTime],
            cty: 'application/vnd.cncf.notary.payload.v1+json',
            [envelope.HEADER.signingScheme]: 'notary.x509.signingAuthority',
            [envelope.HEADER.authenticSigningTime]: authenticSigningTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          }),
        );
        const signature = await who.signer.sign(new TextEncoder().encode(`${protectedHeader}.${payload}`));
        const x5c = [btoa(String.fromCharCode(...who.certificate.der))];
        return json({ payload, protected: protectedHeader, header: { x5c }, signature: b64url(signature) });
      };
      const now = new Date(Math.floor(Date.now() / 1000) * 1000);
      const good = await signingAuthorityEnvelope(now);
      const saStore = new policy.MemoryTrustStore({ 'signingAuthority:service': [who.certificate] });
      const passed = await verify(good, {
        statement: statement('strict', ['signingAuthority:service']),
        trustStore: saStore,
        target,
      });
      equal(passed.result.verified, true, 'verified');
      equal(passed.result.signingTime?.getTime(), now.getTime(), 'authentic signing time in the result');
      // Short-lived certificates stay verifiable after expiry: the authentic time is what counts.
      const later = await verify(good, {
        statement: statement('strict', ['signingAuthority:service']),
        trustStore: saStore,
        now: new Date(now.getTime() + 10 * DAY),
      });
      equal(later.result.checks.authenticTimestamp.outcome, 'passed', 'after certificate expiry');
      const caOnly = await verify(good, {
        statement: statement('strict', ['ca:acme']),
        trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
      });
      equal(
        caOnly.result.checks.authenticity.outcome,
        'failed-enforced',
        'a ca store does not anchor signingAuthority',
      );
      const outside = await verify(await signingAuthorityEnvelope(new Date(now.getTime() + 5 * DAY)), {
        statement: statement('strict', ['signingAuthority:service']),
        trustStore: saStore,
        now: new Date(now.getTime() + 6 * DAY),
      });
      equal(outside.result.checks.authenticTimestamp.outcome, 'failed-enforced', 'authentic time outside validity');
      equal(outside.result.checks.authenticTimestamp.error?.code, 'ERR_CERTIFICATE_EXPIRED', 'code');
    },
  );

  add('VER-3: a payload for another artifact fails at every level (even audit)', async () => {
    const who = await identity();
    const bytes = await sign(who);
    for (const level of ['strict', 'audit'] as const) {
      const { threw, error, result } = await verify(bytes, {
        statement: statement(level, ['ca:acme']),
        trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
        target: { ...target, digest: `sha256:${'00'.repeat(32)}` },
      });
      equal(threw, true, `${level}: threw`);
      equal(error?.check, 'payload', `${level}: deciding check`);
      equal((error?.cause as { code?: string } | undefined)?.code, 'ERR_PAYLOAD_MISMATCH', 'code');
      equal(result.checks.integrity.outcome, 'passed', 'the checks themselves passed');
    }
  });

  add('VER-9: user metadata must be present exactly in the annotations', async () => {
    const who = await identity();
    const bytes = await sign(who);
    const options = {
      statement: statement('strict', ['ca:acme']),
      trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
    };
    equal((await verify(bytes, { ...options, userMetadata: { 'org.example.team': 'core' } })).threw, false, 'present');
    const missing = await verify(bytes, { ...options, userMetadata: { 'org.example.team': 'Core' } });
    equal(missing.threw, true, 'different value');
    equal(missing.error?.check, 'userMetadata', 'deciding check');
  });

  add('VER-8 ATTR-4: an envelope naming a verification plugin fails, since this verifier runs no plugins', async () => {
    const who = await identity();
    const bytes = await sign(who, {
      extendedAttributes: [{ key: envelope.HEADER.verificationPlugin, value: 'com.example.plugin', critical: true }],
    });
    const { threw, error } = await verify(bytes, {
      statement: statement('audit', ['ca:acme']),
      trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
    });
    equal(threw, true, 'threw');
    equal(error?.check, 'plugin', 'deciding check');
  });

  add(
    'VER-10: checks run in notation order: a logged authenticity failure still runs expiry, timestamp and revocation',
    async () => {
      const who = await identity();
      const other = await identity('other.example');
      const { result } = await verify(await sign(who, { expiresInSeconds: 60 }), {
        statement: statement('audit', ['ca:acme']),
        trustStore: new policy.MemoryTrustStore({ 'ca:acme': [other.certificate] }),
        now: new Date(Date.now() + 120_000),
      });
      expectOutcomes(result, {
        integrity: 'passed',
        authenticity: 'failed-logged',
        expiry: 'failed-logged',
        authenticTimestamp: 'passed',
        revocation: 'passed',
      });
      equal(result.verified, true, 'audit verifies');
    },
  );

  add('VER-2 ENV-COSE-1: the same table holds for COSE envelopes', async () => {
    const who = await identity();
    const bytes = await sign(who, { mediaType: envelope.MEDIA_TYPE_COSE });
    const { result } = await verify(
      bytes,
      {
        statement: statement('strict', ['ca:acme']),
        trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
        target,
      },
      envelope.MEDIA_TYPE_COSE,
    );
    equal(result.verified, true, 'verified');
    equal(result.mediaType, envelope.MEDIA_TYPE_COSE, 'media type');
  });
  add(
    'VER-1 TP-9: the statement is selected from an OCI policy document by the artifact reference; none applying is an error',
    async () => {
      const who = await identity();
      const document = policy.parseOciTrustPolicy({
        version: '1.0',
        trustPolicies: [
          {
            name: 'apps',
            registryScopes: ['registry.example/apps/web'],
            signatureVerification: { level: 'strict' },
            trustStores: ['ca:acme'],
            trustedIdentities: ['*'],
          },
        ],
      });
      const trustStore = new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] });
      const bytes = await sign(who);
      const result = await core.verifySignatureEnvelope(bytes, envelope.MEDIA_TYPE_JWS, {
        policy: document,
        artifactReference: `registry.example/apps/web@${DIGEST}`,
        trustStore,
        target,
      });
      equal(result.statement.name, 'apps', 'selected statement');
      try {
        await core.verifySignatureEnvelope(bytes, envelope.MEDIA_TYPE_JWS, {
          policy: document,
          artifactReference: `registry.example/other@${DIGEST}`,
          trustStore,
        });
        throw new Error('expected ERR_POLICY_NOT_APPLICABLE');
      } catch (error) {
        equal((error as { code?: string }).code, 'ERR_POLICY_NOT_APPLICABLE', 'no statement');
      }
    },
  );
  return cases;
}
