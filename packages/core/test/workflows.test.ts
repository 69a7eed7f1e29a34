/**
 * The OCI and blob workflows (SIGN-1 … SIGN-3, WF-1 … WF-4) on the in-memory
 * repository, which runs everywhere. The same calls against the live
 * registries and an OCI layout are in the CLI's end-to-end tests.
 */

import * as envelope from '@x/notary-envelope';
import * as oci from '@x/notary-oci';
import * as pki from '@x/notary-pki';
import { selfSignedSigner } from '@x/notary-test-servers/certificates';
import * as policy from '@x/notary-trust-policy';
import { describe, expect, it } from 'vitest';
import { digestBlob } from '../src/blob-digest.js';
import { blobSignatureMediaType, sign, signBlob, verify, verifyBlob, WorkflowError } from '../src/index.js';

const encoder = new TextEncoder();

async function identity(name = 'workflows.example') {
  const made = await selfSignedSigner(pki.Certificate.fromDer, { name, keySpec: 'EC-256' });
  return { ...made, signer: envelope.signerFromCryptoKey(made.privateKey, [made.certificate]) };
}

/** A repository holding one small image manifest, tagged v1. */
async function repositoryWithImage(): Promise<{ repository: oci.MemoryRepository; image: oci.Descriptor }> {
  const repository = new oci.MemoryRepository({ name: 'registry.example/team/app' });
  const config = await repository.pushBlob(encoder.encode('{}'), 'application/vnd.oci.empty.v1+json');
  const layer = await repository.pushBlob(encoder.encode('hello layer'), 'application/vnd.oci.image.layer.v1.tar');
  const manifest = encoder.encode(
    JSON.stringify({ schemaVersion: 2, mediaType: oci.MEDIA_TYPE_OCI_MANIFEST, config, layers: [layer] }),
  );
  const image = await repository.pushManifest(manifest, oci.MEDIA_TYPE_OCI_MANIFEST, { tag: 'v1' });
  return { repository, image };
}

/** A repository that delegates to `inner` except for the overridden operations. */
function overriding(inner: oci.Repository, overrides: Partial<oci.Repository>): oci.Repository {
  return {
    name: inner.name,
    resolve: (...args) => inner.resolve(...args),
    fetchManifest: (...args) => inner.fetchManifest(...args),
    fetchBlob: (...args) => inner.fetchBlob(...args),
    pushBlob: (...args) => inner.pushBlob(...args),
    pushManifest: (...args) => inner.pushManifest(...args),
    tag: (...args) => inner.tag(...args),
    tags: (...args) => inner.tags(...args),
    referrerPages: (...args) => inner.referrerPages(...args),
    referrers: (...args) => inner.referrers(...args),
    deleteManifest: (...args) => inner.deleteManifest(...args),
    ...overrides,
  };
}

const strictPolicy = (stores = ['ca:acme'], level = 'strict') =>
  policy.parseOciTrustPolicy({
    version: '1.0',
    trustPolicies: [
      level === 'skip'
        ? { name: 'app', registryScopes: ['registry.example/team/app'], signatureVerification: { level } }
        : {
            name: 'app',
            registryScopes: ['registry.example/team/app'],
            signatureVerification: { level },
            trustStores: stores,
            trustedIdentities: ['*'],
          },
    ],
  });

async function expectWorkflowError(promise: Promise<unknown>, code: string): Promise<WorkflowError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowError);
  expect((error as WorkflowError).code).toBe(code);
  return error as WorkflowError;
}

