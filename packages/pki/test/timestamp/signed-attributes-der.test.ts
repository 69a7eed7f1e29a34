/**
 * issue 12 residual fuzz findings (TSA-3): the signature of a timestamp
 * token covers the DER of its signed attributes as received (RFC 5652
 * §5.3/§5.4). Tokens whose signedAttrs are re-encoded from a lax parse
 * (a long-form length, an element after attrValues) must not verify.
 */
import { readFile } from 'node:fs/promises';
import { loadUpstreamManifest } from '@x/notary-test-servers/upstream-vectors';
import { describe, expect, it } from 'vitest';
import { children, contents, type DerElement, readOnly, whole } from '../../src/der.js';
import { element, longForm, NULL } from '../../src/der-writer.js';
import { TimestampError } from '../../src/errors.js';
import * as pki from '../../src/index.js';

const upstream = await loadUpstreamManifest();
if (!upstream.dir) {
  if (process.env['CI'] === 'true')
    throw new Error(`CI=true but the upstream vectors are missing (looked in ${upstream.looked})`);
  console.warn(
    `[notice] upstream vectors not found in ${upstream.looked}: the token-layout tests on tspclient-go's token are skipped`,
  );
}
const describeWithVectors = describe.skipIf(!upstream.dir);
const tokenDer = upstream.dir
  ? new Uint8Array(await readFile(`${upstream.dir}/tspclient-go/testdata/TimeStampToken.p7s`))
  : new Uint8Array(0);
const roots = upstream.dir
  ? pki.parseCertificates(new Uint8Array(await readFile(`${upstream.dir}/tspclient-go/testdata/GlobalSignRootCA.crt`)))
  : [];
const at = new Date('2022-01-01T00:00:00Z');

/** Re-encodes `bytes` with minimal lengths, replacing the element at `path` (child indexes) by `change(it)`. */
function rewrite(
  bytes: Uint8Array,
  el: DerElement,
  path: readonly number[],
  change: (encoded: Uint8Array) => Uint8Array,
): Uint8Array {
  if (path.length === 0) return change(whole(bytes, el).slice());
  const parts = children(bytes, el).map((child, i) =>
    i === path[0] ? rewrite(bytes, child, path.slice(1), change) : whole(bytes, child),
  );
  return element(el.tag, ...parts);
}

const mutate = (path: readonly number[], change: (encoded: Uint8Array) => Uint8Array): Uint8Array =>
  rewrite(tokenDer, readOnly(tokenDer), path, change);

/** ContentInfo → [0] → SignedData → signerInfos → SignerInfo → signedAttrs [0]. */
const SIGNED_ATTRS = [1, 0, 4, 0, 3];

async function verify(der: Uint8Array): Promise<pki.Certificate[]> {
  return pki.verifyTimestampSignature(pki.TimestampToken.parse(der), { roots, at });
}

describeWithVectors('TSA-3 issue 12: signed attributes are verified as received DER', () => {
  it('issue 12: TSA-3 the unmodified token, re-assembled by the test helper, still verifies (control)', async () => {
    const same = mutate(SIGNED_ATTRS, (encoded) => encoded);
    const chain = await verify(same);
    expect(chain.length).toBeGreaterThan(1);
  });

  const cases: Array<[string, readonly number[], (encoded: Uint8Array) => Uint8Array]> = [
    [
      'a long-form length on an attribute type (der-long-form-length@1.0.4.0.3.1.0)',
      [...SIGNED_ATTRS, 1, 0],
      (e) => longForm(e),
    ],
    ['a long-form length on an Attribute (der-long-form-length@1.0.4.0.3.3)', [...SIGNED_ATTRS, 3], (e) => longForm(e)],
    [
      'a NULL after attrValues (der-append-null@1.0.4.0.3.0)',
      [...SIGNED_ATTRS, 0],
      (e) => element(0x30, contents(e, readOnly(e)), NULL),
    ],
    [
      'attributes out of DER SET OF order',
      SIGNED_ATTRS,
      (e) => {
        const attrs = children(e, readOnly(e)).map((c) => whole(e, c));
        return element(e[0]!, ...attrs.reverse());
      },
    ],
  ];
  for (const [name, path, change] of cases) {
    it(`issue 12: TSA-3 ${name} is refused with ERR_TIMESTAMP_SIGNATURE`, async () => {
      const der = mutate(path, change);
      expect(der).not.toEqual(tokenDer);
      const error = await verify(der).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TimestampError);
      expect((error as TimestampError).code).toBe('ERR_TIMESTAMP_SIGNATURE');
      expect((error as Error).message).toMatch(/signed attributes are not DER/);
    });
  }
});

