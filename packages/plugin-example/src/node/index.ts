import { readFile } from 'node:fs/promises';
import type { TypeScriptPlugin } from '@x/notary-plugin';
import { createExamplePlugin } from '../example-plugin.js';

/** The example plugin with the key-file mode enabled (Node's file system). */
export function createNodeExamplePlugin(): TypeScriptPlugin {
  return createExamplePlugin({ readFile: async (path) => new Uint8Array(await readFile(path)) });
}
