/**
 * Case 5: bulk verification of 200 signed artifacts in a loopback registry,
 * 8 at a time, with `@x/notary-core` verify over a RemoteRepository, in the
 * Referrers API registries (olareg 0.1.2, a real one, when its binary is
 * there, and the in-process test registry) and in the tag-schema (fallback)
 * registry of packages/oci's test fixtures.
 *
 * Setup (not timed): 200 distinct images (own config blob, one shared
 * layer) pushed to each registry, each signed once with core `sign` (JWS,
 * EC-256 test-vector key).
 *
 * Baseline: the same HTTP resources fetched with plain `fetch` at the same
 * concurrency: HEAD the manifest (resolve), GET the referrers list (or the
 * tag-schema index), GET the signature manifest, GET the envelope blob;
 * bodies read and the JSON parsed only as far as needed to find the next URL.
 *
 * Each round uses a new RemoteRepository (new client: nothing remembered
 * from the last round, as for a fresh verifier process) and counts the
 * requests it sends through its `fetch` option.
 */
import { sign, verify } from '@x/notary-core';
import { signerFromPrivateKey } from '@x/notary-envelope';
import { ARTIFACT_TYPE_NOTARY_SIGNATURE, RemoteRepository } from '@x/notary-oci';
import { parseCertificates } from '@x/notary-pki';
import { MemoryTrustStore, parseOciTrustPolicy } from '@x/notary-trust-policy';
import { startRegistries } from '../lib/registries.mjs';
import { interleave, report } from '../lib/stats.mjs';
import { loadVector, SPECS } from '../lib/vectors.mjs';

const REPOSITORY = 'bench/app';
const CONCURRENCY = 8;
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const INDEX = 'application/vnd.oci.image.index.v1+json';

async function eachLimited(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Pushes `count` small images and signs each; returns their digests. */
async function seed(host, count, signer, log) {
  const repository = new RemoteRepository({ registry: host, repository: REPOSITORY });
  const layer = new TextEncoder().encode('notary bench shared layer\n');
  const layerDescriptor = await repository.pushBlob(layer, 'application/vnd.oci.image.layer.v1.tar');
  const digests = new Array(count);
  const start = Date.now();
  await eachLimited([...Array(count).keys()], CONCURRENCY, async (i) => {
    const config = new TextEncoder().encode(
      JSON.stringify({ architecture: 'amd64', os: 'linux', bench: i, at: start }),
    );
    const configDescriptor = await repository.pushBlob(config, 'application/vnd.oci.image.config.v1+json');
    const manifest = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MANIFEST,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: configDescriptor.digest,
          size: configDescriptor.size,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar',
            digest: layerDescriptor.digest,
            size: layerDescriptor.size,
          },
        ],
      }),
    );
    const pushed = await repository.pushManifest(manifest, MANIFEST);
    await sign({ repository, reference: pushed.digest, signer });
    digests[i] = pushed.digest;
  });
  log(`${host}: ${count} images pushed and signed in ${((Date.now() - start) / 1000).toFixed(1)}s`);
  return digests;
}

/** The plain-fetch baseline for one artifact; returns the number of requests. */
async function plainFetchOne(base, digest, tagSchema) {
  const url = (path) => `${base}/v2/${REPOSITORY}/${path}`;
  const head = await fetch(url(`manifests/${digest}`), { method: 'HEAD', headers: { accept: MANIFEST } });
  if (!head.ok) throw new Error(`HEAD ${digest}: ${head.status}`);
  const list = tagSchema
    ? await fetch(url(`manifests/${digest.replace(':', '-')}`), { headers: { accept: INDEX } })
    : await fetch(url(`referrers/${digest}?artifactType=${encodeURIComponent(ARTIFACT_TYPE_NOTARY_SIGNATURE)}`), {
        headers: { accept: INDEX },
      });
  if (!list.ok) throw new Error(`referrers of ${digest}: ${list.status}`);
  const signature = JSON.parse(await list.text()).manifests.find(
    (m) => m.artifactType === ARTIFACT_TYPE_NOTARY_SIGNATURE,
  );
  const manifest = await fetch(url(`manifests/${signature.digest}`), { headers: { accept: MANIFEST } });
  if (!manifest.ok) throw new Error(`signature manifest: ${manifest.status}`);
  const envelope = JSON.parse(await manifest.text()).layers[0];
  const blob = await fetch(url(`blobs/${envelope.digest}`));
  if (!blob.ok) throw new Error(`envelope blob: ${blob.status}`);
  await blob.arrayBuffer();
  return 4;
}

