import {
  addUserMetadata,
  type EnvelopeMediaType,
  type ExtendedAttribute,
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  parseEnvelope,
  parsePayload,
  type Signer,
  signEnvelope,
} from '@x/notary-envelope';
import { algorithmSuiteOf, keySpecOf } from '@x/notary-pki';
import {
  type BlobTrustPolicyDocument,
  isSkipLevel,
  selectBlobStatement,
  type TrustPolicyStatement,
  type TrustStore,
} from '@x/notary-trust-policy';
import { type BlobSource, digestBlob, type HashFactory, hashOfDigest } from './blob-digest.js';
import { WorkflowError } from './errors.js';
import { type TimestampingOptions, timestamper } from './timestamping.js';
import type { VerificationResult } from './verifier/verification-result.js';
import {
  type SignatureVerificationOptions,
  skippedVerification,
  verifySignatureEnvelope,
} from './verifier/verify-signature-envelope.js';

/** The media type notation gives a blob when the caller names none (PAY-4). */
export const DEFAULT_BLOB_MEDIA_TYPE = 'application/octet-stream';

export interface SignBlobOptions {
  blob: BlobSource;
  signer: Signer;
  /** `application/jose+json` (default) or `application/cose`. */
  signatureMediaType?: EnvelopeMediaType;
  /** The blob's media type in the payload; `application/octet-stream` by default. */
  mediaType?: string;
  expiresInSeconds?: number;
  /** Annotations of the payload's target (PAY-3: no `io.cncf.notary` prefix). */
  userMetadata?: Readonly<Record<string, string>>;
  timestamp?: TimestampingOptions;
  signingTime?: Date;
  signingAgent?: string;
  extendedAttributes?: readonly ExtendedAttribute[];
  onProgress?: (bytesRead: number) => void;
  /** The streaming hash; noble's by default (every runtime). Node callers can pass node:crypto's, several times faster. */
  createHash?: HashFactory;
}

export interface SignedBlob {
  /** The detached signature: write it to `<blob>.<extension>` (SIGN-3). */
  signature: Uint8Array;
  signatureMediaType: EnvelopeMediaType;
  /** `jws.sig` or `cose.sig` (AMB-5). */
  extension: 'jws.sig' | 'cose.sig';
  /** The descriptor the signature names. */
  targetArtifact: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> };
}

/** The file extension of a blob signature (AMB-5). */
export function blobSignatureExtension(mediaType: EnvelopeMediaType): 'jws.sig' | 'cose.sig' {
  return mediaType === MEDIA_TYPE_COSE ? 'cose.sig' : 'jws.sig';
}

/**
 * The signature format of a blob signature file, from its name (AMB-5): the
 * name must end in `.sig` (any case) and the part before names the format,
 * `jws` or `cose`; nothing else is tried.
 */
export function blobSignatureMediaType(fileName: string): EnvelopeMediaType {
  const parts = fileName.split('.');
  const last = parts.at(-1)?.toLowerCase();
  const format = parts.at(-2)?.toLowerCase();
  if (parts.length < 3 || last !== 'sig' || (format !== 'jws' && format !== 'cose')) {
    throw new WorkflowError(
      'ERR_INVALID_REQUEST',
      `signature file "${fileName}" must be named <file>.jws.sig or <file>.cose.sig`,
    );
  }
  return format === 'jws' ? MEDIA_TYPE_JWS : MEDIA_TYPE_COSE;
}

/**
 * Signs a blob (SIGN-3): one streaming pass computes its digest with the hash
 * the key implies (PAY-4), then the descriptor is signed as for OCI.
 */
