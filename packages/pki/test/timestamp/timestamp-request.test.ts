import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { createTimestampRequest, minimalInteger } from '../../src/timestamp/timestamp-request.js';

describe('TimeStampReq (TSA-1)', () => {
  it('TSA-1: the nonce is a minimal DER INTEGER below 2^159 (strict TSAs reject a redundant leading zero)', () => {
    expect([...minimalInteger(Uint8Array.from([0, 0, 0x7f, 1]))]).toEqual([0x7f, 1]);
    expect([...minimalInteger(Uint8Array.from([0, 0x80, 1]))]).toEqual([0, 0x80, 1]);
    expect([...minimalInteger(Uint8Array.from([0, 0]))]).toEqual([0]);
    for (let i = 0; i < 2000; i++) {
      const request = createTimestampRequest(Uint8Array.of(i & 0xff), 'SHA-256');
      expect(request.nonce < 2n ** 159n).toBe(true);
      const fields = (asn1js.fromBER(request.der).result as asn1js.Sequence).valueBlock.value;
      const nonce = fields.find((f) => f instanceof asn1js.Integer) as asn1js.Integer | undefined;
      const integers = fields.filter((f) => f instanceof asn1js.Integer) as asn1js.Integer[];
      const contents = integers[integers.length - 1]!.valueBlock.valueHexView;
      expect(nonce).toBeDefined();
      // DER: no leading 0x00 unless the next byte has its top bit set.
      if (contents.length > 1) expect(contents[0] === 0 && contents[1]! < 0x80).toBe(false);
      expect(contents[0]! < 0x80).toBe(true);
    }
  });
});
