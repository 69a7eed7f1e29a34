/**
 * `notary inspect`: every signature of an artifact, parsed but not verified,
 * as notation's tree (`-o text`, the default; notation calls it `tree`) or
 * JSON (`-o json`). A signature that cannot be fetched or parsed is skipped
 * with a warning, and the command then fails, as notation's does.
 */
import { MAX_ENVELOPE_BYTES, parseSignatureManifest } from '@x/notary-oci';
import { booleanFlag, type CommandSpec, stringFlag } from '../args.js';
import { CliError, usageError } from '../errors.js';
import { inspectEnvelope, signatureJson, signatureTree } from '../output/inspect.js';
import { formatGoJson } from '../output/json.js';
import { startProgress } from '../output/progress.js';
import { TreeNode } from '../output/text.js';
import { openTarget, REGISTRY_FLAGS, resolveOpenedTarget, tagWarning } from '../target.js';
import { listSignatureManifests, logResolved } from './list.js';
import { maxSignaturesOf } from './verify.js';

export const inspectCommand: CommandSpec = {
  name: 'inspect',
  usage: 'inspect [flags] <reference>',
  summary: 'Inspect all signatures associated with the signed artifact',
  flags: {
    ...REGISTRY_FLAGS,
    'oci-layout': { type: 'boolean', description: 'inspect signatures stored in OCI image layout' },
    'max-signatures': {
      type: 'int',
      default: '100',
      description: 'maximum number of signatures to evaluate or examine',
    },
    output: {
      type: 'string',
      short: 'o',
      default: 'text',
      description: "output format, options: 'text' (alias 'tree'), 'json'",
    },
  },
  async run(context, args) {
    const reference = args.positionals[0];
    if (reference === undefined)
      throw usageError(
        'missing reference to the artifact: use `notary inspect --help` to see what parameters are required',
      );
    const format = stringFlag(args, 'output') ?? 'text';
    if (!['text', 'tree', 'json'].includes(format)) throw usageError(`invalid format: "${format}"`);
    const max = maxSignaturesOf(stringFlag(args, 'max-signatures'));
    const opened = await openTarget(context, args, reference, { ociLayout: booleanFlag(args, 'oci-layout') });
    const target = await resolveOpenedTarget(opened, tagWarning(context, 'inspect'));
    logResolved(context, reference, target);
    const { signatures, exceeded } = await listSignatureManifests(target, max);
    context.info(`Found ${signatures.length} signature manifest(s) of ${target.resolvedReference}`);
    const progress = startProgress(context, 'Inspecting signatures', signatures.length, 'items');
    const inspected = [];
    let skipped = false;
    for (const [index, descriptor] of signatures.entries()) {
      progress.update(index);
      context.info(`Inspecting signature manifest ${descriptor.digest}`);
      try {
        const manifest = await target.repository.fetchManifest(descriptor);
        const parsed = parseSignatureManifest(manifest.bytes, manifest.descriptor.mediaType);
        const envelope = await target.repository.fetchBlob(parsed.envelopeDescriptor, { maxBytes: MAX_ENVELOPE_BYTES });
        inspected.push({ digest: descriptor.digest, signature: inspectEnvelope(envelope, parsed.envelopeMediaType) });
      } catch (error) {
        context.warn(`Skipping signature ${descriptor.digest} because of error: ${(error as Error).message}`);
        skipped = true;
      }
    }
    progress.finish();
    if (format === 'json') {
      const document = {
        mediaType: target.descriptor.mediaType,
        signatures: inspected.map((i) => signatureJson(i.signature, i.digest)),
      };
      context.print(formatGoJson(document));
    } else if (inspected.length === 0) {
      context.print(`${target.resolvedReference} has no associated signature\n`);
    } else {
      const root = new TreeNode(target.resolvedReference);
      const type = root.add('application/vnd.cncf.notary.signature');
      for (const i of inspected) type.children.push(signatureTree(i.digest, i.signature));
      context.print(`Inspecting all signatures for signed artifact\n${root.render()}`);
    }
    if (exceeded) context.warn(`exceeded configured limit of max signatures ${max} to examine`);
    if (skipped) throw new CliError('ERR_INCOMPLETE', 'at least one signature was skipped and not displayed');
  },
};
