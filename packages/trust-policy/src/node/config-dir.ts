/**
 * TS-1 / AMB-2: where the x509 trust store lies under `{NOTATION_CONFIG}`.
 * `{NOTATION_CONFIG}` itself is `notationConfigDir()` of `@x/notary-pki/node`.
 */

/** TS-1 / AMB-2: the x509 trust store root, `{NOTATION_CONFIG}/truststore/x509`. */
export function trustStoreRootDir(configDir: string): string {
  return `${configDir.replace(/[\\/]+$/, '')}/truststore/x509`;
}
