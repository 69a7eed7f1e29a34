import { decodeBase64, encodeBase64 } from './base64.js';
import { PemError } from './errors.js';

/** One `-----BEGIN <label>-----` block of a PEM file. */
export interface PemBlock {
  label: string;
  bytes: Uint8Array;
  /** RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`, …) at the top of the block, as Go's pem.Block.Headers. */
  headers: Readonly<Record<string, string>>;
}

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';

/** Whether text looks like PEM (has at least one BEGIN marker). */
export function isPem(text: string): boolean {
  return text.includes(BEGIN);
}

/** Where each line starts and ends, without `\n` and trailing spaces, tabs and `\r` (Go's pem getLine). */
function lineBounds(text: string): { starts: Int32Array; ends: Int32Array; count: number } {
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  let start = 0;
  for (let line = 0; line < count; line++) {
    const newline = text.indexOf('\n', start);
    let end = newline < 0 ? text.length : newline;
    const next = end + 1;
    while (end > start) {
      const c = text.charCodeAt(end - 1);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
      end--;
    }
    starts[line] = start;
    ends[line] = end;
    start = next;
  }
  return { starts, ends, count };
}

/** Characters a PEM body line may hold: standard base64 and the blanks Go's decoder skips. */
const NOT_BASE64 = /[^A-Za-z0-9+/= \t\r]/;

/** Removes the spaces, tabs and carriage returns Go's pem and base64 decoders skip from a PEM body before decoding it. */
function stripBlanks(line: string): string {
  return line.includes(' ') || line.includes('\t') || line.includes('\r') ? line.replace(/[ \t\r]/g, '') : line;
}

/**
 * Extracts every PEM block, in linear time (issue 12 finding 1: the former
 * regex was quadratic in the number of BEGIN lines).
 *
 * It follows Go's `encoding/pem.Decode` loop: a BEGIN line starts at the start
 * of a line and ends in five dashes; RFC 1421 header lines (`key: value`) may
 * follow it; the block ends at the first END line after it, which must carry
 * the same label and nothing but whitespace after its dashes, or the BEGIN
 * line is skipped and the search resumes below it. Text outside blocks is
 * ignored. [impl] Stricter than Go, which skips such a block silently: a
 * block whose body is not canonical standard base64 throws {@link PemError}.
 */
export function decodePem(text: string): PemBlock[] {
  const { starts, ends, count } = lineBounds(text);
  // For each line, the first END line and the first line without a colon at
  // or after it, so that each BEGIN line finds the end of its headers and its
  // END line in constant time, whatever the number of BEGIN lines.
  const nextEnd = new Int32Array(count + 1).fill(-1);
  const nextNonHeader = new Int32Array(count + 1).fill(count);
  const hasColon = new Uint8Array(count);
  for (let line = 0, colon = text.indexOf(':'); line < count && colon >= 0; line++) {
    if (colon < starts[line]!) colon = text.indexOf(':', starts[line]!);
    if (colon >= 0 && colon < ends[line]!) hasColon[line] = 1;
  }
  for (let line = count - 1; line >= 0; line--) {
    nextEnd[line] = text.startsWith(END, starts[line]!) ? line : nextEnd[line + 1]!;
    nextNonHeader[line] = hasColon[line] ? nextNonHeader[line + 1]! : line;
  }

  const blocks: PemBlock[] = [];
  for (let i = 0; i < count; i++) {
    const start = starts[i]!;
    const end = ends[i]!;
    if (
      end - start < BEGIN.length + DASHES.length ||
      !text.startsWith(BEGIN, start) ||
      !text.startsWith(DASHES, end - DASHES.length)
    )
      continue;
    const body = nextNonHeader[i + 1]!;
    // Go gives up on the whole input when it ends inside the headers.
    if (body >= count) break;
    const last = nextEnd[body]!;
    if (last < 0) continue;
    const label = text.slice(start + BEGIN.length, end - DASHES.length);
    const endLine = text.slice(starts[last]!, ends[last]!);
    if (endLine !== `${END}${label}${DASHES}`) continue;
    const headers: Record<string, string> = {};
    for (let h = i + 1; h < body; h++) {
      const header = text.slice(starts[h]!, ends[h]!);
      const colon = header.indexOf(':');
      Object.defineProperty(headers, header.slice(0, colon).trim(), {
        value: header.slice(colon + 1).trim(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    // Check each body line before joining them, so that a bad block fails at
    // its first bad line rather than after copying the whole body.
    const body64: string[] = [];
    for (let j = body; j < last; j++) {
      const line = text.slice(starts[j]!, ends[j]!);
      if (NOT_BASE64.test(line)) throw new PemError(`PEM block "${label}" is not valid base64`);
      body64.push(stripBlanks(line));
    }
    const base64 = body64.join('');
    let bytes: Uint8Array;
    try {
      bytes = decodeBase64(base64);
    } catch (error) {
      throw new PemError(`PEM block "${label}" is not valid base64`, { cause: error });
    }
    blocks.push({ label, bytes, headers });
    i = last;
  }
  return blocks;
}

/** Encodes bytes as one PEM block with 64-character lines. */
export function encodePem(label: string, bytes: Uint8Array): string {
  const text = encodeBase64(bytes);
  let body = '';
  for (let i = 0; i < text.length; i += 64) body += text.slice(i, i + 64) + '\n';
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}
