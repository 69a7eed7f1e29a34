/**
 * X.509 names rendered the way Go's `pkix.Name.String()` renders them.
 *
 * notation-go matches trusted identities (DN-4) against the leaf subject as Go
 * prints it, and its error messages quote subjects in that form, so byte-level
 * compatibility needs the same rendering: attributes grouped by type in the
 * order SERIALNUMBER, CN, OU, O, POSTALCODE, STREET, L, ST, C (the reverse of
 * Go's ToRDNSequence), several values of one type joined with `+`, and any
 * other attribute written as `<oid>=#<hex DER>` after them.
 */
import { toHex } from './bytes.js';

/** One attribute of a distinguished name, in certificate order. */
export interface NameAttribute {
  /** Dotted OID of the attribute type. */
  type: string;
  /** The decoded string value. */
  value: string;
  /** DER of the attribute value as Go would re-marshal it; filled for types Go has no name for (empty otherwise). */
  goMarshalledValue: Uint8Array;
}

/** Short names Go knows, keyed by OID (crypto/x509/pkix attributeTypeNames). */
export const GO_ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.6': 'C',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.3': 'CN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.17': 'POSTALCODE',
};

// ToRDNSequence order: C, ST, L, STREET, POSTALCODE, O, OU, CN, SERIALNUMBER.
const GO_FIELD_ORDER = [
  '2.5.4.6',
  '2.5.4.8',
  '2.5.4.7',
  '2.5.4.9',
  '2.5.4.17',
  '2.5.4.10',
  '2.5.4.11',
  '2.5.4.3',
  '2.5.4.5',
];

function escapeValue(value: string): string {
  const chars = [...value];
  let out = '';
  chars.forEach((c, k) => {
    let escaped = false;
    switch (c) {
      case ',':
      case '+':
      case '"':
      case '\\':
      case '<':
      case '>':
      case ';':
        escaped = true;
        break;
      case ' ':
        escaped = k === 0 || k === chars.length - 1;
        break;
      case '#':
        escaped = k === 0;
        break;
    }
    out += escaped ? `\\${c}` : c;
  });
  return out;
}

/** Renders attributes exactly as Go's `pkix.Name.String()` does. */
export function renderGoName(attributes: readonly NameAttribute[]): string {
  // Go keeps a single CommonName and SerialNumber (the last one seen).
  const rdns: { type: string; values: string[] }[] = [];
  const extra: NameAttribute[] = [];
  const known = new Map<string, string[]>();
  for (const attribute of attributes) {
    if (GO_ATTRIBUTE_NAMES[attribute.type] === undefined) {
      extra.push(attribute);
      continue;
    }
    if (attribute.type === '2.5.4.3' || attribute.type === '2.5.4.5') known.set(attribute.type, [attribute.value]);
    else known.set(attribute.type, [...(known.get(attribute.type) ?? []), attribute.value]);
  }
  for (const oid of GO_FIELD_ORDER) {
    const values = known.get(oid);
    if (
      values &&
      values.length > 0 &&
      !(values.length === 1 && values[0] === '' && (oid === '2.5.4.3' || oid === '2.5.4.5'))
    ) {
      rdns.push({ type: oid, values });
    }
  }
  const parts: string[] = [];
  for (let i = rdns.length - 1; i >= 0; i--) {
    const rdn = rdns[i]!;
    const name = GO_ATTRIBUTE_NAMES[rdn.type]!;
    parts.push(rdn.values.map((v) => `${name}=${escapeValue(v)}`).join('+'));
  }
  // Non-standard attributes are placed first in Go's sequence, so they print last, reversed.
  for (let i = extra.length - 1; i >= 0; i--) {
    const attribute = extra[i]!;
    parts.push(`${attribute.type}=#${toHex(attribute.goMarshalledValue)}`);
  }
  return parts.join(',');
}