describeWithVectors('TSA-3 issue 12: SignerInfo digestAlgorithm parameters are absent or NULL (RFC 5754 §2)', () => {
  const DIGEST_ALGORITHM = [1, 0, 4, 0, 2];
  const oidOf = (e: Uint8Array): Uint8Array => whole(e, children(e, readOnly(e))[0]!);

  it('issue 12: TSA-3 absent parameters (der-drop-child 1@1.0.4.0.2) verify, as RFC 5754 allows both forms', async () => {
    const der = mutate(DIGEST_ALGORITHM, (e) => element(0x30, oidOf(e)));
    expect(der).not.toEqual(tokenDer);
    expect((await verify(der)).length).toBeGreaterThan(1);
  });

  const cases: Array<[string, (encoded: Uint8Array) => Uint8Array]> = [
    [
      'parameters retagged as UTCTime (der-tag 0x5->0x17@1.0.4.0.2.1)',
      (e) => element(0x30, oidOf(e), Uint8Array.of(0x17, 0x00)),
    ],
    ['a NULL after the parameters (der-append-null@1.0.4.0.2)', (e) => element(0x30, contents(e, readOnly(e)), NULL)],
  ];
  for (const [name, change] of cases) {
    it(`issue 12: TSA-3 ${name} is ERR_TIMESTAMP_MALFORMED`, () => {
      const der = mutate(DIGEST_ALGORITHM, change);
      expect(() => pki.TimestampToken.parse(der)).toThrow(
        expect.objectContaining({ code: 'ERR_TIMESTAMP_MALFORMED', message: expect.stringMatching(/digestAlgorithm/) }),
      );
    });
  }
});

describeWithVectors('TSA-3 issue 12: SignedData digestAlgorithms entries have nothing after their parameters', () => {
  it('issue 12: TSA-3 a duplicated NULL in a digestAlgorithms entry (der-duplicate-child 1@1.0.1.0) is ERR_TIMESTAMP_MALFORMED', () => {
    const der = mutate([1, 0, 1, 0], (e) => element(0x30, contents(e, readOnly(e)), NULL));
    expect(() => pki.TimestampToken.parse(der)).toThrow(
      expect.objectContaining({ code: 'ERR_TIMESTAMP_MALFORMED', message: expect.stringMatching(/digestAlgorithms/) }),
    );
  });
});

describeWithVectors('TSA-3 issue 12: ContentInfo, SignedData and SignerInfo hold exactly their RFC 5652 fields', () => {
  const SIGNER_INFO = [1, 0, 4, 0];
  const appendNull = (e: Uint8Array): Uint8Array => element(e[0]!, contents(e, readOnly(e)), NULL);
  const cases: Array<[string, readonly number[], (encoded: Uint8Array) => Uint8Array, RegExp]> = [
    [
      'a NULL after the sid serial number (der-append-null@1.0.4.0.1)',
      [...SIGNER_INFO, 1],
      appendNull,
      /IssuerAndSerialNumber/,
    ],
    [
      'a NULL after the signatureAlgorithm parameters (der-append-null@1.0.4.0.4)',
      [...SIGNER_INFO, 4],
      appendNull,
      /signatureAlgorithm/,
    ],
    ['a NULL after the SignerInfo (pkijs already refuses it)', SIGNER_INFO, appendNull, /SignerInfo|SignedData/],
    [
      'a second SignedData in ContentInfo [0] (der-duplicate-child 0@1)',
      [1],
      (e) => element(0xa0, contents(e, readOnly(e)), contents(e, readOnly(e))),
      /ContentInfo content/,
    ],
    ['a NULL after SignedData', [1, 0], appendNull, /SignedData/],
    [
      'a SignerInfo version padded with a zero (der-integer-pad-0x0@1.0.4.0.0)',
      [...SIGNER_INFO, 0],
      (e) => Uint8Array.of(0x02, 0x02, 0x00, ...contents(e, readOnly(e))),
      /SignerInfo version/,
    ],
    [
      'SignedData version 1 (der-value-bitflip 0@1.0.0)',
      [1, 0, 0],
      () => Uint8Array.of(0x02, 0x01, 0x01),
      /SignedData version must be 3/,
    ],
    [
      'SignerInfo version 3 with an issuerAndSerialNumber sid (RFC 5652 §5.3)',
      [...SIGNER_INFO, 0],
      () => Uint8Array.of(0x02, 0x01, 0x03),
      /does not match its sid/,
    ],
  ];
  for (const [name, path, change, message] of cases) {
    it(`issue 12: TSA-3 ${name} is ERR_TIMESTAMP_MALFORMED`, () => {
      const der = mutate(path, change);
      expect(der).not.toEqual(tokenDer);
      expect(() => pki.TimestampToken.parse(der)).toThrow(
        expect.objectContaining({ code: 'ERR_TIMESTAMP_MALFORMED', message: expect.stringMatching(message) }),
      );
    });
  }
});
