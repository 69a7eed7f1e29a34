/**
 * JSON for the JWS target: strict reading (UTF-8, no BOM, JSON.parse) and
 * the equivalence a mechanical acceptance reason rests on. Two texts are
 * equivalent when, with insignificant whitespace removed, the mutated one is
 * byte-for-byte the original with only the allowed members replaced. So
 * `512.0e0` for `512`, a duplicate member, an escape rewrite or a BOM is never
 * equivalent, even though JSON.parse would read the same value.
 */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
export const utf8 = new TextEncoder();

/** The text, or undefined when the bytes are not UTF-8 or start with a BOM. */
export function strictText(bytes: Uint8Array): string | undefined {
  try {
    const text = strictUtf8.decode(bytes);
    return text.startsWith('\uFEFF') ? undefined : text;
  } catch {
    return undefined;
  }
}

export function strictParse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Removes JSON's insignificant whitespace (space, tab, CR, LF outside strings). */
export function stripJsonWhitespace(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') {
      out += c;
    }
  }
  return out;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An allowed difference: the member at `path` may hold any value `accepts` returns true for. */
export interface Allowance {
  path: readonly string[];
  accepts: (value: unknown) => boolean;
  /** Why a different value there is fine. */
  reason: string;
}

/**
 * Whether `mutated` is equivalent to `original` up to whitespace and the
 * allowances; returns the reasons that applied ('' when only whitespace
 * differs), or undefined when not equivalent.
 */
export function jsonEquivalence(
  mutated: string,
  original: string,
  allowances: readonly Allowance[] = [],
): string[] | undefined {
  const parsed = strictParse(mutated);
  const base = strictParse(original);
  if (!isObject(parsed) || !isObject(base)) return undefined;
  const patched = structuredClone(base);
  const reasons: string[] = [];
  for (const allowance of allowances) {
    let from: unknown = parsed;
    let to: Json = patched;
    for (let i = 0; i < allowance.path.length - 1; i++) {
      from = isObject(from) ? from[allowance.path[i]!] : undefined;
      const next = to[allowance.path[i]!];
      if (!isObject(next)) break;
      to = next;
    }
    const key = allowance.path.at(-1)!;
    if (!isObject(from) || !(key in from)) continue;
    const value = from[key];
    if (JSON.stringify(value) === JSON.stringify(to[key])) continue;
    if (!allowance.accepts(value)) return undefined;
    to[key] = value;
    reasons.push(allowance.reason);
  }
  return stripJsonWhitespace(mutated) === JSON.stringify(patched) ? reasons : undefined;
}

/**
 * A strict RFC 3339 date-time (upper-case T and Z, real calendar date, no
 * leap second), as Go's time.Parse(time.RFC3339) reads it; the instant, with
 * years 0000–0099 kept as such (issue 12: they were read as 19xx). Written
 * apart from envelope's parseRfc3339 on purpose: it is the campaign's model of
 * what Go accepts, which the SDK's parser is checked against.
 */
export function rfc3339Instant(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0);
  if (date.getUTCDate() !== day) return undefined;
  if (m[8] !== 'Z') {
    const sign = m[8]!.startsWith('-') ? -1 : 1;
    const [h, min] = m[8]!.slice(1).split(':').map(Number) as [number, number];
    if (h > 23 || min > 59) return undefined;
    date.setTime(date.getTime() - sign * (h * 60 + min) * 60_000);
  }
  return date;
}

/** Inserts `text` right after the first `"member":` value's opening, for hand-made duplicates. */
export function duplicateMember(json: string, member: string, value: string): string {
  const at = json.indexOf('{') + 1;
  return `${json.slice(0, at)}"${member}":${value},${json.slice(at)}`;
}
