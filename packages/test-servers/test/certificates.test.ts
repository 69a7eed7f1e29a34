/**
 * The test certificate factory, read back by openssl (an independent parser):
 * the subject, the extensions and the signature algorithm each key spec gives.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caAndLeaf, selfSignedSigner, type TestKeySpec } from '../src/certificates.js';

const text = (der: Uint8Array) =>
  execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-text', '-nameopt', 'RFC2253'], {
    input: der,
    encoding: 'utf8',
  });
const identity = (der: Uint8Array) => der;

describe('test certificate factory (issue 14 item 5)', () => {
  it.each([
    ['EC-256', 'ecdsa-with-SHA256', 'prime256v1'],
    ['EC-384', 'ecdsa-with-SHA384', 'secp384r1'],
    ['RSA-2048', 'sha256WithRSAEncryption', '(2048 bit)'],
  ] as Array<[TestKeySpec, string, string]>)(
    "ALG-2: a self-signed %s signer has notation's subject, a code-signing EKU and %s",
    async (keySpec, algorithm, key) => {
      const made = await selfSignedSigner(identity, { name: 'factory.example', keySpec, validityDays: 2 });
      const out = text(made.der);
      expect(out).toContain('Subject: CN=factory.example,O=Notary,L=Seattle,ST=WA,C=US');
      expect(out).toContain('Issuer: CN=factory.example,O=Notary,L=Seattle,ST=WA,C=US');
      expect(out).toContain(`Signature Algorithm: ${algorithm}`);
      expect(out).toContain(key);
      expect(out).toMatch(/X509v3 Key Usage: critical\s+Digital Signature/);
      expect(out).toMatch(/X509v3 Extended Key Usage:\s+Code Signing/);
      // The envelope signing key signs with the key spec's algorithm (RSA-PSS for RSA, AMB-16).
      expect(made.privateKey.algorithm.name).toBe(keySpec.startsWith('RSA') ? 'RSA-PSS' : 'ECDSA');
    },
  );

  it('CERT-7: caAndLeaf issues a CA and a leaf that openssl verifies as a chain', async () => {
    const { ca, leaf } = await caAndLeaf(identity);
    const dir = mkdtempSync(join(tmpdir(), 'notary-factory-'));
    try {
      writeFileSync(join(dir, 'ca.der'), ca.der);
      writeFileSync(join(dir, 'leaf.der'), leaf.der);
      execFileSync('openssl', ['x509', '-inform', 'DER', '-in', join(dir, 'ca.der'), '-out', join(dir, 'ca.pem')]);
      execFileSync('openssl', ['x509', '-inform', 'DER', '-in', join(dir, 'leaf.der'), '-out', join(dir, 'leaf.pem')]);
      const verified = execFileSync(
        'openssl',
        ['verify', '-purpose', 'any', '-CAfile', join(dir, 'ca.pem'), join(dir, 'leaf.pem')],
        { encoding: 'utf8' },
      );
      expect(verified.trim()).toBe(`${join(dir, 'leaf.pem')}: OK`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(text(ca.der)).toMatch(/CA:TRUE/);
  });
});
