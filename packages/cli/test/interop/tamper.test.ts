/**
 * Tampering (issue 13): every verifier, `notary`, notation v1.3.2 and
 * notation v2, is handed the same tampered artifacts and must reject each
 * one, and accept the untampered control built the same way.
 *
 * Each case is an OCI layout holding one image and one signature manifest
 * in the legacy form (OCI-3, which both notation versions find in a layout),
 * whose envelope started as a valid signature by `notary` and was then
 * altered: the signature value (VER-2), the signed payload (VER-2), the
 * subject it is attached to (the payload names another artifact, VER-3),
 * the layer's envelope media type (OCI-1), the bytes of the envelope blob
 * in the layout (its digest no longer matches, OCI-9), and a signature by a
 * key the policy does not trust (VER-4).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type EnvelopeMediaType, MEDIA_TYPE_COSE, MEDIA_TYPE_JWS } from '@x/notary-envelope';
import { buildSignatureManifest, type Descriptor, MEDIA_TYPE_OCI_MANIFEST } from '@x/notary-oci';
import type { OciLayoutRepository } from '@x/notary-oci/node';
import { parseCertificates } from '@x/notary-pki';
import { beforeAll, expect, it } from 'vitest';
import { makeLayout } from '../helpers.js';
import { addKey, describeWithPeers, type InteropUser, makeUser, writePolicyFile } from './peers.js';

const SCOPE = 'local.test/interop-tamper';
const CONTENT = 'the artifact every tamper case signs';

type Verifier = 'notary' | 'notation-v1.3.2' | 'notation-v2.0.0-alpha.1';

interface Signed {
  envelope: Uint8Array;
  chain: Uint8Array[];
}

interface TamperCase {
  name: string;
  /** true only for the control. */
  accepted: boolean;
  /** Writes the case's layout into `dir`; returns the reference to verify. */
  build(dir: string, signatures: Record<'jws' | 'cose' | 'untrusted', Signed>): Promise<string>;
}

const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** A layout with the image of `content` and one legacy-form signature manifest carrying `envelope`. */
async function signedLayout(
  dir: string,
  content: string,
  envelope: Uint8Array,
  mediaType: EnvelopeMediaType,
  chain: Uint8Array[],
): Promise<{ layout: OciLayoutRepository; image: Descriptor; layer: Descriptor }> {
  const { layout, image } = await makeLayout(dir, 'v1', content);
  const built = buildSignatureManifest({
    envelope,
    envelopeMediaType: mediaType,
    subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
    certificateChainDer: chain,
    signingTime: new Date(),
    legacy: true,
  });
  for (const blob of built.blobs) await layout.pushBlob(blob.bytes, blob.descriptor.mediaType);
  await layout.pushManifest(built.manifest, MEDIA_TYPE_OCI_MANIFEST);
  return { layout, image, layer: built.blobs[0]!.descriptor };
}

/** The JWS JSON serialization with one member replaced. */
function alterJws(envelope: Uint8Array, change: (jws: Record<string, string>) => void): Uint8Array {
  const jws = JSON.parse(new TextDecoder().decode(envelope)) as Record<string, string>;
  change(jws);
  return new TextEncoder().encode(JSON.stringify(jws));
}

const flipChar = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);

const CASES: readonly TamperCase[] = [
  {
    name: 'control: untampered JWS',
    accepted: true,
    build: async (dir, s) =>
      `${dir}@${(await signedLayout(dir, CONTENT, s.jws.envelope, MEDIA_TYPE_JWS, s.jws.chain)).image.digest}`,
  },
  {
    name: 'control: untampered COSE',
    accepted: true,
    build: async (dir, s) =>
      `${dir}@${(await signedLayout(dir, CONTENT, s.cose.envelope, MEDIA_TYPE_COSE, s.cose.chain)).image.digest}`,
  },
  {
    name: 'VER-2: JWS signature altered',
    accepted: false,
    build: async (dir, s) => {
      const envelope = alterJws(s.jws.envelope, (jws) => (jws['signature'] = flipChar(jws['signature']!, 10)));
      return `${dir}@${(await signedLayout(dir, CONTENT, envelope, MEDIA_TYPE_JWS, s.jws.chain)).image.digest}`;
    },
  },
  {
    name: 'VER-2: COSE signature altered',
    accepted: false,
    build: async (dir, s) => {
      // The signature is the last member of COSE_Sign1, so the last byte is one of its bytes.
      const envelope = s.cose.envelope.slice();
      envelope[envelope.length - 1]! ^= 0x01;
      return `${dir}@${(await signedLayout(dir, CONTENT, envelope, MEDIA_TYPE_COSE, s.cose.chain)).image.digest}`;
    },
  },
  {
    name: 'VER-2: JWS payload size altered',
    accepted: false,
    build: async (dir, s) => {
      const envelope = alterJws(s.jws.envelope, (jws) => {
        const payload = JSON.parse(Buffer.from(jws['payload']!, 'base64url').toString('utf8')) as {
          targetArtifact: { size: number };
        };
        payload.targetArtifact.size += 1;
        jws['payload'] = base64url(new TextEncoder().encode(JSON.stringify(payload)));
      });
      return `${dir}@${(await signedLayout(dir, CONTENT, envelope, MEDIA_TYPE_JWS, s.jws.chain)).image.digest}`;
    },
  },
  {
    name: 'VER-3: moved to another artifact',
    accepted: false,
    build: async (dir, s) =>
      `${dir}@${(await signedLayout(dir, `${CONTENT}, but another one`, s.jws.envelope, MEDIA_TYPE_JWS, s.jws.chain)).image.digest}`,
  },
  {
    name: 'OCI-1: JWS under the COSE type',
    accepted: false,
    build: async (dir, s) =>
      `${dir}@${(await signedLayout(dir, CONTENT, s.jws.envelope, MEDIA_TYPE_COSE, s.jws.chain)).image.digest}`,
  },
  {
    name: 'OCI-9: envelope blob altered',
    accepted: false,
    build: async (dir, s) => {
      const { image, layer } = await signedLayout(dir, CONTENT, s.cose.envelope, MEDIA_TYPE_COSE, s.cose.chain);
      const path = join(dir, 'blobs', 'sha256', layer.digest.slice('sha256:'.length));
      const bytes = new Uint8Array(await readFile(path));
      bytes[bytes.length - 1]! ^= 0x01;
      await writeFile(path, bytes);
      return `${dir}@${image.digest}`;
    },
  },
  {
    name: 'VER-4: untrusted signing key',
    accepted: false,
    build: async (dir, s) =>
      `${dir}@${(await signedLayout(dir, CONTENT, s.untrusted.envelope, MEDIA_TYPE_JWS, s.untrusted.chain)).image.digest}`,
  },
];

