/**
 * `@x/notary-pki/foundation`: the runtime-neutral pieces every package of the
 * SDK shares, written once (issue 14): the error base class, bytes, base64
 * and hex, Go-compatible JSON and quoting, Go's time layouts, and bounded
 * HTTP bodies. Packages that must not depend on X.509 (oci) import only this
 * subpath of pki.
 */
export { NotaryError, type FoundationErrorCode } from './errors.js';
export { bytesEqual, concatBytes, concatChunks, exactBytes, toHex } from './bytes.js';
export { encodeBase64, decodeBase64, encodeBase64Url, decodeBase64Url } from './base64.js';
export { goJson, goJsonString, compareUtf8, type GoJsonValue, type GoJsonObject } from './go-json.js';
export { goQuote, goQuoteList, goQuoteMap, goQuoteMapList, goCharU } from './go-quote.js';
export { formatRfc3339, formatRfc1123z, formatGoTime } from './time-format.js';
export { readBoundedBody, raceAbort, discardBody } from './http/bounded-body.js';
