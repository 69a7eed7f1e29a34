import { describe, expect, it } from 'vitest';
import { isOverlapping, isSubsetDN, matchesLeaf, parseDistinguishedName } from '../src/distinguished-name.js';
import { TrustPolicyError } from '../src/index.js';
import { makeCertificate, NOTARY_SUBJECT } from './helpers/certificates.js';

const entries = (dn: string) => Object.fromEntries(parseDistinguishedName(dn));

function failure(dn: string): TrustPolicyError {
  try {
    parseDistinguishedName(dn);
  } catch (e) {
    expect(e).toBeInstanceOf(TrustPolicyError);
    expect((e as TrustPolicyError).code).toBe('ERR_IDENTITY_INVALID');
    return e as TrustPolicyError;
  }
  throw new Error(`expected ${dn} to be rejected`);
}

describe('distinguished names', () => {
  it('DN-1: RDNs separated by commas (and semicolons); C, ST (or S) and O are mandatory', () => {
    expect(entries('C=US, ST=WA, O=wabbit-networks.io, OU=Tools')).toEqual({
      C: 'US',
      ST: 'WA',
      O: 'wabbit-networks.io',
      OU: 'Tools',
    });
    expect(entries('C=US;S=WA;O=Org')).toEqual({ C: 'US', ST: 'WA', O: 'Org' });
    expect(failure('C=US,ST=WA').message).toBe(
      `distinguished name (DN) "C=US,ST=WA" has no mandatory RDN attribute for "O", it must contain 'C', 'ST' or 'S', and 'O' RDN attributes at a minimum`,
    );
    expect(failure('ST=WA,O=Org').message).toContain('has no mandatory RDN attribute for "C"');
    expect(failure('C=US,O=Org,L=Seattle').message).toContain('has no mandatory RDN attribute for "ST"');
    // Types are case-sensitive, and an empty value counts as missing.
    expect(failure('c=US,ST=WA,O=Org').message).toContain('for "C"');
    expect(failure('C=,ST=WA,O=Org').message).toContain('for "C"');
  });

  it('DN-2: escapes inside values (\\ , \\, \\; \\\\ \\+ and hex pairs) are unescaped; spaces are trimmed', () => {
    expect(entries('C=US,ST=WA,O=My \\, \\; \\\\ \\+ Org')).toMatchObject({ O: 'My , ; \\ + Org' });
    expect(entries('C=US,ST=WA,O=\\ padded\\ ')).toMatchObject({ O: ' padded ' });
    expect(entries('C=US,ST=WA,O=  spaced  ')).toMatchObject({ O: 'spaced' });
    expect(entries('C=US,ST=WA,O=caf\\C3\\A9')).toMatchObject({ O: 'café' });
    expect(entries('C=US,ST=WA,O=a=b')).toMatchObject({ O: 'a=b' });
    expect(failure('C=US,ST=WA,O=bad\\').message).toContain(
      `failed with err: got corrupted escaped character: 'bad\\'`,
    );
    expect(failure('C=US,ST=WA,O=\\zz').message).toContain(
      "failed with err: failed to decode escaped character: encoding/hex: invalid byte: U+007A 'z'",
    );
    expect(failure(',,,').message).toBe(
      `parsing distinguished name (DN) ",,," failed with err: incomplete type, value pair. A valid DN must contain 'C', 'ST' or 'S', and 'O' RDN attributes at a minimum, and follow RFC 4514 standard`,
    );
    expect(failure('C=US,ST=WA,O=Org,').message).toContain('DN ended with incomplete type, value pair');
  });

  it('DN-3: multi-valued RDNs, duplicate types (S counts as ST) and =# are rejected', () => {
    expect(failure('C=US+ST=WA,O=Org').message).toBe(
      'distinguished name (DN) "C=US+ST=WA,O=Org" has multi-valued RDN attributes, remove multi-valued RDN attributes as they are not supported',
    );
    expect(failure('C=US,ST=WA,S=OR,O=Org').message).toBe(
      'distinguished name (DN) "C=US,ST=WA,S=OR,O=Org" has duplicate RDN attribute for "ST", DN can only have unique RDN attributes',
    );
    expect(failure('C=US,ST=WA,O=#0403').message).toBe(
      'unsupported distinguished name (DN) "C=US,ST=WA,O=#0403": notation does not support x509.subject identities containing "=#"',
    );
  });

  it('DN-3 [impl]: overlap means one attribute map is a subset of the other', () => {
    const a = parseDistinguishedName('C=US,ST=WA,O=Org');
    const b = parseDistinguishedName('C=US,ST=WA,O=Org,OU=x');
    const c = parseDistinguishedName('C=US,ST=WA,O=Org,CN=y');
    expect(isSubsetDN(a, b)).toBe(true);
    expect(isOverlapping(a, b)).toBe(true);
    expect(isOverlapping(b, a)).toBe(true);
    // Disjoint extras do not count as overlapping, as in notation.
    expect(isOverlapping(b, c)).toBe(false);
    expect(isOverlapping(a, parseDistinguishedName('C=US,ST=WA,O=org'))).toBe(false);
  });

  it('DN-4: a leaf matches when every identity attribute has the same value in its Go-rendered subject', async () => {
    const { certificate } = await makeCertificate({ subject: NOTARY_SUBJECT('e2e') });
    expect(certificate.subject).toBe('CN=e2e,O=Notary,L=Seattle,ST=WA,C=US');
    expect(matchesLeaf('C=US,ST=WA,O=Notary', certificate)).toBe(true);
    expect(matchesLeaf(' CN=e2e, O=Notary, L=Seattle, ST=WA, C=US', certificate)).toBe(true);
    expect(matchesLeaf('C=US,ST=WA,O=Notary,CN=other', certificate)).toBe(false);
    expect(matchesLeaf('C=US,ST=WA,O=notary', certificate)).toBe(false);
    expect(matchesLeaf('C=US,ST=WA,O=Notary,OU=Missing', certificate)).toBe(false);
  });

  it('DN-4 [impl]: a leaf with an unknown attribute (rendered oid=#hex) or without C/ST/O never matches', async () => {
    const email = await makeCertificate({ subject: [...NOTARY_SUBJECT('e2e'), ['1.2.840.113549.1.9.1', 'a@b.c']] });
    expect(email.certificate.subject).toMatch(/,1\.2\.840\.113549\.1\.9\.1=#/);
    expect(matchesLeaf('C=US,ST=WA,O=Notary', email.certificate)).toBe(false);
    const noState = await makeCertificate({
      subject: [
        ['2.5.4.6', 'US'],
        ['2.5.4.10', 'Notary'],
        ['2.5.4.3', 'x'],
      ],
    });
    expect(matchesLeaf('C=US,ST=WA,O=Notary', noState.certificate)).toBe(false);
    // Escaped characters in the leaf subject round-trip through Go's rendering.
    const comma = await makeCertificate({
      subject: [
        ['2.5.4.6', 'US'],
        ['2.5.4.8', 'WA'],
        ['2.5.4.10', 'Acme, Inc.'],
      ],
    });
    expect(comma.certificate.subject).toBe('O=Acme\\, Inc.,ST=WA,C=US');
    expect(matchesLeaf('C=US,ST=WA,O=Acme\\, Inc.', comma.certificate)).toBe(true);
  });
});
