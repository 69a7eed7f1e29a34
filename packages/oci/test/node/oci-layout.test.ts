import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ARTIFACT_TYPE_NOTARY_SIGNATURE, MEDIA_TYPE_OCI_MANIFEST } from '../../src/descriptor.js';
import { computeDigest } from '../../src/digest.js';
import { OciError } from '../../src/errors.js';
import { OciLayoutRepository, parseLayoutReference } from '../../src/node/oci-layout.js';
import { ANNOTATION_REF_NAME, encodeImageIndex, parseSignatureManifest } from '../../src/signature-manifest.js';
import { pushImage, pushSignature } from './repo-helpers.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const temps: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oci-layout-'));
  temps.push(dir);
  return dir;
}

afterEach(async () => {
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OciError);
    return (error as OciError).code;
  }
  return undefined;
}

async function readIndex(
  root: string,
): Promise<{ text: string; value: { manifests: { digest: string; annotations?: Record<string, string> }[] } }> {
  const text = await readFile(join(root, 'index.json'), 'utf8');
  return { text, value: JSON.parse(text) };
}

describe('OciLayoutRepository', () => {
  it('creates a layout as oras-go does (oci-layout 1.0.0, an empty index with mediaType, blobs/)', async () => {
    const root = join(await tempDir(), 'new', 'layout');
    const repo = await OciLayoutRepository.open(root, { create: true });
    expect(repo.root).toBe(root);
    expect(repo.name).toBe(`local${root}`.toLowerCase());
    expect(await readFile(join(root, 'oci-layout'), 'utf8')).toBe('{"imageLayoutVersion":"1.0.0"}');
    expect(await readFile(join(root, 'index.json'), 'utf8')).toBe(
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}',
    );
    expect(await readdir(join(root, 'blobs'))).toEqual([]);
    // Re-opening without create validates what is there.
    await OciLayoutRepository.open(root);
  });

  it('issue 15 item 1 TP-8 TP-9: the default name is local/ and the path as scope components; a given name is kept', async () => {
    const base = await tempDir();
    const root = join(base, 'My Layouts', '-A..b__c---d.', '@@@', 'app');
    const repo = await OciLayoutRepository.open(root, { create: true });
    // Lower case, a space or `..` becomes one dash, `__` stays, separators at the ends and empty segments go.
    expect(repo.name).toBe(`local${base}/my-layouts/a-b__c-d/app`.toLowerCase());
    expect(repo.name).toMatch(/^local(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+$/);
    expect((await OciLayoutRepository.open(root, { name: 'local/app' })).name).toBe('local/app');
  });

  it('refuses to open a missing directory, a file, a directory without oci-layout, an unsupported version or a bad index', async () => {
    const dir = await tempDir();
    expect(await codeOf(OciLayoutRepository.open(join(dir, 'missing')))).toBe('ERR_OCI_NOT_FOUND');
    await writeFile(join(dir, 'file'), 'x');
    expect(await codeOf(OciLayoutRepository.open(join(dir, 'file')))).toBe('ERR_OCI_UNSUPPORTED_MEDIA_TYPE');
    await mkdir(join(dir, 'empty'));
    expect(await codeOf(OciLayoutRepository.open(join(dir, 'empty')))).toBe('ERR_OCI_UNSUPPORTED_MEDIA_TYPE');
    expect(await codeOf(OciLayoutRepository.open(join(dir, 'empty'), { readOnly: true, create: true }))).toBe(
      'ERR_OCI_UNSUPPORTED_MEDIA_TYPE',
    );
    await mkdir(join(dir, 'v2'));
    await writeFile(join(dir, 'v2', 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
    expect(await codeOf(OciLayoutRepository.open(join(dir, 'v2'), { create: true }))).toBe(
      'ERR_OCI_UNSUPPORTED_MEDIA_TYPE',
    );
    await mkdir(join(dir, 'noindex'));
    await writeFile(join(dir, 'noindex', 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    expect(await codeOf(OciLayoutRepository.open(join(dir, 'noindex')))).toBe('ERR_OCI_NOT_FOUND');
    await writeFile(join(dir, 'noindex', 'index.json'), '{"manifests":[{"digest":"nope"}]}');
    expect(await codeOf(OciLayoutRepository.open(join(dir, 'noindex')))).toBe('ERR_OCI_UNSUPPORTED_MEDIA_TYPE');
  });

  it('OCI-1 … OCI-5, OCI-7: sign into a layout, then find, fetch and parse the signature; index.json lists every manifest', async () => {
    const root = await tempDir();
    const repo = await OciLayoutRepository.open(root, { create: true });
    const image = await pushImage(repo, 'v1');
    const modern = await pushSignature(repo, image);
    const legacy = await pushSignature(repo, image, { legacy: true, envelope: 'legacy' });

    expect(await repo.resolve('v1')).toEqual(image);
    expect(await repo.resolve(image.digest)).toEqual(image);
    const signatures = await repo.referrers(image, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE });
    expect(signatures.map((d) => d.digest)).toEqual([modern.descriptor.digest, legacy.descriptor.digest]);
    expect(signatures[0]).toEqual(modern.built.descriptor);
    for (const d of signatures) {
      const { bytes } = await repo.fetchManifest(d);
      const parsed = parseSignatureManifest(bytes, d.mediaType);
      expect(parsed.subject).toEqual(image);
      expect(await repo.fetchBlob(parsed.envelopeDescriptor)).toEqual(
        d.digest === modern.descriptor.digest ? modern.built.blobs[0]!.bytes : legacy.built.blobs[0]!.bytes,
      );
    }
    // The index is Go-encoded and holds the tagged image and the two untagged signatures (with their annotations, as oras-go's PackManifest descriptor).
    const { text, value } = await readIndex(root);
    expect(text).toBe(new TextDecoder().decode(encodeImageIndex(JSON.parse(text))));
    expect(value.manifests.map((d) => d.digest)).toEqual([
      image.digest,
      modern.descriptor.digest,
      legacy.descriptor.digest,
    ]);
    expect(value.manifests[0]!.annotations).toEqual({ [ANNOTATION_REF_NAME]: 'v1' });
    expect(value.manifests[1]).toEqual({ ...modern.built.descriptor });
    expect(value.manifests[2]).toEqual({ ...legacy.descriptor, annotations: legacy.built.descriptor.annotations });
    // Blobs live at blobs/sha256/<hex>, with no temporary files left behind.
    const files = await readdir(join(root, 'blobs', 'sha256'));
    expect(files.every((f) => /^[0-9a-f]{64}$/.test(f))).toBe(true);
    expect(files).toContain(modern.descriptor.digest.slice(7));
    expect((await readdir(root)).sort()).toEqual(['blobs', 'index.json', 'oci-layout']);
  });

  it('OCI-8: finds signatures reachable only through a tag-schema referrers index, and applies the OCI-3 [impl] layout rule', async () => {
    const root = await tempDir();
    const repo = await OciLayoutRepository.open(root, { create: true });
    const image = await pushImage(repo, 'v1');
    const { descriptor } = await pushSignature(repo, image);
    // A bad "signature": artifactType = signature type but a non-empty config; notation drops it.
    const layer = await repo.pushBlob(utf8('{"x":1}'), 'application/jose+json');
    const config = await repo.pushBlob(utf8('{}'), ARTIFACT_TYPE_NOTARY_SIGNATURE);
    const bad = await repo.pushManifest(
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
    expect((await repo.referrers(image)).map((d) => d.digest).sort()).toEqual([descriptor.digest, bad.digest].sort());
    expect(
      (await repo.referrers(image, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE })).map((d) => d.digest),
    ).toEqual([descriptor.digest]);

    // Drop the signature's own index entry, keep it reachable through a sha256-<hex> index only.
    const { value } = await readIndex(root);
    const referrersIndex = encodeImageIndex({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ ...descriptor, artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE }],
    });
    const indexDescriptor = await repo.pushManifest(referrersIndex, 'application/vnd.oci.image.index.v1+json', {
      tag: `sha256-${image.digest.slice(7)}`,
    });
    const kept = (await readIndex(root)).value.manifests.filter(
      (d) => d.digest !== descriptor.digest && d.digest !== bad.digest,
    );
    await writeFile(join(root, 'index.json'), encodeImageIndex({ schemaVersion: 2, manifests: kept as never }));
    expect(value.manifests.length).toBe(3);
    const found = await repo.referrers(image, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE });
    expect(found.map((d) => d.digest)).toEqual([descriptor.digest]);
    // A digest reachable only through the index still resolves.
    expect(await repo.resolve(descriptor.digest)).toEqual({
      mediaType: MEDIA_TYPE_OCI_MANIFEST,
      digest: descriptor.digest,
      size: descriptor.size,
    });
    // And a manifest blob that nothing lists resolves from its body's mediaType.
    expect((await repo.resolve(bad.digest)).mediaType).toBe(MEDIA_TYPE_OCI_MANIFEST);
    expect(await repo.tags()).toEqual([`sha256-${image.digest.slice(7)}`, 'v1']);
    expect(indexDescriptor.mediaType).toBe('application/vnd.oci.image.index.v1+json');
  });

  it('tags: add, replace (keeping the old manifest reachable), fold an untagged entry into the tagged one, list sorted', async () => {
    const root = await tempDir();
    const repo = await OciLayoutRepository.open(root, { create: true });
    const one = await pushImage(repo, 'v1');
    const two = await pushImage(repo, 'v2', 'two');
    await repo.tag(two, 'latest');
    expect(await repo.tags()).toEqual(['latest', 'v1', 'v2']);
    await repo.tag(one, 'v2');
    expect((await repo.resolve('v2')).digest).toBe(one.digest);
    expect((await repo.resolve('latest')).digest).toBe(two.digest);
    const { value } = await readIndex(root);
    const refs = value.manifests.map((d) => [
      d.digest === one.digest ? 'one' : 'two',
      d.annotations?.[ANNOTATION_REF_NAME],
    ]);
    expect(refs).toEqual([
      ['one', 'v1'],
      ['one', 'v2'],
      ['two', 'latest'],
    ]);
    // Untagging by retagging the last tag away leaves an untagged entry so the manifest stays listed.
    await repo.tag(one, 'latest');
    expect(
      (await readIndex(root)).value.manifests.some(
        (d) => d.digest === two.digest && !d.annotations?.[ANNOTATION_REF_NAME],
      ),
    ).toBe(true);
    expect(await codeOf(repo.tag({ ...one, digest: computeDigest(utf8('missing')) }, 'x'))).toBe('ERR_OCI_NOT_FOUND');
    expect(await codeOf(repo.tag(one, 'bad tag'))).toBe('ERR_OCI_REFERENCE_INVALID');
  });

  it('OCI-9: digest and size are checked on read, and caps apply before reading', async () => {
    const root = await tempDir();
    const repo = await OciLayoutRepository.open(root, { create: true });
    const image = await pushImage(repo, 'v1');
    const blob = await repo.pushBlob(utf8('payload'), 'application/octet-stream');
    // Corrupt the blob on disk: same size, different content.
    await writeFile(join(root, 'blobs', 'sha256', blob.digest.slice(7)), 'PAYLOAD');
    expect(await codeOf(repo.fetchBlob(blob))).toBe('ERR_OCI_DIGEST_MISMATCH');
    expect(await codeOf(repo.fetchBlob(blob, { maxBytes: 2 }))).toBe('ERR_OCI_TOO_LARGE');
    expect(await codeOf(repo.fetchManifest({ ...image, size: image.size - 1 }))).toBe('ERR_OCI_DIGEST_MISMATCH');
    expect(await codeOf(repo.fetchManifest({ ...image, size: 4 * 1024 * 1024 + 1 }))).toBe('ERR_OCI_TOO_LARGE');
    expect(await codeOf(repo.fetchBlob({ ...blob, digest: computeDigest(utf8('absent')) }))).toBe('ERR_OCI_NOT_FOUND');
    expect(await codeOf(repo.pushManifest(utf8('{}'), 'text/plain'))).toBe('ERR_OCI_UNSUPPORTED_MEDIA_TYPE');
  });

  it('read-only: reads work, every write is ERR_OCI_REFUSED, nothing on disk changes', async () => {
    const root = await tempDir();
    const writer = await OciLayoutRepository.open(root, { create: true });
    const image = await pushImage(writer, 'v1');
    const before = await readFile(join(root, 'index.json'), 'utf8');
    const reader = await OciLayoutRepository.open(root, { readOnly: true });
    expect(reader.readOnly).toBe(true);
    expect(await reader.resolve('v1')).toEqual(image);
    expect(await codeOf(reader.pushBlob(utf8('x'), 'a/b'))).toBe('ERR_OCI_REFUSED');
    expect(await codeOf(reader.pushManifest(utf8('{}'), MEDIA_TYPE_OCI_MANIFEST))).toBe('ERR_OCI_REFUSED');
    expect(await codeOf(reader.tag(image, 'v2'))).toBe('ERR_OCI_REFUSED');
    expect(await codeOf(reader.deleteManifest(image))).toBe('ERR_OCI_REFUSED');
    expect(await readFile(join(root, 'index.json'), 'utf8')).toBe(before);
  });

  it('deletes a manifest: its entries leave index.json and its blob is removed; a second delete is ERR_OCI_NOT_FOUND', async () => {
    const root = await tempDir();
    const repo = await OciLayoutRepository.open(root, { create: true });
    const image = await pushImage(repo, 'v1');
    const { descriptor } = await pushSignature(repo, image);
    await repo.deleteManifest(descriptor);
    expect(await repo.referrers(image)).toEqual([]);
    expect((await readIndex(root)).value.manifests.map((d) => d.digest)).toEqual([image.digest]);
    expect(await codeOf(repo.deleteManifest(descriptor))).toBe('ERR_OCI_NOT_FOUND');
    await repo.deleteManifest(image);
    expect(await repo.tags()).toEqual([]);
  });

  it('concurrent pushes with tags all land in index.json (writes are serialised and atomic)', async () => {
    const root = await tempDir();
    const repo = await OciLayoutRepository.open(root, { create: true });
    const pushed = await Promise.all(Array.from({ length: 12 }, (_, i) => pushImage(repo, `t${i}`, `content-${i}`)));
    expect((await repo.tags()).length).toBe(12);
    for (const [i, d] of pushed.entries()) expect((await repo.resolve(`t${i}`)).digest).toBe(d.digest);
  });
});

