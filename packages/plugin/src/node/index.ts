export { listPlugins, pluginDirectoryOf, parsePluginFileName, isValidPluginName } from './discovery.js';
export { processTransport, type ProcessTransportOptions } from './process-transport.js';
export { openPlugin, createVerificationPluginRunner, type OpenPluginOptions } from './executable-plugin.js';
export { runPlugin } from './run-plugin.js';
