import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, toHex } from '../src/bytes.js';
import { OID } from '../src/certificate.js';
import { CertificateParseError } from '../src/errors.js';
import { encodePem, parseCertificate, parseCertificates } from '../src/index.js';
import { type Issued, OpensslFactory } from './fixtures/openssl-chain.js';

let f: OpensslFactory;
let root: Issued;
let leaf: Issued;

beforeAll(() => {
  f = new OpensslFactory();
  root = f.cert('cert-root', {
    subject: '/C=US/ST=WA/L=Seattle/O=Notary/CN=Cert Test Root',
    extensions: ['basicConstraints=critical,CA:TRUE,pathlen:2', 'keyUsage=critical,keyCertSign,cRLSign'],
  });
  leaf = f.cert('cert-leaf', {
    issuer: root,
    subject: '/C=US/ST=WA/L=Seattle/O=Notary/CN=wabbit-networks.io',
    extensions: [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,nonRepudiation',
      'extendedKeyUsage=codeSigning,timeStamping',
    ],
    notBefore: '20240101000000Z',
    notAfter: '20340101235959Z',
  });
});
afterAll(() => f?.dispose());

describe('parseCertificates (TS-2)', () => {
  it('TS-2: parses one PEM certificate and the same certificate as DER', () => {
    const fromPem = parseCertificates(leaf.pem);
    const fromDer = parseCertificates(leaf.der);
    expect(fromPem).toHaveLength(1);
    expect(fromDer).toHaveLength(1);
    expect(toHex(fromPem[0]!.der)).toBe(toHex(leaf.der));
    expect(fromDer[0]!.sha256Fingerprint).toBe(fromPem[0]!.sha256Fingerprint);
    // PEM given as bytes is recognised too.
    expect(parseCertificates(new TextEncoder().encode(leaf.pem))).toHaveLength(1);
  });

  it('TS-2: parses every CERTIFICATE block of a PEM bundle, skipping other blocks and text', () => {
    const bundle = `Subject: leaf\n${leaf.pem}\n-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n${root.pem}`;
    const certificates = parseCertificates(bundle);
    expect(certificates.map((c) => c.subject)).toEqual([leaf.cert.subject, root.cert.subject]);
  });

  it('TS-2: parses concatenated DER certificates', () => {
    const certificates = parseCertificates(concatBytes(leaf.der, root.der, leaf.der));
    expect(certificates).toHaveLength(3);
    expect(certificates[1]!.subject).toBe(root.cert.subject);
  });

  it('TS-2: rejects empty input, garbage, truncated DER, trailing bytes and PEM without certificates', () => {
    expect(() => parseCertificates(new Uint8Array())).toThrow(CertificateParseError);
    expect(() => parseCertificates('')).toThrow(/no certificate found/);
    expect(() => parseCertificates(new TextEncoder().encode('invalid\ninvalid\n'))).toThrow(/malformed certificate/);
    expect(() => parseCertificates(leaf.der.subarray(0, leaf.der.length - 1))).toThrow(CertificateParseError);
    expect(() => parseCertificates(concatBytes(leaf.der, new Uint8Array([0x30])))).toThrow(CertificateParseError);
    expect(() => parseCertificates(encodePem('PUBLIC KEY', new Uint8Array([0x30, 0x00])))).toThrow(
      /no certificate found in PEM/,
    );
    expect(() => parseCertificates('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n')).toThrow(
      CertificateParseError,
    );
    try {
      parseCertificates(new Uint8Array([1, 2, 3]));
      expect.unreachable();
    } catch (error) {
      expect((error as CertificateParseError).code).toBe('ERR_CERT_PARSE');
    }
  });

  it('parseCertificate wants exactly one certificate', () => {
    expect(parseCertificate(leaf.der).subject).toBe(leaf.cert.subject);
    expect(() => parseCertificate(leaf.pem + root.pem)).toThrow(/expected one certificate, found 2/);
  });
});

describe('Certificate fields', () => {
  it('decodes names, serial, validity and fingerprint like openssl does', () => {
    const cert = leaf.cert;
    expect(cert.version).toBe(2);
    expect(cert.subject).toBe('CN=wabbit-networks.io,O=Notary,L=Seattle,ST=WA,C=US');
    expect(cert.issuer).toBe('CN=Cert Test Root,O=Notary,L=Seattle,ST=WA,C=US');
    expect(cert.notBefore.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(cert.notAfter.toISOString()).toBe('2034-01-01T23:59:59.000Z');
    const serial = f.openssl(['x509', '-in', leaf.certPath, '-noout', '-serial']).trim().split('=')[1]!.toLowerCase();
    expect(cert.serialNumber.replace(/^0+/, '')).toBe(serial.replace(/^0+/, ''));
    const fingerprint = f
      .openssl(['x509', '-in', leaf.certPath, '-noout', '-fingerprint', '-sha256'])
      .trim()
      .split('=')[1]!
      .replace(/:/g, '')
      .toLowerCase();
    expect(cert.sha256Fingerprint).toBe(fingerprint);
    expect(cert.signatureAlgorithm).toBe('1.2.840.10045.4.3.2');
    expect(cert.publicKey.kind).toBe('EC');
  });

  it('CERT-7: keeps raw subject and issuer bytes for byte comparison', () => {
    expect(toHex(leaf.cert.rawIssuer)).toBe(toHex(root.cert.rawSubject));
    expect(root.cert.isSelfIssued).toBe(true);
    expect(leaf.cert.isSelfIssued).toBe(false);
    expect(leaf.cert.rawSubject[0]).toBe(0x30);
  });

  it('CERT-1 / CERT-2: decodes basicConstraints with cA, pathLen and criticality', () => {
    expect(root.cert.basicConstraints).toEqual({ critical: true, ca: true, pathLen: 2 });
    expect(leaf.cert.basicConstraints).toEqual({ critical: false, ca: false, pathLen: undefined });
    const v1 = f.cert('cert-v1', { extensions: [] });
    expect(v1.cert.basicConstraints).toBeUndefined();
    expect(v1.cert.version).toBe(0);
  });

  it('CERT-3: decodes keyUsage bits and criticality', () => {
    expect(root.cert.keyUsage?.critical).toBe(true);
    expect([...root.cert.keyUsage!.usages].sort()).toEqual(['cRLSign', 'keyCertSign']);
    expect([...leaf.cert.keyUsage!.usages].sort()).toEqual(['digitalSignature', 'nonRepudiation']);
    const all = f.cert('cert-all-ku', {
      extensions: [
        'keyUsage=digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment,keyAgreement,keyCertSign,cRLSign,encipherOnly,decipherOnly',
      ],
    });
    expect(all.cert.keyUsage?.usages.size).toBe(9);
    expect(all.cert.keyUsage?.critical).toBe(false);
  });

  it('CERT-4 / CERT-5: decodes extendedKeyUsage purposes in order', () => {
    expect(leaf.cert.extendedKeyUsage).toEqual({ critical: false, purposes: [OID.codeSigning, OID.timeStamping] });
    expect(root.cert.extendedKeyUsage).toBeUndefined();
    expect(leaf.cert.extension(OID.extKeyUsage)?.critical).toBe(false);
  });

  it('CERT-11: isValidAt is inclusive at both ends', () => {
    const cert = leaf.cert;
    expect(cert.isValidAt(cert.notBefore)).toBe(true);
    expect(cert.isValidAt(cert.notAfter)).toBe(true);
    expect(cert.isValidAt(new Date(cert.notBefore.getTime() - 1))).toBe(false);
    expect(cert.isValidAt(new Date(cert.notAfter.getTime() + 1))).toBe(false);
  });
});