describe('parseLayoutReference', () => {
  it('splits path[:tag|@digest] as notation does', () => {
    const digest = computeDigest(utf8('x'));
    expect(parseLayoutReference('layout:v1')).toEqual({ path: 'layout', reference: 'v1', kind: 'tag' });
    expect(parseLayoutReference(`./a/b@${digest}`)).toEqual({ path: './a/b', reference: digest, kind: 'digest' });
    expect(parseLayoutReference(`dir:with:colons@${digest}`)).toEqual({
      path: 'dir:with:colons',
      reference: digest,
      kind: 'digest',
    });
    expect(parseLayoutReference('/tmp/a:b/layout:latest')).toEqual({
      path: '/tmp/a:b/layout',
      reference: 'latest',
      kind: 'tag',
    });
    expect(parseLayoutReference('/tmp/a:b/layout')).toEqual({ path: '/tmp/a:b/layout', kind: 'none' });
    expect(parseLayoutReference('layout')).toEqual({ path: 'layout', kind: 'none' });
    expect(parseLayoutReference('C:\\layouts\\x')).toEqual({ path: 'C:\\layouts\\x', kind: 'none' });
    expect(parseLayoutReference('C:\\layouts\\x:v2')).toEqual({ path: 'C:\\layouts\\x', reference: 'v2', kind: 'tag' });
  });

  it('rejects empty parts, bad tags and bad digests with ERR_OCI_REFERENCE_INVALID', () => {
    for (const bad of ['', ':v1', 'layout:', '@sha256:abc', 'layout@sha256:short', 'layout:-bad']) {
      let code: string | undefined;
      try {
        parseLayoutReference(bad);
      } catch (error) {
        code = (error as OciError).code;
      }
      expect(code, bad).toBe('ERR_OCI_REFERENCE_INVALID');
    }
  });
});
