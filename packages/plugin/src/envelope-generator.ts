/**
 * The ENVELOPE adapter (PLG-10): a plugin with SIGNATURE_GENERATOR.ENVELOPE
 * builds the whole envelope; the SDK checks it as strictly as one it built,
 * and hands the plugin's annotations to the signature manifest.
 */
import {
  type TargetArtifact as Descriptor,
  EnvelopeError,
  type EnvelopeMediaType,
  encodeCosePayload,
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  parsePayload,
  type VerifiedEnvelope,
  verifyEnvelopeIntegrity,
} from '@x/notary-envelope';
import {
  type Certificate,
  NotaryError,
  TimestampToken,
  verifyTimestampSignature,
  verifyTimestampToken,
} from '@x/notary-pki';
import { PluginError } from './errors.js';
import { hasCapability } from './metadata.js';
import { mergePluginConfig } from './plugin-config.js';
import { CAPABILITY, PAYLOAD_TYPE, type PluginMetadata } from './protocol.js';
import type { PluginKeyOptions } from './raw-signer.js';

/** What to sign: the same inputs `signEnvelope` takes, minus the signer. */
export interface EnvelopeGenerationRequest {
  /** The artifact; only mediaType, digest, size and annotations are sent (PAY-6). */
  targetArtifact: Descriptor;
  mediaType: EnvelopeMediaType;
  /** Whole seconds > 0; omit for no expiry. */
  expiresInSeconds?: number;
}

/** A checked envelope and the annotations for its signature manifest. */
export interface GeneratedEnvelope {
  mediaType: EnvelopeMediaType;
  bytes: Uint8Array;
  /** The envelope's integrity-verified content (VER-2). */
  verified: VerifiedEnvelope;
  /** The plugin's `annotations`, for the signature manifest (PLG-10). */
  annotations: Record<string, string>;
}

/**
 * Anything that produces finished envelopes: what a signing workflow needs
 * in place of a Signer when the envelope comes from elsewhere.
 */
export interface EnvelopeGenerator {
  generate(request: EnvelopeGenerationRequest): Promise<GeneratedEnvelope>;
}

export interface PluginEnvelopeGenerator extends EnvelopeGenerator {
  readonly pluginName: string;
  readonly keyId: string;
  readonly metadata: PluginMetadata;
  readonly pluginConfig: Readonly<Record<string, string>>;
}

export interface PluginEnvelopeGeneratorOptions extends PluginKeyOptions {
  /**
   * TSA roots to verify a plugin-made timestamp against (TSA-3). Without
   * them the token must parse, its imprint must cover the signature, and
   * when it carries its own root its chain must meet the CERT rules.
   */
  timestampRoots?: readonly Certificate[];
}

/** Descriptor members notation-go lets a plugin keep in `targetArtifact` (PLG-10 [impl], `areUnknownAttributesAdded`). */
const KNOWN_DESCRIPTOR_MEMBERS: ReadonlySet<string> = new Set([
  'mediaType',
  'digest',
  'size',
  'urls',
  'annotations',
  'data',
  'platform',
  'artifactType',
]);

/**
 * PLG-10: the signed payload keeps every original field and annotation; the
 * plugin may add annotations only, and no unknown members anywhere.
 */
function checkPayload(plugin: string, sent: Descriptor, payloadBytes: Uint8Array): void {
  const modified = (message: string): never => {
    throw new PluginError('ERR_PLUGIN_PAYLOAD_MODIFIED', plugin, message, {
      command: 'generate-envelope',
      rule: 'PLG-10',
    });
  };
  const json = JSON.parse(new TextDecoder().decode(payloadBytes)) as Record<string, unknown>;
  const target = json.targetArtifact as Record<string, unknown>;
  const unknown = [
    ...Object.keys(target).filter((k) => !KNOWN_DESCRIPTOR_MEMBERS.has(k)),
    ...Object.keys(json).filter((k) => k !== 'targetArtifact'),
  ];
  if (unknown.length > 0)
    modified(
      `during signing, following unknown attributes were added to subject descriptor: ${JSON.stringify(unknown)}`,
    );
  const annotations = (target.annotations ?? {}) as Record<string, string>;
  const changed =
    target.mediaType !== sent.mediaType ||
    target.digest !== sent.digest ||
    target.size !== sent.size ||
    Object.entries(sent.annotations ?? {}).some(([k, v]) => !Object.hasOwn(annotations, k) || annotations[k] !== v);
  if (changed)
    modified(`during signing descriptor subject has changed from ${JSON.stringify(sent)} to ${JSON.stringify(target)}`);
}

/** The envelope's own integrity (VER-2), as the PLG-10 rule each failure breaks. */
async function verifyGenerated(
  plugin: string,
  bytes: Uint8Array,
  mediaType: EnvelopeMediaType,
): Promise<VerifiedEnvelope> {
  const command = 'generate-envelope';
  try {
    return await verifyEnvelopeIntegrity(bytes, mediaType);
  } catch (error) {
    if (!(error instanceof NotaryError)) throw error;
    const because = `[${error.code}] ${error.message}`;
    if (!(error instanceof EnvelopeError)) {
      throw new PluginError(
        'ERR_PLUGIN_CERTIFICATE_CHAIN',
        plugin,
        `the envelope's certificate chain breaks a certificate requirement ${because}`,
        { command, rule: 'PLG-10', cause: error },
      );
    }
    const code =
      error.code === 'ERR_SIGNATURE_VERIFICATION_FAILED'
        ? 'ERR_PLUGIN_SIGNATURE_INVALID'
        : error.code === 'ERR_UNSUPPORTED_ALGORITHM' || error.code === 'ERR_ALGORITHM_MISMATCH'
          ? 'ERR_PLUGIN_SIGNING_ALGORITHM'
          : error.code === 'ERR_PAYLOAD_INVALID'
            ? 'ERR_PLUGIN_PAYLOAD_MODIFIED'
            : 'ERR_PLUGIN_ENVELOPE_INVALID';
    throw new PluginError(code, plugin, `generated signature failed verification: ${because}`, {
      command,
      rule: 'PLG-10',
      cause: error,
    });
  }
}

