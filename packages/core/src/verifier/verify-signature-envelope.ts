import { type VerifiedEnvelope, verifyEnvelopeIntegrity } from '@x/notary-envelope';
import { checkRevocation, NotaryError, type RevocationOptions } from '@x/notary-pki';
import { bytesEqual, formatRfc1123z, goQuote } from '@x/notary-pki/foundation';
import { CAPABILITY, type VerificationRunner, type VerifySignatureResponse } from '@x/notary-plugin';
import {
  type BlobTrustPolicyDocument,
  loadAuthenticityTrustStores,
  type OciTrustPolicyDocument,
  resolveVerificationActions,
  selectBlobStatement,
  selectOciStatement,
  type TrustPolicyStatement,
  type TrustStore,
  VALIDATION_TYPES,
  type ValidationType,
  type VerificationLevel,
  verifyTrustedIdentities,
} from '@x/notary-trust-policy';
import { SIGNING_AUTHORITY, verifyAuthenticTimestamp } from './authentic-timestamp.js';
import { type RevocationChecker, revocationFailure } from './revocation-verdict.js';
import {
  type ActiveVerificationPlugin,
  prepareVerificationPlugin,
  VerificationPluginError,
  verificationPluginName,
  verificationPluginRequest,
} from './verification-plugin.js';
import {
  type CheckResult,
  VerificationCheckError,
  VerificationError,
  type VerificationResult,
} from './verification-result.js';

/** What the artifact must be (VER-3): OCI compares all three; a blob compares mediaType only when given. */
export interface VerificationTarget {
  digest: string;
  size: number;
  mediaType?: string;
}

/** Which trust-policy statement applies: given directly, or selected from a document (TP-9, BTP-2). */
export type PolicySelection =
  | { statement: TrustPolicyStatement }
  /** OCI: the statement whose registry scope holds the reference's repository, else the global one (TP-9). */
  | { policy: OciTrustPolicyDocument; artifactReference: string }
  /** Blob: the statement of that name, or the global one when no name is given (BTP-2). */
  | { policy: BlobTrustPolicyDocument; policyName?: string };

/** How to verify one signature, apart from the policy selection. */
export interface SignatureVerificationOptions {
  trustStore: TrustStore;
  /** The artifact the signature must be for (VER-3). */
  target?: VerificationTarget;
  /** Key/values that must all be in the payload annotations (VER-9). */
  userMetadata?: Readonly<Record<string, string>>;
  /** The verification instant; defaults to now. */
  now?: Date;
  /** Options for the revocation checks of the signing chain and the TSA chain (fetcher, cache, timeouts). */
  revocation?: Omit<RevocationOptions, 'purpose' | 'now' | 'signingTime' | 'signingAuthority'>;
  /** Replaces the pki revocation checker (defaults to checkRevocation). */
  revocationChecker?: RevocationChecker;
  /**
   * Runs the verification plugin an envelope names (VER-8, PLG-13 …
   * PLG-15). Without it such an envelope fails with
   * ERR_VERIFICATION_PLUGIN_REQUIRED (ATTR-4).
   */
  verificationPlugins?: VerificationRunner;
  /** Passed to the verification plugin's get-plugin-metadata and verify-signature (PLG-12, PLG-14). */
  pluginConfig?: Readonly<Record<string, string>>;
}

/** Options of {@link verifySignatureEnvelope}. */
export type VerifySignatureEnvelopeOptions = SignatureVerificationOptions & PolicySelection;

function statementOf(selection: PolicySelection): TrustPolicyStatement {
  if ('statement' in selection) return selection.statement;
  if ('artifactReference' in selection) return selectOciStatement(selection.policy, selection.artifactReference);
  return selectBlobStatement(selection.policy, selection.policyName);
}

/**
 * The result of a `skip` statement (TP-13): every check skipped, nothing
 * verified, not even that a signature exists, and verification succeeds.
 */
export function skippedVerification(statement: TrustPolicyStatement): VerificationResult {
  const checks = Object.fromEntries(
    VALIDATION_TYPES.map((type): [ValidationType, CheckResult] => [type, { type, outcome: 'skipped', action: 'skip' }]),
  ) as Record<ValidationType, CheckResult>;
  return { verified: true, level: 'skip', statement, checks };
}

