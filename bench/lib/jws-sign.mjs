/**
 * Notary JWS envelopes signed with node:crypto, not with the SDK, so that
 * making fixtures never warms an SDK cache (signEnvelope parses the chain
 * and verifies what it made). Same header layout as test-vectors/generate.mjs.
 */
import { constants, createPrivateKey, randomBytes, sign } from 'node:crypto';

const HASH = { 'SHA-256': ['sha256', 32], 'SHA-384': ['sha384', 48], 'SHA-512': ['sha512', 64] };

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

/** A signer for one spec and chain: `(payloadDescriptor) => Uint8Array` (the JWS JSON bytes). */
export function jwsSigner(spec, leafKeyPem, ders, { signingTime = new Date() } = {}) {
  const key = createPrivateKey(leafKeyPem);
  const [hash, saltLength] = HASH[spec.hash];
  const time = new Date(Math.floor(signingTime.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const protectedHeader = b64url(
    JSON.stringify({
      alg: spec.alg,
      crit: ['io.cncf.notary.signingScheme'],
      cty: 'application/vnd.cncf.notary.payload.v1+json',
      'io.cncf.notary.signingScheme': 'notary.x509',
      'io.cncf.notary.signingTime': time,
    }),
  );
  const header = {
    x5c: ders.map((d) => Buffer.from(d).toString('base64')),
    'io.cncf.notary.signingAgent': 'notary-bench/1.0',
  };
  return (target) => {
    const payload = b64url(
      JSON.stringify({ targetArtifact: { digest: target.digest, mediaType: target.mediaType, size: target.size } }),
    );
    const input = Buffer.from(`${protectedHeader}.${payload}`, 'ascii');
    const options = spec.rsa
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }
      : { key, dsaEncoding: 'ieee-p1363' };
    const signature = b64url(sign(hash, input, options));
    return new TextEncoder().encode(JSON.stringify({ payload, protected: protectedHeader, header, signature }));
  };
}

/** A random artifact descriptor (an OCI image manifest that need not exist). */
export function randomTarget() {
  return {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${randomBytes(32).toString('hex')}`,
    size: 1000 + Math.floor(Math.random() * 9000),
  };
}
