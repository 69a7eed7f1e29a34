/**
 * Verification plugins in the verifier (ATTR-3, ATTR-4, VER-8, VER-10,
 * PLG-13 … PLG-16, AMB-8, AMB-9), on real signed envelopes, with a scripted
 * runner of `@x/notary-plugin`'s shape standing in for the plugin (the
 * plugin package's tests run the same runner over real executables).
 */

import * as envelope from '@x/notary-envelope';
import * as pki from '@x/notary-pki';
import { encodeBase64, encodeBase64Url, formatRfc3339 } from '@x/notary-pki/foundation';
import type {
  PluginMetadata,
  VerificationRunner,
  VerifySignatureRequest,
  VerifySignatureResponse,
} from '@x/notary-plugin';
import { selfSignedSigner } from '@x/notary-test-servers/certificates';
import { MemoryTrustStore, type TrustPolicyStatement } from '@x/notary-trust-policy';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type SignatureVerificationOptions,
  VerificationError,
  VerificationPluginError,
  type VerificationResult,
  verifySignatureEnvelope,
} from '../../src/index.js';
import { GO_ZERO_TIME } from '../../src/verifier/verification-plugin.js';

const PLUGIN = 'com.example.verifier';
const TI = 'SIGNATURE_VERIFIER.TRUSTED_IDENTITY';
const RC = 'SIGNATURE_VERIFIER.REVOCATION_CHECK';
const TARGET = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${'ab'.repeat(32)}`,
  size: 1,
};

let who: { signer: envelope.Signer };
let chain: pki.Certificate[];
let root: pki.Certificate;

beforeAll(async () => {
  // CERT-7: a lone self-signed certificate is a leaf, and the trust store holds it.
  const made = await selfSignedSigner(pki.Certificate.fromDer, {
    name: 'Plugin Leaf',
    keySpec: 'EC-256',
    notBefore: new Date(Date.now() - 86_400_000),
  });
  who = { signer: envelope.signerFromCryptoKey(made.privateKey, [made.certificate]) };
  chain = [made.certificate];
  root = made.certificate;
});

type Extended = envelope.ExtendedAttribute[];

const DEFAULT_EXTENDED: Extended = [
  { key: 'io.cncf.notary.verificationPlugin', value: PLUGIN, critical: true },
  { key: 'io.cncf.notary.verificationPluginMinVersion', value: '1.2.0', critical: true },
  { key: 'com.example.level', value: 3, critical: true },
  { key: 'com.example.note', value: 'informational', critical: false },
];

/** A JWS envelope signed with these extended attributes (notary.x509). */
async function signed(options: { extended?: Extended; expiry?: number } = {}): Promise<Uint8Array> {
  return (
    await envelope.signEnvelope({
      mediaType: envelope.MEDIA_TYPE_JWS,
      signer: who.signer,
      targetArtifact: TARGET,
      extendedAttributes: options.extended ?? DEFAULT_EXTENDED,
      signingTime: new Date(Date.now() - 3_600_000),
      ...(options.expiry ? { expiresInSeconds: options.expiry } : {}),
    })
  ).bytes;
}

/**
 * A notary.x509.signingAuthority JWS envelope (what a signing service
 * returns). signEnvelope makes notary.x509 only (SIGN-2 [impl]) and the
 * envelope encoders are internal, so the JWS is written here by hand
 * (ENV-JWS-1, ENV-JWS-3): critical extended attributes are listed in `crit`.
 */
async function signedBySigningAuthority(authenticSigningTime: Date, expiry: Date): Promise<Uint8Array> {
  const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
  const b64url = (bytes: Uint8Array): string => encodeBase64Url(bytes);
  const payload = b64url(json({ targetArtifact: TARGET }));
  const extended = Object.fromEntries(DEFAULT_EXTENDED.map((a) => [a.key, a.value]));
  const critical = DEFAULT_EXTENDED.filter((a) => a.critical).map((a) => a.key);
  const protectedHeader = b64url(
    json({
      alg: 'ES256',
      crit: [envelope.HEADER.signingScheme, envelope.HEADER.authenticSigningTime, envelope.HEADER.expiry, ...critical],
      cty: 'application/vnd.cncf.notary.payload.v1+json',
      [envelope.HEADER.signingScheme]: 'notary.x509.signingAuthority',
      [envelope.HEADER.authenticSigningTime]: formatRfc3339(authenticSigningTime),
      [envelope.HEADER.expiry]: formatRfc3339(expiry),
      ...extended,
    }),
  );
  const signature = await who.signer.sign(new TextEncoder().encode(`${protectedHeader}.${payload}`));
  const x5c = chain.map((c) => encodeBase64(c.der));
  return json({ payload, protected: protectedHeader, header: { x5c }, signature: b64url(signature) });
}

const statement = (level: string, extra: Partial<TrustPolicyStatement> = {}): TrustPolicyStatement =>
  ({
    name: 'plugins',
    registryScopes: ['*'],
    signatureVerification: { level, ...(extra.signatureVerification ?? {}) },
    trustStores: ['ca:test'],
    trustedIdentities: ['*'],
    ...extra,
  }) as unknown as TrustPolicyStatement;

interface Script {
  metadata?: Partial<PluginMetadata> | Error;
  respond?: (request: VerifySignatureRequest) => VerifySignatureResponse | Promise<VerifySignatureResponse>;
}

/** A runner that answers as scripted and records what it was asked. */
function runner(
  script: Script = {},
): VerificationRunner & { requests: VerifySignatureRequest[]; metadataCalls: unknown[] } {
  const requests: VerifySignatureRequest[] = [];
  const metadataCalls: unknown[] = [];
  return {
    requests,
    metadataCalls,
    async metadata(name, options) {
      metadataCalls.push({ name, options });
      if (script.metadata instanceof Error) throw script.metadata;
      return {
        name,
        description: 'scripted',
        url: 'https://plugin.example',
        version: '1.2.0',
        capabilities: [TI, RC],
        supportedContractVersions: ['1.0'],
        ...script.metadata,
      };
    },
    async verifySignature(_name, request) {
      requests.push(request);
      if (script.respond) return script.respond(request);
      return {
        verificationResults: Object.fromEntries(
          request.trustPolicy.signatureVerification.map((c) => [c, { success: true }]),
        ),
        processedAttributes: request.signature.unprocessedAttributes,
      };
    },
  };
}

async function verify(
  options: {
    runner?: VerificationRunner;
    bytes?: Uint8Array;
    statement?: TrustPolicyStatement;
    revocationCalls?: number[];
  } & Partial<SignatureVerificationOptions> = {},
): Promise<VerificationResult | VerificationError> {
  const { runner: r, bytes, statement: s, revocationCalls, ...rest } = options;
  return verifySignatureEnvelope(bytes ?? (await signed()), envelope.MEDIA_TYPE_JWS, {
    statement: s ?? statement('strict'),
    trustStore: new MemoryTrustStore({ 'ca:test': [root] }),
    revocationChecker: async () => {
      revocationCalls?.push(1);
      return [];
    },
    ...(r ? { verificationPlugins: r } : {}),
    ...rest,
  }).catch((error: unknown) => {
    if (error instanceof VerificationError) return error;
    throw error;
  });
}

function failure(outcome: VerificationResult | VerificationError): VerificationError {
  expect(outcome, 'expected verification to fail').toBeInstanceOf(VerificationError);
  return outcome as VerificationError;
}

describe('plugin lookup and metadata (VER-10 step 2, PLG-13)', () => {
  it('ATTR-4: without a runner, an envelope naming a plugin still fails with ERR_VERIFICATION_PLUGIN_REQUIRED', async () => {
    const error = failure(await verify());
    expect(error.check).toBe('plugin');
    expect((error.cause as { code: string }).code).toBe('ERR_VERIFICATION_PLUGIN_REQUIRED');
  });

  it('PLG-13: a missing plugin fails, whatever the level, before authenticity runs', async () => {
    for (const level of ['strict', 'audit']) {
      const error = failure(
        await verify({
          runner: runner({ metadata: new Error('plugin executable file is either not found or inaccessible') }),
          statement: statement(level),
        }),
      );
      expect(error.check).toBe('plugin');
      expect(error.cause).toBeInstanceOf(VerificationPluginError);
      expect((error.cause as VerificationPluginError).code).toBe('ERR_VERIFICATION_PLUGIN_UNAVAILABLE');
      expect((error.cause as VerificationPluginError).plugin).toBe(PLUGIN);
      expect(error.message).toContain(`error while locating the verification plugin "${PLUGIN}"`);
      expect(error.result.checks.authenticity.outcome).toBe('skipped');
    }
  });

  it('PLG-13: a plugin older than the minimum version fails', async () => {
    const error = failure(await verify({ runner: runner({ metadata: { version: '1.1.9' } }) }));
    expect((error.cause as VerificationPluginError).code).toBe('ERR_VERIFICATION_PLUGIN_VERSION');
    expect(error.message).toContain(
      `found plugin ${PLUGIN} with version 1.1.9 but signature verification needs plugin version greater than or equal to 1.2.0`,
    );
    // A pre-release of the minimum is older than the minimum.
    expect(failure(await verify({ runner: runner({ metadata: { version: '1.2.0-rc.1' } }) })).cause).toBeInstanceOf(
      VerificationPluginError,
    );
    // Newer passes; build metadata is ignored.
    expect(await verify({ runner: runner({ metadata: { version: '1.2.0+build.7' } }) })).toMatchObject({
      verified: true,
    });
  });

  it('PLG-13 [impl]: versions must be strict SemVer 2.0 without a "v"', async () => {
    const error = failure(await verify({ runner: runner({ metadata: { version: 'v1.2.0' } }) }));
    expect(error.message).toContain(`plugin ${PLUGIN} has pluginVersion v1.2.0 which is not in valid semver format`);
    const badMin = await signed({
      extended: [
        { key: 'io.cncf.notary.verificationPlugin', value: PLUGIN, critical: true },
        { key: 'io.cncf.notary.verificationPluginMinVersion', value: '1.2', critical: true },
      ],
    });
    expect((failure(await verify({ runner: runner(), bytes: badMin })).cause as VerificationPluginError).code).toBe(
      'ERR_VERIFICATION_PLUGIN_VERSION',
    );
  });

  it('PLG-13: a min version without a plugin name is ignored', async () => {
    const noPlugin = await signed({
      extended: [{ key: 'io.cncf.notary.verificationPluginMinVersion', value: '9.9.9', critical: true }],
    });
    expect(await verify({ bytes: noPlugin })).toMatchObject({ verified: true });
  });

  it('PLG-13: a plugin without a SIGNATURE_VERIFIER.* capability fails, naming the plugin', async () => {
    const error = failure(
      await verify({ runner: runner({ metadata: { capabilities: ['SIGNATURE_GENERATOR.RAW'] } }) }),
    );
    expect((error.cause as VerificationPluginError).code).toBe('ERR_VERIFICATION_PLUGIN_CAPABILITY');
    expect(error.message).toContain(
      `digital signature requires plugin "${PLUGIN}" with signature verification capabilities`,
    );
  });
});

describe('verify-signature (VER-8, PLG-14, PLG-15, AMB-8, AMB-9)', () => {
  it('PLG-14 AMB-8: the request carries exactly the envelope attributes, the statement identities, the capabilities and the config', async () => {
    const r = runner();
    const result = await verify({ runner: r, pluginConfig: { tenant: 'a' } });
    expect(result).toMatchObject({ verified: true });
    expect(r.metadataCalls).toEqual([{ name: PLUGIN, options: { pluginConfig: { tenant: 'a' } } }]);
    expect(r.requests).toEqual([
      {
        signature: {
          criticalAttributes: {
            contentType: 'application/vnd.cncf.notary.payload.v1+json',
            signingScheme: 'notary.x509',
            // AMB-8: notation-go always sends expiry, the Go zero time when there is none.
            expiry: GO_ZERO_TIME,
            // AMB-8: every extended attribute but the plugin's own two, critical or not.
            extendedAttributes: { 'com.example.level': 3, 'com.example.note': 'informational' },
          },
          // ATTR-3: the critical ones the verifier leaves to the plugin.
          unprocessedAttributes: ['com.example.level'],
          certificateChain: chain.map((c) => c.der),
        },
        trustPolicy: { trustedIdentities: ['*'], signatureVerification: [TI, RC] },
        pluginConfig: { tenant: 'a' },
      },
    ]);
    expect(GO_ZERO_TIME.toISOString()).toBe('0001-01-01T00:00:00.000Z');
  });

  it('PLG-14: under signingAuthority the authentic signing time and the expiry are sent', async () => {
    const r = runner();
    const expiry = new Date(Math.floor(Date.now() / 1000) * 1000 + 86_400_000);
    const authentic = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
    const sa = await signedBySigningAuthority(authentic, expiry);
    await verify({
      runner: r,
      bytes: sa,
      trustStore: new MemoryTrustStore({ 'signingAuthority:test': [root] }),
      statement: statement('strict', { trustStores: ['signingAuthority:test'] } as never),
    });
    const attributes = r.requests[0]!.signature.criticalAttributes;
    expect(attributes.authenticSigningTime).toEqual(authentic);
    expect(attributes.expiry).toEqual(expiry);
  });

  it('PLG-15 ATTR-3: a critical attribute the plugin leaves unprocessed fails verification', async () => {
    const r = runner({
      respond: (req) => ({
        verificationResults: { [TI]: { success: true }, [RC]: { success: true } },
        processedAttributes: req.signature.unprocessedAttributes.slice(1),
      }),
    });
    const error = failure(await verify({ runner: r, statement: statement('audit') }));
    expect(error.check).toBe('plugin');
    expect((error.cause as VerificationPluginError).code).toBe('ERR_VERIFICATION_PLUGIN_UNPROCESSED_ATTRIBUTE');
    expect(error.message).toContain(
      `extended critical attribute "com.example.level" was not processed by the verification plugin "${PLUGIN}"`,
    );
  });

  it('AMB-9: a missing result is inconclusive; extra results and extra processed attributes are ignored', async () => {
    const missing = runner({
      respond: () => ({ verificationResults: { [TI]: { success: true } }, processedAttributes: ['com.example.level'] }),
    });
    const error = failure(await verify({ runner: missing }));
    expect((error.cause as VerificationPluginError).code).toBe('ERR_VERIFICATION_PLUGIN_INCONCLUSIVE');
    expect(error.message).toContain(`verification plugin "${PLUGIN}" failed to verify "${RC}"`);
    const extra = runner({
      respond: () => ({
        verificationResults: {
          [TI]: { success: true },
          [RC]: { success: true },
          'SIGNATURE_VERIFIER.OTHER': { success: false },
        },
        processedAttributes: ['com.example.level', 'x', 7],
      }),
    });
    expect(await verify({ runner: extra })).toMatchObject({ verified: true });
  });

  it('VER-8: a runner failure in verify-signature fails verification as ERR_VERIFICATION_PLUGIN_FAILED', async () => {
    const error = failure(
      await verify({ runner: runner({ respond: () => Promise.reject(new Error('plugin crashed')) }) }),
    );
    expect((error.cause as VerificationPluginError).code).toBe('ERR_VERIFICATION_PLUGIN_FAILED');
    expect(error.message).toContain(`failed to verify with plugin ${PLUGIN}`);
  });
});

describe('capabilities replace the built-in checks (VER-10, PLG-15)', () => {
  it('PLG-15: TRUSTED_IDENTITY failing under strict fails authenticity, enforced', async () => {
    const r = runner({
      respond: () => ({
        verificationResults: { [TI]: { success: false, reason: 'not on the allow list' }, [RC]: { success: true } },
        processedAttributes: ['com.example.level'],
      }),
    });
    const error = failure(await verify({ runner: r, statement: statement('strict') }));
    expect(error.check).toBe('authenticity');
    expect(error.result.checks.authenticity).toMatchObject({ outcome: 'failed-enforced', action: 'enforce' });
    expect((error.cause as VerificationPluginError).code).toBe('ERR_VERIFICATION_PLUGIN_TRUSTED_IDENTITY');
    expect(error.message).toContain(
      `trusted identify verification by plugin "${PLUGIN}" failed with reason "not on the allow list"`,
    );
  });

  it('PLG-15: TRUSTED_IDENTITY failing under audit is logged under authenticity and verification succeeds', async () => {
    const r = runner({
      respond: () => ({
        verificationResults: { [TI]: { success: false, reason: 'not on the allow list' }, [RC]: { success: true } },
        processedAttributes: ['com.example.level'],
      }),
    });
    const result = (await verify({ runner: r, statement: statement('audit') })) as VerificationResult;
    expect(result.verified).toBe(true);
    expect(result.checks.authenticity).toMatchObject({ outcome: 'failed-logged', action: 'log' });
    expect(result.checks.authenticity.error?.code).toBe('ERR_VERIFICATION_PLUGIN_TRUSTED_IDENTITY');
    expect(result.checks.revocation.outcome).toBe('passed');
  });

  it('VER-10: with TRUSTED_IDENTITY the built-in identity check does not run; without it, it does', async () => {
    const strangers = statement('strict', {
      trustedIdentities: ['x509.subject: C=US, ST=WA, L=Seattle, O=Notary, CN=Someone Else'],
    } as never);
    expect(await verify({ runner: runner(), statement: strangers })).toMatchObject({ verified: true });
    const revocationOnly = runner({ metadata: { capabilities: [RC] } });
    const error = failure(await verify({ runner: revocationOnly, statement: strangers }));
    expect(error.check).toBe('authenticity');
    expect((error.cause as { code: string }).code).toBe('ERR_IDENTITY_MISMATCH');
  });

  it('VER-10 PLG-15: REVOCATION_CHECK replaces the built-in revocation check and reports under revocation with its action', async () => {
    const calls: number[] = [];
    const ok = (await verify({ runner: runner(), revocationCalls: calls })) as VerificationResult;
    expect(ok.checks.revocation.outcome).toBe('passed');
    expect(calls).toEqual([]);
    const revoked = runner({
      respond: () => ({
        verificationResults: { [TI]: { success: true }, [RC]: { success: false, reason: 'revoked by issuer' } },
        processedAttributes: ['com.example.level'],
      }),
    });
    const strict = failure(await verify({ runner: revoked }));
    expect(strict.check).toBe('revocation');
    expect((strict.cause as VerificationPluginError).code).toBe('ERR_VERIFICATION_PLUGIN_REVOCATION');
    expect(strict.message).toContain(
      `revocation check by verification plugin "${PLUGIN}" failed with reason "revoked by issuer"`,
    );
    const permissive = (await verify({ runner: revoked, statement: statement('permissive') })) as VerificationResult;
    expect(permissive.verified).toBe(true);
    expect(permissive.checks.revocation).toMatchObject({ outcome: 'failed-logged', action: 'log' });
  });

  it('PLG-14 [impl]: REVOCATION_CHECK is dropped when the policy skips revocation, and nothing checks revocation', async () => {
    const calls: number[] = [];
    const r = runner();
    const skipRevocation = statement('strict', {
      signatureVerification: { level: 'strict', override: { revocation: 'skip' } },
    } as never);
    const result = (await verify({
      runner: r,
      statement: skipRevocation,
      revocationCalls: calls,
    })) as VerificationResult;
    expect(result.verified).toBe(true);
    expect(r.requests[0]!.trustPolicy.signatureVerification).toEqual([TI]);
    expect(result.checks.revocation.outcome).toBe('skipped');
    expect(calls).toEqual([]);
    // With only REVOCATION_CHECK and revocation skipped, verify-signature is not called at all.
    const only = runner({ metadata: { capabilities: [RC] } });
    expect(await verify({ runner: only, statement: skipRevocation })).toMatchObject({ verified: true });
    expect(only.requests).toEqual([]);
  });

  it('PLG-16: extended attribute values reach the plugin as the JSON primitives they are', async () => {
    const r = runner({
      respond: (req) => ({
        verificationResults: { [TI]: { success: true }, [RC]: { success: true } },
        processedAttributes: req.signature.unprocessedAttributes,
      }),
    });
    const primitives = await signed({
      extended: [
        { key: 'io.cncf.notary.verificationPlugin', value: PLUGIN, critical: true },
        { key: 'a', value: 'text', critical: true },
        { key: 'b', value: 2.5, critical: true },
        { key: 'c', value: false, critical: false },
        { key: 'd', value: null, critical: true },
      ],
    });
    expect(await verify({ runner: r, bytes: primitives })).toMatchObject({ verified: true });
    expect(r.requests[0]!.signature.criticalAttributes.extendedAttributes).toEqual({
      a: 'text',
      b: 2.5,
      c: false,
      d: null,
    });
    expect(r.requests[0]!.signature.unprocessedAttributes).toEqual(['a', 'b', 'd']);
  });
});
