/**
 * OCSP status of one certificate (REV-3, RFC 6960), after notation-core-go's
 * `revocation/internal/ocsp`:
 *
 * - Responder URLs come from the AIA extension and are tried in order; only
 *   `http` URLs are used. Each gets its own timeout (2 s by default).
 * - The request carries one CertID hashed with SHA-1 (what notation sends,
 *   because several public CAs answer nothing else) and no nonce. It is sent
 *   with GET when its base64 is shorter than 255 characters (also after URL
 *   escaping), otherwise POSTed as `application/ocsp-request`.
 * - A responder that answers `good`, `revoked` or `unknown` decides; any other
 *   outcome (network error, timeout, non-200, oversized or invalid response)
 *   moves on to the next URL.
 *
 * The response is checked more strictly than Go's x/crypto/ocsp does: the
 * signer must be the issuer itself or a delegated responder certificate that
 * the issuer signed, that carries id-kp-OCSPSigning and that is valid now;
 * the SingleResponse's whole CertID (not just the serial) must match;
 * thisUpdate must not be in the future (beyond {@link CLOCK_SKEW_MS});
 * nextUpdate must be present (Go's check `now.After(NextUpdate)` fails on a
 * missing one too) and not passed; unknown critical extensions are rejected.
 *
 * Not done, as in notation (REV-3 [impl], AMB-14): checking the delegated
 * responder's own revocation status when it lacks id-pkix-ocsp-nocheck. The
 * spec asks for a CRL check of the responder; notation-core-go leaves it as a
 * TODO, and doing it here would make our verdicts diverge from notation's on
 * the same inputs (a responder without CDP would turn `ok` into `unknown`).
 */

import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { encodeBase64 } from '../base64.js';
import { bytesEqual } from '../bytes.js';
import { Certificate, OID, pkijsCertificate } from '../certificate.js';
import { isSignedBy, verifyX509Signature } from '../certificate-signature.js';
import { DerCursor, DerError, readOnly, signedStructureSignature, smallIntegerValue, TAG } from '../der.js';
import {
  algorithmOf,
  CRL_REASON_NAMES,
  decodeGeneralizedTimeExtension,
  integerValue,
  iso,
  malformed,
  parseDer,
  REV_OID,
  rawBytes,
} from './asn1.js';
import { checkHttpUrl, type Fetcher, httpGetBytes } from './fetcher.js';
import { errorMessage, RevocationError, type RevocationStatus, type ServerResult, unknownResult } from './result.js';

/** RFC 6960 response size limit notation uses (§17). */
export const OCSP_MAX_RESPONSE_BYTES = 20480;
/** Default per-URL timeout (§17). */
export const OCSP_DEFAULT_TIMEOUT_MS = 2000;
/**
 * Tolerance for a thisUpdate slightly ahead of our clock (responders stamp
 * thisUpdate with their own clock). nextUpdate gets no tolerance, as in Go.
 */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface OcspCheckOptions {
  fetcher: Fetcher;
  now: Date;
  timeoutMs: number;
  /** Applied to a revoked response's invalidityDate only when `signingAuthority` is also set (REV-3 [impl]). */
  signingTime?: Date;
  signingAuthority?: boolean;
}

/** Result of the OCSP check of one certificate. */
export interface OcspCheckResult {
  status: RevocationStatus;
  serverResults: ServerResult[];
}

const HASHES: Readonly<Record<string, (data: Uint8Array) => Uint8Array>> = {
  [REV_OID.sha1]: sha1,
  [REV_OID.sha256]: sha256,
  [REV_OID.sha384]: sha384,
  [REV_OID.sha512]: sha512,
};

/** The subjectPublicKey BIT STRING's value (without the unused-bits octet), hashed for issuerKeyHash. */
function issuerKeyBits(issuer: Certificate): Uint8Array {
  return pkijsCertificate(issuer).subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
}

function serialContent(cert: Certificate): Uint8Array {
  return pkijsCertificate(cert).serialNumber.valueBlock.valueHexView;
}

/**
 * DER OCSPRequest for `cert` issued by `issuer`: one Request whose CertID
 * uses SHA-1 (with NULL parameters, as Go writes it), no requestor name, no
 * extensions.
 */
