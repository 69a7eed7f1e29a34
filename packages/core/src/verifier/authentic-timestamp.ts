import type { SignerInfo } from '@x/notary-envelope';
import {
  type Certificate,
  checkRevocation,
  type RevocationOptions,
  type TimestampRange,
  verifyTimestampToken,
} from '@x/notary-pki';
import { formatRfc1123z, goQuote } from '@x/notary-pki/foundation';
import {
  chainValidityProblemAt,
  hasTsaTrustStore,
  loadTimestampTrustStores,
  shouldVerifyTimestamp,
  splitTrustStoreReference,
  TrustPolicyError,
  type TrustPolicyStatement,
  type TrustStore,
  type VerificationActions,
} from '@x/notary-trust-policy';
import { type RevocationChecker, revocationFailure } from './revocation-verdict.js';
import { VerificationCheckError } from './verification-result.js';

export const SIGNING_AUTHORITY = 'notary.x509.signingAuthority';

/** What the authentic-timestamp step reads. */
export interface AuthenticTimestampInput {
  statement: TrustPolicyStatement;
  /** The statement's resolved actions (they decide whether a timestamp is needed, TP-14). */
  actions: VerificationActions;
  trustStore: TrustStore;
  /** The integrity-verified signer info (VER-2). */
  signerInfo: SignerInfo;
  now: Date;
  revocation?: Omit<RevocationOptions, 'purpose' | 'now' | 'signingTime' | 'signingAuthority'>;
  revocationChecker?: RevocationChecker;
  /** Told the verified timestamp range and TSA chain, before the TSA chain's revocation is judged. */
  onTimestamp?: (timestamp: { range: TimestampRange; tsaChain: Certificate[] }) => void;
}

/**
 * The authentic timestamp check (VER-6, TP-14, TSA-3 … TSA-5), notation-go's
 * verifyAuthenticTimestamp: under signingAuthority every certificate must be
 * valid at the authentic signing time; under notary.x509 the RFC 3161
 * timestamp is verified against the statement's tsa stores when the policy
 * asks for it, else the chain must be valid now. Throws the failure.
 */
export async function verifyAuthenticTimestamp(input: AuthenticTimestampInput): Promise<void> {
  const { statement, actions, now } = input;
  const info = input.signerInfo;
  const attributes = info.signedAttributes;
  const chain = info.certificateChain;
  const scheme = attributes.signingScheme;
  if (scheme === SIGNING_AUTHORITY) {
    const authentic = attributes.authenticSigningTime!;
    for (const c of chain) {
      if (!c.isValidAt(authentic)) {
        throw new VerificationCheckError(
          'ERR_CERTIFICATE_EXPIRED',
          `certificate ${goQuote(c.subject)} was not valid when the digital signature was produced at ${goQuote(formatRfc1123z(authentic))}`,
        );
      }
    }
    return;
  }
  // TP-7: a malformed store reference makes the tsa configuration undecidable.
  for (const reference of statement.trustStores ?? []) {
    if (splitTrustStoreReference(reference) === undefined) {
      throw new TrustPolicyError(
        'ERR_POLICY_INVALID',
        `failed to check tsa trust store configuration in trust policy: statement ${goQuote(statement.name)} is missing separator in trust store value ${goQuote(reference)}. The required format is <TrustStoreType>:<TrustStoreName>`,
        { statement: statement.name, field: 'trustStores' },
      );
    }
  }
  const verifyTimestamp = shouldVerifyTimestamp({
    actions,
    scheme,
    hasTsaStore: hasTsaTrustStore(statement),
    verifyTimestamp: statement.signatureVerification.verifyTimestamp,
    signingChain: chain,
    now,
  });
  if (!verifyTimestamp) {
    const problem = chainValidityProblemAt(chain, now);
    if (problem) throw new VerificationCheckError('ERR_CERTIFICATE_EXPIRED', problem);
    return;
  }
  const token = info.unsignedAttributes.timestampSignature;
  if (!token || token.length === 0)
    throw new VerificationCheckError(
      'ERR_TIMESTAMP_MISSING',
      'no timestamp countersignature was found in the signature envelope',
    );
  const tsaRoots = await loadTimestampTrustStores(input.trustStore, statement, scheme);
  if (tsaRoots.length === 0)
    throw new VerificationCheckError('ERR_UNTRUSTED_CHAIN', 'no trusted TSA certificate found in trust store');
  const verified = await verifyTimestampToken({
    token,
    signature: info.signature,
    roots: tsaRoots,
    signingChain: chain,
  });
  input.onTimestamp?.({ range: verified.range, tsaChain: verified.tsaChain });
  // TSA-3 step 7, REV-6: the TSA chain is revocation-checked, and counts here.
  const tsaRevocation = await (input.revocationChecker ?? checkRevocation)(verified.tsaChain, {
    ...input.revocation,
    purpose: 'timestamping',
    now,
  });
  const problem = revocationFailure(tsaRevocation, 'timestamping certificate');
  if (problem) throw problem;
}
