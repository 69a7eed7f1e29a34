/**
 * `notary list` (alias `ls`): the Notary signatures of an artifact (OCI-7,
 * OCI-8), as notation's tree, at most `--max-signatures` of them.
 */
import { ARTIFACT_TYPE_NOTARY_SIGNATURE, type Descriptor, listReferrers } from '@x/notary-oci';
import { booleanFlag, type CommandSpec, stringFlag } from '../args.js';
import type { CommandContext } from '../context.js';
import { usageError } from '../errors.js';
import { TreeNode } from '../output/text.js';
import { openTarget, REGISTRY_FLAGS, type ResolvedTarget, resolveOpenedTarget, tagWarning } from '../target.js';
import { maxSignaturesOf } from './verify.js';

/** `-v`: the digest a reference resolved to, as notation's verbose mode logs it. */
export function logResolved(context: CommandContext, reference: string, target: ResolvedTarget): void {
  const { mediaType, digest, size } = target.descriptor;
  context.info(
    `Reference ${reference} resolved to manifest descriptor: {MediaType:${mediaType} Digest:${digest} Size:${size}}`,
  );
}

/**
 * The signature referrers, cut at `max`; `exceeded` tells whether more were
 * there (WF-3's limit, as notation's list applies it). Pages are fetched only
 * until the limit is passed (issue 12 finding 2).
 */
export async function listSignatureManifests(
  target: ResolvedTarget,
  max: number,
): Promise<{ signatures: Descriptor[]; exceeded: boolean }> {
  const { referrers, exceeded } = await listReferrers(target.repository, target.descriptor, {
    artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE,
    limit: max,
  });
  return { signatures: referrers, exceeded };
}

export const listCommand: CommandSpec = {
  name: 'list',
  aliases: ['ls'],
  usage: 'list [flags] <reference>',
  summary: 'List signatures of the signed artifact',
  flags: {
    ...REGISTRY_FLAGS,
    'oci-layout': { type: 'boolean', description: 'list signatures stored in OCI image layout' },
    'max-signatures': {
      type: 'int',
      default: '100',
      description: 'maximum number of signatures to evaluate or examine',
    },
  },
  async run(context, args) {
    const reference = args.positionals[0];
    if (reference === undefined)
      throw usageError(
        'missing reference to the artifact: use `notary list --help` to see what parameters are required',
      );
    const max = maxSignaturesOf(stringFlag(args, 'max-signatures'));
    const opened = await openTarget(context, args, reference, { ociLayout: booleanFlag(args, 'oci-layout') });
    const target = await resolveOpenedTarget(opened, tagWarning(context, 'list'));
    logResolved(context, reference, target);
    const { signatures, exceeded } = await listSignatureManifests(target, max);
    context.info(
      `Found ${signatures.length} signature manifest(s) of ${target.resolvedReference}${exceeded ? ` (more than --max-signatures ${max})` : ''}`,
    );
    if (signatures.length === 0) {
      context.print(`${target.resolvedReference} has no associated signatures\n`);
      return;
    }
    const root = new TreeNode(target.resolvedReference);
    const type = root.add(ARTIFACT_TYPE_NOTARY_SIGNATURE);
    for (const signature of signatures) type.add(signature.digest);
    context.print(root.render());
    if (exceeded) context.warn(`exceeded configured limit of max signatures ${max} to examine`);
  },
};
