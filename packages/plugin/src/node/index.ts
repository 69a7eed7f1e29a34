export { listPlugins, pluginDirectoryOf, pluginExecutablePath, parsePluginFileName, isValidPluginName, resolvePluginExecutable } from './discovery.js';
export { processTransport, MAX_PLUGIN_OUTPUT_BYTES, type ProcessTransportOptions } from './process-transport.js';
export { openPlugin, createVerificationPluginRunner, type OpenPluginOptions } from './executable-plugin.js';
export { runPlugin } from './run-plugin.js';