export async function signBlob(options: SignBlobOptions): Promise<SignedBlob> {
  const hash = algorithmSuiteOf(options.signer.keySpec).hash;
  const { digest, size } = await digestBlob(options.blob, hash, options.onProgress, options.createHash);
  const mediaType = options.mediaType ?? DEFAULT_BLOB_MEDIA_TYPE;
  const targetArtifact = addUserMetadata({ mediaType, digest, size }, options.userMetadata ?? {});
  const signatureMediaType = options.signatureMediaType ?? MEDIA_TYPE_JWS;
  const signed = await signEnvelope({
    mediaType: signatureMediaType,
    signer: options.signer,
    targetArtifact,
    ...(options.expiresInSeconds !== undefined ? { expiresInSeconds: options.expiresInSeconds } : {}),
    ...(options.signingTime ? { signingTime: options.signingTime } : {}),
    ...(options.signingAgent ? { signingAgent: options.signingAgent } : {}),
    ...(options.extendedAttributes ? { extendedAttributes: options.extendedAttributes } : {}),
    ...(options.timestamp ? { timestamp: timestamper(options.timestamp, options.signer) } : {}),
  });
  return {
    signature: signed.bytes,
    signatureMediaType,
    extension: blobSignatureExtension(signatureMediaType),
    targetArtifact: signed.verified.payload.targetArtifact,
  };
}

export type VerifyBlobOptions = Omit<SignatureVerificationOptions, 'target'> & {
  blob: BlobSource;
  signature: Uint8Array;
  /** The signature's media type, or its file name to take it from (AMB-5). */
  signatureMediaType?: EnvelopeMediaType;
  signatureFileName?: string;
  /** When given, the payload's media type must equal it (WF-4). */
  mediaType?: string;
  trustStore: TrustStore;
  onProgress?: (bytesRead: number) => void;
  /** The streaming hash, as for signBlob. */
  createHash?: HashFactory;
} & ({ statement: TrustPolicyStatement } | { policy: BlobTrustPolicyDocument; policyName?: string });

/**
 * Verifies a detached blob signature (WF-4): the blob statement by name or
 * the global one (BTP-2), the envelope fully verified (§11), and the blob's
 * size and digest, streamed once with the hash the signing key implies
 * (PAY-4), equal to the payload's; its media type too when the caller gives
 * one. Returns the verification result; throws a VerificationError with it.
 */
export async function verifyBlob(options: VerifyBlobOptions): Promise<VerificationResult> {
  const statement =
    'statement' in options ? options.statement : selectBlobStatement(options.policy, options.policyName);
  const signatureMediaType =
    options.signatureMediaType ??
    (options.signatureFileName !== undefined
      ? blobSignatureMediaType(options.signatureFileName)
      : (() => {
          throw new WorkflowError(
            'ERR_INVALID_REQUEST',
            'verifyBlob needs the signature media type or the signature file name',
          );
        })());
  const {
    blob: _blob,
    signature,
    signatureMediaType: _type,
    signatureFileName: _name,
    mediaType,
    onProgress: _progress,
    createHash: _hash,
    ...rest
  } = options;
  const {
    policy: _policy,
    policyName: _policyName,
    statement: _statement,
    ...checks
  } = rest as typeof rest & { policy?: unknown; policyName?: unknown; statement?: unknown };
  if (isSkipLevel(statement.signatureVerification)) {
    // TP-13 (issue 13 item 10): a skip statement verifies nothing, so the
    // signature is not even parsed and the blob is not read, as notation-go
    // returns before both. Only the file name's format is checked above.
    return skippedVerification(statement);
  }
  // Read the (still unverified) payload only to learn which hash to stream the blob with;
  // verification below checks everything, including that this hash is the key's (PAY-4).
  const envelope = parseEnvelope(options.signature, signatureMediaType);
  const keyHash = algorithmSuiteOf(keySpecOf(envelope.signerInfo.certificateChain[0]!.publicKey)).hash;
  const payloadDigest = parsePayload(envelope.payload.bytes).targetArtifact.digest;
  if (hashOfDigest(payloadDigest) !== keyHash) {
    throw new WorkflowError(
      'ERR_INVALID_REQUEST',
      `the blob signature's digest must use ${keyHash}, the hash its signing key implies (PAY-4)`,
    );
  }
  const { digest, size } = await digestBlob(options.blob, keyHash, options.onProgress, options.createHash);
  return verifySignatureEnvelope(signature, signatureMediaType, {
    ...(checks as unknown as Omit<SignatureVerificationOptions, 'target'>),
    statement,
    target: { digest, size, ...(mediaType !== undefined ? { mediaType } : {}) },
  });
}
