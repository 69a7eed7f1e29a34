/**
 * Re-signing DER structures after a structured edit, with the key that
 * really signs them in the loopback PKI (the OCSP responder, the CA that
 * issues CRLs, the TSA): the signature is then valid, so only the verifier's
 * reading of the edited fields stands between the edit and acceptance.
 */
import { readFile } from 'node:fs/promises';
import { decodePem, type HashAlgorithm } from '@x/notary-pki';
import { digest } from '../../../pki/src/digest.js';
import { type DerNode, encodeDer } from './der.js';

export interface DerSigner {
  key: CryptoKey;
  kind: 'ec' | 'rsa';
}

/** Imports a PKCS#8 PEM key of the loopback PKI (EC P-256 or RSA, SHA-256 as openssl signs with there). */
export async function importPkcs8(path: string, kind: 'ec' | 'rsa'): Promise<DerSigner> {
  const der = decodePem(await readFile(path, 'utf8'))[0]!.bytes;
  const algorithm =
    kind === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: 'P-256' };
  return {
    key: await crypto.subtle.importKey('pkcs8', der as Uint8Array<ArrayBuffer>, algorithm, false, ['sign']),
    kind,
  };
}

function derInteger(raw: Uint8Array): DerNode {
  let start = 0;
  while (start < raw.length - 1 && raw[start] === 0) start++;
  const trimmed = raw.subarray(start);
  return { tag: 0x02, value: trimmed[0]! & 0x80 ? Uint8Array.of(0, ...trimmed) : trimmed.slice() };
}

/** The signature over `tbs` as X.509 / CMS carry it: ECDSA as a DER Ecdsa-Sig-Value, RSA as is. */
export async function signDer(signer: DerSigner, tbs: Uint8Array): Promise<Uint8Array> {
  const data = tbs as Uint8Array<ArrayBuffer>;
  if (signer.kind === 'rsa')
    return new Uint8Array(await crypto.subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, signer.key, data));
  const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, signer.key, data));
  const half = raw.length / 2;
  return encodeDer({ tag: 0x30, children: [derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))] });
}

/** `SEQUENCE { tbs, algorithm, BIT STRING signature }` (certificates, CRLs, BasicOCSPResponse) re-signed in place. */
export async function resignSigned(signer: DerSigner, signed: DerNode): Promise<void> {
  const [tbs, , bits] = signed.children!;
  const signature = await signDer(signer, encodeDer(tbs!));
  bits!.value = Uint8Array.of(0, ...signature);
  delete bits!.rawLength;
}

/** A GeneralizedTime node (`YYYYMMDDHHMMSSZ`). */
export function generalizedTime(date: Date): DerNode {
  const text = date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return { tag: 0x18, value: new TextEncoder().encode(text) };
}

/** A UTCTime node (`YYMMDDHHMMSSZ`). */
export function utcTime(date: Date): DerNode {
  const text = date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .slice(2);
  return { tag: 0x17, value: new TextEncoder().encode(text) };
}

export function sha(hash: HashAlgorithm, data: Uint8Array): Uint8Array {
  return digest(hash, data);
}

/** DER of an OBJECT IDENTIFIER's contents, for finding nodes by OID. */
export function oidBytes(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const out = [40 * a + b];
  for (const n of rest) {
    const septets = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) septets.unshift((v & 0x7f) | 0x80);
    out.push(...septets);
  }
  return Uint8Array.from(out);
}

export function isOid(node: DerNode | undefined, dotted: string): boolean {
  if (node?.tag !== 0x06 || !node.value) return false;
  const want = oidBytes(dotted);
  return node.value.length === want.length && node.value.every((b, i) => b === want[i]);
}
