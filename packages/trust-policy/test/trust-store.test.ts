import { describe, expect, it } from 'vitest';
import {
  isValidTrustStoreName,
  loadAuthenticityTrustStores,
  loadTimestampTrustStores,
  MemoryTrustStore,
  TrustPolicyError,
  type TrustStore,
} from '../src/index.js';
import { loadTrustStores } from '../src/trust-store.js';
import { makeCertificate, NOTARY_SUBJECT, pem } from './helpers/certificates.js';

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
const intermediate = await makeCertificate({ subject: NOTARY_SUBJECT('Intermediate'), ca: true, issuer: root });
const leaf = await makeCertificate({ subject: NOTARY_SUBJECT('Leaf'), issuer: intermediate });
const selfSignedLeaf = await makeCertificate({ subject: NOTARY_SUBJECT('Self') });
const notSelfIssuedRoot = await makeCertificate({
  subject: NOTARY_SUBJECT('Odd Root'),
  ca: true,
  issuerName: NOTARY_SUBJECT('Someone Else'),
});

describe('memory trust store', () => {
  it('TS-1: stores are addressed by type and name; a missing store is ERR_TRUST_STORE_NOT_FOUND', async () => {
    const store = new MemoryTrustStore({ 'ca:acme': [root.certificate] });
    expect(await store.getCertificates('ca', 'acme')).toEqual([root.certificate]);
    const missing = await failure(() => store.getCertificates('ca', 'invalid_store'));
    expect(missing.code).toBe('ERR_TRUST_STORE_NOT_FOUND');
    expect(missing.message).toBe('the trust store "invalid_store" of type "ca" does not exist');
    expect((await failure(() => store.getCertificates('signingAuthority', 'acme'))).code).toBe(
      'ERR_TRUST_STORE_NOT_FOUND',
    );
    expect((await failure(() => store.getCertificates('ca', 'a/b'))).message).toBe(
      'trust store name needs to follow [a-zA-Z0-9_.-]+ format, a/b is invalid',
    );
    expect(() => new MemoryTrustStore({ acme: [] })).toThrow(TrustPolicyError);
  });

  it('TS-2: entries may be certificates, a PEM bundle or DER bytes', async () => {
    const store = new MemoryTrustStore({
      'ca:pem': pem(root.certificate, intermediate.certificate),
      'ca:der': root.certificate.der,
    });
    expect(await store.getCertificates('ca', 'pem')).toHaveLength(2);
    expect((await store.getCertificates('ca', 'der'))[0]!.der).toEqual(root.certificate.der);
    const bad = await failure(() =>
      new MemoryTrustStore({ 'ca:bad': 'not a certificate' }).getCertificates('ca', 'bad'),
    );
    expect(bad.code).toBe('ERR_TRUST_STORE_INVALID');
  });

  it('TS-4 [impl] issue 12 finding 10: "." and ".." are refused as store names, in references and in lookups', async () => {
    const store = new MemoryTrustStore({ 'ca:acme': [root.certificate] });
    for (const name of ['.', '..']) {
      const e = await failure(() => store.getCertificates('ca', name));
      expect(e.code).toBe('ERR_TRUST_STORE_INVALID');
      expect(e.message).toBe(
        `trust store name needs to follow [a-zA-Z0-9_.-]+ format and cannot be "." or "..", ${name} is invalid`,
      );
      expect(() => new MemoryTrustStore({ [`ca:${name}`]: [root.certificate] })).toThrow(TrustPolicyError);
      expect(isValidTrustStoreName(name)).toBe(false);
    }
    expect(isValidTrustStoreName('a..b')).toBe(true);
    expect(isValidTrustStoreName('...')).toBe(true);
  });

  it('TS-4 [impl]: an empty store is an error', async () => {
    const e = await failure(() => new MemoryTrustStore({ 'ca:empty': [] }).getCertificates('ca', 'empty'));
    expect(e.code).toBe('ERR_TRUST_STORE_INVALID');
    expect(e.message).toBe('no x509 certificates were found in trust store "empty" of type "ca"');
  });

  it('TS-5 [impl]: every certificate must be a CA or self-signed', async () => {
    const store = new MemoryTrustStore({
      'ca:ok': [root.certificate, intermediate.certificate, selfSignedLeaf.certificate],
      'ca:leaf': [root.certificate, leaf.certificate],
    });
    expect(await store.getCertificates('ca', 'ok')).toHaveLength(3);
    const e = await failure(() => store.getCertificates('ca', 'leaf'));
    expect(e.code).toBe('ERR_TRUST_STORE_INVALID');
    expect(e.message).toBe('failed to validate the trusted certificate #2 in trust store leaf of type ca');
    expect((e.cause as Error).message).toBe(
      'certificate with subject "CN=Leaf,O=Notary,L=Seattle,ST=WA,C=US" is not a CA certificate or self-signed signing certificate',
    );
  });

  it('TS-5 [impl]: tsa certificates must be self-signed, self-issued roots', async () => {
    const store = new MemoryTrustStore({
      'tsa:root': [root.certificate],
      'tsa:intermediate': [intermediate.certificate],
      'tsa:leaf': [selfSignedLeaf.certificate],
      'tsa:odd': [notSelfIssuedRoot.certificate],
    });
    expect(await store.getCertificates('tsa', 'root')).toHaveLength(1);
    const inter = await failure(() => store.getCertificates('tsa', 'intermediate'));
    expect(inter.message).toMatch(
      /^trusted certificate #1 in trust store intermediate of type tsa is invalid: certificate with subject "CN=Intermediate,O=Notary,L=Seattle,ST=WA,C=US" is not a root CA certificate: /,
    );
    expect((await failure(() => store.getCertificates('tsa', 'leaf'))).message).toBe(
      'trusted certificate #1 in trust store leaf of type tsa is invalid: certificate with subject "CN=Self,O=Notary,L=Seattle,ST=WA,C=US" is not a root CA certificate: x509: invalid signature: parent certificate cannot sign this kind of certificate',
    );
    expect((await failure(() => store.getCertificates('tsa', 'odd'))).message).toBe(
      'trusted certificate #1 in trust store odd of type tsa is invalid: certificate with subject "CN=Odd Root,O=Notary,L=Seattle,ST=WA,C=US" is not a root CA certificate: issuer (CN=Someone Else,O=Notary,L=Seattle,ST=WA,C=US) and subject (CN=Odd Root,O=Notary,L=Seattle,ST=WA,C=US) are not the same',
    );
  });

  it('TP-7: a statement loads every referenced store of one type, each reference once', async () => {
    const calls: string[] = [];
    const inner = new MemoryTrustStore({
      'ca:a': [root.certificate],
      'ca:b': [intermediate.certificate],
      'tsa:t': [root.certificate],
      'signingAuthority:s': [root.certificate],
    });
    const counting: TrustStore = {
      getCertificates: (type, name) => {
        calls.push(`${type}:${name}`);
        return inner.getCertificates(type, name);
      },
    };
    const statement = { name: 'p', trustStores: ['ca:a', 'tsa:t', 'ca:a', 'ca:b', 'signingAuthority:s'] };
    expect(await loadTrustStores(counting, statement, 'ca')).toEqual([root.certificate, intermediate.certificate]);
    expect(calls).toEqual(['ca:a', 'ca:b']);
    expect(await loadTrustStores(counting, statement)).toHaveLength(4);
    expect(await loadAuthenticityTrustStores(inner, statement, 'notary.x509')).toHaveLength(2);
    expect(await loadAuthenticityTrustStores(inner, statement, 'notary.x509.signingAuthority')).toHaveLength(1);
    expect(await loadTimestampTrustStores(inner, statement, 'notary.x509')).toHaveLength(1);
    expect(
      (await failure(() => loadTimestampTrustStores(inner, statement, 'notary.x509.signingAuthority'))).message,
    ).toBe(
      'error while loading the TSA trust store, signing scheme must be notary.x509, but got notary.x509.signingAuthority',
    );
    expect((await failure(() => loadAuthenticityTrustStores(inner, statement, 'notary.cose'))).message).toBe(
      'error while loading the trust store, unrecognized signing scheme "notary.cose"',
    );
    expect((await failure(() => loadTrustStores(inner, { name: 'p', trustStores: ['ca:missing'] }, 'ca'))).code).toBe(
      'ERR_TRUST_STORE_NOT_FOUND',
    );
  });
});
