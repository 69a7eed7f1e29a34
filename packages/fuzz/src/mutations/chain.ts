/**
 * Mutations of an envelope's certificate chain (x5c / x5chain): order,
 * duplicates, drops, a stranger's certificate, and re-encodings of one
 * certificate that leave its TBS untouched (issue 12: an ECDSA signature
 * DER or an AlgorithmIdentifier re-encoded still verified), plus edits of the
 * leaf's SubjectPublicKeyInfo (issue 12: an untyped TypeError on bad SPKI).
 * Any acceptance of a changed chain is a finding: the chain must be exactly
 * what was signed with.
 */
import type { Rng } from '../types.js';
import { cloneDer, type DerNode, encodeDer, mutateDerTree, parseDer } from './der.js';

export interface MutatedChain {
  chain: Uint8Array[];
  mutation: string;
}

/** Certificate = SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }. */
function reencodeOuter(rng: Rng, der: Uint8Array): { der: Uint8Array; what: string } {
  const cert = cloneDer(parseDer(der));
  const [tbs, algorithm, signatureValue] = cert.children as [DerNode, DerNode, DerNode];
  switch (rng.int(6)) {
    case 0: {
      // ECDSA-Sig-Value { r INTEGER, s INTEGER } inside the BIT STRING: r with a redundant leading zero.
      const bits = signatureValue.value!;
      try {
        const sig = parseDer(bits.subarray(1));
        const r = sig.children?.[rng.int(2)];
        if (r?.value) {
          r.value = Uint8Array.of(0, ...r.value);
          signatureValue.value = Uint8Array.of(bits[0]!, ...encodeDer(sig));
          return { der: encodeDer(cert), what: 'ecdsa-signature-integer-padded' };
        }
      } catch {
        // An RSA signature is not DER inside: fall through to a long-form length.
      }
      signatureValue.rawLength = Uint8Array.of(0x82, (bits.length >> 8) & 0xff, bits.length & 0xff);
      return { der: encodeDer(cert), what: 'signature-bitstring-long-length' };
    }
    case 1:
      // AlgorithmIdentifier with an explicit NULL (ECDSA's must be absent) or a trailing element.
      algorithm.children!.push({ tag: 0x05, value: new Uint8Array(0) });
      return { der: encodeDer(cert), what: 'algorithm-identifier-null-appended' };
    case 2: {
      const length = encodeDer(tbs).length + encodeDer(algorithm).length + encodeDer(signatureValue).length;
      cert.rawLength = Uint8Array.of(
        0x84,
        (length >>> 24) & 0xff,
        (length >>> 16) & 0xff,
        (length >>> 8) & 0xff,
        length & 0xff,
      );
      return { der: encodeDer(cert), what: 'certificate-long-form-length' };
    }
    case 3:
    case 5: {
      // Edit the SubjectPublicKeyInfo: TBS children are [version] serial sigAlg issuer validity subject spki …
      const spki = tbs.children![tbs.children![0]!.tag === 0xa0 ? 6 : 5]!;
      const what = mutateDerTree(rng, spki);
      return { der: encodeDer(cert), what: `spki ${what}` };
    }
    default: {
      const what = mutateDerTree(rng, cert);
      return { der: encodeDer(cert), what: `cert ${what}` };
    }
  }
}

/**
 * PEM armour lines repeated to `bytes` (issue 12: a PEM scan in x5c that was
 * quadratic hung on this; 768 KiB took tens of seconds there). Rare in a campaign,
 * since each such case may cost the watchdog's whole limit.
 */
export function pemFlood(bytes = 768 * 1024): Uint8Array {
  const line = '-----BEGIN CERTIFICATE-----\n';
  return new TextEncoder().encode(line.repeat(Math.ceil(bytes / line.length)));
}

/** One mutation of `chain` (leaf first); `stranger` is a valid certificate from another chain. */
export function mutateChain(rng: Rng, chain: readonly Uint8Array[], stranger: Uint8Array): MutatedChain {
  const out: Uint8Array[] = chain.map((c) => c.slice());
  switch (rng.int(7)) {
    case 0: {
      const i = rng.int(out.length - 1);
      [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
      return { chain: out, mutation: `chain-swap ${i},${i + 1}` };
    }
    case 1: {
      const i = rng.int(out.length);
      out.splice(i, 0, out[i]!.slice());
      return { chain: out, mutation: `chain-duplicate ${i}` };
    }
    case 2: {
      const i = rng.int(out.length);
      out.splice(i, 1);
      return { chain: out, mutation: `chain-drop ${i}` };
    }
    case 3: {
      const i = rng.int(out.length + 1);
      out.splice(i, 0, stranger);
      return { chain: out, mutation: `chain-insert-stranger ${i}` };
    }
    case 4:
      return { chain: [...out].reverse(), mutation: 'chain-reverse' };
    default: {
      const i = rng.int(out.length);
      const { der, what } = reencodeOuter(rng, out[i]!);
      out[i] = der;
      return { chain: out, mutation: `chain-cert ${i} ${what}` };
    }
  }
}
