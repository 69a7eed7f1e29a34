/**
 * Distinguished names in `x509.subject:` trusted identities (DN-1 … DN-4).
 *
 * notation-go parses identities with go-ldap's RFC 4514 `ParseDN` and then
 * applies its own rules; the leaf subject is rendered with Go's
 * `pkix.Name.String()` and parsed the same way. To accept and reject exactly
 * the same identities (and match the same leaves), this module reproduces that
 * parser's behaviour rather than a textbook RFC 4514 parser:
 * - `,` and `;` separate RDNs and `+` joins attributes of one RDN (DN-3 [impl]);
 * - types and values are trimmed of spaces (an escaped trailing space stays)
 *   and unescaped: `\` + one of ` "#+,;<=>\` or two hex digits (DN-2);
 * - multi-valued RDNs, duplicate types and any `=#` are rejected (DN-3 [impl]);
 * - `S` is an alias of `ST`; `C`, `ST` and `O` are mandatory (DN-1);
 * - types and values compare exactly, case-sensitively (DN-3/DN-4 [impl]).
 */
import type { Certificate } from '@x/notary-pki';
import { goCharU, goQuote } from '@x/notary-pki/foundation';
import { TrustPolicyError } from './errors.js';

/** A parsed identity: attribute type → unescaped value, in DN order. */
export type DistinguishedName = ReadonlyMap<string, string>;

interface Attribute {
  type: string;
  value: string;
}

/** go-ldap's syntax failure; caught below and reported inside notation's DN message (issue 14 finding 3: a NotaryError too). */
class LdapSyntaxError extends TrustPolicyError {
  constructor(message: string) {
    super('ERR_IDENTITY_INVALID', message);
  }
}

/** go-ldap trims spaces around a type or value but keeps an escaped trailing space. */
function stripSpaces(raw: string): string {
  let s = raw.replace(/^ +/, '').replace(/ +$/, '');
  if (s.length > 0 && s.endsWith('\\') && raw.endsWith(' ')) s += ' ';
  return s;
}

const ESCAPABLE = new Set([' ', '"', '#', '+', ',', ';', '<', '=', '>', '\\']);
const encoder = new TextEncoder();

/** Trim and unescape one type or value (go-ldap `decodeString`). Hex escapes are raw bytes. */
function decode(raw: string): string {
  const s = [...stripSpaces(raw)];
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      bytes.push(...encoder.encode(c));
      continue;
    }
    if (i + 1 >= s.length) throw new LdapSyntaxError(`got corrupted escaped character: '${s.join('')}'`);
    const next = s[i + 1]!;
    if (ESCAPABLE.has(next)) {
      bytes.push(next.charCodeAt(0));
      i++;
      continue;
    }
    if (i + 2 >= s.length)
      throw new LdapSyntaxError(`failed to decode escaped character: encoding/hex: invalid byte: ${next}`);
    const pair = encoder.encode(s[i + 1]! + s[i + 2]!);
    if (pair.length !== 2)
      throw new LdapSyntaxError(`failed to decode escaped character: invalid byte: ${s[i + 1]}${s[i + 2]}`);
    for (const b of pair) {
      if (!/^[0-9a-fA-F]$/.test(String.fromCharCode(b))) {
        throw new LdapSyntaxError(`failed to decode escaped character: encoding/hex: invalid byte: ${goCharU(b)}`);
      }
    }
    bytes.push(parseInt(String.fromCharCode(pair[0]!, pair[1]!), 16));
    i += 2;
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** go-ldap v3.4.11 `ParseDN`: the RDNs of `dn`, each a list of attributes. */
function parseRdns(dn: string): Attribute[][] {
  const rdns: Attribute[][] = [];
  if (dn.trim() === '') return rdns;
  let rdn: Attribute[] = [];
  let type = '';
  let escaping = false;
  let start = 0;
  const setValue = (raw: string): void => {
    // A value starting with `#` is hex BER (RFC 4514 §2.4); notation refuses
    // such DNs before parsing (any `=#`), so it cannot get here.
    if (raw.startsWith('#')) throw new LdapSyntaxError('BER-encoded values are not supported');
    rdn.push({ type, value: decode(raw) });
    type = '';
  };
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i];
    if (escaping) escaping = false;
    else if (c === '\\') escaping = true;
    else if (c === '=' && type.length === 0) {
      type = decode(dn.slice(start, i));
      start = i + 1;
    } else if (c === ',' || c === '+' || c === ';') {
      if (type.length === 0) throw new LdapSyntaxError('incomplete type, value pair');
      setValue(dn.slice(start, i));
      start = i + 1;
      if (c !== '+') {
        rdns.push(rdn);
        rdn = [];
      }
    }
  }
  if (type.length === 0) throw new LdapSyntaxError('DN ended with incomplete type, value pair');
  setValue(dn.slice(start));
  rdns.push(rdn);
  return rdns;
}

