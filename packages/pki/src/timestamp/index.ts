export { TIMESTAMP_OID } from './oids.js';
export { type FetchLike, requestTimestamp, type TimestampClientOptions } from './timestamp-client.js';
export { createTimestampRequest, type TimestampRequest } from './timestamp-request.js';
export {
  checkTokenAgainstRequest,
  parseTimestampResponse,
  type TimestampRequestExpectation,
} from './timestamp-response.js';
export { type TimestampRange, TimestampToken, type TstInfo } from './timestamp-token.js';
export {
  type TimestampVerificationOptions,
  type VerifiedTimestamp,
  verifyTimestampSignature,
  verifyTimestampToken,
} from './timestamp-verification.js';
