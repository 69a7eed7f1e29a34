import { describe, expect, it } from 'vitest';
import {
  ARTIFACT_TYPE_NOTARY_SIGNATURE,
  MAX_MANIFEST_BYTES,
  MEDIA_TYPE_EMPTY,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
} from '../src/descriptor.js';
import { computeDigest, descriptorFor } from '../src/digest.js';
import { OciError } from '../src/errors.js';
import { MemoryRepository } from '../src/memory-repository.js';
import {
  EMPTY_CONFIG_DESCRIPTOR,
  EMPTY_JSON_BYTES,
  isSignatureReferrer,
  parseSignatureManifest,
} from '../src/signature-manifest.js';

import { pushImage, pushSignature } from './node/repo-helpers.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OciError);
    return (error as OciError).code;
  }
  return undefined;
}

describe('MemoryRepository', () => {
  it('resolves tags and digests to the manifest descriptor and fetches the exact bytes', async () => {
    const repo = new MemoryRepository({ name: 'mem/test' });
    expect(repo.name).toBe('mem/test');
    const image = await pushImage(repo, 'v1');
    expect(await repo.resolve('v1')).toEqual(image);
    expect(await repo.resolve(image.digest)).toEqual(image);
    const fetched = await repo.fetchManifest('v1');
    expect(computeDigest(fetched.bytes)).toBe(image.digest);
    expect((await repo.fetchManifest(image)).bytes).toEqual(fetched.bytes);
    // Returned bytes are copies: mutating them does not touch the store.
    fetched.bytes[0] = 0;
    expect((await repo.fetchManifest(image)).bytes[0]).toBe('{'.charCodeAt(0));
  });

  it('reports unknown tags and digests as ERR_OCI_NOT_FOUND and bad references as ERR_OCI_REFERENCE_INVALID', async () => {
    const repo = new MemoryRepository();
    expect(await codeOf(repo.resolve('nope'))).toBe('ERR_OCI_NOT_FOUND');
    expect(await codeOf(repo.resolve(computeDigest(utf8('x'))))).toBe('ERR_OCI_NOT_FOUND');
    expect(await codeOf(repo.resolve('bad tag'))).toBe('ERR_OCI_REFERENCE_INVALID');
    expect(await codeOf(repo.resolve('sha256:short'))).toBe('ERR_OCI_REFERENCE_INVALID');
    expect(await codeOf(repo.resolve(''))).toBe('ERR_OCI_REFERENCE_INVALID');
    expect(await codeOf(repo.fetchBlob(descriptorFor('x', utf8('x'))))).toBe('ERR_OCI_NOT_FOUND');
  });

  it('OCI-9: checks digest and size against the asked descriptor, and caps manifests at 4 MiB and blobs at maxBytes (32 MiB default)', async () => {
    const repo = new MemoryRepository();
    const blob = await repo.pushBlob(utf8('content'), 'application/octet-stream');
    expect(await repo.fetchBlob(blob)).toEqual(utf8('content'));
    expect(await codeOf(repo.fetchBlob({ ...blob, size: 6 }))).toBe('ERR_OCI_DIGEST_MISMATCH');
    expect(await codeOf(repo.fetchBlob(blob, { maxBytes: 3 }))).toBe('ERR_OCI_TOO_LARGE');
    expect(await codeOf(repo.fetchBlob({ ...blob, size: 32 * 1024 * 1024 + 1 }))).toBe('ERR_OCI_TOO_LARGE');
    const image = await pushImage(repo, 'v1');
    expect(await codeOf(repo.fetchManifest({ ...image, size: image.size + 1 }))).toBe('ERR_OCI_DIGEST_MISMATCH');
    expect(await codeOf(repo.fetchManifest({ ...image, size: MAX_MANIFEST_BYTES + 1 }))).toBe('ERR_OCI_TOO_LARGE');
    const huge = new Uint8Array(MAX_MANIFEST_BYTES + 1).fill(0x20);
    expect(await codeOf(repo.pushManifest(huge, MEDIA_TYPE_OCI_MANIFEST))).toBe('ERR_OCI_TOO_LARGE');
  });

  it('refuses manifests of non-manifest types, non-JSON bodies, a body mediaType that differs, and missing referenced blobs', async () => {
    const repo = new MemoryRepository();
    expect(await codeOf(repo.pushManifest(utf8('{}'), 'application/json'))).toBe('ERR_OCI_UNSUPPORTED_MEDIA_TYPE');
    expect(await codeOf(repo.pushManifest(utf8('nope'), MEDIA_TYPE_OCI_MANIFEST))).toBe(
      'ERR_OCI_UNSUPPORTED_MEDIA_TYPE',
    );
    expect(
      await codeOf(
        repo.pushManifest(utf8(`{"mediaType":"${MEDIA_TYPE_OCI_INDEX}","manifests":[]}`), MEDIA_TYPE_OCI_MANIFEST),
      ),
    ).toBe('ERR_OCI_UNSUPPORTED_MEDIA_TYPE');
    const orphan = utf8(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPE_OCI_MANIFEST,
        config: EMPTY_CONFIG_DESCRIPTOR,
        layers: [],
      }),
    );
    expect(await codeOf(repo.pushManifest(orphan, MEDIA_TYPE_OCI_MANIFEST))).toBe('ERR_OCI_NOT_FOUND');
    await repo.pushBlob(EMPTY_JSON_BYTES, MEDIA_TYPE_EMPTY);
    expect((await repo.pushManifest(orphan, MEDIA_TYPE_OCI_MANIFEST)).digest).toBe(computeDigest(orphan));
    expect(await codeOf(repo.pushManifest(orphan, MEDIA_TYPE_OCI_MANIFEST, { tag: '-bad' }))).toBe(
      'ERR_OCI_REFERENCE_INVALID',
    );
  });

  it('OCI-1 … OCI-5, OCI-7, AMB-20: both signature forms are found as referrers of their subject, with artifactType and annotations', async () => {
    const repo = new MemoryRepository();
    const image = await pushImage(repo, 'v1');
    const other = await pushImage(repo, 'v2', 'other');
    const modern = await pushSignature(repo, image);
    const legacy = await pushSignature(repo, image, { legacy: true, envelope: 'legacy' });
    await pushSignature(repo, other);
    // An unrelated referrer (an SBOM) of the same subject.
    const sbomLayer = await repo.pushBlob(utf8('sbom'), 'application/spdx+json');
    await repo.pushBlob(EMPTY_JSON_BYTES, MEDIA_TYPE_EMPTY);
    const sbom = await repo.pushManifest(
      utf8(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA_TYPE_OCI_MANIFEST,
          artifactType: 'application/spdx+json',
          config: EMPTY_CONFIG_DESCRIPTOR,
          layers: [sbomLayer],
          subject: image,
        }),
      ),
      MEDIA_TYPE_OCI_MANIFEST,
    );

    const all = await repo.referrers(image);
    expect(all.map((d) => d.digest)).toEqual([modern.descriptor.digest, legacy.descriptor.digest, sbom.digest]);
    const signatures = await repo.referrers(image, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE });
    expect(signatures.map((d) => d.digest)).toEqual([modern.descriptor.digest, legacy.descriptor.digest]);
    for (const d of signatures) {
      expect(isSignatureReferrer(d)).toBe(true);
      expect(d.annotations).toEqual(modern.built.descriptor.annotations);
      const { bytes } = await repo.fetchManifest(d);
      const parsed = parseSignatureManifest(bytes, d.mediaType);
      expect(parsed.subject).toEqual(image);
      expect(await repo.fetchBlob(parsed.envelopeDescriptor)).toBeInstanceOf(Uint8Array);
    }
    // The built descriptor is what the referrers listing reports.
    expect(signatures[0]).toEqual(modern.built.descriptor);
    expect(await repo.referrers(other, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE })).toHaveLength(1);
    expect(await repo.referrers({ ...image, digest: computeDigest(utf8('none')) })).toEqual([]);
  });

  it('OCI-3 [impl]: a manifest with artifactType = the signature type but a non-empty config is not listed as a signature', async () => {
    const repo = new MemoryRepository();
    const image = await pushImage(repo, 'v1');
    const layer = await repo.pushBlob(utf8('{}x'), 'application/jose+json');
    const config = await repo.pushBlob(utf8('{}'), ARTIFACT_TYPE_NOTARY_SIGNATURE);
    await repo.pushManifest(
      utf8(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA_TYPE_OCI_MANIFEST,
          artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE,
          config,
          layers: [layer],
          subject: image,
        }),
      ),
      MEDIA_TYPE_OCI_MANIFEST,
    );
    expect(await repo.referrers(image)).toHaveLength(1);
    expect(await repo.referrers(image, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE })).toEqual([]);
  });

  it('tags, retags and lists tags in lexical order; tagging needs an existing manifest', async () => {
    const repo = new MemoryRepository();
    const a = await pushImage(repo, 'b');
    const b = await pushImage(repo, 'a', 'second');
    await repo.tag(a, 'latest');
    expect(await repo.tags()).toEqual(['a', 'b', 'latest']);
    await repo.tag(b, 'latest');
    expect((await repo.resolve('latest')).digest).toBe(b.digest);
    expect(await codeOf(repo.tag(descriptorFor(MEDIA_TYPE_OCI_MANIFEST, utf8('x')), 'x'))).toBe('ERR_OCI_NOT_FOUND');
    expect(await codeOf(repo.tag(a, 'not/valid'))).toBe('ERR_OCI_REFERENCE_INVALID');
  });

  it('deletes a manifest and its tags; deleting again is ERR_OCI_NOT_FOUND', async () => {
    const repo = new MemoryRepository();
    const image = await pushImage(repo, 'v1');
    const { descriptor } = await pushSignature(repo, image);
    await repo.deleteManifest(descriptor);
    expect(await repo.referrers(image)).toEqual([]);
    await repo.deleteManifest(image);
    expect(await repo.tags()).toEqual([]);
    expect(await codeOf(repo.resolve('v1'))).toBe('ERR_OCI_NOT_FOUND');
    expect(await codeOf(repo.deleteManifest(image))).toBe('ERR_OCI_NOT_FOUND');
  });

  it('pushBlob is idempotent and content-addressed', async () => {
    const repo = new MemoryRepository();
    const one = await repo.pushBlob(utf8('same'), 'a/b');
    const two = await repo.pushBlob(utf8('same'), 'a/b');
    expect(two).toEqual(one);
    expect(repo.hasBlob(one.digest)).toBe(true);
  });

  it('honours an aborted signal', async () => {
    const repo = new MemoryRepository();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(repo.tags({ signal: controller.signal })).rejects.toThrow('stop');
  });
});
