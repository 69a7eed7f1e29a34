/**
 * What an envelope's unprotected header may differ in while acceptance stays
 * correct: it is not signed, so the verifier may ignore what it does not read,
 * as notation-core-go does. Allowed: another (string) signingAgent or none; a
 * new label that no specification gives a meaning (unread); an x5c entry whose
 * base64 differs only in padding bits Go's base64.StdEncoding ignores. Not
 * allowed: a registered JOSE/COSE parameter or a Notary name appearing there
 * (crit, alg, names in both headers: issue 12), or any change to what is read.
 */
export const AGENT = 'io.cncf.notary.signingAgent';

/** JOSE header parameters (RFC 7515 §4.1, RFC 7797) and the JWS members: never harmless in the unprotected header when new. */
const JOSE_NAMES = new Set([
  'alg',
  'jku',
  'jwk',
  'kid',
  'x5u',
  'x5c',
  'x5t',
  'x5t#S256',
  'typ',
  'cty',
  'crit',
  'b64',
  'enc',
  'zip',
  'payload',
  'protected',
  'signature',
  'signatures',
]);

/** Whether a label new in the unprotected header is one nobody reads: not a JOSE/COSE-registered parameter (COSE integer labels are all registry space), not a Notary name. */
export function isUnreadLabel(label: unknown): boolean {
  if (typeof label !== 'string') return false;
  if (JOSE_NAMES.has(label)) return false;
  return ![
    'io.cncf.notary.signingScheme',
    'io.cncf.notary.signingTime',
    'io.cncf.notary.authenticSigningTime',
    'io.cncf.notary.expiry',
    'io.cncf.notary.verificationPlugin',
    'io.cncf.notary.verificationPluginMinVersion',
    'io.cncf.notary.timestampSignature',
    AGENT,
  ].includes(label);
}

/** Standard base64 that decodes (ignoring padding bits, as Go's non-strict decoder does) to exactly `der`. */
export function sameBase64Bytes(text: unknown, der: Uint8Array): boolean {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return false;
  // atob is WHATWG's forgiving base64: like Go's non-strict decoder it ignores padding bits.
  const decoded = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return decoded.length === der.length && decoded.every((b, i) => b === der[i]);
}
