/**
 * The notation plugin protocol (PLG-4 … PLG-16): commands, capabilities,
 * error codes and the request/response of every command, in their typed
 * form. Byte fields (`payload`, `signature`, certificates, envelopes) are
 * Uint8Array here and standard base64 on the wire, as Go's encoding/json
 * writes `[]byte`; times are Date here and RFC 3339 on the wire (PLG-14).
 * `wire.ts` converts between the two.
 */
import type { HashAlgorithm, KeySpec, SignatureAlgorithm } from '@x/notary-pki';

/** The only contract version of the protocol (PLG-5). */
export const CONTRACT_VERSION = '1.0';

/** Every plugin executable is `notation-<name>` (PLG-1). */
export const PLUGIN_BINARY_PREFIX = 'notation-';

/** The plugin's commands (PLG-4, PLG-6 … PLG-10, PLG-14). */
export const PLUGIN_COMMANDS = [
  'get-plugin-metadata',
  'describe-key',
  'generate-signature',
  'generate-envelope',
  'verify-signature',
] as const;
export type PluginCommand = (typeof PLUGIN_COMMANDS)[number];

/** Capabilities (PLG-7). */
export const CAPABILITY = {
  signatureGeneratorRaw: 'SIGNATURE_GENERATOR.RAW',
  signatureGeneratorEnvelope: 'SIGNATURE_GENERATOR.ENVELOPE',
  /** Spec HEAD only (#326); notation-go cannot use it yet, so neither do we (PLG-7 [impl]). */
  envelopeForBlob: 'SIGNATURE_GENERATOR.ENVELOPE_FOR_BLOB',
  trustedIdentity: 'SIGNATURE_VERIFIER.TRUSTED_IDENTITY',
  revocationCheck: 'SIGNATURE_VERIFIER.REVOCATION_CHECK',
} as const;
/** A capability name; plugins may list ones this SDK does not know, which are ignored. */
export type Capability = string;

/** The commands each capability requires (PLG-7). */
export const CAPABILITY_COMMANDS: Readonly<Record<string, readonly PluginCommand[]>> = Object.freeze({
  [CAPABILITY.signatureGeneratorRaw]: ['describe-key', 'generate-signature'],
  [CAPABILITY.signatureGeneratorEnvelope]: ['generate-envelope'],
  [CAPABILITY.envelopeForBlob]: ['describe-key', 'generate-envelope'],
  [CAPABILITY.trustedIdentity]: ['verify-signature'],
  [CAPABILITY.revocationCheck]: ['verify-signature'],
});

/** Error codes a plugin may answer with, on stderr (PLG-11). */
export const PLUGIN_ERROR_CODES = [
  'VALIDATION_ERROR',
  'UNSUPPORTED_CONTRACT_VERSION',
  'ACCESS_DENIED',
  'TIMEOUT',
  'THROTTLED',
  'ERROR',
] as const;
export type PluginErrorCode = (typeof PLUGIN_ERROR_CODES)[number];

/** The error JSON a failing plugin writes to stderr (PLG-4). */
export interface PluginErrorJson {
  errorCode: string;
  errorMessage?: string;
  errorMetadata?: Record<string, string>;
}

/** String→string, passed through unchanged (PLG-12). */
export type PluginConfig = Readonly<Record<string, string>>;

/** The payload type of generate-envelope (PLG-10). */
export const PAYLOAD_TYPE = 'application/vnd.cncf.notary.payload.v1+json';

export const KEY_SPEC_VALUES: readonly KeySpec[] = Object.freeze([
  'RSA-2048',
  'RSA-3072',
  'RSA-4096',
  'EC-256',
  'EC-384',
  'EC-521',
]);
export const HASH_ALGORITHM_VALUES: readonly HashAlgorithm[] = Object.freeze(['SHA-256', 'SHA-384', 'SHA-512']);
export const SIGNING_ALGORITHM_VALUES: readonly SignatureAlgorithm[] = Object.freeze([
  'RSASSA-PSS-SHA-256',
  'RSASSA-PSS-SHA-384',
  'RSASSA-PSS-SHA-512',
  'ECDSA-SHA-256',
  'ECDSA-SHA-384',
  'ECDSA-SHA-512',
]);

