import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesEqual } from '../bytes.js';
import { TimestampError } from '../errors.js';
import { OID_BY_HASH } from './oids.js';
import { TimestampToken } from './timestamp-token.js';

/** What a response is checked against: a request built by createTimestampRequest, or its parts. */
export interface TimestampRequestExpectation {
  hashAlgorithm?: keyof typeof OID_BY_HASH;
  hashedMessage?: Uint8Array;
  nonce?: bigint;
  policy?: string;
  certReq?: boolean;
}

// PKIStatus texts as tspclient-go prints them.
const STATUS_TEXT = [
  'granted',
  'granted with modifications',
  'rejected',
  'the request has not yet been processed',
  'warning: a revocation is imminent',
  'a revocation has occurred',
];
const FAILURE_INFO: Readonly<Record<number, string>> = {
  0: 'unrecognized or unsupported Algorithm Identifier',
  2: 'transaction not permitted or supported',
  5: 'the data submitted has the wrong format',
  14: "the TSA's time source is not available",
  15: 'the requested TSA policy is not supported by the TSA',
  16: 'the requested extension is not supported by the TSA',
  17: 'the additional information requested could not be understood or is not available',
  25: 'the request cannot be handled due to system failure',
};

function fail(message: string, cause?: unknown): never {
  throw new TimestampError(
    'ERR_TIMESTAMP_RESPONSE',
    `invalid timestamping response: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

function failureInfo(bits: asn1js.BitString | undefined): string {
  if (!bits) return '';
  const view = bits.valueBlock.valueHexView;
  const set: string[] = [];
  for (let bit = 0; bit < view.length * 8; bit++)
    if ((view[bit >> 3]! & (0x80 >> (bit & 7))) !== 0) set.push(FAILURE_INFO[bit] ?? `failure bit ${bit}`);
  return set.length ? ` Failure info: ${set.join(', ')}` : '';
}

/**
 * Parses a TimeStampResp and checks it against the request (TSA-2): status
 * granted, TSTInfo version 1, the requested policy, the same imprint, the
 * same nonce, genTime in UTC, and the TSA certificate present exactly when
 * certReq asked for it. Returns the token; its signature and chain are
 * checked by verifyTimestampToken against the caller's TSA roots.
 */
export function parseTimestampResponse(der: Uint8Array, request: TimestampRequestExpectation): TimestampToken {
  let response: pkijs.TimeStampResp;
  try {
    const asn1 = asn1js.fromBER(der);
    if (asn1.offset === -1) throw new Error('invalid DER');
    response = new pkijs.TimeStampResp({ schema: asn1.result });
  } catch (error) {
    throw new TimestampError(
      'ERR_TIMESTAMP_MALFORMED',
      `malformed timestamping response: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const status = Number(response.status.status);
  if (status !== 0 && status !== 1) {
    fail(
      `invalid response with status code ${status}: ${STATUS_TEXT[status] ?? 'unknown'}.${failureInfo(response.status.failInfo)}`,
    );
  }
  if (!response.timeStampToken) fail('the response has no timeStampToken');
  let token: TimestampToken;
  try {
    token = TimestampToken.parse(new Uint8Array(response.timeStampToken.toSchema().toBER()));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error), error);
  }
  checkTokenAgainstRequest(token, request);
  return token;
}

/** The TSA-2 checks of a granted response's token against the request that asked for it. */
export function checkTokenAgainstRequest(token: TimestampToken, request: TimestampRequestExpectation): void {
  const info = token.tstInfo;
  if (info.version !== 1) fail(`timestamp token info version must be 1, but got ${info.version}`);
  if (request.policy !== undefined && info.policy !== request.policy)
    fail(`policy in response ${info.policy} does not match policy in request ${request.policy}`);
  if (request.hashAlgorithm && info.hashAlgorithmOid !== OID_BY_HASH[request.hashAlgorithm])
    fail('message imprint algorithm in response does not match the request');
  if (request.hashedMessage && !bytesEqual(info.hashedMessage, request.hashedMessage))
    fail('message imprint in response does not match the request');
  if (request.nonce !== undefined && info.nonce !== request.nonce)
    fail(`nonce in response ${info.nonce ?? '<nil>'} does not match nonce in request ${request.nonce}`);
  const hasSigner = token.certificates.length > 0;
  if (request.certReq === true && !hasSigner)
    fail('certReq is True in request, but did not find any TSA signing certificate in the response');
  if (request.certReq === false && hasSigner)
    fail('certReq is False in request, but certificates field is included in the response');
  if (!info.genTimeIsUtc) fail('genTime must be in UTC');
}