async function checkTimestamp(
  plugin: string,
  verified: VerifiedEnvelope,
  roots: readonly Certificate[] | undefined,
): Promise<void> {
  const info = verified.content.signerInfo;
  const der = info.unsignedAttributes.timestampSignature;
  if (!der) return;
  try {
    const token = TimestampToken.parse(der);
    token.validateImprint(info.signature);
    if (roots && roots.length > 0) {
      await verifyTimestampToken({ token, signature: info.signature, roots, signingChain: info.certificateChain });
      return;
    }
    const ownRoots = token.certificates.filter((c) => c.subject === c.issuer);
    if (ownRoots.length > 0) await verifyTimestampSignature(token, { roots: ownRoots });
  } catch (error) {
    const because = error instanceof NotaryError ? `[${error.code}] ${error.message}` : String(error);
    throw new PluginError(
      'ERR_PLUGIN_TIMESTAMP_INVALID',
      plugin,
      `the envelope's timestamp is not acceptable: ${because}`,
      { command: 'generate-envelope', rule: 'PLG-10', cause: error },
    );
  }
}

/**
 * Opens an ENVELOPE plugin key (PLG-7, PLG-10, PLG-12). `generate()` sends
 * the payload as notation-go does (Go's json.Marshal of the sanitised
 * descriptor), then checks the response before anything is pushed:
 * - the envelope type is the one asked for;
 * - the envelope parses and verifies with its own leaf key, with a supported
 *   algorithm, and its chain meets the CERT rules, valid at its signing time (CERT-11);
 * - `targetArtifact` keeps every field and annotation, adding annotations only,
 *   with no unknown members;
 * - a timestamp token, if the plugin added one, is sound (it is never altered).
 * Blob signing needs a RAW plugin (PLG-7 [impl]).
 */
export async function createPluginEnvelopeGenerator(
  options: PluginEnvelopeGeneratorOptions,
): Promise<PluginEnvelopeGenerator> {
  const { plugin, keyId } = options;
  const name = plugin.name;
  if (!keyId) throw new PluginError('ERR_PLUGIN_CONFIG_INVALID', name, 'a key id is required', { rule: 'PLG-10' });
  const pluginConfig = mergePluginConfig(options.keyPluginConfig, options.pluginConfig, name);
  const call = options.signal ? { signal: options.signal } : {};
  const withConfig = Object.keys(pluginConfig).length > 0 ? { pluginConfig } : {};
  const metadata = await plugin.getMetadata(withConfig, call);
  if (!hasCapability(metadata, CAPABILITY.signatureGeneratorEnvelope)) {
    throw new PluginError(
      'ERR_PLUGIN_CAPABILITY_MISSING',
      name,
      `the plugin lacks the ${CAPABILITY.signatureGeneratorEnvelope} capability`,
      { rule: 'PLG-7' },
    );
  }
  return {
    pluginName: name,
    keyId,
    metadata,
    pluginConfig,
    async generate(request) {
      const { mediaType } = request;
      if (mediaType !== MEDIA_TYPE_JWS && mediaType !== MEDIA_TYPE_COSE) {
        throw new EnvelopeError(
          'ERR_UNSUPPORTED_MEDIA_TYPE',
          `signature envelope format with media type "${String(mediaType)}" is not supported`,
        );
      }
      const seconds = request.expiresInSeconds;
      if (seconds !== undefined && (!Number.isSafeInteger(seconds) || seconds <= 0))
        throw new TypeError('expiresInSeconds must be a whole number of seconds greater than 0');
      // The payload notation-go sends (PAY-6 sanitises it); what the plugin must sign unchanged.
      const payload = encodeCosePayload(request.targetArtifact);
      const sent = parsePayload(payload).targetArtifact;
      const response = await plugin.generateEnvelope(
        {
          keyId,
          payloadType: PAYLOAD_TYPE,
          signatureEnvelopeType: mediaType,
          payload,
          ...(seconds ? { expiryDurationInSeconds: seconds } : {}),
          ...withConfig,
        },
        call,
      );
      if (response.signatureEnvelopeType !== mediaType) {
        throw new PluginError(
          'ERR_PLUGIN_ENVELOPE_TYPE',
          name,
          `signatureEnvelopeType in generateEnvelope response "${response.signatureEnvelopeType}" does not match request "${mediaType}"`,
          {
            command: 'generate-envelope',
            rule: 'PLG-10',
          },
        );
      }
      const verified = await verifyGenerated(name, response.signatureEnvelope, mediaType);
      checkPayload(name, sent, verified.content.payload.bytes);
      const attributes = verified.content.signerInfo.signedAttributes;
      const signedAt = attributes.signingTime ?? attributes.authenticSigningTime;
      for (const certificate of verified.content.signerInfo.certificateChain) {
        if (signedAt && !certificate.isValidAt(signedAt)) {
          throw new PluginError(
            'ERR_PLUGIN_CERTIFICATE_CHAIN',
            name,
            `certificate with subject "${certificate.subject}" is not valid at the signing time ${signedAt.toISOString()} (CERT-11)`,
            {
              command: 'generate-envelope',
              rule: 'PLG-10',
            },
          );
        }
      }
      await checkTimestamp(name, verified, options.timestampRoots);
      return { mediaType, bytes: response.signatureEnvelope, verified, annotations: { ...response.annotations } };
    },
  };
}
