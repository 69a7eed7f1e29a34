import {
  addUserMetadata,
  type EnvelopeMediaType,
  type ExtendedAttribute,
  MEDIA_TYPE_JWS,
  type Signer,
  signEnvelope,
  type VerifiedEnvelope,
} from '@x/notary-envelope';
import { buildSignatureManifest, type Descriptor, OciError, ReferrersError, type Repository } from '@x/notary-oci';
import type { EnvelopeGenerator } from '@x/notary-plugin';
import { WorkflowError } from './errors.js';
import { resolveTarget } from './target.js';
import { type TimestampingOptions, timestamper } from './timestamping.js';

export interface SignOptions {
  /** Where the artifact is and the signature goes: a registry, an OCI layout, or memory. */
  repository: Repository;
  /** A tag or a digest in that repository (a tag is resolved, with a warning: SIGN-1). */
  reference: string;
  /** Signs the envelope this SDK builds; give either this or `envelopeGenerator`. */
  signer?: Signer;
  /**
   * Builds the whole envelope (an ENVELOPE plugin, `createPluginEnvelopeGenerator`):
   * its envelope is already verified against the request, it owns the times
   * and any timestamp, and its annotations go onto the signature manifest (PLG-10).
   */
  envelopeGenerator?: EnvelopeGenerator;
  /** `application/jose+json` (notation's default) or `application/cose`. */
  signatureMediaType?: EnvelopeMediaType;
  expiresInSeconds?: number;
  /** Added to the target's annotations (PAY-3: not `io.cncf.notary…`, no collisions). */
  userMetadata?: Readonly<Record<string, string>>;
  timestamp?: TimestampingOptions;
  /**
   * true: the legacy manifest form of notation ≤ v1.3.2 (OCI-3); false: the
   * OCI 1.1 form (OCI-2). Unset: the repository's `signatureManifestForm`
   * (legacy for OCI layouts, issue 13 item 1), else OCI-2.
   */
  legacyManifest?: boolean;
  /** Annotations for the signature manifest (e.g. from a plugin's generate-envelope). */
  manifestAnnotations?: Readonly<Record<string, string>>;
  extendedAttributes?: readonly ExtendedAttribute[];
  signingAgent?: string;
  signingTime?: Date;
  /** Told about non-fatal concerns, such as signing by tag. */
  onWarning?: (message: string) => void;
}

export interface SignResult {
  /** The signature manifest pushed (OCI-1). */
  signatureManifest: Descriptor;
  /** The artifact that was signed. */
  target: Descriptor;
  envelope: Uint8Array;
}

/**
 * Signs an OCI artifact (SIGN-1, SIGN-2): resolve the reference, build the
 * payload with the user metadata, sign (re-verified by the envelope layer),
 * optionally timestamp (TSA-1, TSA-2), then push the envelope blob and the
 * signature manifest whose subject is the artifact (OCI-1 … OCI-6). The
 * artifact must already be in the repository.
 */
export async function sign(options: SignOptions): Promise<SignResult> {
  const { repository, signer, envelopeGenerator } = options;
  if ((signer === undefined) === (envelopeGenerator === undefined)) {
    throw new WorkflowError('ERR_INVALID_REQUEST', 'sign needs exactly one of signer and envelopeGenerator');
  }
  const target = await resolveTarget(repository, options.reference, options.onWarning);
  const signatureMediaType = options.signatureMediaType ?? MEDIA_TYPE_JWS;
  const targetArtifact = addUserMetadata(
    {
      mediaType: target.mediaType,
      digest: target.digest,
      size: target.size,
      ...(target.annotations ? { annotations: target.annotations } : {}),
    },
    options.userMetadata ?? {},
  );
  let envelope: { bytes: Uint8Array; verified: VerifiedEnvelope; annotations?: Record<string, string> };
  if (envelopeGenerator) {
    // PLG-10: the plugin builds the envelope and owns its times and timestamp; notation never alters them.
    if (options.timestamp || options.extendedAttributes || options.signingTime || options.signingAgent) {
      throw new WorkflowError(
        'ERR_INVALID_REQUEST',
        'an envelope plugin sets the timestamp, signed attributes, signing time and agent itself',
      );
    }
    envelope = await envelopeGenerator.generate({
      targetArtifact,
      mediaType: signatureMediaType,
      ...(options.expiresInSeconds !== undefined ? { expiresInSeconds: options.expiresInSeconds } : {}),
    });
  } else {
    envelope = await signEnvelope({
      mediaType: signatureMediaType,
      signer: signer!,
      targetArtifact,
      ...(options.expiresInSeconds !== undefined ? { expiresInSeconds: options.expiresInSeconds } : {}),
      ...(options.signingTime ? { signingTime: options.signingTime } : {}),
      ...(options.signingAgent ? { signingAgent: options.signingAgent } : {}),
      ...(options.extendedAttributes ? { extendedAttributes: options.extendedAttributes } : {}),
      ...(options.timestamp ? { timestamp: timestamper(options.timestamp, signer!) } : {}),
    });
  }
  const signedAttributes = envelope.verified.content.signerInfo.signedAttributes;
  const built = buildSignatureManifest({
    envelope: envelope.bytes,
    envelopeMediaType: signatureMediaType,
    subject: { mediaType: target.mediaType, digest: target.digest, size: target.size },
    certificateChainDer: envelope.verified.content.signerInfo.certificateChain.map((c) => c.der),
    // signingAuthority envelopes (from a signing service) carry the authentic time instead.
    signingTime: (signedAttributes.signingTime ?? signedAttributes.authenticSigningTime)!,
    ...(options.manifestAnnotations || envelope.annotations
      ? { annotations: { ...envelope.annotations, ...options.manifestAnnotations } }
      : {}),
    ...((options.legacyManifest ?? repository.signatureManifestForm === 'legacy') ? { legacy: true } : {}),
  });
  try {
    for (const blob of built.blobs) await repository.pushBlob(blob.bytes, blob.descriptor.mediaType);
    const pushed = await repository.pushManifest(built.manifest, built.descriptor.mediaType);
    return {
      signatureManifest: {
        ...built.descriptor,
        ...pushed,
        ...(built.descriptor.artifactType ? { artifactType: built.descriptor.artifactType } : {}),
      },
      target,
      envelope: envelope.bytes,
    };
  } catch (error) {
    // OCI-8 [impl]: the signature and the new tag-schema index are in place when
    // only deleting the stale index failed; notation warns and succeeds.
    if (error instanceof ReferrersError && error.isReferrersIndexDelete) {
      options.onWarning?.(`the signature was pushed, but ${error.message}`);
      return { signatureManifest: built.descriptor, target, envelope: envelope.bytes };
    }
    if (error instanceof OciError)
      throw new WorkflowError('ERR_PUSH_FAILED', `failed to push the signature: ${error.message}`, { cause: error });
    throw error;
  }
}
