/**
 * Edits of the signed payload (`{"targetArtifact":{…}}`), which the envelope
 * targets then re-sign with the leaf key: the signature is valid, so only the
 * verifier's reading of the payload stands between the edit and acceptance.
 * An edit that is the signer's legitimate choice says so in `acceptable`.
 */
import type { Rng } from '../types.js';
import { mutateBytes } from './bytes.js';
import { type Allowance, duplicateMember, jsonEquivalence, strictText, utf8 } from './json.js';

export interface PayloadEdit {
  bytes: Uint8Array;
  mutation: string;
  /** Set when accepting the re-signed payload is correct, and why. */
  acceptable?: string;
}

/** What a re-signed payload may differ in and still be accepted (the blob verification names no media type: WF-4). */
export const PAYLOAD_ALLOWANCES: readonly Allowance[] = [
  {
    path: ['targetArtifact', 'mediaType'],
    accepts: (value) => typeof value === 'string' && value.length > 0,
    reason: 'the verification names no media type, so the signed one is not compared (WF-4)',
  },
];

export function editPayload(rng: Rng, original: string): PayloadEdit {
  const size = /"size":(\d+)/.exec(original)![1]!;
  const text = (t: string, mutation: string, acceptable?: string): PayloadEdit => ({
    bytes: utf8.encode(t),
    mutation: `payload ${mutation}`,
    ...(acceptable ? { acceptable } : {}),
  });
  switch (rng.int(14)) {
    case 0:
      return text(original.replace(`"size":${size}`, `"size":${size}.0e0`), 'size as 512.0e0 form');
    case 1:
      return text(original.replace(`"size":${size}`, `"size":${size}.0`), 'size as float');
    case 2:
      return text(original.replace(`"size":${size}`, `"size":"${size}"`), 'size as string');
    case 3:
      return text(original.replace(`"size":${size}`, `"size":-${size}`), 'negative size');
    case 4:
      return text(`\uFEFF${original}`, 'BOM prefix');
    case 5:
      return text(
        duplicateMember(
          original,
          'targetArtifact',
          '{"digest":"sha256:' + '0'.repeat(64) + '","mediaType":"x","size":1}',
        ),
        'duplicate targetArtifact',
      );
    case 6:
      return text(
        original.replace(
          /"digest":"sha256:([0-9a-f]{2})/,
          (_, h: string) => `"digest":"sha256:${h === '00' ? '11' : '00'}`,
        ),
        'digest changed',
      );
    case 7:
      return text(
        original.replace(/"digest":"sha256:([0-9a-f]+)"/, (_, h: string) => `"digest":"sha256:${h.toUpperCase()}"`),
        'digest upper-case hex',
      );
    case 8:
      return text(
        original.replace('"mediaType":"', '"mediaType":"application/x-other+'),
        'mediaType changed',
        PAYLOAD_ALLOWANCES[0]!.reason,
      );
    case 9:
      return text(original.replace('{"targetArtifact"', '{"extra":1,"targetArtifact"'), 'unknown top-level member');
    case 10:
      return text(original.replace(`"size":${size}`, `"size":${size}000000000000000000000`), 'size beyond int64');
    case 11:
      return text(`${original} x`, 'trailing garbage');
    case 12:
      return text(original.replace('"targetArtifact"', '"targetartifact"'), 'member name case changed');
    default: {
      const mutated = mutateBytes(rng, utf8.encode(original));
      const after = strictText(mutated.bytes);
      const reasons = after === undefined ? undefined : jsonEquivalence(after, original, PAYLOAD_ALLOWANCES);
      return {
        bytes: mutated.bytes,
        mutation: `payload ${mutated.mutation}`,
        ...(reasons
          ? { acceptable: reasons.length ? reasons.join('; ') : 'the payload JSON is the same up to whitespace' }
          : {}),
      };
    }
  }
}
