/**
 * Node only: starts the two loopback registries the OCI suite verifies
 * against (the OCI tests' own fixtures) and seeds them with signed, unsigned,
 * untrusted, tampered and revocation-checked artifacts, using the SDK's
 * built output. The result (OciFixtures) is plain JSON, handed to every
 * runtime.
 */
import { readFile } from 'node:fs/promises';
import * as core from '@x/notary-core';
import * as envelope from '@x/notary-envelope';
import * as oci from '@x/notary-oci';
import * as pki from '@x/notary-pki';
import * as foundation from '@x/notary-pki/foundation';
import { selfSignedSigner } from '@x/notary-test-servers/certificates';
import { startReferrersRegistry } from '@x/notary-test-servers/oci/referrers-registry';
import { startRegistry } from '@x/notary-test-servers/oci/registry';
import type { PkiServers } from '@x/notary-test-servers/pki/global-setup';
import type { OciFixtures, SeededArtifact, SeededRegistry } from '../suites/oci-verify.ts';

const encoder = new TextEncoder();

/** Pushes a one-layer image tagged `tag`; returns its descriptor. */
export async function pushImage(repository: oci.Repository, tag: string, content: string): Promise<oci.Descriptor> {
  const config = await repository.pushBlob(encoder.encode('{}'), 'application/vnd.oci.image.config.v1+json');
  const layer = await repository.pushBlob(encoder.encode(content), 'application/vnd.oci.image.layer.v1.tar');
  const manifest = encoder.encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: oci.MEDIA_TYPE_OCI_MANIFEST,
      config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
      layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }],
    }),
  );
  return repository.pushManifest(manifest, oci.MEDIA_TYPE_OCI_MANIFEST, { tag });
}

/** Pushes an envelope whose signature was altered after signing, in a well-formed signature manifest. */
async function pushTampered(
  repository: oci.Repository,
  target: oci.Descriptor,
  signer: envelope.Signer,
): Promise<void> {
  const signed = await envelope.signEnvelope({
    mediaType: envelope.MEDIA_TYPE_JWS,
    signer,
    targetArtifact: { mediaType: target.mediaType, digest: target.digest, size: target.size },
  });
  const jws = JSON.parse(new TextDecoder().decode(signed.bytes)) as { signature: string };
  const signature = foundation.decodeBase64Url(jws.signature);
  signature[0]! ^= 1;
  jws.signature = foundation.encodeBase64Url(signature);
  const built = oci.buildSignatureManifest({
    envelope: encoder.encode(JSON.stringify(jws)),
    envelopeMediaType: envelope.MEDIA_TYPE_JWS,
    subject: { mediaType: target.mediaType, digest: target.digest, size: target.size },
    certificateChainDer: signed.verified.content.signerInfo.certificateChain.map((c) => c.der),
    signingTime: signed.verified.content.signerInfo.signedAttributes.signingTime!,
  });
  for (const blob of built.blobs) await repository.pushBlob(blob.bytes, blob.descriptor.mediaType);
  await repository.pushManifest(built.manifest, built.descriptor.mediaType);
}

export interface SeededRegistries {
  fixtures: OciFixtures;
  stop(): Promise<void>;
}

export async function startSeededRegistries(pkiServers: PkiServers): Promise<SeededRegistries> {
  const [distribution, referrers] = await Promise.all([
    startRegistry({ auth: 'none' }),
    startReferrersRegistry({ pageSize: 2 }),
  ]);
  const stop = async () => {
    await Promise.allSettled([distribution.stop(), referrers.stop()]);
  };
  try {
    const trusted = await selfSignedSigner(pki.Certificate.fromDer, {
      name: 'runtime-tests.example',
      keySpec: 'EC-256',
    });
    const other = await selfSignedSigner(pki.Certificate.fromDer, { name: 'untrusted.example', keySpec: 'EC-256' });
    const trustedSigner = envelope.signerFromCryptoKey(trusted.privateKey, [trusted.certificate]);
    const otherSigner = envelope.signerFromCryptoKey(other.privateKey, [other.certificate]);
    const leaves = pkiServers.scenario.codeSigning.leaves;
    const scenarioSigner = async (name: 'ocsp-good' | 'ocsp-revoked') =>
      envelope.signerFromPrivateKey(
        await readFile(leaves[name].key, 'utf8'),
        await readFile(leaves[name].chain, 'utf8'),
      );

    const seed = async (
      host: string,
      label: SeededRegistry['label'],
      referrersApi: boolean,
    ): Promise<SeededRegistry> => {
      const artifact = async (
        name: string,
        sign?: (repository: oci.Repository, target: oci.Descriptor) => Promise<void>,
      ): Promise<SeededArtifact> => {
        const repositoryName = `runtime-tests/${name}`;
        const repository = new oci.RemoteRepository({ registry: host, repository: repositoryName });
        const target = await pushImage(repository, 'v1', `${name} at ${host}`);
        await sign?.(repository, target);
        return { repository: repositoryName, tag: 'v1', digest: target.digest };
      };
      const withSigner =
        (signer: envelope.Signer, signatureMediaType: envelope.EnvelopeMediaType = envelope.MEDIA_TYPE_JWS) =>
        async (repository: oci.Repository, target: oci.Descriptor) => {
          await core.sign({
            repository,
            reference: target.digest,
            signer,
            signatureMediaType,
            expiresInSeconds: 86_400,
          });
        };
      const artifacts: SeededRegistry['artifacts'] = {
        jws: await artifact('jws', withSigner(trustedSigner)),
        cose: await artifact('cose', withSigner(trustedSigner, envelope.MEDIA_TYPE_COSE)),
        untrusted: await artifact('untrusted', withSigner(otherSigner)),
        unsigned: await artifact('unsigned'),
        tampered: await artifact('tampered', (repository, target) => pushTampered(repository, target, trustedSigner)),
      };
      if (referrersApi) {
        artifacts.revocationGood = await artifact('revocation-good', withSigner(await scenarioSigner('ocsp-good')));
        artifacts.revocationRevoked = await artifact(
          'revocation-revoked',
          withSigner(await scenarioSigner('ocsp-revoked')),
        );
      }
      return { label, host, url: `http://${host}`, referrersApi, artifacts };
    };
    const registries = [
      await seed(referrers.host, 'referrers-api', true),
      await seed(distribution.host, 'tag-schema', false),
    ];
    const fixtures: OciFixtures = {
      trustedPem: pki.encodePem('CERTIFICATE', trusted.certificate.der),
      trustedSubject: trusted.certificate.subject,
      scenarioRootPem: await readFile(pkiServers.scenario.codeSigning.root.cert, 'utf8'),
      registries,
    };
    return { fixtures, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
