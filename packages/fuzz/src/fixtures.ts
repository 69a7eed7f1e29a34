/**
 * What the envelope targets sign with and verify under: the openssl-made
 * EC P-256 chain of test-vectors/ (no AIA/CDP, so revocation passes without
 * a network round trip), a blob, and a strict blob trust policy whose only
 * trust anchor is that chain's root. Every case goes through `verifyBlob`,
 * the full verifier.
 */
import { readFile } from 'node:fs/promises';
import { signBlob, type VerificationResult, type VerifyBlobOptions, verifyBlob } from '@x/notary-core';
import {
  type EnvelopeMediaType,
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  type Signer,
  signerFromPrivateKey,
} from '@x/notary-envelope';
import { type Certificate, decodePem, parseCertificates } from '@x/notary-pki';
import { type BlobTrustPolicyDocument, MemoryTrustStore, type TrustStore } from '@x/notary-trust-policy';

/** test-vectors/out/chains, from src/ and from dist/ alike (both sit one level below the package). */
const CHAINS = new URL('../../../test-vectors/out/chains/', import.meta.url);

export interface ChainFixture {
  keyPem: string;
  chainPem: string;
  rootPem: string;
  /** Leaf first, root last. */
  chain: Certificate[];
  chainDer: Uint8Array[];
  signer: Signer;
}

export async function loadChain(name: 'ec-256' | 'ec-384' | 'rsa-2048'): Promise<ChainFixture> {
  const dir = new URL(`${name}/`, CHAINS);
  const [keyPem, chainPem, rootPem] = await Promise.all(
    ['leaf.key.pem', 'chain.pem', 'root.pem'].map((file) => readFile(new URL(file, dir), 'utf8')),
  );
  const chain = parseCertificates(chainPem!);
  return {
    keyPem: keyPem!,
    chainPem: chainPem!,
    rootPem: rootPem!,
    chain,
    chainDer: chain.map((c) => c.der),
    signer: await signerFromPrivateKey(keyPem!, chainPem!),
  };
}

/** The artifact every envelope target signs. */
export const BLOB = new TextEncoder().encode('issue 12: the blob every fuzz case is a signature of\n');

/** A strict blob policy trusting `ca:fuzz`; with `tsa`, also `tsa:fuzz` and timestamps always verified (TP-14). */
export function strictBlobPolicy(options: { tsa?: boolean } = {}): BlobTrustPolicyDocument {
  return {
    version: '1.0',
    trustPolicies: [
      {
        name: 'fuzz',
        globalPolicy: true,
        signatureVerification: { level: 'strict', ...(options.tsa ? { verifyTimestamp: 'always' as const } : {}) },
        trustStores: options.tsa ? ['ca:fuzz', 'tsa:fuzz'] : ['ca:fuzz'],
        trustedIdentities: ['*'],
      },
    ],
  } as BlobTrustPolicyDocument;
}

export function trustStoreOf(rootPem: string, tsaRootPem?: string): TrustStore {
  return new MemoryTrustStore({ 'ca:fuzz': rootPem, ...(tsaRootPem ? { 'tsa:fuzz': tsaRootPem } : {}) });
}

export interface BlobVerification {
  policy: BlobTrustPolicyDocument;
  trustStore: TrustStore;
  revocation?: VerifyBlobOptions['revocation'];
}

/** The full verifier on one envelope of `BLOB`. */
export function verifyEnvelope(
  bytes: Uint8Array,
  mediaType: EnvelopeMediaType,
  setup: BlobVerification,
): Promise<VerificationResult> {
  return verifyBlob({
    blob: BLOB,
    signature: bytes,
    signatureMediaType: mediaType,
    policy: setup.policy,
    trustStore: setup.trustStore,
    ...(setup.revocation ? { revocation: setup.revocation } : {}),
  });
}

export async function signFixture(
  signer: Signer,
  mediaType: EnvelopeMediaType,
  timestamp?: Parameters<typeof signBlob>[0]['timestamp'],
): Promise<Uint8Array> {
  return (await signBlob({ blob: BLOB, signer, signatureMediaType: mediaType, ...(timestamp ? { timestamp } : {}) }))
    .signature;
}

export function derOfPem(pem: string): Uint8Array {
  return decodePem(pem)[0]!.bytes;
}

export { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS };
