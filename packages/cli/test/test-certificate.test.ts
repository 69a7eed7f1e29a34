/**
 * generateTestCertificate: the certificate `notary cert generate-test` writes
 * (issue 13 finding 3). Its subject must be nameable in an `x509.subject`
 * trusted identity (DN-3 rejects multi-valued RDNs), so every attribute is
 * its own RDN, as Go's pkix.Name writes notation's test certificate.
 */
import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { generateTestCertificate, OID } from '../src/test-certificate.js';

describe('generateTestCertificate (issue 13 finding 3)', () => {
  it('DN-3: writes C, ST, L, O, CN as five single-valued RDNs, PrintableString where the value fits', async () => {
    const { certificate } = await generateTestCertificate({ name: 'rdn.example', keySpec: 'EC-256' });
    const name = asn1js.fromBER(certificate.rawSubject).result as asn1js.Sequence;
    const rdns = name.valueBlock.value as asn1js.Set[];
    expect(rdns).toHaveLength(5);
    const attributes = rdns.map((rdn) => {
      expect(rdn.valueBlock.value).toHaveLength(1);
      const [type, value] = (rdn.valueBlock.value[0] as asn1js.Sequence).valueBlock.value as [
        asn1js.ObjectIdentifier,
        asn1js.PrintableString,
      ];
      return [type.valueBlock.toString(), value.constructor.name, value.valueBlock.value];
    });
    expect(attributes).toEqual([
      ['2.5.4.6', 'PrintableString', 'US'],
      ['2.5.4.8', 'PrintableString', 'WA'],
      ['2.5.4.7', 'PrintableString', 'Seattle'],
      ['2.5.4.10', 'PrintableString', 'Notary'],
      ['2.5.4.3', 'PrintableString', 'rdn.example'],
    ]);
    expect(certificate.subject).toBe('CN=rdn.example,O=Notary,L=Seattle,ST=WA,C=US');
    expect(certificate.rawIssuer).toEqual(certificate.rawSubject);
  });

  it('a common name outside PrintableString is a UTF8String', async () => {
    const { certificate } = await generateTestCertificate({ name: 'under_score', keySpec: 'EC-256' });
    const rdns = (asn1js.fromBER(certificate.rawSubject).result as asn1js.Sequence).valueBlock.value as asn1js.Set[];
    const cn = (rdns[4]!.valueBlock.value[0] as asn1js.Sequence).valueBlock.value[1]!;
    expect(cn).toBeInstanceOf(asn1js.Utf8String);
    expect(certificate.subject).toBe('CN=under_score,O=Notary,L=Seattle,ST=WA,C=US');
  });

  it('notAfter and basicConstraints: false give notation’s profile; the default keeps CA:FALSE', async () => {
    const notBefore = new Date('2030-01-01T00:00:00.400Z');
    const notAfter = new Date('2030-01-02T00:00:00.900Z');
    const { certificate } = await generateTestCertificate({
      name: 'n',
      keySpec: 'EC-256',
      notBefore,
      notAfter,
      basicConstraints: false,
    });
    expect(certificate.notBefore.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(certificate.notAfter.toISOString()).toBe('2030-01-02T00:00:00.000Z');
    expect(certificate.basicConstraints).toBeUndefined();
    expect(certificate.extensions.map((e) => [e.oid, e.critical])).toEqual([
      [OID.keyUsage, true],
      [OID.extKeyUsage, false],
    ]);
    const defaults = await generateTestCertificate({ name: 'd', keySpec: 'EC-256' });
    expect(defaults.certificate.basicConstraints).toEqual({ critical: true, ca: false, pathLen: undefined });
  });
});
