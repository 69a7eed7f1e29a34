import type { FuzzTarget } from '../types.js';
export const timestampTarget: FuzzTarget = { name: 'timestamp', generate: () => { throw new Error('todo'); } };