/** get-plugin-metadata request: only the config (PLG-5, PLG-6). */
export interface GetMetadataRequest {
  pluginConfig?: PluginConfig;
}

/** get-plugin-metadata response; every field is required and non-empty (PLG-6). */
export interface PluginMetadata {
  name: string;
  description: string;
  version: string;
  url: string;
  supportedContractVersions: string[];
  capabilities: Capability[];
}

/** describe-key (PLG-8). `contractVersion` is filled in by the client when absent (PLG-5). */
export interface DescribeKeyRequest {
  contractVersion?: string;
  keyId: string;
  pluginConfig?: PluginConfig;
}

export interface DescribeKeyResponse {
  /** Must echo the request's keyId (PLG-8 [impl]). */
  keyId: string;
  keySpec: KeySpec;
}

/** generate-signature (PLG-9). */
export interface GenerateSignatureRequest {
  contractVersion?: string;
  keyId: string;
  keySpec: KeySpec;
  hashAlgorithm: HashAlgorithm;
  /** The bytes to sign: the JWS signing input or the COSE Sig_structure (PLG-9 [impl]). */
  payload: Uint8Array;
  pluginConfig?: PluginConfig;
}

export interface GenerateSignatureResponse {
  keyId: string;
  /** Raw r‖s for ECDSA (PLG-9 [impl]). */
  signature: Uint8Array;
  signingAlgorithm: SignatureAlgorithm;
  /** DER, leaf first, ending at the root. */
  certificateChain: Uint8Array[];
}

/** generate-envelope (PLG-10). */
export interface GenerateEnvelopeRequest {
  contractVersion?: string;
  keyId: string;
  payloadType: string;
  /** `application/jose+json` or `application/cose`. */
  signatureEnvelopeType: string;
  /** The payload JSON bytes (PAY-1). */
  payload: Uint8Array;
  /** Omitted when there is no expiry. */
  expiryDurationInSeconds?: number;
  pluginConfig?: PluginConfig;
}

export interface GenerateEnvelopeResponse {
  signatureEnvelope: Uint8Array;
  signatureEnvelopeType: string;
  /** Added to the signature manifest (PLG-10); may be empty. */
  annotations: Record<string, string>;
}

/** Extended attribute values are JSON primitives (PLG-16). */
export type ExtendedAttributeValue = string | number | boolean | null;

/** verify-signature (PLG-14). */
export interface VerifySignatureRequest {
  contractVersion?: string;
  signature: {
    criticalAttributes: {
      contentType: string;
      signingScheme: string;
      expiry?: Date;
      authenticSigningTime?: Date;
      extendedAttributes?: Record<string, ExtendedAttributeValue>;
    };
    unprocessedAttributes: string[];
    /** DER, leaf first. */
    certificateChain: Uint8Array[];
  };
  trustPolicy: {
    trustedIdentities: string[];
    /** The SIGNATURE_VERIFIER.* capabilities to run. */
    signatureVerification: Capability[];
  };
  pluginConfig?: PluginConfig;
}

/** One capability's verdict; `reason` is required when `success` is false (PLG-15). */
export interface PluginVerificationResult {
  success: boolean;
  reason?: string;
}

export interface VerifySignatureResponse {
  verificationResults: Record<string, PluginVerificationResult>;
  /** Names of the attributes the plugin processed (JSON values, as notation-go keeps them). */
  processedAttributes: unknown[];
}

/** Request and response types by command. */
export interface PluginRequests {
  'get-plugin-metadata': GetMetadataRequest;
  'describe-key': DescribeKeyRequest;
  'generate-signature': GenerateSignatureRequest;
  'generate-envelope': GenerateEnvelopeRequest;
  'verify-signature': VerifySignatureRequest;
}
export interface PluginResponses {
  'get-plugin-metadata': PluginMetadata;
  'describe-key': DescribeKeyResponse;
  'generate-signature': GenerateSignatureResponse;
  'generate-envelope': GenerateEnvelopeResponse;
  'verify-signature': VerifySignatureResponse;
}

/** Whether a string is one of the commands. */
export function isPluginCommand(value: string): value is PluginCommand {
  return (PLUGIN_COMMANDS as readonly string[]).includes(value);
}
