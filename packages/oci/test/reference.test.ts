import { describe, expect, it } from 'vitest';
import { OciError } from '../src/errors.js';
import { assertDigest, digestProblem, OciReference, parseReference, parseTagOrDigest } from '../src/reference.js';

const D256 = `sha256:${'a'.repeat(64)}`;
const D512 = `sha512:${'0123456789abcdef'.repeat(8)}`;

describe('parseReference: valid references (distribution grammar)', () => {
  const valid: Array<[string, { registry: string; repository: string; tag?: string; digest?: string }]> = [
    ['registry.example/repo', { registry: 'registry.example', repository: 'repo' }],
    ['registry.example/repo:v1', { registry: 'registry.example', repository: 'repo', tag: 'v1' }],
    [`registry.example/repo@${D256}`, { registry: 'registry.example', repository: 'repo', digest: D256 }],
    [`registry.example/repo:v1@${D256}`, { registry: 'registry.example', repository: 'repo', tag: 'v1', digest: D256 }],
    [`registry.example/repo@${D512}`, { registry: 'registry.example', repository: 'repo', digest: D512 }],
    ['localhost/repo', { registry: 'localhost', repository: 'repo' }],
    ['localhost:5000/a/b/c:latest', { registry: 'localhost:5000', repository: 'a/b/c', tag: 'latest' }],
    ['127.0.0.1:5000/net-monitor:v1', { registry: '127.0.0.1:5000', repository: 'net-monitor', tag: 'v1' }],
    ['[::1]:5000/repo:tag', { registry: '[::1]:5000', repository: 'repo', tag: 'tag' }],
    ['[fe80::1]/repo', { registry: '[fe80::1]', repository: 'repo' }],
    ['Registry.Example.COM/repo', { registry: 'Registry.Example.COM', repository: 'repo' }],
    [
      'reg-1.example:443/a.b/c_d/e__f/g-h/i---j',
      { registry: 'reg-1.example:443', repository: 'a.b/c_d/e__f/g-h/i---j' },
    ],
    ['docker.io/library/alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
    [
      `r.example/x:${'_'.repeat(1)}${'A'.repeat(127)}`,
      { registry: 'r.example', repository: 'x', tag: `_${'A'.repeat(127)}` },
    ],
    ['r.example/x:_.-', { registry: 'r.example', repository: 'x', tag: '_.-' }],
    ['myregistry:5000/repo', { registry: 'myregistry:5000', repository: 'repo' }],
  ];
  for (const [input, expected] of valid) {
    it(`accepts ${input.length > 70 ? `${input.slice(0, 70)}…` : input}`, () => {
      const ref = parseReference(input);
      expect(ref).toBeInstanceOf(OciReference);
      expect({ registry: ref.registry, repository: ref.repository, tag: ref.tag, digest: ref.digest }).toEqual({
        tag: undefined,
        digest: undefined,
        ...expected,
      });
      expect(ref.toString()).toBe(input);
    });
  }

  it('reference is the digest when both a tag and a digest are given', () => {
    expect(parseReference(`r.example/x:v1@${D256}`).reference).toBe(D256);
    expect(parseReference('r.example/x:v1').reference).toBe('v1');
    expect(parseReference('r.example/x').reference).toBeUndefined();
  });
});

describe('parseReference: invalid references say why (ERR_OCI_REFERENCE_INVALID)', () => {
  const invalid: Array<[string, RegExp]> = [
    ['', /empty reference/],
    ['alpine', /missing registry/],
    ['library/alpine', /"library" is not a registry host.*not expanded/],
    ['alpine:3.20', /missing registry/],
    ['/repo', /missing registry/],
    ['registry.example/', /missing repository/],
    ['registry.example/Repo', /must be lowercase/],
    ['registry.example/repo/UPPER:tag', /must be lowercase/],
    ['registry.example/a//b', /empty path component/],
    ['registry.example/a/', /empty path component/],
    ['registry.example/-a', /path component "-a"/],
    ['registry.example/a_', /path component "a_"/],
    ['registry.example/a___b', /path component "a___b"/],
    ['registry.example/a..b', /path component "a..b"/],
    ['registry.example/repo:', /empty tag/],
    ['registry.example/repo:.tag', /must start with a letter, digit or "_"/],
    ['registry.example/repo:-tag', /must start with a letter, digit or "_"/],
    ['registry.example/repo:ta+g', /may only contain/],
    [`registry.example/repo:${'a'.repeat(129)}`, /129 characters, the maximum is 128/],
    ['registry.example/repo@', /empty digest/],
    ['registry.example/repo@abc', /no "algorithm:" prefix/],
    [`registry.example/repo@md5:${'a'.repeat(32)}`, /unsupported digest algorithm "md5"/],
    [`registry.example/repo@sha256:${'a'.repeat(63)}`, /64 hex characters, got 63/],
    [`registry.example/repo@sha256:${'a'.repeat(65)}`, /64 hex characters, got 65/],
    [`registry.example/repo@sha512:${'a'.repeat(64)}`, /128 hex characters, got 64/],
    [`registry.example/repo@sha256:${'A'.repeat(64)}`, /lowercase hex/],
    [`registry.example/repo@sha256:${'g'.repeat(64)}`, /lowercase hex/],
    [`registry.example/repo@SHA256:${'a'.repeat(64)}`, /algorithm "SHA256"/],
    ['registry.example:port/repo', /port "port" is not a number/],
    ['registry.example:99999/repo', /port 99999 is out of range/],
    ['registry.example:/repo', /port "" is not a number/],
    ['-bad.example/repo', /registry host "-bad.example"/],
    ['bad_host.example/repo', /registry host "bad_host.example"/],
    ['registry.example/re po', /whitespace/],
    [`registry.example/${'a'.repeat(250)}`, /longer than 255/],
  ];
  for (const [input, why] of invalid) {
    it(`rejects ${JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input)}: ${why.source}`, () => {
      let caught: unknown;
      try {
        parseReference(input);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(OciError);
      expect((caught as OciError).code).toBe('ERR_OCI_REFERENCE_INVALID');
      expect((caught as OciError).message).toMatch(why);
    });
  }
});

describe('digests and tag-or-digest parts', () => {
  it('digestProblem accepts sha256 and sha512 with their exact lengths', () => {
    expect(digestProblem(D256)).toBeUndefined();
    expect(digestProblem(D512)).toBeUndefined();
    expect(digestProblem(`sha384:${'a'.repeat(96)}`)).toMatch(/unsupported/);
    expect(() => assertDigest('sha256:abc')).toThrow(/64 hex characters, got 3/);
  });

  it('parseTagOrDigest tells a digest from a tag', () => {
    expect(parseTagOrDigest('v1')).toEqual({ tag: 'v1' });
    expect(parseTagOrDigest(D256)).toEqual({ digest: D256 });
    expect(() => parseTagOrDigest('sha256:xyz')).toThrow(OciError);
    expect(() => parseTagOrDigest('bad/tag')).toThrow(/may only contain/);
  });
});
