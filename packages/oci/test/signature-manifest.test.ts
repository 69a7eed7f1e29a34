import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { goJsonString } from '@x/notary-pki/foundation';
import { loadUpstreamManifest } from '@x/notary-test-servers/upstream-vectors';
import { describe, expect, it } from 'vitest';
import {
  ARTIFACT_TYPE_NOTARY_SIGNATURE,
  type Descriptor,
  MAX_MANIFEST_BYTES,
  MEDIA_TYPE_DOCKER_MANIFEST,
  MEDIA_TYPE_EMPTY,
  MEDIA_TYPE_OCI_ARTIFACT_MANIFEST,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
} from '../src/descriptor.js';
import { OciError } from '../src/errors.js';
import {
  ANNOTATION_CREATED,
  ANNOTATION_X509_CHAIN_THUMBPRINT,
  buildSignatureManifest,
  certificateThumbprints,
  EMPTY_CONFIG_DESCRIPTOR,
  encodeDescriptorJson,
  encodeImageIndex,
  type ImageIndexJson,
  isSignatureReferrer,
  parseSignatureManifest,
  parseThumbprintAnnotation,
} from '../src/signature-manifest.js';
import { LAYOUTS_DIR, readJws, readLayoutBlobs } from './node/vector-helpers.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const sha256Hex = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

const ENVELOPE = utf8('envelope');
const LEAF = utf8('leaf-der');
const ROOT = utf8('root-der');
const SUBJECT: Descriptor = { mediaType: MEDIA_TYPE_OCI_MANIFEST, digest: `sha256:${sha256Hex('subject')}`, size: 7 };
const SIGNING_TIME = new Date('2025-01-21T09:17:46.999Z');

function build(overrides: Partial<Parameters<typeof buildSignatureManifest>[0]> = {}) {
  return buildSignatureManifest({
    envelope: ENVELOPE,
    envelopeMediaType: 'application/jose+json',
    subject: SUBJECT,
    certificateChainDer: [LEAF, ROOT],
    signingTime: SIGNING_TIME,
    ...overrides,
  });
}

function expectOciError(fn: () => unknown, code: string, message?: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected an OciError').toBeInstanceOf(OciError);
  expect((caught as OciError).code).toBe(code);
  if (message) expect((caught as OciError).message).toMatch(message);
}

/** An image manifest body with the given members, for the rejection tests. */
function manifestBytes(members: Record<string, unknown>): Uint8Array {
  return utf8(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE_OCI_MANIFEST, ...members }));
}
const JOSE_LAYER = { mediaType: 'application/jose+json', digest: `sha256:${sha256Hex('envelope')}`, size: 8 };
const LEGACY_CONFIG = { mediaType: ARTIFACT_TYPE_NOTARY_SIGNATURE, digest: EMPTY_CONFIG_DESCRIPTOR.digest, size: 2 };

