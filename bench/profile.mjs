#!/usr/bin/env node
/**
 * `node bench/profile.mjs [spec…]`: where one full verification spends its
 * time, cold (a chain never seen) and warm (the same signer again), with
 * `performance.now` around each step and the WebCrypto calls counted. The
 * numbers behind the "cause and fix" notes of bench/README.md. For a CPU
 * profile: `node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.mjs`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { verifySignatureEnvelope } from '@x/notary-core';
import { MEDIA_TYPE_JWS, parseEnvelope, verifyEnvelopeIntegrity } from '@x/notary-envelope';
import { Certificate, verifyPublicKeySignature as pkiVerify, validateCodeSigningChain } from '@x/notary-pki';
import { MemoryTrustStore, parseOciTrustPolicy } from '@x/notary-trust-policy';
import { LEAF_SUBJECT_DN, makeChains } from './lib/chains.mjs';
import { jwsSigner, randomTarget } from './lib/jws-sign.mjs';
import { summarize } from './lib/stats.mjs';
import { SPECS } from './lib/vectors.mjs';

const calls = { importKey: 0, verify: 0, digest: 0 };
for (const name of Object.keys(calls)) {
  const original = crypto.subtle[name].bind(crypto.subtle);
  crypto.subtle[name] = (...args) => {
    calls[name]++;
    return original(...args);
  };
}
const resetCalls = () => {
  for (const k of Object.keys(calls)) calls[k] = 0;
};

const wanted = process.argv.slice(2);
const specs = wanted.length
  ? SPECS.filter((s) => wanted.includes(s.id))
  : SPECS.filter((s) => ['rsa-2048', 'ec-256'].includes(s.id));
const ROUNDS = 9;
const dir = await mkdtemp(join(os.tmpdir(), 'notary-bench-profile-'));
try {
  for (const spec of specs) {
    const { rootPem, chains } = await makeChains(spec, ROUNDS + 1, join(dir, spec.id), { freshKeys: false });
    const store = new MemoryTrustStore({ 'ca:bench': rootPem });
    await store.getCertificates('ca', 'bench');
    const statement = parseOciTrustPolicy({
      version: '1.0',
      trustPolicies: [
        {
          name: 'p',
          registryScopes: ['*'],
          signatureVerification: { level: 'strict', override: { revocation: 'skip' } },
          trustStores: ['ca:bench'],
          trustedIdentities: [`x509.subject: ${LEAF_SUBJECT_DN}`],
        },
      ],
    }).trustPolicies[0];
    const envelopes = chains.map((c) => jwsSigner(spec, c.leafKeyPem, c.ders)(randomTarget()));
    const steps = {};
    const time = async (name, fn) => {
      const start = performance.now();
      const value = await fn();
      (steps[name] ??= []).push(performance.now() - start);
      return value;
    };
    const counted = {};
    for (let round = 0; round <= ROUNDS; round++) {
      const bytes = envelopes[round];
      const ders = chains[round].ders;
      // Pieces, each on fresh objects so nothing is cached.
      await time('Certificate.fromDer x3', () => ders.map((d) => Certificate.fromDer(d)));
      await time('parseEnvelope (JWS, 3 certs)', () => parseEnvelope(bytes, MEDIA_TYPE_JWS));
      const parsed = parseEnvelope(bytes, MEDIA_TYPE_JWS);
      const chain = parsed.signerInfo.certificateChain;
      resetCalls();
      await time('validateCodeSigningChain (fresh certs)', () => validateCodeSigningChain(chain));
      counted.chain = { ...calls };
      resetCalls();
      await time('validateCodeSigningChain again (same objects)', () => validateCodeSigningChain(chain));
      counted.chainAgain = { ...calls };
      const leaf = chain[0];
      const scheme = spec.rsa
        ? { name: 'RSA-PSS', hash: spec.hash, saltLength: 'any' }
        : { name: 'ECDSA', hash: spec.hash };
      const fresh = parseEnvelope(bytes, MEDIA_TYPE_JWS);
      await time('pki verifyPublicKeySignature, envelope (import + verify)', () =>
        pkiVerify(
          fresh.signerInfo.certificateChain[0].publicKey,
          scheme,
          fresh.signerInfo.signature,
          fresh.signingInput,
        ),
      );
      await time('pki verifyPublicKeySignature, envelope (key cached)', () =>
        pkiVerify(leaf.publicKey, scheme, parsed.signerInfo.signature, parsed.signingInput),
      );
      resetCalls();
      await time('verifyEnvelopeIntegrity (cold)', () => verifyEnvelopeIntegrity(bytes.slice(), MEDIA_TYPE_JWS));
      counted.integrity = { ...calls };
      resetCalls();
      await time('core verifySignatureEnvelope (cold chain)', () =>
        verifySignatureEnvelope(bytes.slice(), MEDIA_TYPE_JWS, { statement, trustStore: store }),
      );
      counted.full = { ...calls };
      resetCalls();
      await time('core verifySignatureEnvelope (same signer again)', () =>
        verifySignatureEnvelope(bytes.slice(), MEDIA_TYPE_JWS, { statement, trustStore: store }),
      );
      counted.again = { ...calls };
    }
    console.log(`\n${spec.id} (${spec.alg}), median of ${ROUNDS} (first round dropped), ms:`);
    for (const [name, values] of Object.entries(steps))
      console.log(`  ${name.padEnd(52)} ${summarize(values.slice(1)).median.toFixed(3)}`);
    console.log('  WebCrypto calls per operation:');
    for (const [name, c] of Object.entries(counted))
      console.log(`    ${name.padEnd(12)} importKey ${c.importKey}  verify ${c.verify}  digest ${c.digest}`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