describe('OCI sign and verify', () => {
  it('SIGN-1 WF-1 OCI-1 OCI-2: signs by digest in JWS and COSE, and verify finds and verifies the signatures', async () => {
    const { repository, image } = await repositoryWithImage();
    const who = await identity();
    const jws = await sign({ repository, reference: image.digest, signer: who.signer });
    const cose = await sign({
      repository,
      reference: image.digest,
      signer: who.signer,
      signatureMediaType: envelope.MEDIA_TYPE_COSE,
    });
    expect(jws.target.digest).toBe(image.digest);
    expect(jws.signatureManifest.artifactType).toBe(oci.ARTIFACT_TYPE_NOTARY_SIGNATURE);
    const referrers = await repository.referrers(image, { artifactType: oci.ARTIFACT_TYPE_NOTARY_SIGNATURE });
    expect(referrers.map((r) => r.digest).sort()).toEqual(
      [jws.signatureManifest.digest, cose.signatureManifest.digest].sort(),
    );
    const outcome = await verify({
      repository,
      reference: image.digest,
      policy: strictPolicy(),
      trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
    });
    expect(outcome.result.verified).toBe(true);
    expect(outcome.target.digest).toBe(image.digest);
    expect(outcome.results).toHaveLength(1);
  });

  it('SIGN-1: a tag is resolved with a warning; a digest that differs from the artifact is refused', async () => {
    const { repository, image } = await repositoryWithImage();
    const who = await identity();
    const warnings: string[] = [];
    const signed = await sign({ repository, reference: 'v1', signer: who.signer, onWarning: (w) => warnings.push(w) });
    expect(signed.target.digest).toBe(image.digest);
    expect(warnings.join()).toMatch(/tags are mutable/);
    const other = `sha256:${'0'.repeat(64)}`;
    await expect(sign({ repository, reference: other, signer: who.signer })).rejects.toMatchObject({
      code: 'ERR_OCI_NOT_FOUND',
    });
  });

  it('OCI-3 AMB-20: the legacy manifest form is signed on request and verified like the new one', async () => {
    const { repository, image } = await repositoryWithImage();
    const who = await identity();
    const signed = await sign({ repository, reference: image.digest, signer: who.signer, legacyManifest: true });
    const manifest = await repository.fetchManifest(signed.signatureManifest);
    const parsed = oci.parseSignatureManifest(manifest.bytes, manifest.descriptor.mediaType);
    expect(parsed.form).toBe('legacy');
    const outcome = await verify({
      repository,
      reference: image.digest,
      policy: strictPolicy(),
      trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
    });
    expect(outcome.result.verified).toBe(true);
  });

  it('PAY-3 SIGN-1: user metadata lands in the payload annotations; the reserved prefix is refused', async () => {
    const { repository, image } = await repositoryWithImage();
    const who = await identity();
    await sign({
      repository,
      reference: image.digest,
      signer: who.signer,
      userMetadata: { 'org.example.build': '42' },
    });
    const trustStore = new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] });
    const ok = await verify({
      repository,
      reference: image.digest,
      policy: strictPolicy(),
      trustStore,
      userMetadata: { 'org.example.build': '42' },
    });
    expect(ok.result.targetArtifact?.annotations?.['org.example.build']).toBe('42');
    await expectWorkflowError(
      verify({
        repository,
        reference: image.digest,
        policy: strictPolicy(),
        trustStore,
        userMetadata: { 'org.example.build': '43' },
      }),
      'ERR_USER_METADATA_MISMATCH',
    );
    await expect(
      sign({ repository, reference: image.digest, signer: who.signer, userMetadata: { 'io.cncf.notary.x': 'y' } }),
    ).rejects.toMatchObject({ code: 'ERR_PAYLOAD_INVALID' });
  });

  it('WF-1: no signature at all is ERR_NO_SIGNATURE', async () => {
    const { repository, image } = await repositoryWithImage();
    const who = await identity();
    await expectWorkflowError(
      verify({
        repository,
        reference: image.digest,
        policy: strictPolicy(),
        trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
      }),
      'ERR_NO_SIGNATURE',
    );
  });

  it('WF-1 WF-3: signatures are tried in order until one verifies; maxSignatureAttempts bounds the tries', async () => {
    const { repository, image } = await repositoryWithImage();
    const trusted = await identity('trusted.example');
    const stranger = await identity('stranger.example');
    const first = await sign({ repository, reference: image.digest, signer: stranger.signer });
    const second = await sign({ repository, reference: image.digest, signer: trusted.signer });
    // Fix the listing order: the stranger's signature first.
    const ordered = overriding(repository, {
      referrerPages: async function* (subject, options) {
        const all = await repository.referrers(subject, options);
        yield [first, second].map((s) => all.find((r) => r.digest === s.signatureManifest.digest)!);
      },
    });
    const trustStore = new policy.MemoryTrustStore({ 'ca:acme': [trusted.certificate] });
    const outcome = await verify({ repository: ordered, reference: image.digest, policy: strictPolicy(), trustStore });
    expect(outcome.result.verified).toBe(true);
    expect(outcome.signatureManifest?.digest).toBe(second.signatureManifest.digest);
    expect(outcome.attempts.map((a) => a.signatureManifest.digest)).toEqual([
      first.signatureManifest.digest,
      second.signatureManifest.digest,
    ]);
    expect(outcome.results[0]!.checks.authenticity.outcome).toBe('failed-enforced');
    const error = await expectWorkflowError(
      verify({
        repository: ordered,
        reference: image.digest,
        policy: strictPolicy(),
        trustStore,
        maxSignatureAttempts: 1,
      }),
      'ERR_VERIFICATION_INCONCLUSIVE',
    );
    expect(error.message).toMatch(/The configured limit of 1 signatures to verify per artifact exceeded/);
    expect(error.results).toHaveLength(1);
    await expectWorkflowError(
      verify({ repository, reference: image.digest, policy: strictPolicy(), trustStore, maxSignatureAttempts: 0 }),
      'ERR_INVALID_REQUEST',
    );
  });

  it('SIGN-1 WF-1: a reference digest that the repository resolves to another digest is ERR_REFERENCE_DIGEST_MISMATCH', async () => {
    const { repository, image } = await repositoryWithImage();
    const who = await identity();
    const lying = overriding(repository, { resolve: async () => ({ ...image, digest: `sha256:${'1'.repeat(64)}` }) });
    await expectWorkflowError(
      sign({ repository: lying, reference: image.digest, signer: who.signer }),
      'ERR_REFERENCE_DIGEST_MISMATCH',
    );
    await expectWorkflowError(
      verify({
        repository: lying,
        reference: `registry.example/team/app@${image.digest}`,
        policy: strictPolicy(),
        trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
      }),
      'ERR_REFERENCE_DIGEST_MISMATCH',
    );
  });

  it('WF-1: when every signature fails, the error carries each per-check result', async () => {
    const { repository, image } = await repositoryWithImage();
    const stranger = await identity('stranger.example');
    const trusted = await identity('trusted.example');
    await sign({ repository, reference: image.digest, signer: stranger.signer });
    await sign({
      repository,
      reference: image.digest,
      signer: stranger.signer,
      signatureMediaType: envelope.MEDIA_TYPE_COSE,
    });
    const error = await expectWorkflowError(
      verify({
        repository,
        reference: image.digest,
        policy: strictPolicy(),
        trustStore: new policy.MemoryTrustStore({ 'ca:acme': [trusted.certificate] }),
      }),
      'ERR_VERIFICATION_FAILED',
    );
    expect(error.results).toHaveLength(2);
    for (const result of error.results) expect(result.checks.authenticity.error?.code).toBe('ERR_UNTRUSTED_CHAIN');
  });

  it('WF-2 AMB-4: signatures are not pre-filtered by the thumbprint annotation: an untrusted signer is evaluated and reported', async () => {
    const { repository, image } = await repositoryWithImage();
    const stranger = await identity('stranger.example');
    const trusted = await identity('trusted.example');
    const signed = await sign({ repository, reference: image.digest, signer: stranger.signer });
    const manifest = await repository.fetchManifest(signed.signatureManifest);
    const annotations = JSON.parse(new TextDecoder().decode(manifest.bytes)).annotations as Record<string, string>;
    const thumbprints = JSON.parse(annotations['io.cncf.notary.x509chain.thumbprint#S256']!) as string[];
    expect(thumbprints).toEqual([stranger.certificate.sha256Fingerprint]);
    const error = await expectWorkflowError(
      verify({
        repository,
        reference: image.digest,
        policy: strictPolicy(),
        trustStore: new policy.MemoryTrustStore({ 'ca:acme': [trusted.certificate] }),
      }),
      'ERR_VERIFICATION_FAILED',
    );
    expect(error.results).toHaveLength(1);
    expect(error.results[0]!.certificateChain?.[0]?.sha256Fingerprint).toBe(stranger.certificate.sha256Fingerprint);
  });

  it('WF-1 TP-13: a skip statement returns at once, without needing a signature', async () => {
    const { repository, image } = await repositoryWithImage();
    const outcome = await verify({
      repository,
      reference: image.digest,
      policy: strictPolicy([], 'skip'),
      trustStore: new policy.MemoryTrustStore({}),
    });
    expect(outcome.result.verified).toBe(true);
    expect(outcome.results).toHaveLength(0);
  });

  it('TP-13 issue 13 item 10: at skip, a garbage signature manifest is neither listed nor fetched nor parsed; every check is skipped', async () => {
    const { repository: inner, image } = await repositoryWithImage();
    // A "signature" referrer whose manifest is not JSON at all.
    const bytes = encoder.encode('\u0000 not a manifest {');
    const garbage: oci.Descriptor = {
      mediaType: oci.MEDIA_TYPE_OCI_MANIFEST,
      artifactType: oci.ARTIFACT_TYPE_NOTARY_SIGNATURE,
      digest: `sha256:${'e'.repeat(64)}`,
      size: bytes.length,
    };
    const calls: string[] = [];
    const repository = overriding(inner, {
      referrers: async () => (calls.push('referrers'), [garbage]),
      referrerPages: async function* () {
        calls.push('referrers');
        yield [garbage];
      },
      fetchManifest: async (...args) => {
        calls.push('fetchManifest');
        return args[0] === garbage || (args[0] as oci.Descriptor).digest === garbage.digest
          ? { descriptor: garbage, bytes }
          : inner.fetchManifest(...args);
      },
      fetchBlob: (...args) => (calls.push('fetchBlob'), inner.fetchBlob(...args)),
    });
    const outcome = await verify({
      repository,
      reference: image.digest,
      policy: strictPolicy([], 'skip'),
      trustStore: new policy.MemoryTrustStore({}),
    });
    expect(outcome.result.verified).toBe(true);
    expect(outcome.result.level).toBe('skip');
    expect(Object.values(outcome.result.checks).map((c) => [c.outcome, c.action])).toEqual(
      Array(5).fill(['skipped', 'skip']),
    );
    expect(outcome.signatureManifest).toBeUndefined();
    expect(calls).toEqual([]);
    // The same repository under a strict statement does reach the garbage, and fails on it.
    await expect(
      verify({
        repository,
        reference: image.digest,
        policy: strictPolicy(),
        trustStore: new policy.MemoryTrustStore({}),
      }),
    ).rejects.toBeInstanceOf(Error);
    expect(calls).toContain('referrers');
  });

  it('WF-1 VER-1: an artifact no statement covers is ERR_POLICY_NOT_APPLICABLE', async () => {
    const { repository, image } = await repositoryWithImage();
    await expect(
      verify({
        repository,
        reference: image.digest,
        artifactReference: `registry.example/other/app@${image.digest}`,
        policy: strictPolicy(),
        trustStore: new policy.MemoryTrustStore({}),
      }),
    ).rejects.toMatchObject({ code: 'ERR_POLICY_NOT_APPLICABLE' });
  });

  it('WF-3: a signature that cannot be fetched stops the whole verification; a failed push is ERR_PUSH_FAILED', async () => {
    const { repository, image } = await repositoryWithImage();
    const who = await identity();
    await sign({ repository, reference: image.digest, signer: who.signer });
    const broken = overriding(repository, {
      fetchManifest: () => Promise.reject(new oci.OciError('ERR_OCI_NETWORK', 'connection reset')),
    });
    await expectWorkflowError(
      verify({
        repository: broken,
        reference: image.digest,
        policy: strictPolicy(),
        trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
      }),
      'ERR_SIGNATURE_FETCH_FAILED',
    );
    const readOnly = overriding(repository, {
      pushManifest: () => Promise.reject(new oci.OciError('ERR_OCI_UNAUTHORIZED', 'denied', { status: 403 })),
    });
    await expectWorkflowError(
      sign({ repository: readOnly, reference: image.digest, signer: who.signer }),
      'ERR_PUSH_FAILED',
    );
  });

  it('PLG-10 OCI-5: an envelope generator (an ENVELOPE plugin) builds the envelope; its annotations go on the manifest', async () => {
    const { repository, image } = await repositoryWithImage();
    const who = await identity();
    const generator = {
      async generate(request: {
        targetArtifact: envelope.TargetArtifact;
        mediaType: envelope.EnvelopeMediaType;
        expiresInSeconds?: number;
      }) {
        const signed = await envelope.signEnvelope({
          mediaType: request.mediaType,
          signer: who.signer,
          targetArtifact: request.targetArtifact,
        });
        return {
          mediaType: signed.mediaType,
          bytes: signed.bytes,
          verified: signed.verified,
          annotations: { 'com.example.plugin': 'yes' },
        };
      },
    };
    const signed = await sign({ repository, reference: image.digest, envelopeGenerator: generator });
    const manifest = JSON.parse(
      new TextDecoder().decode((await repository.fetchManifest(signed.signatureManifest)).bytes),
    );
    expect(manifest.annotations['com.example.plugin']).toBe('yes');
    const outcome = await verify({
      repository,
      reference: image.digest,
      policy: strictPolicy(),
      trustStore: new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] }),
    });
    expect(outcome.result.verified).toBe(true);
    await expectWorkflowError(
      sign({ repository, reference: image.digest, envelopeGenerator: generator, signer: who.signer }),
      'ERR_INVALID_REQUEST',
    );
    await expectWorkflowError(
      sign({
        repository,
        reference: image.digest,
        envelopeGenerator: generator,
        expiresInSeconds: 60,
        signingAgent: 'x',
      }),
      'ERR_INVALID_REQUEST',
    );
  });

  it('SIGN-2: a timestamp URL without TSA roots is refused before anything is signed', async () => {
    const { repository, image } = await repositoryWithImage();
    const who = await identity();
    await expect(
      sign({
        repository,
        reference: image.digest,
        signer: who.signer,
        timestamp: { url: 'http://127.0.0.1:1/tsa', roots: [] },
      }),
    ).rejects.toThrow(/SIGN-2/);
  });
});