const MANDATORY = ['C', 'ST', 'O'] as const;

function invalid(message: string, cause?: unknown): TrustPolicyError {
  return new TrustPolicyError('ERR_IDENTITY_INVALID', message, { cause });
}

/**
 * Parses the value of an `x509.subject:` identity with notation's rules
 * (DN-1 … DN-3). Throws {@link TrustPolicyError} `ERR_IDENTITY_INVALID` with
 * notation-go's message.
 */
export function parseDistinguishedName(dn: string): DistinguishedName {
  if (dn.includes('=#')) {
    throw invalid(
      `unsupported distinguished name (DN) ${goQuote(dn)}: notation does not support x509.subject identities containing "=#"`,
    );
  }
  let rdns: Attribute[][];
  try {
    rdns = parseRdns(dn);
  } catch (error) {
    if (!(error instanceof LdapSyntaxError)) throw error;
    throw invalid(
      `parsing distinguished name (DN) ${goQuote(dn)} failed with err: ${error.message}. A valid DN must contain 'C', 'ST' or 'S', and 'O' RDN attributes at a minimum, and follow RFC 4514 standard`,
      error,
    );
  }
  const map = new Map<string, string>();
  for (const rdn of rdns) {
    if (rdn.length > 1) {
      throw invalid(
        `distinguished name (DN) ${goQuote(dn)} has multi-valued RDN attributes, remove multi-valued RDN attributes as they are not supported`,
      );
    }
    for (const attribute of rdn) {
      const type = attribute.type === 'S' ? 'ST' : attribute.type;
      // notation treats an empty value as absent, both here and for DN-1.
      if (map.get(type)) {
        throw invalid(
          `distinguished name (DN) ${goQuote(dn)} has duplicate RDN attribute for ${goQuote(type)}, DN can only have unique RDN attributes`,
        );
      }
      map.set(type, attribute.value);
    }
  }
  for (const field of MANDATORY) {
    if (!map.get(field)) {
      throw invalid(
        `distinguished name (DN) ${goQuote(dn)} has no mandatory RDN attribute for ${goQuote(field)}, it must contain 'C', 'ST' or 'S', and 'O' RDN attributes at a minimum`,
      );
    }
  }
  return map;
}

/** Every attribute of `subset` has the same value in `superset` (notation's `IsSubsetDN`). */
export function isSubsetDN(subset: DistinguishedName, superset: DistinguishedName): boolean {
  for (const [type, value] of subset) if ((superset.get(type) ?? '') !== value) return false;
  return true;
}

/**
 * DN-3 [impl]: two identities overlap when one's attributes are a subset of
 * the other's. Identities that differ only in disjoint extra attributes do not
 * "overlap" by this test, as in notation, although one leaf could match both.
 */
export function isOverlapping(a: DistinguishedName, b: DistinguishedName): boolean {
  return isSubsetDN(a, b) || isSubsetDN(b, a);
}

/**
 * DN-4 [impl]: the leaf subject as Go prints it (`leaf.subject`), parsed with
 * the same rules. Throws `ERR_IDENTITY_INVALID` when that fails, e.g. for a
 * subject without C/ST/O or with an unknown attribute (printed `oid=#hex`).
 */
export function parseLeafSubject(leaf: Pick<Certificate, 'subject'>): DistinguishedName {
  return parseDistinguishedName(leaf.subject);
}

/** DN-4: whether `identity` (parsed, or the DN text) matches the leaf's subject. */
export function matchesLeaf(identity: DistinguishedName | string, leaf: Pick<Certificate, 'subject'>): boolean {
  const parsed = typeof identity === 'string' ? parseDistinguishedName(identity) : identity;
  let subject: DistinguishedName;
  try {
    subject = parseLeafSubject(leaf);
  } catch {
    return false;
  }
  return isSubsetDN(parsed, subject);
}
