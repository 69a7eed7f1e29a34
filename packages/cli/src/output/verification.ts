/**
 * Verification results as the CLI shows them: the failing check of a result
 * (for the one-line error), and the JSON document of `verify -o json` and
 * `blob verify -o json`, which notation does not have: every signature tried,
 * every check with its outcome, action and error (TP-11, TP-12, WF-1).
 */

import type { VerificationError, VerificationResult } from '@x/notary-core';
import type { Certificate } from '@x/notary-pki';
import { VALIDATION_TYPES } from '@x/notary-trust-policy';
import { withoutRequirementIds } from '../errors.js';
import { certificateJson as inspectCertificateJson } from './inspect.js';
import { formatRfc3339Nano } from './text.js';

/** Which check decided a failed result, its error code and message. */
export interface FailureDescription {
  /** `integrity`, `authenticity`, `authenticTimestamp`, `expiry`, `revocation`, `payload`, `userMetadata` or `plugin`. */
  check: string;
  code: string | undefined;
  message: string;
}

/** The target a result must name (VER-3), to tell a payload mismatch from a metadata one. */
export interface ExpectedTarget {
  digest: string;
  size: number;
  mediaType?: string;
}

/**
 * The check that failed a result: an enforced check failure (TP-12), else
 * what the error that ended verification says (payload, user metadata,
 * plugin), else a payload mismatch found by comparing with `expected`.
 */
export function describeFailure(
  result: VerificationResult,
  error?: VerificationError,
  expected?: ExpectedTarget,
): FailureDescription | undefined {
  if (result.verified) return undefined;
  for (const type of VALIDATION_TYPES) {
    const check = result.checks[type];
    if (check.outcome === 'failed-enforced')
      return { check: type, code: check.error?.code, message: check.error?.message ?? 'failed' };
  }
  if (error !== undefined && error.result === result && error.check !== undefined) {
    const cause = error.cause as { code?: string; message?: string } | undefined;
    return { check: error.check, code: cause?.code, message: cause?.message ?? error.message };
  }
  const signed = result.targetArtifact;
  if (expected !== undefined && signed !== undefined) {
    if (
      signed.digest !== expected.digest ||
      signed.size !== expected.size ||
      (expected.mediaType !== undefined && signed.mediaType !== expected.mediaType)
    ) {
      return {
        check: 'payload',
        code: 'ERR_PAYLOAD_MISMATCH',
        message: `the signature is for ${signed.digest}, not for ${expected.digest}`,
      };
    }
    return {
      check: 'userMetadata',
      code: 'ERR_USER_METADATA_MISMATCH',
      message: 'unable to find specified metadata in the signature',
    };
  }
  return undefined;
}

/**
 * issue 13 item 6: a certificate as `inspect -o json` shows it (notation's
 * field names and RFC 3339 times), plus its start of validity, which
 * verification also judges.
 */
function certificateJson(certificate: Certificate): Record<string, unknown> {
  return { ...inspectCertificateJson(certificate), notBefore: formatRfc3339Nano(certificate.notBefore) };
}

/** One signature's full result as JSON: every check, in notation's order (VER-10). */
export function verificationResultJson(
  result: VerificationResult,
  extra: { signatureManifest?: string; error?: VerificationError; expected?: ExpectedTarget } = {},
): Record<string, unknown> {
  const checks = Object.fromEntries(
    VALIDATION_TYPES.map((type) => {
      const check = result.checks[type];
      return [
        type,
        {
          outcome: check.outcome,
          action: check.action,
          ...(check.error
            ? { error: { code: check.error.code, message: withoutRequirementIds(check.error.message) } }
            : {}),
        },
      ];
    }),
  );
  const failure = describeFailure(result, extra.error, extra.expected);
  return {
    ...(extra.signatureManifest ? { signatureManifest: extra.signatureManifest } : {}),
    verified: result.verified,
    level: result.level,
    trustPolicy: result.statement.name,
    ...(result.mediaType ? { signatureEnvelopeType: result.mediaType } : {}),
    ...(result.signingScheme ? { signingScheme: result.signingScheme } : {}),
    ...(result.signingTime ? { signingTime: formatRfc3339Nano(result.signingTime) } : {}),
    checks,
    ...(failure ? { failure: { ...failure, message: withoutRequirementIds(failure.message) } } : {}),
    ...(result.targetArtifact ? { signedArtifact: result.targetArtifact } : {}),
    ...(result.certificateChain ? { certificates: result.certificateChain.map(certificateJson) } : {}),
    ...(result.timestamp
      ? {
          // inspect's `timestampSignature` shape: the accuracy range as notation prints it, plus genTime itself.
          timestamp: {
            timestamp: `[${formatRfc3339Nano(result.timestamp.range.earliest)}, ${formatRfc3339Nano(result.timestamp.range.latest)}]`,
            genTime: formatRfc3339Nano(result.timestamp.range.genTime),
            certificates: result.timestamp.tsaChain.map(certificateJson),
          },
        }
      : {}),
    ...(result.revocation
      ? {
          revocation: result.revocation.map((r) => ({
            issuedTo: r.certificate.subject,
            SHA256Fingerprint: r.certificate.sha256Fingerprint,
            status: r.status,
          })),
        }
      : {}),
  };
}