describe('blob sign and verify', () => {
  const blobPolicy = (name = 'blobs', global = true) =>
    policy.parseBlobTrustPolicy({
      version: '1.0',
      trustPolicies: [
        {
          name,
          globalPolicy: global,
          signatureVerification: { level: 'strict' },
          trustStores: ['ca:acme'],
          trustedIdentities: ['*'],
        },
      ],
    });
  const content = encoder.encode('a blob of bytes\n'.repeat(1000));
  const stream = (bytes: Uint8Array, chunk = 1000): ReadableStream<Uint8Array> =>
    new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += chunk) controller.enqueue(bytes.subarray(i, i + chunk));
        controller.close();
      },
    });

  it('SIGN-3 PAY-4 WF-4: a streamed blob is signed with the key hash and verifies; the file extension names the format', async () => {
    for (const keySpec of ['EC-256', 'EC-384', 'RSA-4096'] as const) {
      const made = await selfSignedSigner(pki.Certificate.fromDer, { name: 'blob.example', keySpec });
      const signer = envelope.signerFromCryptoKey(made.privateKey, [made.certificate]);
      const signed = await signBlob({ blob: stream(content), signer, signatureMediaType: envelope.MEDIA_TYPE_COSE });
      expect(signed.extension).toBe('cose.sig');
      expect(signed.targetArtifact.mediaType).toBe('application/octet-stream');
      const hash = pki.algorithmSuiteOf(keySpec).hash;
      expect(signed.targetArtifact.digest).toBe((await digestBlob(content, hash)).digest);
      const result = await verifyBlob({
        blob: stream(content, 777),
        signature: signed.signature,
        signatureFileName: `file.${signed.extension}`,
        policy: blobPolicy(),
        trustStore: new policy.MemoryTrustStore({ 'ca:acme': [made.certificate] }),
      });
      expect(result.verified).toBe(true);
    }
  });

  it('WF-4: another blob, another size, or another media type fails; the named statement is used', async () => {
    const who = await identity();
    const signed = await signBlob({
      blob: content,
      signer: who.signer,
      mediaType: 'text/plain',
      userMetadata: { k: 'v' },
    });
    const trustStore = new policy.MemoryTrustStore({ 'ca:acme': [who.certificate] });
    const base = { signature: signed.signature, signatureMediaType: envelope.MEDIA_TYPE_JWS, trustStore } as const;
    expect(
      (
        await verifyBlob({
          ...base,
          blob: content,
          policy: blobPolicy('named', false),
          policyName: 'named',
          mediaType: 'text/plain',
          userMetadata: { k: 'v' },
        })
      ).verified,
    ).toBe(true);
    const changed = content.slice();
    changed[0]! ^= 1;
    await expect(verifyBlob({ ...base, blob: changed, policy: blobPolicy() })).rejects.toMatchObject({
      check: 'payload',
    });
    await expect(verifyBlob({ ...base, blob: content.subarray(1), policy: blobPolicy() })).rejects.toMatchObject({
      check: 'payload',
    });
    await expect(
      verifyBlob({ ...base, blob: content, policy: blobPolicy(), mediaType: 'application/json' }),
    ).rejects.toMatchObject({ check: 'payload' });
    await expect(verifyBlob({ ...base, blob: content, policy: blobPolicy('named', false) })).rejects.toMatchObject({
      code: 'ERR_POLICY_NOT_APPLICABLE',
    });
  });

  it('TP-13 issue 13 item 10: at skip, a garbage blob signature is not parsed and the blob is not read; every check is skipped', async () => {
    const skipPolicy = policy.parseBlobTrustPolicy({
      version: '1.0',
      trustPolicies: [{ name: 'skipped', signatureVerification: { level: 'skip' } }],
    });
    let reads = 0;
    const untouchable: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          reads += 1;
          return Promise.reject(new Error('the blob must not be read at skip'));
        },
      }),
    };
    const garbage = encoder.encode('{"payload": not json at all');
    for (const given of [
      { signatureFileName: 'release.tgz.jws.sig' },
      { signatureFileName: 'release.tgz.cose.sig' },
      { signatureMediaType: envelope.MEDIA_TYPE_COSE },
    ] as const) {
      // BTP-1: a skip statement cannot be the global one, so it is named.
      for (const selection of [
        { policy: skipPolicy, policyName: 'skipped' },
        { statement: skipPolicy.trustPolicies[0]! },
      ]) {
        const result = await verifyBlob({
          blob: untouchable,
          signature: garbage,
          ...given,
          ...selection,
          trustStore: new policy.MemoryTrustStore({}),
        });
        expect(result.verified).toBe(true);
        expect(result.level).toBe('skip');
        expect(Object.values(result.checks).map((c) => [c.outcome, c.action])).toEqual(
          Array(5).fill(['skipped', 'skip']),
        );
        expect(result.certificateChain).toBeUndefined();
      }
    }
    expect(reads).toBe(0);
    // Under a strict statement the same bytes are parsed, and refused.
    await expect(
      verifyBlob({
        blob: content,
        signature: garbage,
        signatureFileName: 'release.tgz.jws.sig',
        policy: blobPolicy(),
        trustStore: new policy.MemoryTrustStore({}),
      }),
    ).rejects.toBeInstanceOf(Error);
  });

  it('AMB-5: the signature format comes from the file name, <file>.jws.sig or <file>.cose.sig, case-insensitive', () => {
    expect(blobSignatureMediaType('a.tar.JWS.SIG')).toBe(envelope.MEDIA_TYPE_JWS);
    expect(blobSignatureMediaType('a.cose.sig')).toBe(envelope.MEDIA_TYPE_COSE);
    for (const bad of ['a.sig', 'a.jws', 'a.txt.sig', 'jws.sig'])
      expect(() => blobSignatureMediaType(bad)).toThrow(WorkflowError);
  });
});
