/**
 * `notary verify`: verifies an OCI artifact's signatures under the OCI trust
 * policy of the config directory (WF-1 … WF-3): the first signature that
 * verifies wins, at most `--max-signatures` are tried. `-o json` prints every
 * signature's full per-check result, on success and on failure.
 */
import { type SignatureAttempt, VerificationError, type VerifyOutcome, verify, WorkflowError } from '@x/notary-core';
import { loadOciTrustPolicyFile } from '@x/notary-trust-policy/node';
import { booleanFlag, type CommandSpec, listFlag, parseKeyValuePairs, requireTogether, stringFlag } from '../args.js';
import type { CommandContext } from '../context.js';
import { usageError } from '../errors.js';
import { formatGoJson } from '../output/json.js';
import { verificationResultJson } from '../output/verification.js';
import { pluginTimeoutOf } from '../plugin-timeout.js';
import { openTarget, REGISTRY_FLAGS, type ResolvedTarget, resolveOpenedTarget, tagWarning } from '../target.js';
import {
  outputFormat,
  printVerificationSuccess,
  revocationOptionsOf,
  trustStoreOf,
  VERIFICATION_FLAGS,
  verificationPluginOptionsOf,
} from '../verification-setup.js';
import { logResolved } from './list.js';

/** notation's `--max-signatures` check (WF-3: > 0). */
export function maxSignaturesOf(text: string | undefined): number {
  const value = text === undefined ? 100 : Number(text);
  if (!/^-?\d+$/.test(text ?? '100'))
    throw usageError(
      `invalid argument "${text}" for "--max-signatures" flag: strconv.ParseInt: parsing "${text}": invalid syntax`,
    );
  if (value <= 0) throw usageError(`max-signatures value ${value} must be a positive number`);
  return value;
}

/**
 * issue 13 item 6: every signature tried names its signature manifest, the
 * failed ones too, so a reader can tell which signature failed and why.
 */
function printJson(
  context: CommandContext,
  target: ResolvedTarget,
  attempts: readonly SignatureAttempt[],
  verified: boolean,
  error?: unknown,
): void {
  const expected = {
    digest: target.descriptor.digest,
    size: target.descriptor.size,
    mediaType: target.descriptor.mediaType,
  };
  const lastError =
    error instanceof WorkflowError && error.cause instanceof VerificationError ? error.cause : undefined;
  const document = {
    reference: target.resolvedReference,
    verified,
    signatures: attempts.map((attempt) =>
      verificationResultJson(attempt.result, {
        expected,
        signatureManifest: attempt.signatureManifest.digest,
        ...(lastError ? { error: lastError } : {}),
      }),
    ),
  };
  context.print(formatGoJson(document));
}

export const verifyCommand: CommandSpec = {
  name: 'verify',
  usage: 'verify [flags] <reference>',
  summary: 'Verify OCI artifacts',
  flags: {
    ...REGISTRY_FLAGS,
    ...VERIFICATION_FLAGS,
    'max-signatures': {
      type: 'int',
      default: '100',
      description: 'maximum number of signatures to evaluate or examine',
    },
    'oci-layout': { type: 'boolean', description: 'verify the artifact stored as OCI image layout (requires --scope)' },
    scope: {
      type: 'string',
      description:
        'trust policy scope for artifact verification, required and can only be used when flag "--oci-layout" is set',
    },
    output: { type: 'string', short: 'o', default: 'text', description: "output format, options: 'text', 'json'" },
  },
  async run(context, args) {
    const reference = args.positionals[0];
    if (reference === undefined)
      throw usageError(
        'missing reference to the artifact: use `notary verify --help` to see what parameters are required',
      );
    requireTogether(args, ['oci-layout', 'scope']);
    const format = outputFormat(args, ['text', 'json']);
    const maxSignatureAttempts = maxSignaturesOf(stringFlag(args, 'max-signatures'));
    const pluginConfig = parseKeyValuePairs(listFlag(args, 'plugin-config'), '--plugin-config');
    const userMetadata = parseKeyValuePairs(listFlag(args, 'user-metadata'), '--user-metadata');
    const policy = await loadOciTrustPolicyFile(context.configDir);
    const opened = await openTarget(context, args, reference, { ociLayout: booleanFlag(args, 'oci-layout') });
    let hadWarning = false;
    const warnTag = tagWarning(context, 'verify');
    const target = await resolveOpenedTarget(opened, (tag) => {
      hadWarning = true;
      warnTag(tag);
    });
    logResolved(context, reference, target);
    const scope = stringFlag(args, 'scope');
    // TP-9: the statement is picked by `<repository>@<digest>`; --scope names the repository of a layout.
    const artifactReference = scope ? `${scope}@${target.descriptor.digest}` : target.resolvedReference;
    let outcome: VerifyOutcome;
    try {
      outcome = await verify({
        repository: target.repository,
        // Already resolved: verify must not HEAD the subject again (issue 13 item 9).
        reference: target.descriptor,
        artifactReference,
        policy,
        trustStore: trustStoreOf(context),
        revocation: revocationOptionsOf(context),
        maxSignatureAttempts,
        ...verificationPluginOptionsOf(context, pluginConfig, pluginTimeoutOf(args)),
        userMetadata,
        // The listing is lazy (issue 12 finding 2), so the total is not known up front.
        onSignature: (index, _listed, signatureManifest) =>
          context.info(`Verifying signature ${index + 1}: ${signatureManifest.digest}`),
      });
    } catch (error) {
      // -o json: a failed verification is still a document (no signature at all is an empty list).
      if (format === 'json' && error instanceof WorkflowError) printJson(context, target, error.attempts, false, error);
      throw error;
    }
    if (format === 'json') {
      // A `skip` level verifies nothing: no signature was tried, and the result says so.
      if (outcome.attempts.length > 0) printJson(context, target, outcome.attempts, true);
      else
        context.print(
          formatGoJson({
            reference: target.resolvedReference,
            verified: true,
            signatures: [verificationResultJson(outcome.result)],
          }),
        );
      return;
    }
    printVerificationSuccess(context, outcome.result, target.resolvedReference, hadWarning);
  },
};
