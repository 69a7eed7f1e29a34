/**
 * Cases 3 and 4: one envelope fully verified under a trust policy with
 * `@x/notary-core` verifySignatureEnvelope: integrity (VER-2), the chain to the trust
 * store and the trusted identity (VER-4), expiry (VER-5), the chain's
 * validity now (TP-14); revocation is skipped by the statement's override.
 *
 * Case 3, cold: every round verifies an envelope whose chain nobody has seen
 * (bench/lib/chains.mjs: new intermediate and leaf certificates with new
 * keys, per round; the envelope bytes are a new array too, and are signed
 * with node:crypto, not with the SDK). The root is the trust anchor and is
 * loaded into the MemoryTrustStore before timing, as a running verifier has
 * it. Floor, per round, on the same chain: importKey of the leaf,
 * intermediate and root SPKIs, then verify the envelope signature, the
 * leaf's certificate signature and the intermediate's.
 *
 * Case 4, warm: one test-vector chain whose envelope was verified before
 * timing; each operation verifies another envelope from the same signer (a
 * pool of distinct envelopes, so nothing can cache a result per envelope).
 * Floor: one subtle.verify of that envelope's signature, key imported once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { verifySignatureEnvelope } from '@x/notary-core';
import { MEDIA_TYPE_JWS } from '@x/notary-envelope';
import { parseCertificates } from '@x/notary-pki';
import { MemoryTrustStore, parseOciTrustPolicy } from '@x/notary-trust-policy';
import { LEAF_SUBJECT_DN, makeChains } from '../lib/chains.mjs';
import { jwsSigner, randomTarget } from '../lib/jws-sign.mjs';
import { calibrateEach, interleave, report } from '../lib/stats.mjs';
import {
  certificateCheck,
  envelopeImportParams,
  envelopeVerifyParams,
  loadVector,
  SPECS,
  spkiOf,
} from '../lib/vectors.mjs';

function statementFor(identity) {
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
  return policy.trustPolicies[0];
}

async function trustStoreFor(rootPem) {
  const store = new MemoryTrustStore({ 'ca:bench': rootPem });
  await store.getCertificates('ca', 'bench'); // loaded and validated before timing
  return store;
}

/** The raw pieces of a JWS: signing input and signature. */
function jwsParts(bytes) {
  const json = JSON.parse(new TextDecoder().decode(bytes));
  return {
    signingInput: new TextEncoder().encode(`${json.protected}.${json.payload}`),
    signature: new Uint8Array(Buffer.from(json.signature, 'base64url')),
  };
}

async function expectVerified(promise, what) {
  const result = await promise;
  if (!result.verified) throw new Error(`${what}: not verified`);
  return result;
}

