import { describe, expect, it } from 'vitest';
import { TrustPolicyError, verifyTrustedIdentities } from '../src/index.js';
import { validateTrustedIdentities } from '../src/trusted-identities.js';
import { makeCertificate, NOTARY_SUBJECT } from './helpers/certificates.js';

function failure(action: () => unknown): TrustPolicyError {
  try {
    action();
  } catch (e) {
    expect(e).toBeInstanceOf(TrustPolicyError);
    return e as TrustPolicyError;
  }
  throw new Error('expected a TrustPolicyError');
}

describe('trusted identities', () => {
  it('TP-10: * alone matches any leaf; other prefixes are accepted but not matched natively', async () => {
    const { certificate } = await makeCertificate({ subject: NOTARY_SUBJECT('e2e') });
    expect(() => verifyTrustedIdentities({ name: 's', trustedIdentities: ['*'] }, certificate)).not.toThrow();
    expect(validateTrustedIdentities('s', ['plugin.id:value', 'x509.subject:C=US,ST=WA,O=Notary'])).toHaveLength(1);
    const onlyPlugin = failure(() =>
      verifyTrustedIdentities({ name: 's', trustedIdentities: ['plugin.id:value'] }, certificate),
    );
    expect(onlyPlugin.code).toBe('ERR_IDENTITY_MISMATCH');
    expect(onlyPlugin.message).toBe('no x509 trusted identities are configured in the trust policy "s"');
    expect(failure(() => validateTrustedIdentities('s', ['noseparator'])).message).toBe(
      'trust policy statement "s" has trusted identity "noseparator" missing separator',
    );
    expect(failure(() => validateTrustedIdentities('s', ['x509.subject:'])).message).toBe(
      'trust policy statement "s" has trusted identity "x509.subject:" without an identity value',
    );
  });

  it('DN-4: matches when one x509.subject identity is a subset of the leaf subject', async () => {
    const { certificate } = await makeCertificate({ subject: NOTARY_SUBJECT('e2e') });
    const statement = {
      name: 'e2e',
      trustedIdentities: ['x509.subject:C=IN,ST=TS,O=Other', 'x509.subject: O=Notary, ST=WA, C=US, L=Seattle'],
    };
    expect(() => verifyTrustedIdentities(statement, certificate)).not.toThrow();
  });

  it('DN-4: a mismatch reports the identities as Go prints a []map[string]string with %q', async () => {
    const { certificate } = await makeCertificate({ subject: NOTARY_SUBJECT('e2e') });
    const e = failure(() =>
      verifyTrustedIdentities(
        {
          name: 'e2e',
          trustedIdentities: ['x509.subject:ST=TS,C=IND,O=Some "Org"', 'x509.subject:C=US,ST=WA,O=Notary,CN=x'],
        },
        certificate,
      ),
    );
    expect(e.code).toBe('ERR_IDENTITY_MISMATCH');
    expect(e.statement).toBe('e2e');
    expect(e.message).toBe(
      'signing certificate from the digital signature does not match the X.509 trusted identities [map["C":"IND" "O":"Some \\"Org\\"" "ST":"TS"] map["C":"US" "CN":"x" "O":"Notary" "ST":"WA"]] defined in the trust policy "e2e"',
    );
  });

  it('DN-4: a leaf subject that notation cannot parse is a mismatch, with the parse error quoted', async () => {
    const { certificate } = await makeCertificate({
      subject: [
        ['2.5.4.6', 'US'],
        ['2.5.4.10', 'Notary'],
        ['2.5.4.3', 'x'],
      ],
    });
    const e = failure(() =>
      verifyTrustedIdentities({ name: 'p', trustedIdentities: ['x509.subject:C=US,ST=WA,O=Notary'] }, certificate),
    );
    expect(e.code).toBe('ERR_IDENTITY_MISMATCH');
    expect(e.message).toBe(
      `error while parsing the certificate subject from the digital signature. error : "distinguished name (DN) \\"CN=x,O=Notary,C=US\\" has no mandatory RDN attribute for \\"ST\\", it must contain 'C', 'ST' or 'S', and 'O' RDN attributes at a minimum"`,
    );
    expect((e.cause as TrustPolicyError).code).toBe('ERR_IDENTITY_INVALID');
  });
});