export function buildOcspRequest(cert: Certificate, issuer: Certificate): Uint8Array {
  const certId = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: REV_OID.sha1 }), new asn1js.Null()] }),
      new asn1js.OctetString({ valueHex: sha1(issuer.rawSubject) }),
      new asn1js.OctetString({ valueHex: sha1(issuerKeyBits(issuer)) }),
      new asn1js.Integer({ valueHex: serialContent(cert).slice() }),
    ],
  });
  const request = new asn1js.Sequence({ value: [certId] });
  const tbsRequest = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [request] })] });
  return new Uint8Array(new asn1js.Sequence({ value: [tbsRequest] }).toBER());
}

/**
 * How the request is sent (REV-3 [impl]): GET `<url>/<url-escaped base64>`
 * when the base64 and its escaped form are both shorter than 255 characters,
 * otherwise POST. The URL is joined like Go's url.JoinPath (one slash).
 */
export function ocspHttpRequest(url: string, request: Uint8Array): { method: 'GET' | 'POST'; url: string } {
  const encoded = encodeBase64(request);
  if (encoded.length < 255) {
    // Go's url.QueryEscape; for the base64 alphabet it matches encodeURIComponent (+ / = are escaped).
    const escaped = encodeURIComponent(encoded);
    if (escaped.length < 255) {
      const parsed = new URL(url);
      parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/${escaped}`;
      return { method: 'GET', url: parsed.toString() };
    }
  }
  return { method: 'POST', url };
}

const RESPONSE_STATUS_NAMES: Readonly<Record<number, string>> = {
  1: 'malformedRequest',
  2: 'internalError',
  3: 'tryLater',
  5: 'sigRequired',
  6: 'unauthorized',
};

interface VerifiedSingleResponse {
  status: 'good' | 'revoked' | 'unknown';
  revocationTime?: Date;
  reasonCode?: number;
  invalidityDate?: Date;
}

/** Decides which key signed the BasicOCSPResponse; throws `ERR_REVOCATION_SIGNATURE` when none is acceptable. */
async function verifyResponder(
  basic: pkijs.BasicOCSPResponse,
  basicNode: asn1js.AsnType,
  basicDer: Uint8Array,
  issuer: Certificate,
  now: Date,
): Promise<void> {
  const algorithm = algorithmOf(basic.signatureAlgorithm);
  let signature: Uint8Array;
  try {
    signature = signedStructureSignature(basicDer, 'BasicOCSPResponse');
  } catch (error) {
    throw malformed(`malformed BasicOCSPResponse: ${errorMessage(error)}`, error);
  }
  const tbs = basic.tbsResponseData.tbsView;
  const verifyWith = async (signer: Certificate): Promise<boolean | string> => {
    try {
      return await verifyX509Signature(signer, algorithm, signature, tbs, signer.subject);
    } catch (error) {
      // SHA-1 or an unsupported algorithm (CERT-9 / Go's insecure-algorithm refusal).
      return errorMessage(error);
    }
  };

  const byIssuer = await verifyWith(issuer);
  if (byIssuer === true) return;
  if (typeof byIssuer === 'string')
    throw new RevocationError('ERR_REVOCATION_SIGNATURE', `OCSP response signature cannot be verified: ${byIssuer}`);

  // Delegated responder (RFC 6960 §4.2.2.2): a certificate in `certs`, issued by the CA, with id-kp-OCSPSigning.
  const problems: string[] = [];
  const certsField = (basicNode as asn1js.Sequence).valueBlock.value.find(
    (n) => n.idBlock.tagClass === 3 && n.idBlock.tagNumber === 0,
  );
  const certNodes = certsField
    ? (((certsField as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence | undefined)?.valueBlock.value ?? [])
    : [];
  for (const node of certNodes) {
    let responder: Certificate;
    try {
      responder = Certificate.fromDer(rawBytes(node));
    } catch (error) {
      problems.push(`unparsable responder certificate: ${errorMessage(error)}`);
      continue;
    }
    const signed = await verifyWith(responder);
    if (signed !== true) {
      problems.push(`responder certificate ${JSON.stringify(responder.subject)} did not sign the response`);
      continue;
    }
    if (!bytesEqual(responder.rawIssuer, issuer.rawSubject)) {
      problems.push(
        `responder certificate ${JSON.stringify(responder.subject)} is not issued by ${JSON.stringify(issuer.subject)}`,
      );
      continue;
    }
    let issued = false;
    try {
      issued = await isSignedBy(responder, issuer);
    } catch (error) {
      problems.push(`responder certificate ${JSON.stringify(responder.subject)}: ${errorMessage(error)}`);
      continue;
    }
    if (!issued) {
      problems.push(
        `responder certificate ${JSON.stringify(responder.subject)} is not signed by ${JSON.stringify(issuer.subject)}`,
      );
      continue;
    }
    if (!responder.extendedKeyUsage?.purposes.includes(OID.ocspSigning)) {
      problems.push(
        `responder certificate ${JSON.stringify(responder.subject)} lacks the OCSPSigning extended key usage`,
      );
      continue;
    }
    if (!responder.isValidAt(now)) {
      problems.push(`responder certificate ${JSON.stringify(responder.subject)} is not valid at ${iso(now)}`);
      continue;
    }
    return;
  }
  const detail = problems.length > 0 ? `: ${problems.join('; ')}` : ' and includes no responder certificate';
  throw new RevocationError(
    'ERR_REVOCATION_SIGNATURE',
    `OCSP response is not signed by the issuer ${JSON.stringify(issuer.subject)} or a responder it authorized${detail}`,
  );
}

function checkCriticalExtensions(extensions: readonly pkijs.Extension[] | undefined, where: string): void {
  for (const ext of extensions ?? []) {
    if (ext.critical) {
      throw new RevocationError(
        'ERR_REVOCATION_CRITICAL_EXTENSION',
        `unsupported critical extension ${ext.extnID} in OCSP ${where}`,
      );
    }
  }
}

function certIdMatches(id: pkijs.CertID, cert: Certificate, issuer: Certificate): boolean {
  const hash = HASHES[id.hashAlgorithm.algorithmId];
  if (!hash) return false;
  return (
    bytesEqual(id.issuerNameHash.valueBlock.valueHexView, hash(issuer.rawSubject)) &&
    bytesEqual(id.issuerKeyHash.valueBlock.valueHexView, hash(issuerKeyBits(issuer))) &&
    integerValue(id.serialNumber.valueBlock.valueHexView) === integerValue(serialContent(cert))
  );
}

/**
 * RFC 6960 §4.2.1: OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED,
 * responseBytes [0] EXPLICIT ResponseBytes OPTIONAL } and ResponseBytes ::=
 * SEQUENCE { responseType OID, response OCTET STRING }, with no extension
 * marker. pkijs ignores elements after the ones it knows and reads an empty
 * or padded ENUMERATED as a status, so the outer shape is read here with the
 * strict DER cursor first (Go refuses those ENUMERATEDs too).
 * [impl] Stricter than notation: x/crypto/ocsp ParseResponse unmarshals into
 * a struct with encoding/asn1, whose struct parsing skips trailing elements
 * of a SEQUENCE (a duplicated responseBytes or an appended NULL passes there);
 * we refuse them (issue 12, REV-3).
 */
function checkOcspResponseShape(der: Uint8Array): void {
  try {
    const outer = new DerCursor(der, readOnly(der, TAG.SEQUENCE, 'OCSPResponse'), 'OCSPResponse');
    // A minimal, non-empty ENUMERATED, as encoding/asn1's checkInteger requires.
    smallIntegerValue(der, outer.next('OCSPResponse responseStatus'), 'OCSPResponse responseStatus', TAG.ENUMERATED);
    const explicit = outer.optional(0xa0);
    outer.end();
    if (explicit) {
      const wrapper = new DerCursor(der, explicit, 'OCSPResponse responseBytes', 0xa0);
      const responseBytes = new DerCursor(der, wrapper.next(), 'ResponseBytes');
      wrapper.end();
      if (responseBytes.next('ResponseBytes responseType').tag !== TAG.OID)
        throw new DerError('malformed ResponseBytes responseType');
      if (responseBytes.next('ResponseBytes response').tag !== TAG.OCTET_STRING)
        throw new DerError('malformed ResponseBytes response');
      responseBytes.end();
    }
  } catch (error) {
    throw malformed(`malformed OCSP response: ${errorMessage(error)}`, error);
  }
}

/**
 * Parses and verifies a DER OCSPResponse for `cert`; throws a
 * {@link RevocationError} for anything that makes it unusable.
 */
export async function verifyOcspResponse(
  der: Uint8Array,
  cert: Certificate,
  issuer: Certificate,
  now: Date,
): Promise<VerifiedSingleResponse> {
  let response: pkijs.OCSPResponse;
  try {
    const schema = parseDer(der, 'OCSP response');
    checkOcspResponseShape(der);
    response = new pkijs.OCSPResponse({ schema });
  } catch (error) {
    throw error instanceof RevocationError
      ? error
      : malformed(`malformed OCSP response: ${errorMessage(error)}`, error);
  }
  const responseStatus = response.responseStatus.valueBlock.valueDec;
  if (responseStatus !== 0) {
    throw new RevocationError(
      'ERR_REVOCATION_RESPONDER_STATUS',
      `OCSP responder returned ${RESPONSE_STATUS_NAMES[responseStatus] ?? `status ${responseStatus}`}`,
    );
  }
  const bytes = response.responseBytes;
  if (!bytes) throw malformed('malformed OCSP response: successful response without responseBytes');
  if (bytes.responseType !== REV_OID.ocspBasic) throw malformed(`unsupported OCSP response type ${bytes.responseType}`);

  let basic: pkijs.BasicOCSPResponse;
  let basicNode: asn1js.AsnType;
  try {
    basicNode = parseDer(bytes.response.valueBlock.valueHexView, 'BasicOCSPResponse');
    basic = new pkijs.BasicOCSPResponse({ schema: basicNode });
  } catch (error) {
    throw error instanceof RevocationError
      ? error
      : malformed(`malformed BasicOCSPResponse: ${errorMessage(error)}`, error);
  }

  await verifyResponder(basic, basicNode, bytes.response.valueBlock.valueHexView, issuer, now);

  const data = basic.tbsResponseData;
  checkCriticalExtensions(data.responseExtensions, 'response');
  const single = data.responses.find((r) => certIdMatches(r.certID, cert, issuer));
  if (!single) {
    throw new RevocationError(
      'ERR_REVOCATION_CERT_ID',
      `OCSP response has no status for certificate serial ${cert.serialNumber} issued by ${JSON.stringify(issuer.subject)}`,
    );
  }
  checkCriticalExtensions(single.singleExtensions, 'single response');

  if (single.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw new RevocationError(
      'ERR_REVOCATION_STALE',
      `OCSP response thisUpdate ${iso(single.thisUpdate)} is in the future (now ${iso(now)})`,
    );
  }
  if (single.nextUpdate === undefined) {
    // Go compares now with the zero time and reports "expired OCSP response".
    throw new RevocationError('ERR_REVOCATION_STALE', 'expired OCSP response: nextUpdate is not set');
  }
  if (now.getTime() > single.nextUpdate.getTime()) {
    throw new RevocationError(
      'ERR_REVOCATION_STALE',
      `expired OCSP response: nextUpdate ${iso(single.nextUpdate)} is before ${iso(now)}`,
    );
  }

  const status = single.certStatus as asn1js.AsnType;
  if (status.idBlock.tagClass !== 3) throw malformed('malformed OCSP response: bad certStatus');
  switch (status.idBlock.tagNumber) {
    case 0:
      return { status: 'good' };
    case 2:
      return { status: 'unknown' };
    case 1: {
      // RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
      const fields = (status as asn1js.Constructed).valueBlock.value ?? [];
      const time = fields[0];
      if (!(time instanceof asn1js.GeneralizedTime)) throw malformed('malformed OCSP response: bad RevokedInfo');
      const result: VerifiedSingleResponse = { status: 'revoked', revocationTime: time.toDate() };
      const reasonField = fields[1];
      const reason = reasonField ? (reasonField as asn1js.Constructed).valueBlock.value?.[0] : undefined;
      if (reason instanceof asn1js.Enumerated) result.reasonCode = Number(integerValue(reason.valueBlock.valueHexView));
      const invalidity = single.singleExtensions?.find((e) => e.extnID === REV_OID.invalidityDate);
      if (invalidity) {
        // Go ignores an unparsable invalidityDate (the response stays revoked); so do we.
        try {
          result.invalidityDate = decodeGeneralizedTimeExtension(
            invalidity.extnValue.valueBlock.valueHexView,
            'invalidityDate',
          );
        } catch {
          /* stays revoked */
        }
      }
      return result;
    }
    default:
      throw malformed(`malformed OCSP response: certStatus tag [${status.idBlock.tagNumber}]`);
  }
}

/** Queries one responder; every outcome is a server result. */
async function checkOneServer(
  url: string,
  cert: Certificate,
  issuer: Certificate,
  options: OcspCheckOptions,
): Promise<{ result: ServerResult; decisive: boolean }> {
  try {
    // REV-3 [impl]: only http responders; others are an `unknown` server result.
    checkHttpUrl(url);
    const request = buildOcspRequest(cert, issuer);
    const { method, url: target } = ocspHttpRequest(url, request);
    const body = await httpGetBytes(options.fetcher, {
      url: target,
      method,
      ...(method === 'POST' ? { headers: { 'Content-Type': 'application/ocsp-request' }, body: request } : {}),
      timeoutMs: options.timeoutMs,
      maxBytes: OCSP_MAX_RESPONSE_BYTES,
      what: 'OCSP response',
    });
    const single = await verifyOcspResponse(body, cert, issuer, options.now);
    switch (single.status) {
      case 'good':
        return { result: { url, status: 'ok', method: 'ocsp' }, decisive: true };
      case 'unknown': {
        const error = new RevocationError(
          'ERR_REVOCATION_UNKNOWN_STATUS',
          `OCSP responder ${url} returned status unknown for certificate serial ${cert.serialNumber}`,
        );
        return { result: unknownResult(url, 'ocsp', error), decisive: true };
      }
      case 'revoked': {
        const reasonName =
          single.reasonCode === undefined
            ? undefined
            : (CRL_REASON_NAMES[single.reasonCode] ?? `reason ${single.reasonCode}`);
        const base = {
          url,
          method: 'ocsp' as const,
          ...(single.revocationTime ? { revocationTime: single.revocationTime } : {}),
          ...(single.reasonCode === undefined ? {} : { crlReason: single.reasonCode }),
        };
        if (
          options.signingAuthority &&
          options.signingTime &&
          single.invalidityDate &&
          options.signingTime.getTime() < single.invalidityDate.getTime()
        ) {
          return {
            result: {
              ...base,
              status: 'ok',
              reason: `certificate is revoked, but its invalidity date ${iso(single.invalidityDate)} is after the signing time ${iso(options.signingTime)}`,
            },
            decisive: true,
          };
        }
        return {
          result: {
            ...base,
            status: 'revoked',
            reason: `certificate is revoked via OCSP${reasonName ? ` (${reasonName})` : ''}${single.revocationTime ? ` at ${iso(single.revocationTime)}` : ''}`,
          },
          decisive: true,
        };
      }
    }
  } catch (error) {
    return { result: unknownResult(url, 'ocsp', error), decisive: false };
  }
}

/**
 * Checks `cert` (issued by `issuer`) against its AIA OCSP responders. With
 * no responder URL the status is `nonRevokable`. Never throws for network or
 * response problems: they are `unknown` server results with a reason.
 *
 * Unlike notation, which keeps only the deciding server's result, every
 * attempted responder is listed in `serverResults`, in order.
 */
export async function checkOcsp(
  cert: Certificate,
  issuer: Certificate,
  urls: readonly string[],
  options: OcspCheckOptions,
): Promise<OcspCheckResult> {
  if (urls.length === 0) {
    return {
      status: 'nonRevokable',
      serverResults: [
        { url: '', status: 'nonRevokable', method: 'ocsp', reason: 'certificate has no OCSP responder URL' },
      ],
    };
  }
  const serverResults: ServerResult[] = [];
  for (const url of urls) {
    const { result, decisive } = await checkOneServer(url, cert, issuer, options);
    serverResults.push(result);
    if (decisive) return { status: result.status, serverResults };
  }
  return { status: 'unknown', serverResults };
}
