/**
 * issue 12: the campaign runner's watchdog and classification, on targets
 * that hang and crash on purpose (test/fixtures/runner-targets.mjs), and
 * verdictOfError on the error shapes the targets meet.
 */
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../src/campaign.js';
import { verdictOfError } from '../src/classify.js';

const targetsModule = new URL('./fixtures/runner-targets.mjs', import.meta.url).href;

describe('issue 12: the runner', () => {
  it('issue 12: a case past the limit is a hang, the worker is replaced and the next cases still run', async () => {
    const summary = await runCampaign({ seed: 't', cases: 4, targets: ['sleeper'], hangMs: 1000, targetsModule });
    expect(summary.targets.sleeper!.counts).toEqual({ 'rejected-typed': 3, hang: 1 });
    expect(summary.targets.sleeper!.examples.hang![0]).toMatchObject({
      id: 'sleeper#1',
      mutation: 'spin forever',
      verdict: { kind: 'hang' },
    });
    expect(summary.failing).toBe(1);
  });

  it('issue 12: a worker that dies is a crash, named by its case, and the campaign goes on', async () => {
    const summary = await runCampaign({ seed: 't', cases: 4, targets: ['dier'], targetsModule });
    expect(summary.targets.dier!.counts).toEqual({ accepted: 3, crash: 1 });
    expect(summary.targets.dier!.examples.crash![0]).toMatchObject({ id: 'dier#2', mutation: 'exit the worker' });
    expect(JSON.stringify(summary.targets.dier!.examples.crash![0]!.verdict)).toContain('exited with code 3');
  });
});

describe('issue 12: classifying a rejection', () => {
  class Coded extends Error {
    constructor(
      readonly code: string,
      message: string,
      options?: { cause?: unknown },
    ) {
      super(message, options);
    }
  }

  it('issue 12: an error with a string code is typed; the innermost code is reported', () => {
    expect(
      verdictOfError(new Coded('ERR_VERIFICATION_FAILED', 'x', { cause: new Coded('ERR_CERT_PARSE', 'y') })),
    ).toEqual({ kind: 'rejected-typed', code: 'ERR_VERIFICATION_FAILED<ERR_CERT_PARSE' });
  });

  it('issue 12: an error without a code is untyped', () => {
    expect(verdictOfError(new TypeError('boom')).kind).toBe('rejected-untyped');
    expect(verdictOfError('a string').kind).toBe('rejected-untyped');
  });

  it('issue 12: ERR_UNEXPECTED or a wrapped TypeError without a code on the cause chain is untyped', () => {
    expect(
      verdictOfError(
        new Coded('ERR_VERIFICATION_FAILED', 'x', {
          cause: new Coded('ERR_UNEXPECTED', 'y', { cause: new TypeError('z') }),
        }),
      ).kind,
    ).toBe('rejected-untyped');
    expect(
      verdictOfError(
        new Coded('ERR_ENVELOPE_MALFORMED', 'x', {
          cause: new TypeError("Cannot read properties of undefined (reading 'valueBlock')"),
        }),
      ).kind,
    ).toBe('rejected-untyped');
  });

  it('issue 12: a TypeError thrown inside a dependency (its first frame in node_modules) and wrapped by a typed error stays typed', () => {
    const fromDecoder = new TypeError('Cannot mix BigInt and other types, use explicit conversions');
    fromDecoder.stack = `TypeError: Cannot mix BigInt and other types\n    at readLength (file:///x/node_modules/.pnpm/cbor2@2.3.0/node_modules/cbor2/lib/decoder.js:1:1)`;
    const fromSdk = new TypeError("Cannot read properties of undefined (reading 'valueBlock')");
    fromSdk.stack = `TypeError: Cannot read properties of undefined\n    at parsePublicKey (file:///x/packages/pki/dist/index.js:1:1)`;
    expect(verdictOfError(new Coded('ERR_ENVELOPE_MALFORMED', 'x', { cause: fromDecoder })).kind).toBe(
      'rejected-typed',
    );
    expect(verdictOfError(new Coded('ERR_ENVELOPE_MALFORMED', 'x', { cause: fromSdk })).kind).toBe('rejected-untyped');
  });

  it("issue 12: a runtime's own coded TypeError (invalid UTF-8) under a typed error stays typed", () => {
    let decoding: unknown;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.of(0xff));
    } catch (error) {
      decoding = error;
    }
    expect(decoding).toBeInstanceOf(TypeError);
    expect(verdictOfError(new Coded('ERR_ENVELOPE_MALFORMED', 'x', { cause: decoding })).kind).toBe('rejected-typed');
  });
});
