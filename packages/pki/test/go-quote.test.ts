import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goCharU, goQuote, goQuoteList, goQuoteMap } from '../src/go-quote.js';

/**
 * Go's own strconv.Quote, run at test time: one hex-encoded input a line on
 * stdin, one quoted string a line on stdout. The inputs avoid characters
 * assigned after Unicode 13 (Go 1.19's tables), where JavaScript's newer
 * tables may differ on purpose ([impl] in go-quote.ts).
 */
const GO_PROGRAM = `package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		b, err := hex.DecodeString(in.Text())
		if err != nil {
			panic(err)
		}
		fmt.Println(strconv.Quote(string(b)))
	}
}
`;

const STRINGS = [
  'plain',
  'CN=a,O=DigiCert\\, Inc.',
  'say "hi"\n\u0001\u0007\b\f\r\t\u000b\u007f',
  'Zürich, 東京, emoji 😀',
  'nbsp\u00a0here', // the old pki copy left U+00A0 as it was
  'zero\u200bwidth\u200cnon\u200djoiner\u2060word',
  '\ufeffbom and soft\u00adhyphen',
  'C1 \u0085 and \u009f',
  'line\u2028para\u2029',
  'ideographic\u3000space and en\u2002space',
  'private \ue000 and \u{f0000}',
  'tag \u{e0001} and noncharacter \u{10ffff} \ufffe',
  'lone \ud800 surrogate',
  'replacement \ufffd kept',
];

const BYTES: Uint8Array[] = [
  Uint8Array.of(0xff),
  Uint8Array.of(0x61, 0xc0, 0x80, 0x62), // overlong NUL
  Uint8Array.of(0xed, 0xa0, 0x80), // an encoded surrogate
  Uint8Array.of(0xe2, 0x82), // truncated
  Uint8Array.of(0xf4, 0x90, 0x80, 0x80), // above U+10FFFF
  Uint8Array.of(0xf0, 0x9f, 0x98, 0x80, 0x80), // valid emoji, then a stray continuation byte
  Uint8Array.of(0xc3, 0xa9, 0xc2, 0xa0), // é and U+00A0, valid
];

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

describe('goQuote against Go strconv.Quote', () => {
  const run = promisify(execFile);
  let dir: string;
  let goQuoted: string[] | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'go-quote-'));
    await writeFile(join(dir, 'main.go'), GO_PROGRAM);
    const inputs = [...STRINGS.map((s) => new TextEncoder().encode(s)), ...BYTES].map(hex).join('\n');
    try {
      const child = run('go', ['run', 'main.go'], {
        cwd: dir,
        env: { ...process.env, GOCACHE: join(dir, 'cache'), GO111MODULE: 'off' },
      });
      child.child.stdin!.end(`${inputs}\n`);
      goQuoted = (await child).stdout.split('\n').slice(0, -1);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || process.env['CI'] === 'true') throw error;
      console.warn('[notice] go not found: the strconv.Quote comparison is skipped');
    }
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('issue 14 finding 2: a string quotes as Go quotes its UTF-8 (U+00A0, zero-width and format characters escaped; a lone surrogate is U+FFFD)', () => {
    if (goQuoted === undefined) return;
    expect(STRINGS.map((s) => goQuote(s))).toEqual(goQuoted.slice(0, STRINGS.length));
  });

  it('issue 14 finding 2: raw bytes quote as a Go string of them (invalid UTF-8 as \\xNN, one byte at a time)', () => {
    if (goQuoted === undefined) return;
    expect(BYTES.map((b) => goQuote(b))).toEqual(goQuoted.slice(STRINGS.length));
  });
});

describe('goQuote and the %q forms', () => {
  it('issue 14 finding 2: U+00A0 and zero-width characters are escaped (the second copy in pki kept them)', () => {
    expect(goQuote('a\u00a0b')).toBe('"a\\u00a0b"');
    expect(goQuote('a\u200bb')).toBe('"a\\u200bb"');
    expect(goQuote('CN=a,O=DigiCert\\, Inc.')).toBe('"CN=a,O=DigiCert\\\\, Inc."');
    expect(goQuote(Uint8Array.of(0x41, 0xff))).toBe('"A\\xff"');
  });

  it('DN-4: %q of a slice and of a map (keys sorted by UTF-8 bytes); %#U of an ASCII byte', () => {
    expect(goQuoteList(['a', 'b"'])).toBe('["a" "b\\""]');
    expect(
      goQuoteMap(
        new Map([
          ['O', 'Org'],
          ['C', 'US'],
        ]),
      ),
    ).toBe('map["C":"US" "O":"Org"]');
    expect(goCharU(0x67)).toBe("U+0067 'g'");
    expect(goCharU(0x0a)).toBe('U+000A');
  });
});
