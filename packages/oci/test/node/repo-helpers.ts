/** Shared by the repository tests: push a small image, and a signature the way the sign workflow does. */
import { type Descriptor, MEDIA_TYPE_OCI_MANIFEST } from '../../src/descriptor.js';
import type { Repository } from '../../src/repository.js';
import { buildSignatureManifest } from '../../src/signature-manifest.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Pushes a small image (config + one layer + manifest) tagged `tag`. */
export async function pushImage(repo: Repository, tag: string, content = 'layer'): Promise<Descriptor> {
  const config = await repo.pushBlob(utf8('{"architecture":"amd64"}'), 'application/vnd.oci.image.config.v1+json');
  const layer = await repo.pushBlob(utf8(content), 'application/vnd.oci.image.layer.v1.tar');
  const manifest = utf8(
    JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE_OCI_MANIFEST, config, layers: [layer] }),
  );
  return repo.pushManifest(manifest, MEDIA_TYPE_OCI_MANIFEST, { tag });
}

/** Signs `subject` in `repo` the way the sign workflow does (SIGN-1 step 6): blobs, then the manifest. */
export async function pushSignature(
  repo: Repository,
  subject: Descriptor,
  options: { legacy?: boolean; envelope?: string } = {},
) {
  const built = buildSignatureManifest({
    envelope: utf8(options.envelope ?? '{"payload":"p"}'),
    envelopeMediaType: 'application/jose+json',
    subject,
    certificateChainDer: [utf8('leaf')],
    signingTime: new Date('2025-01-01T00:00:00Z'),
    legacy: options.legacy ?? false,
  });
  for (const blob of built.blobs) await repo.pushBlob(blob.bytes, blob.descriptor.mediaType);
  const descriptor = await repo.pushManifest(built.manifest, MEDIA_TYPE_OCI_MANIFEST);
  return { built, descriptor };
}
