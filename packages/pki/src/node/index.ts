/**
 * Node-only helpers (`@x/notary-pki/node`): anything that needs `node:` modules
 * lives here so that the main entry point stays runtime-neutral.
 */
export { FileCrlCache } from './file-crl-cache.js';
export { type CacheDirEnvironment, type NotationDirOptions, notationConfigDir } from './notation-dir.js';
