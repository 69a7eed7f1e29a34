import { describe, expect, it } from 'vitest';
import { readBoundedBody } from '../../src/http/bounded-body.js';

describe('bounded body reader (TSA-1, REV-3, REV-4 size limits)', () => {
  it('returns bodies up to the cap and refuses larger ones by Content-Length or while streaming', async () => {
    expect(await readBoundedBody(new Response(new Uint8Array(10)), 10)).toHaveLength(10);
    expect(await readBoundedBody(new Response(null), 10)).toHaveLength(0);
    expect(await readBoundedBody(new Response(new Uint8Array(11)), 10)).toBeUndefined();
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(new Uint8Array(4)),
      cancel: () => {
        cancelled = true;
      },
    });
    expect(await readBoundedBody(new Response(stream), 10)).toBeUndefined();
    expect(cancelled).toBe(true);
    let read = false;
    const declared = new Response(
      new ReadableStream<Uint8Array>({
        pull: (c) => {
          read = true;
          c.enqueue(new Uint8Array(5));
          c.close();
        },
      }),
      { headers: { 'content-length': '999999' } },
    );
    expect(await readBoundedBody(declared, 10)).toBeUndefined();
    expect(read).toBe(false);
  });

  it('an abort interrupts a stalled read', async () => {
    const stalled = new Response(new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('deadline')), 20);
    await expect(readBoundedBody(stalled, 10, controller.signal)).rejects.toThrow('deadline');
  });
});
