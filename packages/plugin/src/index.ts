export {
  type CallOptions,
  createPluginClient,
  type PluginClient,
  type PluginExchange,
  type PluginTransport,
} from './client.js';
export type { PluginTimeoutOptions } from './command-timeouts.js';
export {
  createPluginEnvelopeGenerator,
  type EnvelopeGenerationRequest,
  type EnvelopeGenerator,
  type GeneratedEnvelope,
  type PluginEnvelopeGenerator,
  type PluginEnvelopeGeneratorOptions,
} from './envelope-generator.js';
export {
  PluginError,
  type PluginErrorOptions,
  type PluginHostErrorCode,
  type PluginPackageErrorCode,
  PluginProtocolError,
} from './errors.js';
export {
  createPlugin,
  type PluginExecution,
  type PluginHandlerContext,
  type PluginHandlers,
  type PluginInput,
  type PluginOutput,
  type TypeScriptPlugin,
} from './framework.js';
export { hasCapability } from './metadata.js';
export { mergePluginConfig } from './plugin-config.js';
export { comparePluginVersions, isValidPluginVersion } from './plugin-version.js';
export {
  CAPABILITY,
  type Capability,
  CONTRACT_VERSION,
  type DescribeKeyRequest,
  type DescribeKeyResponse,
  type ExtendedAttributeValue,
  type GenerateEnvelopeRequest,
  type GenerateEnvelopeResponse,
  type GenerateSignatureRequest,
  type GenerateSignatureResponse,
  type GetMetadataRequest,
  type PluginCommand,
  type PluginConfig,
  type PluginErrorCode,
  type PluginErrorJson,
  type PluginMetadata,
  type PluginRequests,
  type PluginResponses,
  type PluginVerificationResult,
  type VerifySignatureRequest,
  type VerifySignatureResponse,
} from './protocol.js';
export { createPluginSigner, type PluginKeyOptions, type PluginSigner } from './raw-signer.js';
export { createVerificationRunner, type VerificationRunner } from './verification-runner.js';
