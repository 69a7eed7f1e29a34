/**
 * OCSP responses (REV-3): the `ocsp-good` leaf's response, mutated and served
 * from loopback, through the full verifier with revocation enforced. The
 * structured edits change what the response says (status, times, the
 * certificate it is about) and re-sign it with the delegated responder's key,
 * so only the verifier's reading stands between them and acceptance.
 */
import { cloneDer, type DerNode, encodeDer, parseDer } from '../mutations/der.js';
import { generalizedTime } from '../mutations/resign.js';
import { childrenTagged, revocationTarget, type StructuredEdit } from './revocation-target.js';

const DAY = 86_400_000;

/** OCSPResponse → responseBytes → OCTET STRING holding the BasicOCSPResponse. */
function basicOctets(response: DerNode): DerNode {
  return response.children![1]!.children![0]!.children![1]!;
}

export const ocspTarget = revocationTarget({
  name: 'ocsp',
  leaf: 'ocsp-good',
  urlOf: (leaf) => leaf.ocspUrls[0]!,
  contentType: 'application/ocsp-response',
  signerOf: (scenario) => ({ path: scenario.codeSigning.ocspResponder.key, kind: 'ec' }),
  async edit(rng, response, { resign }): Promise<StructuredEdit> {
    const octets = basicOctets(response);
    const basic = parseDer(octets.value!);
    const tbs = basic.children![0]!;
    const single = childrenTagged(tbs, 0x30)[0]!.children![0]!;
    const now = Date.now();
    let edit: StructuredEdit;
    let sign = true;
    switch (rng.int(12)) {
      case 0:
        single.children![1] = { tag: 0xa1, children: [generalizedTime(new Date(now - DAY))] };
        edit = { mutation: 'ocsp status revoked, re-signed' };
        break;
      case 1:
        single.children![1] = { tag: 0x82, value: new Uint8Array(0) };
        edit = { mutation: 'ocsp status unknown, re-signed' };
        break;
      case 2:
        single.children![2] = generalizedTime(new Date(now + 2 * DAY));
        edit = { mutation: 'ocsp thisUpdate in the future, re-signed' };
        break;
      case 3: {
        const next = single.children!.find((c) => c.tag === 0xa0);
        if (next) next.children = [generalizedTime(new Date(now - DAY))];
        edit = { mutation: 'ocsp nextUpdate in the past, re-signed' };
        break;
      }
      case 4: {
        // CertID { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }: another serial.
        const serial = single.children![0]!.children![3]!;
        const value = serial.value!.slice();
        value[value.length - 1] = value[value.length - 1]! ^ 1;
        serial.value = value;
        edit = { mutation: 'ocsp certID serial changed, re-signed' };
        break;
      }
      case 5: {
        const keyHash = single.children![0]!.children![2]!;
        keyHash.value = keyHash.value!.map((b) => b ^ 0xff);
        edit = { mutation: 'ocsp certID issuerKeyHash changed, re-signed' };
        break;
      }
      case 6: {
        const producedAt = tbs.children!.find((c) => c.tag === 0x18)!;
        Object.assign(producedAt, generalizedTime(new Date(now + 3 * DAY)));
        // notation-core-go (x/crypto/ocsp) judges freshness by thisUpdate/nextUpdate only; producedAt is not read (REV-3).
        edit = {
          mutation: 'ocsp producedAt in the future, re-signed',
          acceptable:
            're-signed by the responder: producedAt is not a freshness field (REV-3: nextUpdate decides), as in notation-core-go',
        };
        break;
      }
      case 7:
        // The responder's certificate dropped: a delegated response cannot be checked.
        basic.children = basic.children!.slice(0, 3);
        edit = { mutation: 'ocsp certs dropped, re-signed' };
        break;
      case 8:
        response.children![0] = { tag: 0x0a, value: Uint8Array.of(rng.pick([1, 2, 3, 5, 6])) };
        edit = { mutation: 'ocsp responseStatus not successful' };
        sign = false;
        break;
      case 9: {
        const responses = childrenTagged(tbs, 0x30)[0]!;
        responses.children!.push(cloneDer(single));
        // x/crypto/ocsp picks the single response whose serial matches the certificate; an identical copy says nothing new.
        edit = {
          mutation: 'ocsp single response duplicated, re-signed',
          acceptable:
            're-signed by the responder: an identical second answer for the same certificate, as x/crypto/ocsp reads it',
        };
        break;
      }
      case 10: {
        const bits = basic.children![2]!;
        const value = bits.value!.slice();
        value[value.length - 1] = value[value.length - 1]! ^ 0x01;
        bits.value = value;
        edit = { mutation: 'ocsp signature last byte flipped' };
        sign = false;
        break;
      }
      default:
        edit = {
          mutation: 'ocsp re-signed unchanged (control)',
          acceptable: 're-signed by the responder with content unchanged',
        };
    }
    if (sign) await resign(basic);
    octets.value = encodeDer(basic);
    return edit;
  },
});
