/**
 * `notary sign`: signs an OCI artifact in a registry or an OCI layout
 * (SIGN-1, SIGN-2) with the key of `--key`, the default key or a plugin
 * key (`--plugin --id`, PLG-7 … PLG-12), as notation
 * does: JWS unless `--signature-format cose`, optional expiry, user metadata
 * and RFC 3161 timestamp, the signature pushed as a referrer of the artifact.
 */
import { sign } from '@x/notary-core';
import { booleanFlag, type CommandSpec, requireExclusive } from '../args.js';
import { usageError } from '../errors.js';
import { SIGNER_FLAGS, signingRequest } from '../signing.js';
import { openTarget, REGISTRY_FLAGS, resolveOpenedTarget } from '../target.js';

export const signCommand: CommandSpec = {
  name: 'sign',
  usage: 'sign [flags] <reference>',
  summary: 'Sign artifacts',
  flags: {
    ...SIGNER_FLAGS,
    ...REGISTRY_FLAGS,
    'oci-layout': {
      type: 'boolean',
      description: 'sign the artifact stored as OCI image layout; the reference is <path>:<tag> or <path>@<digest>',
    },
    'force-referrers-tag': { type: 'boolean', description: 'force to store signatures using the referrers tag schema' },
    'legacy-manifest': {
      type: 'boolean',
      description: 'push the signature manifest in the legacy form of notation <= v1.3.2 instead of the OCI 1.1 form',
    },
  },
  async run(context, args) {
    const reference = args.positionals[0];
    if (reference === undefined)
      throw usageError(
        'missing reference to the artifact: use `notary sign --help` to see what parameters are required',
      );
    requireExclusive(args, ['oci-layout', 'force-referrers-tag']);
    const request = await signingRequest(context, args);
    const opened = await openTarget(context, args, reference, {
      ociLayout: booleanFlag(args, 'oci-layout'),
      forceReferrersTag: booleanFlag(args, 'force-referrers-tag'),
    });
    const target = await resolveOpenedTarget(opened, (tag) =>
      context.warn(
        `Always sign the artifact using digest(@sha256:...) rather than a tag(:${tag}) because tags are mutable and a tag reference can point to a different artifact than the one signed.`,
      ),
    );
    const result = await sign({
      repository: target.repository,
      // Sign what was resolved: a tag cannot move between resolving and signing.
      reference: target.descriptor.digest,
      ...(request.signer
        ? { signer: request.signer, ...(request.signingAgent ? { signingAgent: request.signingAgent } : {}) }
        : { envelopeGenerator: request.envelopeGenerator }),
      signatureMediaType: request.signatureMediaType,
      ...(request.expiresInSeconds !== undefined ? { expiresInSeconds: request.expiresInSeconds } : {}),
      userMetadata: request.userMetadata,
      ...(request.timestamp ? { timestamp: request.timestamp } : {}),
      ...(booleanFlag(args, 'legacy-manifest') ? { legacyManifest: true } : {}),
    });
    context.print(`Successfully signed ${target.displayName}@${result.target.digest}\n`);
    context.print(`Pushed the signature to ${target.displayName}@${result.signatureManifest.digest}\n`);
  },
};
