export { isValidPluginName, listPlugins, parsePluginFileName, pluginDirectoryOf } from './discovery.js';
export { createVerificationPluginRunner, type OpenPluginOptions, openPlugin } from './executable-plugin.js';
export { type ProcessTransportOptions, processTransport } from './process-transport.js';
export { runPlugin } from './run-plugin.js';
