import type { Certificate } from '@x/notary-pki';

/**
 * What the verifier needs from an envelope whose integrity was verified
 * (VER-2). It is the shape of `@x/notary-envelope`'s `VerifiedEnvelope`,
 * restated here so that this package depends on pki only: the envelope
 * package (or any other integrity checker) produces it, the trust policy
 * judges it.
 */
export interface EnvelopeFacts {
  content: {
    mediaType: string;
    signerInfo: {
      signedAttributes: {
        signingScheme: string;
        signingTime?: Date;
        authenticSigningTime?: Date;
        expiry?: Date;
        extendedAttributes: readonly { key: string; value: string | number | boolean | null; critical: boolean }[];
      };
      unsignedAttributes: { timestampSignature?: Uint8Array; signingAgent?: string };
      /** The primitive signature bytes (what the TSA timestamped, TSA-1). */
      signature: Uint8Array;
      certificateChain: Certificate[];
    };
    payload: { contentType: string; bytes: Uint8Array };
  };
  payload: { targetArtifact: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> } };
}