describe('buildSignatureManifest', () => {
  it('OCI-1, OCI-2, OCI-4, OCI-5, OCI-6: the OCI 1.1 form is byte-exact (member order, empty config with data, compact thumbprints, UTC seconds)', () => {
    const built = build();
    const expected =
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.cncf.notary.signature",' +
      '"config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"data":"e30="},' +
      `"layers":[{"mediaType":"application/jose+json","digest":"sha256:${sha256Hex(ENVELOPE)}","size":8}],` +
      `"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"${SUBJECT.digest}","size":7},` +
      `"annotations":{"io.cncf.notary.x509chain.thumbprint#S256":"[\\"${sha256Hex(LEAF)}\\",\\"${sha256Hex(ROOT)}\\"]","org.opencontainers.image.created":"2025-01-21T09:17:46Z"}}`;
    expect(text(built.manifest)).toBe(expected);
  });

  it('OCI-3: the legacy form has no artifactType and config.mediaType = the signature type over {} without data (byte-exact)', () => {
    const built = build({ legacy: true, envelopeMediaType: 'application/cose' });
    const expected =
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",' +
      '"config":{"mediaType":"application/vnd.cncf.notary.signature","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},' +
      `"layers":[{"mediaType":"application/cose","digest":"sha256:${sha256Hex(ENVELOPE)}","size":8}],` +
      `"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"${SUBJECT.digest}","size":7},` +
      `"annotations":{"io.cncf.notary.x509chain.thumbprint#S256":"[\\"${sha256Hex(LEAF)}\\",\\"${sha256Hex(ROOT)}\\"]","org.opencontainers.image.created":"2025-01-21T09:17:46Z"}}`;
    expect(text(built.manifest)).toBe(expected);
  });

  it('returns the manifest descriptor (digest of the bytes, artifactType, annotations) and the envelope and config blobs', () => {
    for (const legacy of [false, true]) {
      const built = build({ legacy });
      expect(built.descriptor.mediaType).toBe(MEDIA_TYPE_OCI_MANIFEST);
      expect(built.descriptor.digest).toBe(`sha256:${sha256Hex(built.manifest)}`);
      expect(built.descriptor.size).toBe(built.manifest.length);
      expect(built.descriptor.artifactType).toBe(ARTIFACT_TYPE_NOTARY_SIGNATURE);
      expect(built.descriptor.annotations?.[ANNOTATION_CREATED]).toBe('2025-01-21T09:17:46Z');
      expect(built.blobs).toHaveLength(2);
      expect(built.blobs[0]!.bytes).toEqual(ENVELOPE);
      expect(built.blobs[0]!.descriptor).toEqual({
        mediaType: 'application/jose+json',
        digest: `sha256:${sha256Hex(ENVELOPE)}`,
        size: 8,
      });
      expect(text(built.blobs[1]!.bytes)).toBe('{}');
      expect(built.blobs[1]!.descriptor).toEqual({
        mediaType: legacy ? ARTIFACT_TYPE_NOTARY_SIGNATURE : MEDIA_TYPE_EMPTY,
        digest: EMPTY_CONFIG_DESCRIPTOR.digest,
        size: 2,
      });
    }
  });

  it('OCI-5, AMB-3: thumbprints are lowercase hex SHA-256 of each chain certificate in x5c order', () => {
    const built = build();
    const parsed = parseSignatureManifest(built.manifest, MEDIA_TYPE_OCI_MANIFEST);
    const raw = parsed.annotations[ANNOTATION_X509_CHAIN_THUMBPRINT]!;
    expect(raw).toBe(JSON.stringify([sha256Hex(LEAF), sha256Hex(ROOT)]));
    expect(raw).toMatch(/^\["[0-9a-f]{64}","[0-9a-f]{64}"\]$/);
    expect(certificateThumbprints([LEAF])).toEqual([sha256Hex(LEAF)]);
  });

  it('AMB-3: the thumbprint annotation is read case-insensitively (uppercase, as in the spec example, is lowercased)', () => {
    const upper = sha256Hex(LEAF).toUpperCase();
    expect(parseThumbprintAnnotation({ [ANNOTATION_X509_CHAIN_THUMBPRINT]: JSON.stringify([upper]) })).toEqual([
      sha256Hex(LEAF),
    ]);
    expect(parseThumbprintAnnotation({})).toBeUndefined();
    expect(parseThumbprintAnnotation({ [ANNOTATION_X509_CHAIN_THUMBPRINT]: 'not json' })).toBeUndefined();
    expect(parseThumbprintAnnotation({ [ANNOTATION_X509_CHAIN_THUMBPRINT]: '[1]' })).toBeUndefined();
  });

  it('OCI-5 [impl]: plugin annotations are merged, sorted by key, and cannot override the two notation annotations', () => {
    const built = build({
      annotations: {
        'z.plugin': 'last',
        'a.plugin': 'first',
        [ANNOTATION_CREATED]: 'forged',
        [ANNOTATION_X509_CHAIN_THUMBPRINT]: 'forged',
      },
    });
    const body = text(built.manifest);
    const annotations = body.slice(body.indexOf('"annotations":'));
    expect(annotations).toBe(
      `"annotations":{"a.plugin":"first","io.cncf.notary.x509chain.thumbprint#S256":"[\\"${sha256Hex(LEAF)}\\",\\"${sha256Hex(ROOT)}\\"]","org.opencontainers.image.created":"2025-01-21T09:17:46Z","z.plugin":"last"}}`,
    );
  });

  it("OCI-6: strings are escaped as Go's encoding/json does (<>& and U+2028/9 as \\u escapes, invalid UTF-16 as U+FFFD)", () => {
    expect(goJsonString('<a>&b')).toBe('"\\u003ca\\u003e\\u0026b"');
    expect(goJsonString('x\u2028y\u2029')).toBe('"x\\u2028y\\u2029"');
    expect(goJsonString('q"\\\n\t\b\f\u0001')).toBe('"q\\"\\\\\\n\\t\\b\\f\\u0001"');
    expect(goJsonString('bad\ud800')).toBe('"bad\\ufffd"');
    expect(goJsonString('ok\u{1F600}')).toBe('"ok\u{1F600}"');
    const built = build({ annotations: { 'io.example/<tag>': 'a&b' } });
    expect(text(built.manifest)).toContain('"io.example/\\u003ctag\\u003e":"a\\u0026b"');
  });

  it('OCI-6: map keys sort by UTF-8 bytes (a non-BMP key sorts after U+FFFD-range BMP keys, as in Go)', () => {
    const built = build({ annotations: { '\u{1F600}': '1', '\uFF01': '2' } });
    const body = text(built.manifest);
    expect(body.indexOf('\uFF01')).toBeLessThan(body.indexOf('\u{1F600}'));
  });

  it('OCI-6: descriptors keep ocispec.Descriptor member order (mediaType, digest, size, urls, annotations, data, platform, artifactType)', () => {
    const d: Descriptor = {
      artifactType: 'application/x',
      platform: { variant: 'v8', os: 'linux', architecture: 'arm64' },
      data: 'e30=',
      annotations: { b: '2', a: '1' },
      urls: ['https://x'],
      size: 2,
      digest: EMPTY_CONFIG_DESCRIPTOR.digest,
      mediaType: MEDIA_TYPE_EMPTY,
    };
    expect(encodeDescriptorJson(d)).toBe(
      `{"mediaType":"application/vnd.oci.empty.v1+json","digest":"${EMPTY_CONFIG_DESCRIPTOR.digest}","size":2,"urls":["https://x"],"annotations":{"a":"1","b":"2"},"data":"e30=","platform":{"architecture":"arm64","os":"linux","variant":"v8"},"artifactType":"application/x"}`,
    );
  });

  it('the subject is written as given (OCI-4), so a full descriptor keeps its members in Go order', () => {
    const built = build({ subject: { ...SUBJECT, annotations: { k: 'v' }, artifactType: 'application/x' } });
    expect(text(built.manifest)).toContain(
      `"subject":{"mediaType":"${MEDIA_TYPE_OCI_MANIFEST}","digest":"${SUBJECT.digest}","size":7,"annotations":{"k":"v"},"artifactType":"application/x"}`,
    );
  });

  it('refuses an unsupported envelope type, an empty envelope or chain, a bad subject and an unformattable time', () => {
    expectOciError(() => build({ envelopeMediaType: 'application/json' as never }), 'ERR_OCI_UNSUPPORTED_MEDIA_TYPE');
    expectOciError(() => build({ envelope: new Uint8Array() }), 'ERR_OCI_SIGNATURE_MANIFEST_INVALID');
    expectOciError(() => build({ certificateChainDer: [] }), 'ERR_OCI_SIGNATURE_MANIFEST_INVALID', /OCI-5/);
    expectOciError(() => build({ subject: { ...SUBJECT, digest: 'sha256:zz' } }), 'ERR_OCI_SIGNATURE_MANIFEST_INVALID');
    expectOciError(() => build({ subject: { ...SUBJECT, size: -1 } }), 'ERR_OCI_SIGNATURE_MANIFEST_INVALID');
    expectOciError(() => build({ signingTime: new Date(Number.NaN) }), 'ERR_OCI_SIGNATURE_MANIFEST_INVALID');
    expectOciError(
      () => build({ signingTime: new Date('+010000-01-01T00:00:00Z') }),
      'ERR_OCI_SIGNATURE_MANIFEST_INVALID',
    );
  });
});

