/**
 * Case 6's stand-in for the CLI when packages/cli is not built:
 *   node blob-child.mjs sign   <configDir> <file> <signaturePath>
 *   node blob-child.mjs verify <configDir> <file> <signaturePath>
 * Streams the file through the library's signBlob / verifyBlob with the
 * key, trust store and blob policy of the config directory made by
 * cases/blob.mjs.
 */
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signBlob, verifyBlob } from '@x/notary-core';
import { signerFromPrivateKey } from '@x/notary-envelope';
import { MemoryTrustStore, parseBlobTrustPolicy } from '@x/notary-trust-policy';

const [command, configDir, file, signaturePath] = process.argv.slice(2);
const keys = JSON.parse(await readFile(join(configDir, 'signingkeys.json'), 'utf8'));
const entry = keys.keys.find((k) => k.name === keys.default);
const stream = createReadStream(file, { highWaterMark: 1 << 20 });
if (command === 'sign') {
  const signer = await signerFromPrivateKey(
    await readFile(entry.keyPath, 'utf8'),
    await readFile(entry.certPath, 'utf8'),
  );
  const signed = await signBlob({ blob: stream, signer });
  await writeFile(signaturePath, signed.signature);
} else if (command === 'verify') {
  const policy = parseBlobTrustPolicy(JSON.parse(await readFile(join(configDir, 'trustpolicy.blob.json'), 'utf8')));
  const root = await readFile(join(configDir, 'truststore', 'x509', 'ca', 'bench', 'root.pem'), 'utf8');
  const result = await verifyBlob({
    blob: stream,
    signature: new Uint8Array(await readFile(signaturePath)),
    signatureFileName: signaturePath,
    policy,
    trustStore: new MemoryTrustStore({ 'ca:bench': root }),
  });
  if (!result.verified) process.exit(1);
} else {
  process.stderr.write('usage: blob-child.mjs sign|verify <configDir> <file> <signaturePath>\n');
  process.exit(2);
}
