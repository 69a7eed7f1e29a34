import { decodeBase64, encodeBase64 } from './base64.js';

/** One `-----BEGIN <label>-----` block of a PEM file. */
export interface PemBlock {
  label: string;
  bytes: Uint8Array;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Whether text looks like PEM (has at least one BEGIN line). */
export function isPem(text: string): boolean {
  return text.includes('-----BEGIN ');
}

/**
 * Extracts every PEM block. Text outside blocks is ignored, as Go's pem.Decode
 * does; a block whose body is not valid base64 throws `SyntaxError`.
 */
export function decodePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const body = match[2]!
      .split(/\r?\n/)
      .filter((line) => !line.includes(':')) // RFC 1421 headers (Proc-Type: …)
      .join('')
      .replace(/\s+/g, '');
    blocks.push({ label: match[1]!, bytes: decodeBase64(body) });
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
