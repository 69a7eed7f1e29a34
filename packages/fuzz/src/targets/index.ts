/**
 * Every fuzz target, in campaign order. Adding one is one line here.
 */
import type { FuzzTarget } from '../types.js';
import { certificateTarget } from './certificate.js';
import { coseTarget } from './cose.js';
import { crlTarget } from './crl.js';
import { jwsTarget } from './jws.js';
import { ocspTarget } from './ocsp.js';
import { timestampTarget } from './timestamp.js';

export const TARGETS: readonly FuzzTarget[] = [
  jwsTarget,
  coseTarget,
  timestampTarget,
  ocspTarget,
  crlTarget,
  certificateTarget,
];

export function targetNamed(name: string): FuzzTarget {
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`no fuzz target "${name}" (have: ${TARGETS.map((t) => t.name).join(', ')})`);
  return target;
}