export async function coldVerify(ctx) {
  const dir = await mkdtemp(join(os.tmpdir(), 'notary-bench-chains-'));
  const results = [];
  try {
    for (const spec of SPECS) {
      const slowKeys = spec.rsa && spec.bits >= 3072;
      const rounds = ctx.quick ? 3 : slowKeys ? 11 : 21;
      const warmup = 1;
      const t0 = Date.now();
      const { rootPem, chains } = await makeChains(spec, warmup + rounds, join(dir, spec.id), {
        freshKeys: !ctx.quick,
      });
      ctx.log(`${spec.id}: ${chains.length} fresh chains from openssl in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      const trustStore = await trustStoreFor(rootPem);
      const statement = statementFor(LEAF_SUBJECT_DN);
      const envelopes = chains.map((c) => jwsSigner(spec, c.leafKeyPem, c.ders)(randomTarget()));
      const floors = chains.map((c, i) => {
        const [leaf, intermediate, root] = c.ders;
        return {
          envelope: {
            spki: spkiOf(leaf),
            importParams: envelopeImportParams(spec),
            verifyParams: envelopeVerifyParams(spec),
            ...jwsParts(envelopes[i]),
          },
          leaf: certificateCheck(leaf, intermediate),
          intermediate: certificateCheck(intermediate, root),
        };
      });
      // Check the floor's inputs once (on copies, so nothing is imported early).
      for (const f of [floors[0]]) {
        for (const check of [
          f.envelope,
          { ...f.leaf, signingInput: f.leaf.tbs },
          { ...f.intermediate, signingInput: f.intermediate.tbs },
        ]) {
          const k = await crypto.subtle.importKey('spki', check.spki.slice(), check.importParams, false, ['verify']);
          if (!(await crypto.subtle.verify(check.verifyParams, k, check.signature, check.signingInput)))
            throw new Error(`floor inputs do not verify for ${spec.id}`);
        }
      }
      const { samples } = await interleave({
        rounds,
        warmup,
        batch: 1,
        variants: {
          sdk: (round) =>
            expectVerified(
              verifySignatureEnvelope(envelopes[round], MEDIA_TYPE_JWS, { statement, trustStore }),
              `cold ${spec.id}`,
            ),
          floor: async (round) => {
            const f = floors[round];
            const leafKey = await crypto.subtle.importKey('spki', f.envelope.spki, f.envelope.importParams, false, [
              'verify',
            ]);
            const intKey = await crypto.subtle.importKey('spki', f.leaf.spki, f.leaf.importParams, false, ['verify']);
            const rootKey = await crypto.subtle.importKey(
              'spki',
              f.intermediate.spki,
              f.intermediate.importParams,
              false,
              ['verify'],
            );
            const ok =
              (await crypto.subtle.verify(
                f.envelope.verifyParams,
                leafKey,
                f.envelope.signature,
                f.envelope.signingInput,
              )) &&
              (await crypto.subtle.verify(f.leaf.verifyParams, intKey, f.leaf.signature, f.leaf.tbs)) &&
              (await crypto.subtle.verify(
                f.intermediate.verifyParams,
                rootKey,
                f.intermediate.signature,
                f.intermediate.tbs,
              ));
            if (!ok) throw new Error('floor failed');
          },
        },
      });
      results.push({
        alg: spec.alg,
        keySpec: spec.keySpec,
        ...report(samples, { unit: 'ms', pairs: [['sdk', 'floor']], target: { ratio: 'sdk/floor', max: 2 } }),
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    case: 3,
    name: 'full-verify-cold',
    target: 'sdk/floor <= 2 (floor: 3 importKey + 3 verify)',
    met: results.every((r) => r.target.met),
    notes: [
      `JWS envelopes; revocation skipped by policy override; every round a chain with new certificates and ${ctx.quick ? 'shared keys (--quick)' : 'new keys'} (no cache can hit)`,
    ],
    results,
  };
}

export async function warmVerify(ctx) {
  const results = [];
  for (const spec of SPECS) {
    const vector = loadVector(spec);
    const sign = jwsSigner(spec, vector.leafKeyPem, vector.ders);
    const pool = Array.from({ length: 64 }, () => sign(randomTarget()));
    const raw = pool.map(jwsParts);
    const identity = parseCertificates(vector.chainPem)[0].subject;
    const statement = statementFor(identity);
    const trustStore = await trustStoreFor(vector.rootPem);
    const key = await crypto.subtle.importKey('spki', vector.leafSpki, envelopeImportParams(spec), false, ['verify']);
    const params = envelopeVerifyParams(spec);
    // The signer is seen once before timing.
    await expectVerified(
      verifySignatureEnvelope(pool[0], MEDIA_TYPE_JWS, { statement, trustStore }),
      `warm ${spec.id}`,
    );
    let i = 0;
    let j = 0;
    const batch = await calibrateEach(
      {
        sdk: () => verifySignatureEnvelope(pool[i++ % pool.length], MEDIA_TYPE_JWS, { statement, trustStore }),
        floor: () => crypto.subtle.verify(params, key, raw[0].signature, raw[0].signingInput),
      },
      ctx.quick ? 2 : 20,
    );
    const { samples } = await interleave({
      rounds: ctx.rounds,
      warmup: ctx.quick ? 1 : 3,
      batch,
      variants: {
        sdk: async (_round, n) => {
          for (let k = 0; k < n; k++)
            await expectVerified(
              verifySignatureEnvelope(pool[i++ % pool.length], MEDIA_TYPE_JWS, { statement, trustStore }),
              `warm ${spec.id}`,
            );
        },
        floor: async (_round, n) => {
          for (let k = 0; k < n; k++) {
            const r = raw[j++ % raw.length];
            if (!(await crypto.subtle.verify(params, key, r.signature, r.signingInput)))
              throw new Error('floor failed');
          }
        },
      },
    });
    results.push({
      alg: spec.alg,
      keySpec: spec.keySpec,
      batch,
      ...report(samples, { unit: 'us', pairs: [['sdk', 'floor']], target: { ratio: 'sdk/floor', max: 1.3 } }),
    });
  }
  return {
    case: 4,
    name: 'full-verify-warm',
    target: 'sdk/floor <= 1.3 (floor: 1 verify)',
    met: results.every((r) => r.target.met),
    notes: [
      'JWS envelopes from the test-vector chain, a pool of 64 distinct envelopes of one signer; revocation skipped by policy override',
    ],
    results,
  };
}