describe('parseSignatureManifest', () => {
  it('OCI-2, AMB-20: the OCI 1.1 form round-trips', () => {
    const built = build({ annotations: { extra: 'x' } });
    const parsed = parseSignatureManifest(built.manifest, MEDIA_TYPE_OCI_MANIFEST);
    expect(parsed.form).toBe('oci-1.1');
    expect(parsed.envelopeMediaType).toBe('application/jose+json');
    expect(parsed.envelopeDescriptor).toEqual(built.blobs[0]!.descriptor);
    expect(parsed.subject).toEqual(SUBJECT);
    expect(parsed.annotations).toEqual(built.descriptor.annotations);
  });

  it('OCI-3, AMB-20: the legacy form round-trips', () => {
    const built = build({ legacy: true, envelopeMediaType: 'application/cose' });
    const parsed = parseSignatureManifest(built.manifest, MEDIA_TYPE_OCI_MANIFEST);
    expect(parsed.form).toBe('legacy');
    expect(parsed.envelopeMediaType).toBe('application/cose');
    expect(parsed.envelopeDescriptor).toEqual(built.blobs[0]!.descriptor);
    expect(parsed.subject).toEqual(SUBJECT);
  });

  it('OCI-9: an obsolete artifact manifest is read through its blobs', () => {
    const bytes = utf8(
      JSON.stringify({
        mediaType: MEDIA_TYPE_OCI_ARTIFACT_MANIFEST,
        artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE,
        blobs: [JOSE_LAYER],
        subject: SUBJECT,
        annotations: { [ANNOTATION_CREATED]: '2022-01-01T00:00:00Z' },
      }),
    );
    const parsed = parseSignatureManifest(bytes, MEDIA_TYPE_OCI_ARTIFACT_MANIFEST);
    expect(parsed.form).toBe('artifact-manifest');
    expect(parsed.envelopeDescriptor).toEqual(JOSE_LAYER);
    expect(parsed.subject).toEqual(SUBJECT);
    expect(parsed.annotations[ANNOTATION_CREATED]).toBe('2022-01-01T00:00:00Z');
  });

  it("a manifest without subject or annotations parses (the subject is the caller's to check)", () => {
    const parsed = parseSignatureManifest(
      manifestBytes({ config: LEGACY_CONFIG, layers: [JOSE_LAYER] }),
      MEDIA_TYPE_OCI_MANIFEST,
    );
    expect(parsed.subject).toBeUndefined();
    expect(parsed.annotations).toEqual({});
  });

  describe('OCI-9 rejections', () => {
    it('OCI-9: a manifest over 4 MiB is ERR_OCI_TOO_LARGE', () => {
      expectOciError(
        () => parseSignatureManifest(new Uint8Array(MAX_MANIFEST_BYTES + 1), MEDIA_TYPE_OCI_MANIFEST),
        'ERR_OCI_TOO_LARGE',
      );
    });

    it('OCI-9: a media type other than image manifest or artifact manifest is ERR_OCI_UNSUPPORTED_MEDIA_TYPE', () => {
      const bytes = build().manifest;
      for (const mediaType of [MEDIA_TYPE_OCI_INDEX, MEDIA_TYPE_DOCKER_MANIFEST, 'application/json', '']) {
        expectOciError(() => parseSignatureManifest(bytes, mediaType), 'ERR_OCI_UNSUPPORTED_MEDIA_TYPE');
      }
    });

    it('OCI-1, OCI-9: zero layers, two layers, or no layers member are ERR_OCI_SIGNATURE_MANIFEST_INVALID', () => {
      for (const layers of [[], [JOSE_LAYER, JOSE_LAYER], undefined]) {
        expectOciError(
          () => parseSignatureManifest(manifestBytes({ config: LEGACY_CONFIG, layers }), MEDIA_TYPE_OCI_MANIFEST),
          'ERR_OCI_SIGNATURE_MANIFEST_INVALID',
          /exactly one/,
        );
      }
    });

    it('OCI-9: an artifact manifest with zero or two blobs is ERR_OCI_SIGNATURE_MANIFEST_INVALID', () => {
      for (const blobs of [[], [JOSE_LAYER, JOSE_LAYER]]) {
        const bytes = utf8(
          JSON.stringify({
            mediaType: MEDIA_TYPE_OCI_ARTIFACT_MANIFEST,
            artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE,
            blobs,
          }),
        );
        expectOciError(
          () => parseSignatureManifest(bytes, MEDIA_TYPE_OCI_ARTIFACT_MANIFEST),
          'ERR_OCI_SIGNATURE_MANIFEST_INVALID',
        );
      }
    });

    it('OCI-1, OCI-9: a layer that is not jose or cose is ERR_OCI_UNSUPPORTED_MEDIA_TYPE', () => {
      const tar = { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: JOSE_LAYER.digest, size: 8 };
      expectOciError(
        () => parseSignatureManifest(manifestBytes({ config: LEGACY_CONFIG, layers: [tar] }), MEDIA_TYPE_OCI_MANIFEST),
        'ERR_OCI_UNSUPPORTED_MEDIA_TYPE',
      );
    });

    it('OCI-3: artifactType = the signature type with a non-empty config is rejected (the [impl] OCI-layout rule)', () => {
      const bytes = manifestBytes({
        artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE,
        config: LEGACY_CONFIG,
        layers: [JOSE_LAYER],
      });
      expectOciError(
        () => parseSignatureManifest(bytes, MEDIA_TYPE_OCI_MANIFEST),
        'ERR_OCI_SIGNATURE_MANIFEST_INVALID',
        /OCI-3/,
      );
    });

    it('OCI-3: without artifactType the config media type must be the signature type; another artifactType is not a signature', () => {
      const emptyConfig = { ...EMPTY_CONFIG_DESCRIPTOR };
      expectOciError(
        () =>
          parseSignatureManifest(manifestBytes({ config: emptyConfig, layers: [JOSE_LAYER] }), MEDIA_TYPE_OCI_MANIFEST),
        'ERR_OCI_SIGNATURE_MANIFEST_INVALID',
        /OCI-3/,
      );
      expectOciError(
        () =>
          parseSignatureManifest(
            manifestBytes({ artifactType: 'application/vnd.example.sbom', config: emptyConfig, layers: [JOSE_LAYER] }),
            MEDIA_TYPE_OCI_MANIFEST,
          ),
        'ERR_OCI_SIGNATURE_MANIFEST_INVALID',
      );
      const artifact = utf8(
        JSON.stringify({
          mediaType: MEDIA_TYPE_OCI_ARTIFACT_MANIFEST,
          artifactType: 'application/x',
          blobs: [JOSE_LAYER],
        }),
      );
      expectOciError(
        () => parseSignatureManifest(artifact, MEDIA_TYPE_OCI_ARTIFACT_MANIFEST),
        'ERR_OCI_SIGNATURE_MANIFEST_INVALID',
      );
    });

    it('OCI-1: bad JSON, a non-object, schemaVersion other than 2, a mismatching body mediaType, and malformed descriptors are rejected', () => {
      const invalid = 'ERR_OCI_SIGNATURE_MANIFEST_INVALID';
      expectOciError(() => parseSignatureManifest(utf8('{'), MEDIA_TYPE_OCI_MANIFEST), invalid);
      expectOciError(() => parseSignatureManifest(utf8('[]'), MEDIA_TYPE_OCI_MANIFEST), invalid);
      expectOciError(() => parseSignatureManifest(Uint8Array.of(0xff, 0xfe), MEDIA_TYPE_OCI_MANIFEST), invalid);
      expectOciError(
        () =>
          parseSignatureManifest(
            manifestBytes({ schemaVersion: 1, config: LEGACY_CONFIG, layers: [JOSE_LAYER] }),
            MEDIA_TYPE_OCI_MANIFEST,
          ),
        invalid,
      );
      expectOciError(
        () =>
          parseSignatureManifest(
            manifestBytes({ mediaType: MEDIA_TYPE_OCI_INDEX, config: LEGACY_CONFIG, layers: [JOSE_LAYER] }),
            MEDIA_TYPE_OCI_MANIFEST,
          ),
        invalid,
      );
      expectOciError(
        () =>
          parseSignatureManifest(
            manifestBytes({ config: LEGACY_CONFIG, layers: [{ ...JOSE_LAYER, digest: 'md5:abc' }] }),
            MEDIA_TYPE_OCI_MANIFEST,
          ),
        invalid,
      );
      expectOciError(
        () =>
          parseSignatureManifest(
            manifestBytes({ config: LEGACY_CONFIG, layers: [{ ...JOSE_LAYER, size: '8' }] }),
            MEDIA_TYPE_OCI_MANIFEST,
          ),
        invalid,
      );
      expectOciError(
        () => parseSignatureManifest(manifestBytes({ layers: [JOSE_LAYER] }), MEDIA_TYPE_OCI_MANIFEST),
        invalid,
      );
      expectOciError(
        () =>
          parseSignatureManifest(
            manifestBytes({ config: LEGACY_CONFIG, layers: [JOSE_LAYER], annotations: { a: 1 } }),
            MEDIA_TYPE_OCI_MANIFEST,
          ),
        invalid,
      );
      expectOciError(
        () =>
          parseSignatureManifest(
            manifestBytes({ config: LEGACY_CONFIG, layers: [JOSE_LAYER], subject: { digest: 'x' } }),
            MEDIA_TYPE_OCI_MANIFEST,
          ),
        invalid,
      );
    });
  });
});

