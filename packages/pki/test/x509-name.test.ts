import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NameAttribute } from '../src/index.js';
import { renderGoName } from '../src/x509-name.js';
import { OpensslFactory } from './fixtures/openssl-chain.js';

const printable = (value: string): Uint8Array => {
  const text = new TextEncoder().encode(value);
  return new Uint8Array([0x13, text.length, ...text]);
};
const attr = (type: string, value: string): NameAttribute => ({ type, value, goMarshalledValue: printable(value) });
const C = '2.5.4.6';
const ST = '2.5.4.8';
const L = '2.5.4.7';
const O = '2.5.4.10';
const OU = '2.5.4.11';
const CN = '2.5.4.3';
const SERIAL = '2.5.4.5';

describe('renderGoName (DN-4)', () => {
  it('DN-4: prints attributes in Go order, whatever the certificate order', () => {
    const forward = [
      attr(C, 'US'),
      attr(ST, 'WA'),
      attr(L, 'Seattle'),
      attr(O, 'Notary'),
      attr(CN, 'wabbit-networks.io'),
    ];
    expect(renderGoName(forward)).toBe('CN=wabbit-networks.io,O=Notary,L=Seattle,ST=WA,C=US');
    expect(renderGoName([...forward].reverse())).toBe('CN=wabbit-networks.io,O=Notary,L=Seattle,ST=WA,C=US');
    expect(renderGoName([attr(SERIAL, '42'), attr(OU, 'Eng'), attr(CN, 'x')])).toBe('SERIALNUMBER=42,CN=x,OU=Eng');
  });

  it('DN-4: joins several values of one type with +, and keeps only the last CN', () => {
    expect(renderGoName([attr(O, 'A'), attr(O, 'B'), attr(CN, 'first'), attr(CN, 'second')])).toBe('CN=second,O=A+O=B');
  });

  it('DN-4: escapes like Go (RFC 4514 specials, edge spaces, leading #)', () => {
    expect(renderGoName([attr(O, 'DigiCert, Inc.')])).toBe('O=DigiCert\\, Inc.');
    expect(renderGoName([attr(CN, 'a+b"c\\d<e>f;g')])).toBe('CN=a\\+b\\"c\\\\d\\<e\\>f\\;g');
    expect(renderGoName([attr(CN, ' padded ')])).toBe('CN=\\ padded\\ ');
    expect(renderGoName([attr(CN, '#hash#')])).toBe('CN=\\#hash#');
  });

  it('DN-4: prints unknown attributes last as <oid>=#<hex of Go DER>, in reverse order', () => {
    const email: NameAttribute = {
      type: '1.2.840.113549.1.9.1',
      value: 'a@b.c',
      goMarshalledValue: new Uint8Array([0x0c, 5, 0x61, 0x40, 0x62, 0x2e, 0x63]),
    };
    const dc: NameAttribute = { type: '0.9.2342.19200300.100.1.25', value: 'com', goMarshalledValue: printable('com') };
    expect(renderGoName([dc, attr(CN, 'x'), email])).toBe(
      'CN=x,1.2.840.113549.1.9.1=#0c056140622e63,0.9.2342.19200300.100.1.25=#1303636f6d',
    );
  });

  it('omits an empty CN and prints an empty name as ""', () => {
    expect(renderGoName([attr(CN, ''), attr(O, 'Org')])).toBe('O=Org');
    expect(renderGoName([])).toBe('');
  });
});

describe('Certificate subjects rendered like Go (DN-4)', () => {
  let f: OpensslFactory;
  beforeAll(() => {
    f = new OpensslFactory();
  });
  afterAll(() => f?.dispose());

  it.each([
    ['/C=US/ST=WA/L=Seattle/O=Notary/CN=wabbit-networks.io', 'CN=wabbit-networks.io,O=Notary,L=Seattle,ST=WA,C=US'],
    ['/C=US/O=DigiCert, Inc./CN=DigiCert Timestamp 2023', 'CN=DigiCert Timestamp 2023,O=DigiCert\\, Inc.,C=US'],
    ['/CN=Zürich Signer/O=Ünïcode', 'CN=Zürich Signer,O=Ünïcode'],
    ['/CN=mail/emailAddress=a@b.c', 'CN=mail,1.2.840.113549.1.9.1=#0c056140622e63'],
    ['/O=A/OU=x/OU=y/CN=multi', 'CN=multi,OU=x+OU=y,O=A'],
  ])('DN-4: subject %s renders as %s', (subject, expected) => {
    const issued = f.cert('name', { subject, extensions: ['basicConstraints=CA:FALSE'] });
    expect(issued.cert.subject).toBe(expected);
    expect(issued.cert.issuer).toBe(expected);
  });
});
