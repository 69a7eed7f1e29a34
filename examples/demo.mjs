#!/usr/bin/env node
// The main job, offline: sign an artifact in an OCI image layout on disk with
// a fresh test certificate, in JWS and in COSE; verify both under a strict
// trust policy; tamper with the artifact and show the check that fails; then
// sign and verify a blob. Everything below is the SDK's public API; the key
// and certificate come from the `notary` command, run in-process.
//
//   pnpm demo
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '@x/notary-cli';
import {
  sign,
  signBlob,
  VerificationError,
  verify,
  verifyBlob,
  verifySignatureEnvelope,
  WorkflowError,
} from '@x/notary-core';
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS, signerFromPrivateKey } from '@x/notary-envelope';
import { ARTIFACT_TYPE_NOTARY_SIGNATURE, MEDIA_TYPE_OCI_MANIFEST } from '@x/notary-oci';
import { OciLayoutRepository } from '@x/notary-oci/node';
import { NotaryError } from '@x/notary-pki';
import { MemoryTrustStore, parseBlobTrustPolicy, parseOciTrustPolicy } from '@x/notary-trust-policy';

const step = (n, text) => console.log(`\n${n}. ${text}`);
const show = (label, value) => console.log(`   ${label.padEnd(12)} ${value}`);
const checksOf = (result) =>
  Object.values(result.checks)
    .map((c) => `${c.type}=${c.outcome}`)
    .join(' ');
const encoder = new TextEncoder();
const workDir = await mkdtemp(join(tmpdir(), 'notary-demo-'));

