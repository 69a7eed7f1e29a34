import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAuthenticityTrustStores, TrustPolicyError } from '../../src/index.js';
import { FileTrustStore } from '../../src/node/index.js';
import { makeCertificate, NOTARY_SUBJECT, pem } from '../helpers/certificates.js';

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
function configDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'trust-store-'));
  temps.push(d);
  return d;
}
function storeDir(config: string, type: string, name: string): string {
  const d = join(config, 'truststore', 'x509', type, name);
  mkdirSync(d, { recursive: true });
  return d;
}
async function failure(action: () => Promise<unknown>): Promise<TrustPolicyError> {
  try {
    await action();
  } catch (e) {
    expect(e).toBeInstanceOf(TrustPolicyError);
    return e as TrustPolicyError;
  }
  throw new Error('expected a TrustPolicyError');
}

const root = await makeCertificate({ subject: NOTARY_SUBJECT('Root'), ca: true });
const root2 = await makeCertificate({ subject: NOTARY_SUBJECT('Root 2'), ca: true });
const leaf = await makeCertificate({ subject: NOTARY_SUBJECT('Leaf'), issuer: root });

describe('file trust store', () => {
  it('TS-1 / AMB-2: {NOTATION_CONFIG}/truststore/x509/{ca|signingAuthority|tsa}/{name}/', async () => {
    const config = configDir();
    writeFileSync(join(storeDir(config, 'ca', 'acme'), 'root.pem'), pem(root.certificate));
    writeFileSync(join(storeDir(config, 'signingAuthority', 'acme'), 'root.pem'), pem(root2.certificate));
    writeFileSync(join(storeDir(config, 'tsa', 'acme'), 'root.pem'), pem(root.certificate));
    const store = FileTrustStore.fromConfigDir(config);
    expect(store.root).toBe(join(config, 'truststore', 'x509'));
    expect((await store.getCertificates('ca', 'acme'))[0]!.subject).toBe(root.certificate.subject);
    expect((await store.getCertificates('signingAuthority', 'acme'))[0]!.subject).toBe(root2.certificate.subject);
    expect(await store.getCertificates('tsa', 'acme')).toHaveLength(1);
    const missing = await failure(() => store.getCertificates('ca', 'invalid_store'));
    expect(missing.code).toBe('ERR_TRUST_STORE_NOT_FOUND');
    expect(missing.message).toBe('the trust store "invalid_store" of type "ca" does not exist');
    // A store confers trust only when the statement references it.
    expect(
      await loadAuthenticityTrustStores(store, { name: 'p', trustStores: ['signingAuthority:acme'] }, 'notary.x509'),
    ).toEqual([]);
  });

  it('TS-2 [impl]: every regular file is read, whatever its extension, as PEM bundles or concatenated DER, in name order', async () => {
    const config = configDir();
    const dir = storeDir(config, 'ca', 'mixed');
    writeFileSync(join(dir, 'b.der'), new Uint8Array([...root.certificate.der, ...root2.certificate.der]));
    writeFileSync(join(dir, 'a.pem'), pem(root2.certificate, root.certificate));
    writeFileSync(join(dir, 'c.txt'), pem(root.certificate));
    const certs = await FileTrustStore.fromConfigDir(config).getCertificates('ca', 'mixed');
    expect(certs.map((c) => c.subject)).toEqual([root2, root, root, root2, root].map((m) => m.certificate.subject));
    writeFileSync(join(dir, 'd.crt'), 'garbage');
    const e = await failure(() => FileTrustStore.fromConfigDir(config).getCertificates('ca', 'mixed'));
    expect(e.message).toBe('failed to read the trusted certificate d.crt in trust store mixed of type ca');
    expect(e.code).toBe('ERR_TRUST_STORE_INVALID');
  });

  it('TS-3: a symlinked store directory or certificate file is an error', async () => {
    const config = configDir();
    const real = storeDir(config, 'ca', 'real');
    writeFileSync(join(real, 'root.pem'), pem(root.certificate));
    symlinkSync(real, join(config, 'truststore', 'x509', 'ca', 'linked'));
    const store = FileTrustStore.fromConfigDir(config);
    const dirLink = await failure(() => store.getCertificates('ca', 'linked'));
    expect(dirLink.code).toBe('ERR_TRUST_STORE_INVALID');
    expect(dirLink.message).toBe(
      `the trust store linked of type ca with path ${join(store.root, 'ca', 'linked')} is not a regular directory (symlinks are not supported)`,
    );
    const withLink = storeDir(config, 'ca', 'filelink');
    writeFileSync(join(withLink, 'a.pem'), pem(root.certificate));
    symlinkSync(join(real, 'root.pem'), join(withLink, 'b.pem'));
    expect((await failure(() => store.getCertificates('ca', 'filelink'))).message).toBe(
      'trusted certificate b.pem in trust store filelink of type ca is not a regular file (directories or symlinks are not supported)',
    );
    // A store path that is a plain file is refused the same way.
    writeFileSync(join(config, 'truststore', 'x509', 'ca', 'afile'), pem(root.certificate));
    expect((await failure(() => store.getCertificates('ca', 'afile'))).message).toMatch(/is not a regular directory/);
  });

  it('TS-4 [impl]: a subdirectory, an empty store or a bad store name is an error', async () => {
    const config = configDir();
    const dir = storeDir(config, 'ca', 'nested');
    writeFileSync(join(dir, 'root.pem'), pem(root.certificate));
    mkdirSync(join(dir, 'sub'));
    const store = FileTrustStore.fromConfigDir(config);
    expect((await failure(() => store.getCertificates('ca', 'nested'))).message).toBe(
      'trusted certificate sub in trust store nested of type ca is not a regular file (directories or symlinks are not supported)',
    );
    storeDir(config, 'ca', 'empty');
    const empty = await failure(() => store.getCertificates('ca', 'empty'));
    expect(empty.message).toBe('no x509 certificates were found in trust store "empty" of type "ca"');
    writeFileSync(join(storeDir(config, 'ca', 'emptyfile'), 'zero.pem'), '');
    expect((await failure(() => store.getCertificates('ca', 'emptyfile'))).message).toBe(
      'failed to validate the trusted certificate zero.pem in trust store emptyfile of type ca',
    );
    expect((await failure(() => store.getCertificates('ca', '../ca'))).message).toBe(
      'trust store name needs to follow [a-zA-Z0-9_.-]+ format, ../ca is invalid',
    );
    expect((await failure(() => store.getCertificates('x509' as 'ca', 'a'))).message).toBe(
      'unsupported trust store type: x509',
    );
  });

  it('TS-4 [impl] issue 12 finding 10: "." and ".." are not store names, though the pattern matches them', async () => {
    const config = configDir();
    // A certificate directly in x509/ca and in x509: what "ca:." and "ca:.." would resolve to.
    storeDir(config, 'ca', '');
    writeFileSync(join(config, 'truststore', 'x509', 'ca', 'stray.pem'), pem(root.certificate));
    writeFileSync(join(config, 'truststore', 'x509', 'stray.pem'), pem(root.certificate));
    const source = join(config, 'root.crt');
    writeFileSync(source, pem(root.certificate));
    const store = FileTrustStore.fromConfigDir(config);
    for (const name of ['.', '..']) {
      const read = await failure(() => store.getCertificates('ca', name));
      expect(read.code).toBe('ERR_TRUST_STORE_INVALID');
      expect(read.message).toBe(
        `trust store name needs to follow [a-zA-Z0-9_.-]+ format and cannot be "." or "..", ${name} is invalid`,
      );
      const added = await failure(() => store.addCertificate('ca', name, source));
      expect(added.code).toBe('ERR_TRUST_STORE_INVALID');
      expect(added.message).toBe('named store name needs to follow [a-zA-Z0-9_.-]+ format and cannot be "." or ".."');
    }
    // Nothing was copied above the named stores.
    expect(readdirSync(join(config, 'truststore', 'x509', 'ca')).sort()).toEqual(['stray.pem']);
    // Names with dots that are not exactly "." or ".." stay valid.
    writeFileSync(join(storeDir(config, 'ca', '...'), 'root.pem'), pem(root.certificate));
    writeFileSync(join(storeDir(config, 'ca', '.hidden'), 'root.pem'), pem(root.certificate));
    expect(await store.getCertificates('ca', '...')).toHaveLength(1);
    expect(await store.getCertificates('ca', '.hidden')).toHaveLength(1);
  });

  it('TS-5 [impl]: non-CA, non-self-signed certificates are refused; tsa certificates must be roots', async () => {
    const config = configDir();
    writeFileSync(join(storeDir(config, 'ca', 'leafy'), 'leaf.pem'), pem(root.certificate, leaf.certificate));
    writeFileSync(join(storeDir(config, 'tsa', 'leafy'), 'leaf.pem'), pem(leaf.certificate));
    const store = FileTrustStore.fromConfigDir(config);
    const ca = await failure(() => store.getCertificates('ca', 'leafy'));
    expect(ca.message).toBe('failed to validate the trusted certificate leaf.pem in trust store leafy of type ca');
    const tsa = await failure(() => store.getCertificates('tsa', 'leafy'));
    expect(tsa.message).toBe('failed to validate the trusted certificate leaf.pem in trust store leafy of type tsa');
  });

  it('cert add: copies a certificate file into a store, refusing a duplicate file name', async () => {
    const config = configDir();
    const source = join(config, 'root.crt');
    writeFileSync(source, pem(root.certificate));
    const store = FileTrustStore.fromConfigDir(config);
    const target = await store.addCertificate('ca', 'added', source);
    expect(readdirSync(join(store.root, 'ca', 'added'))).toEqual(['root.crt']);
    expect(statSync(target).mode & 0o022).toBe(0);
    expect(await store.getCertificates('ca', 'added')).toHaveLength(1);
    expect((await failure(() => store.addCertificate('ca', 'added', source))).message).toBe(
      'certificate already exists in the Trust Store',
    );
    expect((await failure(() => store.addCertificate('ca', 'bad/name', source))).message).toBe(
      'named store name needs to follow [a-zA-Z0-9_.-]+ format',
    );
    expect((await failure(() => store.addCertificate('x509', 'a', source))).message).toBe(
      'unsupported store type: x509',
    );
  });
});
