export { createExamplePlugin, EXAMPLE_PLUGIN_NAME, EXAMPLE_PLUGIN_METADATA, type ExamplePluginOptions } from './example-plugin.js';