const VERIFIERS: readonly Verifier[] = ['notary', 'notation-v1.3.2', 'notation-v2.0.0-alpha.1'];
const TAMPER_CELLS = CASES.flatMap((tamperCase, index) =>
  VERIFIERS.map((verifier) => ({ verifier, tamperCase, index, name: tamperCase.name })),
);

await describeWithPeers(
  'issue 13 interop: every verifier rejects the same tampered artifacts',
  ['notation-v1.3.2', 'notation-v2.0.0-alpha.1'],
  () => {
    let user: InteropUser;
    const references = new Map<number, string>();

    /** notary signs the scratch artifact with `key`; the envelope and chain are read back from the layout. */
    async function signWith(key: string, format: 'jws' | 'cose', certFile: string): Promise<Signed> {
      const dir = join(user.dir, 'scratch', `${key}-${format}`);
      const { layout, image } = await makeLayout(dir, 'v1', CONTENT);
      await user.ok(['sign', '--oci-layout', '--key', key, '--signature-format', format, `${dir}@${image.digest}`]);
      const [referrer] = await layout.referrers(image);
      const manifest = JSON.parse(new TextDecoder().decode((await layout.fetchManifest(referrer!)).bytes)) as {
        layers: Descriptor[];
      };
      return {
        envelope: await layout.fetchBlob(manifest.layers[0]!),
        chain: parseCertificates(new Uint8Array(await readFile(certFile))).map((c) => c.der),
      };
    }

    beforeAll(async () => {
      user = await makeUser();
      const trusted = await addKey(user, 'tamper-trusted', 'EC-256');
      const untrusted = await addKey(user, 'tamper-untrusted', 'RSA-3072');
      const policy = {
        version: '1.0',
        trustPolicies: [
          {
            name: 'tamper',
            registryScopes: [SCOPE],
            signatureVerification: { level: 'strict' },
            trustStores: ['ca:tamper-trusted'],
            trustedIdentities: ['*'],
          },
        ],
      };
      await user.ok(['policy', 'import', await writePolicyFile(user, 'tamper-policy.json', policy)]);
      const signatures = {
        jws: await signWith('tamper-trusted', 'jws', trusted.certFile),
        cose: await signWith('tamper-trusted', 'cose', trusted.certFile),
        untrusted: await signWith('tamper-untrusted', 'jws', untrusted.certFile),
      };
      for (const [index, tamperCase] of CASES.entries())
        references.set(index, await tamperCase.build(join(user.dir, 'cases', String(index)), signatures));
    });

    it.each(TAMPER_CELLS)('issue 13 tamper: $verifier, $name', async ({ verifier, tamperCase, index }) => {
      const reference = references.get(index)!;
      const args = ['verify', '--oci-layout', '--scope', SCOPE, reference];
      const result =
        verifier === 'notary'
          ? await user.notary(args)
          : await user.notation(verifier === 'notation-v1.3.2' ? 'v1.3.2' : 'v2.0.0-alpha.1', args);
      if (tamperCase.accepted) {
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain(`Successfully verified signature for ${reference}`);
      } else {
        expect(result.code, result.stdout).toBe(1);
        expect(result.stderr).toMatch(/^Error: /m);
        expect(result.stdout).not.toContain('Successfully verified');
      }
    });
  },
);
