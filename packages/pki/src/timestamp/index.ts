export { TimestampToken, type TstInfo, type TimestampRange } from './timestamp-token.js';
export { verifyTimestampToken, verifyTimestampSignature, type TimestampVerificationOptions, type VerifiedTimestamp } from './timestamp-verification.js';
export { createTimestampRequest, type TimestampRequest } from './timestamp-request.js';
export { parseTimestampResponse, checkTokenAgainstRequest, type TimestampRequestExpectation } from './timestamp-response.js';
export { requestTimestamp, type TimestampClientOptions, type FetchLike } from './timestamp-client.js';
export { TIMESTAMP_OID } from './oids.js';
