/**
 * `@x/notary-pki/foundation`: the runtime-neutral pieces every package of the
 * SDK shares, written once (issue 14): the error base class, bytes, base64
 * and hex, Go-compatible JSON and quoting, Go's time layouts, and bounded
 * HTTP bodies. Packages that must not depend on X.509 (oci) import only this
 * subpath of pki.
 */

export { decodeBase64, decodeBase64Url, encodeBase64, encodeBase64Url } from './base64.js';
export { bytesEqual, concatBytes, concatChunks, toHex } from './bytes.js';
export { type FoundationErrorCode, NotaryError } from './errors.js';
export { compareUtf8, type GoJsonObject, type GoJsonValue, goJson, goJsonString } from './go-json.js';
export { goCharU, goQuote, goQuoteList, goQuoteMapList } from './go-quote.js';
export { readBoundedBody } from './http/bounded-body.js';
export { formatGoTime, formatRfc1123z, formatRfc3339 } from './time-format.js';
