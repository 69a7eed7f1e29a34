export { verifyWithPolicy, type PolicyVerificationOptions, type VerificationTarget, type RevocationChecker } from './verify-with-policy.js';
export type { EnvelopeFacts } from './envelope-facts.js';
export {
  VerificationError,
  VerificationCheckError,
  type VerificationCheckErrorCode,
  type VerificationResult,
  type CheckResult,
  type CheckOutcome,
} from './verification-result.js';
