import { describe, expect, it } from 'vitest';
import { goJson, goJsonString } from '../src/foundation.js';

describe('go-json', () => {
  it('PAY-6 ENV-JWS-8: escapes <, >, & and U+2028/U+2029 as Go json.Marshal does', () => {
    expect(goJsonString('a<b>c&d\u2028e\u2029')).toBe('"a\\u003cb\\u003ec\\u0026d\\u2028e\\u2029"');
    // Everything else matches JSON.stringify: quotes, backslashes, control characters, non-ASCII kept raw.
    expect(goJsonString('"\\\n\t\u0001é😀')).toBe(JSON.stringify('"\\\n\t\u0001é😀'));
  });

  it('PAY-6: a lone surrogate becomes \\ufffd, like invalid UTF-8 in Go', () => {
    expect(goJsonString('x\ud800y')).toBe('"x\\ufffdy"');
    expect(goJsonString('\udc00')).toBe('"\\ufffd"');
    expect(goJsonString('\\\ud800')).toBe('"\\\\\\ufffd"');
  });

  it('PAY-6: a literal backslash followed by "ud800" is text, not a surrogate escape', () => {
    // Go writes the backslash as \\ and keeps "ud800" as it is.
    expect(goJsonString('C:\\ud800\\x')).toBe('"C:\\\\ud800\\\\x"');
    expect(goJsonString('\\\\udfff')).toBe('"\\\\\\\\udfff"');
    expect(JSON.parse(goJsonString('C:\\ud800'))).toBe('C:\\ud800');
  });

  it('ENV-JWS-8: sortKeys orders object members by UTF-8 bytes at every level', () => {
    const value = { b: 1, a: { z: true, y: null }, '\u{1F600}': 'e', '\uFF21': 'f', A: [{ d: 1, c: 2 }] };
    expect(goJson(value, true)).toBe(
      '{"A":[{"c":2,"d":1}],"a":{"y":null,"z":true},"b":1,"\uFF21":"f","\u{1F600}":"e"}',
    );
  });

  it('PAY-6: without sortKeys, members keep insertion order (Go struct order); undefined members are omitted', () => {
    expect(goJson({ mediaType: 'm', digest: 'd', size: 1, annotations: undefined }, false)).toBe(
      '{"mediaType":"m","digest":"d","size":1}',
    );
    expect(goJson([1, 'x', false, null], false)).toBe('[1,"x",false,null]');
  });

  it('PAY-6: non-finite numbers cannot be written', () => {
    expect(() => goJson(Number.NaN, false)).toThrow(TypeError);
    expect(() => goJson({ a: Number.POSITIVE_INFINITY }, true)).toThrow(TypeError);
  });
});