describe('isSignatureReferrer', () => {
  it('OCI-7, OCI-8: a manifest referrer whose artifactType is the signature type', () => {
    expect(
      isSignatureReferrer({ mediaType: MEDIA_TYPE_OCI_MANIFEST, artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE }),
    ).toBe(true);
    expect(
      isSignatureReferrer({
        mediaType: MEDIA_TYPE_OCI_ARTIFACT_MANIFEST,
        artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE,
      }),
    ).toBe(true);
    expect(
      isSignatureReferrer({ mediaType: MEDIA_TYPE_OCI_MANIFEST, artifactType: 'application/vnd.example.sbom' }),
    ).toBe(false);
    expect(isSignatureReferrer({ mediaType: MEDIA_TYPE_OCI_MANIFEST })).toBe(false);
    expect(isSignatureReferrer({ mediaType: MEDIA_TYPE_OCI_INDEX, artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE })).toBe(
      false,
    );
  });
});

describe('upstream vectors', async () => {
  const { dir, looked } = await loadUpstreamManifest();
  if (!dir) {
    if (process.env.CI === 'true') throw new Error(`upstream vectors missing at ${looked} (required under CI)`);
    console.warn(
      `upstream vectors not found at ${looked}: skipping the byte-exact comparison with notation's stored signature manifests`,
    );
  }
  const layouts = [
    'e2e-valid-signature',
    'e2e-expired-signature',
    'e2e-with-expired-cert',
    'e2e-valid-multiple-signatures',
    'e2e-with-timestamped-signature',
    'e2e-with-invalid-timestamped-signature',
  ];

  it.skipIf(!dir).each(layouts)(
    'OCI-3, OCI-5, OCI-6, AMB-20: rebuilding every stored legacy signature manifest of %s from its envelope gives identical bytes',
    async (layout) => {
      const root = join(dir!, LAYOUTS_DIR, layout);
      const blobs = await readLayoutBlobs(root);
      let rebuilt = 0;
      for (const [digest, bytes] of blobs) {
        let parsed;
        try {
          parsed = parseSignatureManifest(bytes, MEDIA_TYPE_OCI_MANIFEST);
        } catch {
          continue; // not a signature manifest
        }
        const envelope = blobs.get(parsed.envelopeDescriptor.digest)!;
        const jws = readJws(envelope);
        const built = buildSignatureManifest({
          envelope,
          envelopeMediaType: parsed.envelopeMediaType,
          // The signed descriptor as notation resolved it: plain, as the JWS payload records it.
          subject: {
            mediaType: jws.payload.targetArtifact.mediaType,
            digest: jws.payload.targetArtifact.digest,
            size: jws.payload.targetArtifact.size,
          },
          certificateChainDer: jws.x5c,
          signingTime: jws.signingTime,
          legacy: true,
        });
        expect(text(built.manifest)).toBe(text(bytes));
        expect(built.descriptor.digest).toBe(digest);
        rebuilt++;
      }
      expect(rebuilt).toBe(layout === 'e2e-valid-multiple-signatures' ? 2 : 1);
    },
  );

  it.skipIf(!dir)(
    'OCI-8, OCI-6: encodeImageIndex reproduces the stored tag-schema referrers indexes and index.json files byte for byte',
    async () => {
      let compared = 0;
      for (const layout of [...layouts, 'e2e', 'e2e-invalid-signature']) {
        const root = join(dir!, LAYOUTS_DIR, layout);
        const indexJson = new Uint8Array(await readFile(join(root, 'index.json')));
        const candidates = [indexJson, ...[...(await readLayoutBlobs(root)).values()]];
        for (const bytes of candidates) {
          let value: ImageIndexJson;
          try {
            value = JSON.parse(text(bytes)) as ImageIndexJson;
          } catch {
            continue;
          }
          if (!Array.isArray(value.manifests)) continue;
          expect(text(encodeImageIndex(value))).toBe(text(bytes).trimEnd());
          compared++;
        }
      }
      expect(compared).toBeGreaterThanOrEqual(13);
    },
  );
});
