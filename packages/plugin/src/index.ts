export { PluginError, PluginProtocolError, type PluginHostErrorCode, type PluginPackageErrorCode, type PluginErrorOptions } from './errors.js';
export {
  CONTRACT_VERSION,
  CAPABILITY,
  type PluginCommand,
  type Capability,
  type PluginErrorCode,
  type PluginErrorJson,
  type PluginConfig,
  type GetMetadataRequest,
  type PluginMetadata,
  type DescribeKeyRequest,
  type DescribeKeyResponse,
  type GenerateSignatureRequest,
  type GenerateSignatureResponse,
  type GenerateEnvelopeRequest,
  type GenerateEnvelopeResponse,
  type ExtendedAttributeValue,
  type VerifySignatureRequest,
  type VerifySignatureResponse,
  type PluginVerificationResult,
  type PluginRequests,
  type PluginResponses,
} from './protocol.js';
export { hasCapability } from './metadata.js';
export { mergePluginConfig } from './plugin-config.js';
export type { PluginTimeoutOptions } from './command-timeouts.js';
export { createPluginClient, type PluginClient, type PluginTransport, type PluginExchange, type CallOptions } from './client.js';
export {
  createPlugin,
  type PluginHandlers,
  type PluginHandlerContext,
  type TypeScriptPlugin,
  type PluginInput,
  type PluginOutput,
  type PluginExecution,
} from './framework.js';
export { createPluginSigner, type PluginKeyOptions, type PluginSigner } from './raw-signer.js';
export {
  createPluginEnvelopeGenerator,
  type EnvelopeGenerator,
  type EnvelopeGenerationRequest,
  type GeneratedEnvelope,
  type PluginEnvelopeGenerator,
  type PluginEnvelopeGeneratorOptions,
} from './envelope-generator.js';
export { createVerificationRunner, type VerificationRunner } from './verification-runner.js';
export { isValidPluginVersion, comparePluginVersions } from './plugin-version.js';
