/**
 * Cases 1 and 2: envelope integrity verification (VER-2) of the test-vector
 * envelopes, for the six algorithms, against
 *   - raw: one `crypto.subtle.verify` over the same signing input (JWS) or
 *     Sig_structure (COSE) with a key imported once, before timing;
 *   - a peer: jose `flattenedVerify` (JWS; the JSON text is parsed in the
 *     timed part, as the SDK must too) or cose-kit `coseVerify` (COSE), both
 *     with the leaf key imported once.
 * `parse` is a breakdown, not a baseline: the SDK's parseEnvelope alone.
 *
 * The same envelope bytes are verified every time: this is the steady state
 * of a verifier that sees one signer again and again.
 */
import { createPublicKey } from 'node:crypto';
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS, parseEnvelope, verifyEnvelopeIntegrity } from '@x/notary-envelope';
import { coseSign1Parts } from '../lib/cose-raw.mjs';
import { calibrateEach, interleave, report } from '../lib/stats.mjs';
import { envelopeImportParams, envelopeVerifyParams, loadVector, SPECS } from '../lib/vectors.mjs';

const decoder = new TextDecoder();

function base64url(text) {
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

async function setupJws(vector, peers) {
  const { spec } = vector;
  const json = JSON.parse(decoder.decode(vector.jws));
  const signingInput = new TextEncoder().encode(`${json.protected}.${json.payload}`);
  const signature = base64url(json.signature);
  const key = await crypto.subtle.importKey('spki', vector.leafSpki, envelopeImportParams(spec), false, ['verify']);
  const verifyParams = envelopeVerifyParams(spec);
  if (!(await crypto.subtle.verify(verifyParams, key, signature, signingInput)))
    throw new Error(`raw JWS verify failed for ${spec.id}`);
  const header = JSON.parse(decoder.decode(base64url(json.protected)));
  const joseOptions = {
    algorithms: [spec.alg],
    crit: Object.fromEntries((header.crit ?? []).map((name) => [name, true])),
  };
  const bytes = vector.jws;
  const variants = {
    sdk: () => verifyEnvelopeIntegrity(bytes, MEDIA_TYPE_JWS),
    raw: () => crypto.subtle.verify(verifyParams, key, signature, signingInput),
    parse: () => parseEnvelope(bytes, MEDIA_TYPE_JWS),
  };
  if (peers.jose) {
    const { flattenedVerify } = peers.jose;
    await flattenedVerify(JSON.parse(decoder.decode(bytes)), key, joseOptions);
    variants.jose = () => flattenedVerify(JSON.parse(decoder.decode(bytes)), key, joseOptions);
  }
  return variants;
}

async function setupCose(vector, peers) {
  const { spec } = vector;
  const { signingInput, signature } = coseSign1Parts(vector.cose);
  const key = await crypto.subtle.importKey('spki', vector.leafSpki, envelopeImportParams(spec), false, ['verify']);
  const verifyParams = envelopeVerifyParams(spec);
  if (!(await crypto.subtle.verify(verifyParams, key, signature, signingInput)))
    throw new Error(`raw COSE verify failed for ${spec.id}`);
  const sdkInput = parseEnvelope(vector.cose, MEDIA_TYPE_COSE).signingInput;
  if (Buffer.compare(Buffer.from(sdkInput), Buffer.from(signingInput)) !== 0)
    throw new Error(`Sig_structure differs from the SDK's for ${spec.id}`);
  const bytes = vector.cose;
  const variants = {
    sdk: () => verifyEnvelopeIntegrity(bytes, MEDIA_TYPE_COSE),
    raw: () => crypto.subtle.verify(verifyParams, key, signature, signingInput),
    parse: () => parseEnvelope(bytes, MEDIA_TYPE_COSE),
  };
  if (peers.coseKit) {
    const { coseVerify } = peers.coseKit;
    const keyObject = createPublicKey({ key: Buffer.from(vector.leafSpki), format: 'der', type: 'spki' });
    const probe = await coseVerify(bytes, keyObject);
    if (!probe.isValid) throw new Error(`cose-kit does not verify ${spec.id}`);
    variants['cose-kit'] = () => coseVerify(bytes, keyObject);
  }
  return variants;
}

async function loadPeer(name) {
  try {
    return { module: await import(name) };
  } catch (error) {
    return { error: `${name} does not load: ${error.message}` };
  }
}

/** Runs one variant set per algorithm; `peer` names the peer variant. */
async function runIntegrity(ctx, { caseNumber, name, format, setup, peer, target }) {
  const notes = [];
  const peers = {};
  if (peer === 'jose') {
    const loaded = await loadPeer('jose');
    if (loaded.module) peers.jose = loaded.module;
    else notes.push(loaded.error);
  } else {
    const loaded = await loadPeer('cose-kit');
    if (loaded.module) peers.coseKit = loaded.module;
    else notes.push(loaded.error);
  }
  const results = [];
  for (const spec of SPECS) {
    const vector = loadVector(spec);
    let variants;
    try {
      variants = await setup(vector, peers);
    } catch (error) {
      // A peer that fails on one algorithm is dropped for that algorithm only.
      if (peer === 'cose-kit' && peers.coseKit && /cose-kit/.test(String(error.message))) {
        notes.push(`${spec.alg}: ${error.message}`);
        variants = await setup(vector, {});
      } else throw error;
    }
    const batch = await calibrateEach(variants, ctx.quick ? 2 : 20);
    const timed = Object.fromEntries(
      Object.entries(variants).map(([key, fn]) => [
        key,
        async (_round, n) => {
          for (let i = 0; i < n; i++) await fn();
        },
      ]),
    );
    const { samples } = await interleave({ variants: timed, rounds: ctx.rounds, warmup: ctx.quick ? 1 : 3, batch });
    const peerName = peer === 'jose' ? 'jose' : 'cose-kit';
    const pairs = [
      ['sdk', 'raw'],
      ['parse', 'raw'],
    ];
    if (samples[peerName]) pairs.push(['sdk', peerName], [peerName, 'raw']);
    results.push({
      alg: spec.alg,
      keySpec: spec.keySpec,
      batch,
      ...report(samples, { unit: 'us', pairs, target: { ratio: 'sdk/raw', max: target } }),
    });
  }
  const peerTarget = peer === 'jose';
  const met =
    results.every((r) => r.target.met) &&
    (!peerTarget || results.every((r) => r.ratios['sdk/jose'] === undefined || r.ratios['sdk/jose'].median < 1));
  return {
    case: caseNumber,
    name,
    format,
    target: peerTarget ? `sdk/raw <= ${target} and faster than jose` : `sdk/raw <= ${target}`,
    met,
    notes,
    results,
  };
}

export function jwsIntegrity(ctx) {
  return runIntegrity(ctx, {
    caseNumber: 1,
    name: 'jws-integrity-verify',
    format: 'JWS',
    setup: setupJws,
    peer: 'jose',
    target: 1.15,
  });
}

export function coseIntegrity(ctx) {
  return runIntegrity(ctx, {
    caseNumber: 2,
    name: 'cose-integrity-verify',
    format: 'COSE',
    setup: setupCose,
    peer: 'cose-kit',
    target: 1.3,
  });
}
