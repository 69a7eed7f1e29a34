import type { FuzzTarget } from '../types.js';
export const ocspTarget: FuzzTarget = { name: 'ocsp', generate: () => { throw new Error('todo'); } };
