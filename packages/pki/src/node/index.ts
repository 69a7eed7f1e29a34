/**
 * Node-only helpers (`@x/notary-pki/node`): anything that needs `node:` modules
 * lives here so that the main entry point stays runtime-neutral.
 */
export { FileCrlCache, crlCacheFileName } from './file-crl-cache.js';
export { notationConfigDir, defaultNotationCacheDir, type NotationDirOptions, type CacheDirEnvironment } from './notation-dir.js';
