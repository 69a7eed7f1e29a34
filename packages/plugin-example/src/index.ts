export {
  createExamplePlugin,
  EXAMPLE_PLUGIN_METADATA,
  EXAMPLE_PLUGIN_NAME,
  type ExamplePluginOptions,
} from './example-plugin.js';
