import type { FuzzTarget } from '../types.js';
export const crlTarget: FuzzTarget = { name: 'crl', generate: () => { throw new Error('todo'); } };