function asNotaryError(error: unknown): NotaryError {
  if (error instanceof NotaryError) return error;
  return new NotaryError('ERR_UNEXPECTED', error instanceof Error ? error.message : String(error), { cause: error });
}

/**
 * Verifies one signature envelope under a trust policy, in notation-go's
 * order (VER-10): integrity (VER-2, by `@x/notary-envelope`), authenticity (trust store, then trusted
 * identities), expiry, authentic timestamp, revocation, then the payload
 * against the target and the user metadata. Each check's action comes from
 * the statement's level and overrides (TP-11, TP-6): an enforced failure
 * stops verification (TP-12), a logged one is recorded, a skipped check does
 * not run. A `skip` statement verifies nothing and succeeds (TP-13).
 *
 * (It is not pki's X.509 signature check: it judges a whole envelope.)
 *
 * ```ts
 * const result = await verifySignatureEnvelope(envelope, 'application/jose+json', {
 *   policy: parseOciTrustPolicy(policyJson),
 *   artifactReference: 'registry.example/app@sha256:…',
 *   trustStore: new MemoryTrustStore({ 'ca:acme': rootPem }),
 *   target: { digest: 'sha256:…', size: 1234, mediaType: 'application/vnd.oci.image.manifest.v1+json' },
 * });
 * result.checks.revocation.outcome; // 'passed' | 'failed-enforced' | 'failed-logged' | 'skipped'
 * ```
 *
 * Returns the full {@link VerificationResult}; throws a
 * {@link VerificationError} carrying the same result, with an entry for
 * every check, when verification fails. No statement applying is an
 * `ERR_POLICY_NOT_APPLICABLE` TrustPolicyError (VER-1).
 */
