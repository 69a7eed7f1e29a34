/**
 * Node-only helpers (`@x/notary-pki/node`): anything that needs `node:` modules
 * lives here so that the main entry point stays runtime-neutral.
 */
export { FileCrlCache, type CacheDirEnvironment } from './file-crl-cache.js';
