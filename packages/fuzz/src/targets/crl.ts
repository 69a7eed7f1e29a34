/**
 * CRLs (REV-4): the `crl-good` leaf's base CRL, mutated and served from
 * loopback (its delta still comes from the real CRL server), through the full
 * verifier with revocation enforced. The structured edits change what the CRL
 * says (the leaf listed, times, issuer, extensions) and re-sign it with the
 * issuing CA's key.
 */
import { cloneDer, type DerNode } from '../mutations/der.js';
import { utcTime } from '../mutations/resign.js';
import { integerFromHex, revocationTarget, type StructuredEdit } from './revocation-target.js';

const DAY = 86_400_000;
const isTime = (node: DerNode) => node.tag === 0x17 || node.tag === 0x18;

export const crlTarget = revocationTarget({
  name: 'crl',
  leaf: 'crl-good',
  urlOf: (leaf) => leaf.crlUrls[0]!,
  contentType: 'application/pkix-crl',
  signerOf: (scenario) => ({ path: scenario.codeSigning.intermediate.key, kind: 'ec' }),
  async edit(rng, crl, { resign, leaf }): Promise<StructuredEdit> {
    const tbs = crl.children![0]!;
    const children = tbs.children!;
    const times = children.map((c, i) => (isTime(c) ? i : -1)).filter((i) => i >= 0);
    const [thisIndex, nextIndex] = times as [number, number];
    const revokedIndex = children[nextIndex + 1]?.tag === 0x30 ? nextIndex + 1 : -1;
    const now = Date.now();
    let edit: StructuredEdit;
    let sign = true;
    switch (rng.int(9)) {
      case 0: {
        const entry: DerNode = { tag: 0x30, children: [integerFromHex(leaf.serial), utcTime(new Date(now - DAY))] };
        if (revokedIndex >= 0) children[revokedIndex]!.children!.push(entry);
        else children.splice(nextIndex + 1, 0, { tag: 0x30, children: [entry] });
        edit = { mutation: 'crl lists the leaf, re-signed' };
        break;
      }
      case 1:
        children[nextIndex] = utcTime(new Date(now - DAY));
        edit = { mutation: 'crl nextUpdate in the past, re-signed' };
        break;
      case 2:
        children[thisIndex] = utcTime(new Date(now + 2 * DAY));
        edit = { mutation: 'crl thisUpdate in the future, re-signed' };
        break;
      case 3:
        children.splice(nextIndex, 1);
        edit = { mutation: 'crl nextUpdate dropped, re-signed' };
        break;
      case 4: {
        // The issuer's last RDN value changed: the CRL is then someone else's.
        const issuer = children[thisIndex - 1]!;
        const value = issuer.children!.at(-1)!.children![0]!.children![1]!;
        value.value = Uint8Array.of(...value.value!, 0x58);
        edit = { mutation: 'crl issuer changed, re-signed' };
        break;
      }
      case 5:
        tbs.children = children.filter((c) => c.tag !== 0xa0);
        // REV-4 requires neither crlNumber nor FreshestCRL in a base CRL (the leaf has no FreshestCRL of its own).
        edit = {
          mutation: 'crl extensions dropped (no crlNumber), re-signed',
          acceptable:
            're-signed by the CA: a base CRL without crlNumber or FreshestCRL is valid (REV-4), and the leaf names no delta itself',
        };
        break;
      case 6:
        if (revokedIndex >= 0) children[revokedIndex]!.children!.push(cloneDer(children[revokedIndex]!.children![0]!));
        edit = {
          mutation: 'crl first entry duplicated, re-signed',
          acceptable: 're-signed by the CA: a repeated entry for another certificate says nothing about the leaf',
        };
        break;
      case 7: {
        const bits = crl.children![2]!;
        const value = bits.value!.slice();
        value[value.length - 1] = value[value.length - 1]! ^ 0x01;
        bits.value = value;
        edit = { mutation: 'crl signature last byte flipped' };
        sign = false;
        break;
      }
      default:
        edit = {
          mutation: 'crl re-signed unchanged (control)',
          acceptable: 're-signed by the issuing CA with content unchanged',
        };
    }
    if (sign) await resign(crl);
    return edit;
  },
});