export async function verifySignatureEnvelope(
  envelope: Uint8Array,
  mediaType: string,
  options: VerifySignatureEnvelopeOptions,
): Promise<VerificationResult> {
  const statement = statementOf(options);
  const level = statement.signatureVerification.level as VerificationLevel;
  if (level === 'skip') return skippedVerification(statement);
  const actions = resolveVerificationActions(statement.signatureVerification);
  const now = options.now ?? new Date();
  const checks = Object.fromEntries(
    VALIDATION_TYPES.map((type): [ValidationType, CheckResult] => [
      type,
      { type, outcome: 'skipped', action: actions[type] },
    ]),
  ) as Record<ValidationType, CheckResult>;
  const result: VerificationResult = { verified: false, level, statement, checks };

  const fail = (message: string, check: VerificationError['check'], cause: unknown): never => {
    throw new VerificationError(`signature verification failed: ${message}`, result, check, cause);
  };
  /** Runs one check under its action; false when an enforced failure ends verification. */
  const run = async (type: ValidationType, check: () => Promise<void> | void): Promise<void> => {
    const entry = checks[type];
    if (entry.action === 'skip') return;
    try {
      await check();
      entry.outcome = 'passed';
    } catch (error) {
      entry.error = asNotaryError(error);
      if (entry.action === 'enforce') {
        entry.outcome = 'failed-enforced';
        fail(entry.error.message, type, entry.error);
      }
      entry.outcome = 'failed-logged';
    }
  };

  // 1. Integrity (VER-2), always enforced.
  let verified!: VerifiedEnvelope;
  await run('integrity', async () => {
    verified = await verifyEnvelopeIntegrity(envelope, mediaType);
  });
  const info = verified.content.signerInfo;
  const attributes = info.signedAttributes;
  const chain = info.certificateChain;
  const scheme = attributes.signingScheme;
  result.mediaType = verified.content.mediaType;
  result.certificateChain = chain;
  result.signingScheme = scheme;
  const signingTime = scheme === SIGNING_AUTHORITY ? attributes.authenticSigningTime : attributes.signingTime;
  if (signingTime) result.signingTime = signingTime;
  result.targetArtifact = verified.payload.targetArtifact;
  result.payload = verified.content.payload.bytes;

  // 2. Verification plugin lookup and metadata (VER-10 step 2, PLG-13): without a runner the
  // envelope fails, as ATTR-4 requires of a verifier that cannot run plugins.
  const pluginName = verificationPluginName(attributes);
  let plugin: ActiveVerificationPlugin | undefined;
  if (pluginName !== undefined) {
    const runner = options.verificationPlugins;
    if (!runner) {
      fail(
        `digital signature requires verification plugin ${goQuote(pluginName)}, and plugins are not supported by this verifier`,
        'plugin',
        new VerificationCheckError(
          'ERR_VERIFICATION_PLUGIN_REQUIRED',
          `verification plugin ${goQuote(pluginName)} is required`,
        ),
      );
    }
    try {
      plugin = await prepareVerificationPlugin(runner!, pluginName, attributes, options.pluginConfig);
    } catch (error) {
      fail(asNotaryError(error).message, 'plugin', error);
    }
  }

  // 3. Authenticity (VER-4): a chain certificate byte-equal to a store certificate (AMB-11), then trusted identities (DN-4).
  await run('authenticity', async () => {
    const anchors = await loadAuthenticityTrustStores(options.trustStore, statement, scheme);
    if (!chain.some((c) => anchors.some((a) => bytesEqual(a.der, c.der)))) {
      throw new VerificationCheckError(
        'ERR_UNTRUSTED_CHAIN',
        "the signature's certificate chain does not contain any trusted certificate",
      );
    }
    // VER-10 step 4: a TRUSTED_IDENTITY plugin replaces the built-in identity check.
    if (!plugin?.capabilities.has(CAPABILITY.trustedIdentity)) verifyTrustedIdentities(statement, chain[0]!);
  });

  // 4. Expiry (VER-5): expired when now ≥ expiry (ATTR-7).
  await run('expiry', () => {
    if (attributes.expiry && !(now.getTime() < attributes.expiry.getTime())) {
      throw new VerificationCheckError(
        'ERR_SIGNATURE_EXPIRED',
        `digital signature has expired on ${goQuote(formatRfc1123z(attributes.expiry))}`,
      );
    }
  });

  // 5. Authentic timestamp (VER-6, TP-14, TSA-3 … TSA-5).
  await run('authenticTimestamp', async () => {
    await verifyAuthenticTimestamp({
      statement,
      actions,
      trustStore: options.trustStore,
      signerInfo: info,
      now,
      ...(options.revocation ? { revocation: options.revocation } : {}),
      ...(options.revocationChecker ? { revocationChecker: options.revocationChecker } : {}),
      onTimestamp: (timestamp) => {
        result.timestamp = timestamp;
      },
    });
  });

  // 6. Revocation of the signing chain (VER-7, REV-1 … REV-5), unless a
  // REVOCATION_CHECK plugin replaces it (VER-10 step 7).
  if (!plugin?.capabilities.has(CAPABILITY.revocationCheck))
    await run('revocation', async () => {
      // The invalidityDate exceptions compare with a trusted signing time: the
      // authentic one, or the latest instant the verified timestamp allows.
      const trustedTime =
        scheme === SIGNING_AUTHORITY ? attributes.authenticSigningTime : result.timestamp?.range.latest;
      const results = await (options.revocationChecker ?? checkRevocation)(chain, {
        ...options.revocation,
        purpose: 'codeSigning',
        now,
        ...(trustedTime ? { signingTime: trustedTime } : {}),
        ...(scheme === SIGNING_AUTHORITY ? { signingAuthority: true } : {}),
      });
      result.revocation = results;
      const problem = revocationFailure(results, 'signing certificate');
      if (problem) throw problem;
    });

  // 7. The plugin's verify-signature (VER-8, VER-10 step 8, PLG-14, PLG-15).
  if (plugin) await runVerificationPlugin(plugin);

  // 8. The payload names the target artifact (VER-3), whatever the level.
  const target = options.target;
  if (target) {
    const signed = verified.payload.targetArtifact;
    const mismatch =
      signed.digest !== target.digest
        ? 'digest'
        : signed.size !== target.size
          ? 'size'
          : target.mediaType !== undefined && signed.mediaType !== target.mediaType
            ? 'media type'
            : undefined;
    if (mismatch) {
      fail(
        `the signature's payload does not match the artifact: ${mismatch} differs`,
        'payload',
        new VerificationCheckError(
          'ERR_PAYLOAD_MISMATCH',
          `the signature is for ${signed.digest} (${signed.size} bytes, ${signed.mediaType}), not for ${target.digest} (${target.size} bytes${target.mediaType ? `, ${target.mediaType}` : ''})`,
        ),
      );
    }
  }

  // 9. User metadata (VER-9): every pair must be in the annotations, exactly.
  for (const [key, value] of Object.entries(options.userMetadata ?? {})) {
    if (verified.payload.targetArtifact.annotations?.[key] !== value) {
      fail(
        'unable to find specified metadata in the signature',
        'userMetadata',
        new VerificationCheckError(
          'ERR_USER_METADATA_MISMATCH',
          `unable to find specified metadata in the signature: ${goQuote(key)}`,
        ),
      );
    }
  }

  result.verified = true;
  return result;

  /**
   * PLG-14: run the plugin's capabilities, REVOCATION_CHECK dropped when the
   * level skips revocation. PLG-15: every unprocessed critical attribute
   * must come back processed (ATTR-3), a missing result is inconclusive
   * (AMB-9), and a false one is a failure of authenticity
   * (TRUSTED_IDENTITY) or revocation (REVOCATION_CHECK) under that check's action.
   */
  async function runVerificationPlugin(active: ActiveVerificationPlugin): Promise<void> {
    const capabilities = [CAPABILITY.trustedIdentity, CAPABILITY.revocationCheck].filter(
      (c) => active.capabilities.has(c) && !(c === CAPABILITY.revocationCheck && checks.revocation.action === 'skip'),
    );
    if (capabilities.length === 0) return;
    const request = verificationPluginRequest(
      verified,
      statement.trustedIdentities ?? [],
      capabilities,
      options.pluginConfig,
    );
    let response: VerifySignatureResponse;
    try {
      response = await options.verificationPlugins!.verifySignature(active.name, request);
    } catch (error) {
      fail(
        `failed to verify with plugin ${active.name}`,
        'plugin',
        new VerificationPluginError(
          'ERR_VERIFICATION_PLUGIN_FAILED',
          active.name,
          `failed to verify with plugin ${active.name}: ${asNotaryError(error).message}`,
          { cause: error },
        ),
      );
    }
    for (const attribute of request.signature.unprocessedAttributes) {
      if (!response!.processedAttributes.includes(attribute)) {
        const message = `extended critical attribute ${goQuote(attribute)} was not processed by the verification plugin ${goQuote(active.name)} (all extended critical attributes must be processed by the verification plugin)`;
        fail(
          message,
          'plugin',
          new VerificationPluginError('ERR_VERIFICATION_PLUGIN_UNPROCESSED_ATTRIBUTE', active.name, message),
        );
      }
    }
    for (const capability of capabilities) {
      const verdict = response!.verificationResults[capability];
      if (!verdict) {
        const message = `verification plugin ${goQuote(active.name)} failed to verify ${goQuote(capability)}`;
        fail(
          message,
          'plugin',
          new VerificationPluginError('ERR_VERIFICATION_PLUGIN_INCONCLUSIVE', active.name, message),
        );
      }
      const type: ValidationType = capability === CAPABILITY.trustedIdentity ? 'authenticity' : 'revocation';
      const entry = checks[type];
      if (verdict!.success) {
        if (entry.outcome === 'skipped' && entry.action !== 'skip') entry.outcome = 'passed';
        continue;
      }
      const error =
        capability === CAPABILITY.trustedIdentity
          ? new VerificationPluginError(
              'ERR_VERIFICATION_PLUGIN_TRUSTED_IDENTITY',
              active.name,
              `trusted identify verification by plugin ${goQuote(active.name)} failed with reason ${goQuote(verdict!.reason ?? '')}`,
            )
          : new VerificationPluginError(
              'ERR_VERIFICATION_PLUGIN_REVOCATION',
              active.name,
              `revocation check by verification plugin ${goQuote(active.name)} failed with reason ${goQuote(verdict!.reason ?? '')}`,
            );
      if (entry.action === 'skip') continue;
      entry.error = error;
      if (entry.action === 'enforce') {
        entry.outcome = 'failed-enforced';
        fail(error.message, type, error);
      }
      entry.outcome = 'failed-logged';
    }
  }
}