export async function bulkVerify(ctx) {
  const count = 200;
  const spec = SPECS.find((s) => s.id === 'ec-256');
  const vector = loadVector(spec);
  const signer = await signerFromPrivateKey(vector.leafKeyPem, vector.chainPem);
  const identity = parseCertificates(vector.chainPem)[0].subject;
  const policy = parseOciTrustPolicy({
    version: '1.0',
    trustPolicies: [
      {
        name: 'bench',
        registryScopes: ['*'],
        signatureVerification: { level: 'strict', override: { revocation: 'skip' } },
        trustStores: ['ca:bench'],
        trustedIdentities: [`x509.subject: ${identity}`],
      },
    ],
  });
  const statement = policy.trustPolicies[0];
  const trustStore = new MemoryTrustStore({ 'ca:bench': vector.rootPem });
  await trustStore.getCertificates('ca', 'bench');

  const t0 = Date.now();
  const registries = await startRegistries();
  ctx.log(`registries up in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  const results = [];
  try {
    if ('missing' in registries.olareg) ctx.log(`olareg skipped: ${registries.olareg.missing}`);
    for (const [label, endpoint, tagSchema] of [
      ...('host' in registries.olareg ? [['Referrers API (olareg)', registries.olareg, false]] : []),
      ['Referrers API', registries.referrersApi, false],
      ['tag schema', registries.tagSchema, true],
    ]) {
      const digests = await seed(endpoint.host, count, signer, ctx.log);
      let requests = 0;
      const requestCounts = [];
      const { samples } = await interleave({
        rounds: ctx.quick ? 1 : 5,
        warmup: 1,
        batch: count,
        variants: {
          sdk: async () => {
            let n = 0;
            const repository = new RemoteRepository({
              registry: endpoint.host,
              repository: REPOSITORY,
              fetch: (input, init) => {
                n++;
                return fetch(input, init);
              },
            });
            await eachLimited(digests, CONCURRENCY, async (digest) => {
              const outcome = await verify({ repository, reference: digest, statement, trustStore });
              if (!outcome.result.verified) throw new Error(`${digest} not verified`);
            });
            requestCounts.push(n / count);
          },
          fetch: async () => {
            let n = 0;
            await eachLimited(digests, CONCURRENCY, async (digest) => {
              const sent = await plainFetchOne(endpoint.url, digest, tagSchema);
              n += sent;
            });
            requests = n / count;
          },
        },
      });
      const sdkRequests = requestCounts.at(-1);
      results.push({
        label,
        ...report(samples, { unit: 'ms', pairs: [['sdk', 'fetch']], target: { ratio: 'sdk/fetch', max: 1.5 } }),
        extra: {
          'requests/artifact (sdk)': sdkRequests,
          'requests/artifact (fetch)': requests,
          artifacts: count,
          concurrency: CONCURRENCY,
        },
      });
      // Issue 13 item 9: the floor is four (HEAD subject, referrers or index, signature manifest, envelope).
      // A new client on a tag-schema registry must also learn, once, that the Referrers API is missing (a 404).
      const maxRequests = tagSchema ? 4 + 1 / count : 4;
      results.at(-1).requestsTarget = { max: maxRequests, measured: sdkRequests, met: sdkRequests <= maxRequests };
    }
  } finally {
    await registries.stop();
  }
  return {
    case: 5,
    name: 'bulk-registry-verify',
    target: 'sdk/fetch <= 1.5; requests per artifact <= 4 (tag schema: + 1 probe per new client)',
    met: results.every((r) => r.target.met && r.requestsTarget.met),
    notes: [
      `times are per artifact (wall time of the whole batch / ${count}); ES256 JWS signatures; one new RemoteRepository per round`,
    ],
    results,
  };
}