try {
  step(1, 'Create a test key and a self-signed certificate (`notary cert generate-test`, like notation)');
  // The key and certificate land in <config>/notation/localkeys, as notation writes them.
  const configHome = join(workDir, 'config');
  const status = await run(['cert', 'generate-test', '--bits', '3072', 'demo.example'], {
    env: { XDG_CONFIG_HOME: configHome, HOME: workDir },
  });
  if (status !== 0) throw new Error(`notary cert generate-test exited ${status}`);
  const localKeys = join(configHome, 'notation', 'localkeys');
  const signer = await signerFromPrivateKey(
    await readFile(join(localKeys, 'demo.example.key'), 'utf8'),
    await readFile(join(localKeys, 'demo.example.crt'), 'utf8'),
  );
  const certificate = signer.certificateChain[0];
  show('subject', certificate.subject);
  show('key spec', signer.keySpec);

  step(2, 'Write a small artifact into an OCI image layout on disk');
  const layoutDir = join(workDir, 'layout');
  const repository = await OciLayoutRepository.open(layoutDir, { create: true, name: 'demo.example/app' });
  const pushArtifact = async (text) => {
    const config = await repository.pushBlob(encoder.encode('{}'), 'application/vnd.oci.empty.v1+json');
    const layer = await repository.pushBlob(encoder.encode(text), 'text/plain');
    const manifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPE_OCI_MANIFEST,
      artifactType: 'application/vnd.example.note',
      config,
      layers: [layer],
    };
    return repository.pushManifest(encoder.encode(JSON.stringify(manifest)), MEDIA_TYPE_OCI_MANIFEST, { tag: 'v1' });
  };
  const artifact = await pushArtifact('hello, notary\n');
  show('layout', layoutDir);
  show('artifact', `${artifact.digest} (tag v1)`);

  step(3, 'Sign it with JWS and with COSE (the signatures are stored in the layout as referrers)');
  for (const signatureMediaType of [MEDIA_TYPE_JWS, MEDIA_TYPE_COSE]) {
    const signed = await sign({
      repository,
      reference: artifact.digest,
      signer,
      signatureMediaType,
      expiresInSeconds: 3600,
    });
    show(signatureMediaType, `signature manifest ${signed.signatureManifest.digest}`);
  }
  const signatures = await repository.referrers(artifact, { artifactType: ARTIFACT_TYPE_NOTARY_SIGNATURE });
  show('referrers', `${signatures.length} signatures`);

  step(4, 'Verify under a strict trust policy whose trust store holds the certificate');
  const policy = parseOciTrustPolicy({
    version: '1.0',
    trustPolicies: [
      {
        name: 'demo',
        registryScopes: ['demo.example/app'],
        signatureVerification: { level: 'strict' },
        trustStores: ['ca:demo'],
        trustedIdentities: ['x509.subject:CN=demo.example,O=Notary,L=Seattle,ST=WA,C=US'],
      },
    ],
  });
  const trustStore = new MemoryTrustStore({ 'ca:demo': [certificate] });
  const outcome = await verify({ repository, reference: 'v1', policy, trustStore, onWarning: () => {} });
  show('verified', `${outcome.target.digest} by signature ${outcome.signatureManifest.digest}`);
  show('checks', checksOf(outcome.result));
  for (const signature of signatures) {
    const manifest = await repository.fetchManifest(signature);
    const layer = JSON.parse(new TextDecoder().decode(manifest.bytes)).layers[0];
    const envelope = await repository.fetchBlob(layer);
    const result = await verifySignatureEnvelope(envelope, layer.mediaType, {
      policy,
      artifactReference: `demo.example/app@${artifact.digest}`,
      trustStore,
      target: artifact,
    });
    show(layer.mediaType, `verified: ${result.verified}`);
  }

  step(5, 'Tamper with the artifact: replace its content under tag v1, then check the old signatures against it');
  const tampered = await pushArtifact('hello, notary!! (tampered)\n');
  show('tag v1 now', tampered.digest);
  const envelopeOf = async (signature) => {
    const manifest = await repository.fetchManifest(signature);
    const layer = JSON.parse(new TextDecoder().decode(manifest.bytes)).layers[0];
    return { bytes: await repository.fetchBlob(layer), mediaType: layer.mediaType };
  };
  const { bytes, mediaType } = await envelopeOf(signatures[0]);
  try {
    await verifySignatureEnvelope(bytes, mediaType, {
      policy,
      artifactReference: `demo.example/app@${tampered.digest}`,
      trustStore,
      target: tampered,
    });
    throw new Error('unexpected: the signature verified for tampered content');
  } catch (error) {
    if (!(error instanceof VerificationError)) throw error;
    show('failed check', `${error.check}: ${error.cause.message}`);
    show('code', error.cause.code);
    show('checks', checksOf(error.result));
  }
  try {
    await verify({ repository, reference: 'v1', policy, trustStore, onWarning: () => {} });
  } catch (error) {
    if (!(error instanceof WorkflowError)) throw error;
    show('verify v1', `${error.code}: ${error.message}`);
  }

  step(6, 'Sign and verify a blob (a detached <file>.jws.sig next to it)');
  const blobPath = join(workDir, 'release-notes.txt');
  await writeFile(blobPath, 'Release 1.0: signed with the Notary Project.\n');
  const signedBlob = await signBlob({ blob: await readFile(blobPath), signer, mediaType: 'text/plain' });
  const signaturePath = `${blobPath}.${signedBlob.extension}`;
  await writeFile(signaturePath, signedBlob.signature);
  show('signature', signaturePath);
  const blobPolicy = parseBlobTrustPolicy({
    version: '1.0',
    trustPolicies: [
      {
        name: 'blobs',
        globalPolicy: true,
        signatureVerification: { level: 'strict' },
        trustStores: ['ca:demo'],
        trustedIdentities: ['*'],
      },
    ],
  });
  const blobResult = await verifyBlob({
    blob: await readFile(blobPath),
    signature: await readFile(signaturePath),
    signatureFileName: signaturePath,
    policy: blobPolicy,
    trustStore,
  });
  show('blob', `verified: ${blobResult.verified} (${blobResult.targetArtifact.digest})`);
  await writeFile(blobPath, 'Release 1.0: signed with the Notary Project!\n');
  try {
    await verifyBlob({
      blob: await readFile(blobPath),
      signature: await readFile(signaturePath),
      signatureFileName: signaturePath,
      policy: blobPolicy,
      trustStore,
    });
    throw new Error('unexpected: a changed blob verified');
  } catch (error) {
    if (!(error instanceof NotaryError)) throw error;
    show('changed blob', `${error.code} (${error.check}): ${error.cause?.message ?? error.message}`);
  }
  console.log('\nDone: both signatures verified, the tampered artifact and the changed blob were caught.');
} finally {
  await rm(workDir, { recursive: true, force: true });
}
