#!/usr/bin/env node
// The SDK in one page: make a test certificate, sign an artifact descriptor as
// a JWS and as a COSE envelope, verify both, then tamper with one and show the
// typed error a caller can branch on.
//
//   pnpm demo
import { generateTestCertificate, NotaryError } from '@x/notary-pki';
import {
  signEnvelope,
  signerFromCryptoKey,
  verifyEnvelopeIntegrity,
  MEDIA_TYPE_JWS,
  MEDIA_TYPE_COSE,
} from '@x/notary-envelope';

const step = (text) => console.log(`\n== ${text}`);

step('1. Generate a self-signed test certificate (like `notation cert generate-test`)');
const { certificate, privateKey, keySpec } = await generateTestCertificate({ name: 'demo.example', keySpec: 'EC-256' });
console.log(`subject:     ${certificate.subject}`);
console.log(`key spec:    ${keySpec}`);
console.log(`sha256:      ${certificate.sha256Fingerprint}`);
const signer = signerFromCryptoKey(privateKey, [certificate]);

// The artifact being signed: any OCI descriptor (an image manifest here).
const targetArtifact = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: 'sha256:73c803930ea3ba1e54bc25c2bdc53edd0284c62ed651fe7b00369da519a3c333',
  size: 16724,
  annotations: { 'io.wabbit-networks.buildId': '123' },
};

for (const mediaType of [MEDIA_TYPE_JWS, MEDIA_TYPE_COSE]) {
  step(`2. Sign and verify as ${mediaType}`);
  const signed = await signEnvelope({ mediaType, targetArtifact, signer, expiresInSeconds: 24 * 3600 });
  console.log(`envelope:    ${signed.bytes.length} bytes`);
  if (mediaType === MEDIA_TYPE_JWS) {
    const jws = JSON.parse(new TextDecoder().decode(signed.bytes));
    console.log(`protected:   ${new TextDecoder().decode(Uint8Array.from(atob(jws.protected.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)))}`);
  }
  const { content, payload } = await verifyEnvelopeIntegrity(signed.bytes, mediaType);
  const attributes = content.signerInfo.signedAttributes;
  console.log(`verified:    ${content.signerInfo.signatureAlgorithm} by ${content.signerInfo.certificateChain[0].subject}`);
  console.log(`signed at:   ${attributes.signingTime.toISOString()}, expires ${attributes.expiry.toISOString()}`);
  console.log(`artifact:    ${payload.targetArtifact.digest} (${payload.targetArtifact.size} bytes)`);

  if (mediaType === MEDIA_TYPE_COSE) {
    step('3. Tamper with the COSE envelope: flip one bit of the signature');
    const tampered = signed.bytes.slice();
    tampered[tampered.length - 1] ^= 0x01;
    try {
      await verifyEnvelopeIntegrity(tampered, mediaType);
      console.log('unexpected: the tampered envelope verified');
      process.exitCode = 1;
    } catch (error) {
      if (!(error instanceof NotaryError)) throw error;
      console.log(`rejected:    ${error.name} code=${error.code}`);
      console.log(`message:     ${error.message}`);
    }
  }
}
console.log('\nDone: both envelopes verified and the tampered one was rejected.');
