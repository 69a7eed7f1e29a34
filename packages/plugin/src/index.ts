export { PluginError, PluginProtocolError, type PluginHostErrorCode, type PluginPackageErrorCode, type PluginErrorOptions } from './errors.js';
export {
  CONTRACT_VERSION,
  PLUGIN_BINARY_PREFIX,
  PLUGIN_COMMANDS,
  CAPABILITY,
  CAPABILITY_COMMANDS,
  PLUGIN_ERROR_CODES,
  PAYLOAD_TYPE,
  KEY_SPEC_VALUES,
  HASH_ALGORITHM_VALUES,
  SIGNING_ALGORITHM_VALUES,
  isPluginCommand,
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
export { parsePluginRequest, encodePluginRequest, encodePluginResponse, decodePluginResponse, MALFORMED_INPUT } from './wire.js';
export {
  negotiateContractVersion,
  validatePluginMetadata,
  hasCapability,
  checkRequestContractVersion,
  commandsFor,
  HOST_CONTRACT_VERSIONS,
} from './metadata.js';
export { mergePluginConfig } from './plugin-config.js';
export { DEFAULT_PLUGIN_TIMEOUTS_MS, type PluginTimeoutOptions } from './command-timeouts.js';
export {
  createPluginClient,
  pluginBinaryName,
  type PluginClient,
  type PluginTransport,
  type PluginExchange,
  type CallOptions,
} from './client.js';
export {
  createPlugin,
  type PluginHandlers,
  type PluginHandlerContext,
  type TypeScriptPlugin,
  type PluginInput,
  type PluginOutput,
  type PluginExecution,
} from './framework.js';
export { createPluginSigner, checkPluginChain, type PluginKeyOptions, type PluginSigner } from './raw-signer.js';
export {
  createPluginEnvelopeGenerator,
  type EnvelopeGenerator,
  type EnvelopeGenerationRequest,
  type GeneratedEnvelope,
  type PluginEnvelopeGenerator,
  type PluginEnvelopeGeneratorOptions,
} from './envelope-generator.js';
export { createVerificationRunner, pluginsByName, type VerificationRunner } from './verification-runner.js';
