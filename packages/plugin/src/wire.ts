/**
 * The JSON form of every message (PLG-4 … PLG-15), both ways:
 * - requests: encoded by the host in notation-go's member order (Go struct
 *   order, `omitempty` members left out), decoded by the plugin with the
 *   plugin framework's rules: unknown members ignored (PLG-4), a wrong type
 *   is "Input is not a valid JSON", then each command's `Validate()` checks
 *   with notation-plugin-framework-go's messages;
 * - responses: encoded by the plugin, decoded by the host, which requires
 *   every member PLG-6 … PLG-10 and PLG-15 call required.
 * Bytes are standard base64 with padding (Go's `[]byte`); times RFC 3339.
 */

import { parseRfc3339 } from '@x/notary-envelope';
import type { HashAlgorithm, KeySpec, SignatureAlgorithm } from '@x/notary-pki';
import { decodeBase64, encodeBase64, formatRfc3339 } from '@x/notary-pki/foundation';
import { PluginError, PluginProtocolError } from './errors.js';
import type {
  DescribeKeyRequest,
  DescribeKeyResponse,
  ExtendedAttributeValue,
  GenerateEnvelopeRequest,
  GenerateEnvelopeResponse,
  GenerateSignatureRequest,
  GenerateSignatureResponse,
  GetMetadataRequest,
  PluginCommand,
  PluginConfig,
  PluginMetadata,
  PluginRequests,
  PluginResponses,
  PluginVerificationResult,
  VerifySignatureRequest,
  VerifySignatureResponse,
} from './protocol.js';

type Json = Record<string, unknown>;

/** notation-plugin-framework-go's message for input that does not decode (PLG-4). */
export const MALFORMED_INPUT = 'Input is not a valid JSON';

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/* ------------------------------------------------------------------------ */
/* Requests: decoding on the plugin side                                     */
/* ------------------------------------------------------------------------ */

/** A request member of the wrong type; the message is the member's name (a NotaryError too, issue 14 finding 3). */
class Malformed extends PluginProtocolError {
  constructor(key: string) {
    super('VALIDATION_ERROR', key);
  }
}

function str(o: Json, key: string): string {
  const v = o[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new Malformed(key);
  return v;
}

function bytes(o: Json, key: string): Uint8Array {
  const v = o[key];
  if (v === undefined || v === null) return new Uint8Array(0);
  if (typeof v !== 'string') throw new Malformed(key);
  try {
    return decodeBase64(v);
  } catch {
    throw new Malformed(key);
  }
}

function optionalStrings(o: Json, key: string): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((e) => typeof e !== 'string')) throw new Malformed(key);
  return v as string[];
}

function optionalByteList(o: Json, key: string): Uint8Array[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new Malformed(key);
  return v.map((e) => {
    if (typeof e !== 'string') throw new Malformed(key);
    try {
      return decodeBase64(e);
    } catch {
      throw new Malformed(key);
    }
  });
}

function optionalStringMap(o: Json, key: string): Record<string, string> | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v) || Object.values(v).some((e) => typeof e !== 'string')) throw new Malformed(key);
  return { ...(v as Record<string, string>) };
}

function optionalTime(o: Json, key: string): Date | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  const parsed = typeof v === 'string' ? parseRfc3339(v) : undefined;
  if (!parsed) throw new Malformed(key);
  return parsed;
}

function optionalObject(o: Json, key: string): Json | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw new Malformed(key);
  return v;
}

const invalid = (message: string): never => {
  throw new PluginProtocolError('VALIDATION_ERROR', message);
};

function withConfig<T extends object>(
  request: T,
  config: Record<string, string> | undefined,
): T & { pluginConfig?: PluginConfig } {
  return config === undefined ? request : { ...request, pluginConfig: config };
}

function decodeRequestObject(command: PluginCommand, o: Json): PluginRequests[PluginCommand] {
  const pluginConfig = optionalStringMap(o, 'pluginConfig');
  switch (command) {
    case 'get-plugin-metadata':
      return withConfig({}, pluginConfig) satisfies GetMetadataRequest;
    case 'describe-key': {
      const r = { contractVersion: str(o, 'contractVersion'), keyId: str(o, 'keyId') };
      if (r.contractVersion === '') invalid('contractVersion cannot be empty');
      if (r.keyId === '') invalid('keyId cannot be empty');
      return withConfig(r, pluginConfig) satisfies DescribeKeyRequest;
    }
    case 'generate-signature': {
      const r = {
        contractVersion: str(o, 'contractVersion'),
        keyId: str(o, 'keyId'),
        keySpec: str(o, 'keySpec') as KeySpec,
        hashAlgorithm: str(o, 'hashAlgorithm') as HashAlgorithm,
        payload: bytes(o, 'payload'),
      };
      if (r.contractVersion === '') invalid('contractVersion cannot be empty');
      if (r.keyId === '') invalid('keyId cannot be empty');
      if ((r.keySpec as string) === '') invalid('keySpec cannot be empty');
      if ((r.hashAlgorithm as string) === '') invalid('hashAlgorithm cannot be empty');
      if (r.payload.length === 0) invalid('payload cannot be empty');
      return withConfig(r, pluginConfig) satisfies GenerateSignatureRequest;
    }
    case 'generate-envelope': {
      const expiry = o.expiryDurationInSeconds;
      if (
        expiry !== undefined &&
        expiry !== null &&
        (typeof expiry !== 'number' || !Number.isSafeInteger(expiry) || expiry < 0)
      )
        throw new Malformed('expiryDurationInSeconds');
      const r = {
        contractVersion: str(o, 'contractVersion'),
        keyId: str(o, 'keyId'),
        payloadType: str(o, 'payloadType'),
        signatureEnvelopeType: str(o, 'signatureEnvelopeType'),
        payload: bytes(o, 'payload'),
        ...(typeof expiry === 'number' && expiry > 0 ? { expiryDurationInSeconds: expiry } : {}),
      };
      if (r.contractVersion === '') invalid('contractVersion cannot be empty');
      if (r.keyId === '') invalid('keyId cannot be empty');
      if (r.payloadType === '') invalid('payloadType cannot be empty');
      if (r.signatureEnvelopeType === '') invalid('signatureEnvelopeType cannot be empty');
      if (r.payload.length === 0) invalid('payload cannot be empty');
      return withConfig(r, pluginConfig) satisfies GenerateEnvelopeRequest;
    }
    case 'verify-signature':
      return withConfig(decodeVerifySignatureRequest(o), pluginConfig);
  }
}

/**
 * verify-signature's `Validate()`: Go compares with zero values, so a member
 * that is absent or null differs from an empty array or object (an empty
 * `signatureVerification: []` is "cannot be empty", an absent one makes the
 * whole trustPolicy empty).
 */
function decodeVerifySignatureRequest(o: Json): VerifySignatureRequest {
  const contractVersion = str(o, 'contractVersion');
  const signature = optionalObject(o, 'signature') ?? {};
  const critical = optionalObject(signature, 'criticalAttributes') ?? {};
  const extended = optionalObject(critical, 'extendedAttributes');
  const criticalAttributes = {
    contentType: str(critical, 'contentType'),
    signingScheme: str(critical, 'signingScheme'),
    expiry: optionalTime(critical, 'expiry'),
    authenticSigningTime: optionalTime(critical, 'authenticSigningTime'),
    extendedAttributes: extended as Record<string, ExtendedAttributeValue> | undefined,
  };
  const unprocessedAttributes = optionalStrings(signature, 'unprocessedAttributes');
  const certificateChain = optionalByteList(signature, 'certificateChain');
  const policy = optionalObject(o, 'trustPolicy') ?? {};
  const trustedIdentities = optionalStrings(policy, 'trustedIdentities');
  const signatureVerification = optionalStrings(policy, 'signatureVerification');

  const criticalEmpty =
    criticalAttributes.contentType === '' &&
    criticalAttributes.signingScheme === '' &&
    !criticalAttributes.expiry &&
    !criticalAttributes.authenticSigningTime &&
    extended === undefined;
  if (contractVersion === '') invalid('contractVersion cannot be empty');
  if (criticalEmpty && unprocessedAttributes === undefined && certificateChain === undefined)
    invalid('signature cannot be empty');
  if (criticalEmpty) invalid("signature's criticalAttributes cannot be empty");
  if (criticalAttributes.contentType === '') invalid("signature's criticalAttributes's contentType cannot be empty");
  if (criticalAttributes.signingScheme === '')
    invalid("signature's criticalAttributes's signingScheme cannot be empty");
  // The framework's wording, "criticalAttributes's certificateChain", although the chain sits beside them.
  if (!certificateChain || certificateChain.length === 0)
    invalid("signature's criticalAttributes's certificateChain cannot be empty");
  if (trustedIdentities === undefined && signatureVerification === undefined)
    invalid("signature's trustPolicy cannot be empty");
  if (!signatureVerification || signatureVerification.length === 0)
    invalid("signature's trustPolicy's signatureVerification cannot be empty");

  return {
    contractVersion,
    signature: {
      criticalAttributes: {
        contentType: criticalAttributes.contentType,
        signingScheme: criticalAttributes.signingScheme,
        ...(criticalAttributes.expiry ? { expiry: criticalAttributes.expiry } : {}),
        ...(criticalAttributes.authenticSigningTime
          ? { authenticSigningTime: criticalAttributes.authenticSigningTime }
          : {}),
        ...(extended ? { extendedAttributes: extended as Record<string, ExtendedAttributeValue> } : {}),
      },
      unprocessedAttributes: unprocessedAttributes ?? [],
      certificateChain: certificateChain!,
    },
    trustPolicy: { trustedIdentities: trustedIdentities ?? [], signatureVerification: signatureVerification! },
  };
}

/**
 * Decodes and validates a request as a plugin receives it (PLG-4): JSON
 * text (or an already parsed value) in, the typed request out. Throws a
 * {@link PluginProtocolError} `VALIDATION_ERROR` whose message is
 * "Input is not a valid JSON" for undecodable input, or the command's
 * validation message ("keyId cannot be empty", …).
 */
export function parsePluginRequest<C extends PluginCommand>(
  command: C,
  input: string | Uint8Array | unknown,
): PluginRequests[C] {
  let json: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    try {
      json = JSON.parse(typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input));
    } catch (error) {
      throw new PluginProtocolError('VALIDATION_ERROR', MALFORMED_INPUT, { cause: error });
    }
  }
  // Go decodes `null` into the zero request, which then fails validation.
  if (json === null) json = {};
  if (!isObject(json)) throw new PluginProtocolError('VALIDATION_ERROR', MALFORMED_INPUT);
  try {
    return decodeRequestObject(command, json) as PluginRequests[C];
  } catch (error) {
    if (error instanceof Malformed)
      throw new PluginProtocolError('VALIDATION_ERROR', MALFORMED_INPUT, { cause: error });
    throw error;
  }
}

/* ------------------------------------------------------------------------ */
/* Requests: encoding on the host side                                       */
/* ------------------------------------------------------------------------ */

const config = (c: PluginConfig | undefined): Json =>
  c && Object.keys(c).length > 0 ? { pluginConfig: { ...c } } : {};

/** The request JSON, in notation-go's member order; `contractVersion` must already be set (PLG-5). */
export function encodePluginRequest<C extends PluginCommand>(command: C, request: PluginRequests[C]): Json {
  switch (command) {
    case 'get-plugin-metadata':
      return config((request as GetMetadataRequest).pluginConfig);
    case 'describe-key': {
      const r = request as DescribeKeyRequest;
      return { contractVersion: r.contractVersion, keyId: r.keyId, ...config(r.pluginConfig) };
    }
    case 'generate-signature': {
      const r = request as GenerateSignatureRequest;
      return {
        contractVersion: r.contractVersion,
        keyId: r.keyId,
        keySpec: r.keySpec,
        hashAlgorithm: r.hashAlgorithm,
        payload: encodeBase64(r.payload),
        ...config(r.pluginConfig),
      };
    }
    case 'generate-envelope': {
      const r = request as GenerateEnvelopeRequest;
      return {
        contractVersion: r.contractVersion,
        keyId: r.keyId,
        payloadType: r.payloadType,
        signatureEnvelopeType: r.signatureEnvelopeType,
        payload: encodeBase64(r.payload),
        ...(r.expiryDurationInSeconds ? { expiryDurationInSeconds: r.expiryDurationInSeconds } : {}),
        ...config(r.pluginConfig),
      };
    }
    case 'verify-signature': {
      const r = request as VerifySignatureRequest;
      const c = r.signature.criticalAttributes;
      return {
        contractVersion: r.contractVersion,
        signature: {
          criticalAttributes: {
            contentType: c.contentType,
            signingScheme: c.signingScheme,
            ...(c.expiry ? { expiry: formatRfc3339(c.expiry) } : {}),
            ...(c.authenticSigningTime ? { authenticSigningTime: formatRfc3339(c.authenticSigningTime) } : {}),
            ...(c.extendedAttributes && Object.keys(c.extendedAttributes).length > 0
              ? { extendedAttributes: { ...c.extendedAttributes } }
              : {}),
          },
          unprocessedAttributes: [...r.signature.unprocessedAttributes],
          certificateChain: r.signature.certificateChain.map((der) => encodeBase64(der)),
        },
        trustPolicy: {
          trustedIdentities: [...r.trustPolicy.trustedIdentities],
          signatureVerification: [...r.trustPolicy.signatureVerification],
        },
        ...config(r.pluginConfig),
      };
    }
  }
  throw new TypeError(`unknown plugin command ${String(command)}`);
}

/* ------------------------------------------------------------------------ */
/* Responses: encoding on the plugin side                                    */
/* ------------------------------------------------------------------------ */

function requireBytes(value: unknown, what: string): string {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  return encodeBase64(value);
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  return value;
}

/** The response JSON a plugin prints, in the framework's member order. Throws TypeError for a malformed response. */
export function encodePluginResponse<C extends PluginCommand>(command: C, response: PluginResponses[C]): Json {
  if (!isObject(response)) throw new TypeError(`the ${command} response must be an object`);
  switch (command) {
    case 'get-plugin-metadata': {
      const m = response as PluginMetadata;
      return {
        name: m.name,
        description: m.description,
        version: m.version,
        url: m.url,
        ...(m.supportedContractVersions?.length ? { supportedContractVersions: [...m.supportedContractVersions] } : {}),
        capabilities: [...m.capabilities],
      };
    }
    case 'describe-key': {
      const r = response as DescribeKeyResponse;
      return { keyId: requireString(r.keyId, 'keyId'), keySpec: requireString(r.keySpec, 'keySpec') };
    }
    case 'generate-signature': {
      const r = response as GenerateSignatureResponse;
      if (!Array.isArray(r.certificateChain)) throw new TypeError('certificateChain must be an array');
      return {
        keyId: requireString(r.keyId, 'keyId'),
        signature: requireBytes(r.signature, 'signature'),
        signingAlgorithm: requireString(r.signingAlgorithm, 'signingAlgorithm'),
        certificateChain: r.certificateChain.map((c, i) => requireBytes(c, `certificateChain[${i}]`)),
      };
    }
    case 'generate-envelope': {
      const r = response as GenerateEnvelopeResponse;
      return {
        signatureEnvelope: requireBytes(r.signatureEnvelope, 'signatureEnvelope'),
        signatureEnvelopeType: requireString(r.signatureEnvelopeType, 'signatureEnvelopeType'),
        ...(r.annotations && Object.keys(r.annotations).length > 0 ? { annotations: { ...r.annotations } } : {}),
      };
    }
    case 'verify-signature': {
      const r = response as VerifySignatureResponse;
      const results: Json = {};
      for (const [capability, result] of Object.entries(r.verificationResults ?? {})) {
        results[capability] = { success: result.success === true, ...(result.reason ? { reason: result.reason } : {}) };
      }
      return { verificationResults: results, processedAttributes: [...(r.processedAttributes ?? [])] };
    }
  }
  throw new TypeError(`unknown plugin command ${String(command)}`);
}

/* ------------------------------------------------------------------------ */
/* Responses: decoding on the host side                                      */
/* ------------------------------------------------------------------------ */

const RESPONSE_RULE: Readonly<Record<PluginCommand, string>> = {
  'get-plugin-metadata': 'PLG-6',
  'describe-key': 'PLG-8',
  'generate-signature': 'PLG-9',
  'generate-envelope': 'PLG-10',
  'verify-signature': 'PLG-15',
};

/**
 * Decodes a response as the host reads it: the parsed stdout JSON in, the
 * typed response out. A missing required member or a wrong type is an
 * ERR_PLUGIN_MALFORMED_RESPONSE naming the plugin, the member and the rule.
 * Emptiness of metadata fields is left to `validatePluginMetadata` (PLG-6).
 */
export function decodePluginResponse<C extends PluginCommand>(
  command: C,
  json: unknown,
  plugin: string,
): PluginResponses[C] {
  const rule = RESPONSE_RULE[command];
  const bad = (message: string): never => {
    throw new PluginError('ERR_PLUGIN_MALFORMED_RESPONSE', plugin, `malformed response: ${message}`, { command, rule });
  };
  if (!isObject(json)) bad('the response is not a JSON object');
  const o = json as Json;
  const string = (key: string, required = true): string => {
    const v = o[key];
    if (v === undefined || v === null) return required ? bad(`"${key}" is missing`) : '';
    return typeof v === 'string' ? v : bad(`"${key}" must be a string`);
  };
  const base64 = (value: unknown, where: string): Uint8Array => {
    if (typeof value !== 'string') return bad(`"${where}" must be a base64 string`);
    try {
      return decodeBase64(value);
    } catch {
      return bad(`"${where}" is not valid base64`);
    }
  };
  const strings = (key: string): string[] => {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((e) => typeof e !== 'string')) return bad(`"${key}" must be an array of strings`);
    return [...(v as string[])];
  };
  switch (command) {
    case 'get-plugin-metadata':
      return {
        name: string('name', false),
        description: string('description', false),
        version: string('version', false),
        url: string('url', false),
        supportedContractVersions: strings('supportedContractVersions'),
        capabilities: strings('capabilities'),
      } satisfies PluginMetadata as PluginResponses[C];
    case 'describe-key':
      return {
        keyId: string('keyId'),
        keySpec: string('keySpec') as KeySpec,
      } satisfies DescribeKeyResponse as PluginResponses[C];
    case 'generate-signature': {
      const chain = o.certificateChain;
      if (!Array.isArray(chain) || chain.length === 0) bad('"certificateChain" must be a non-empty array');
      const signature =
        o.signature === undefined || o.signature === null
          ? bad('"signature" is missing')
          : base64(o.signature, 'signature');
      if (signature.length === 0) bad('"signature" is empty');
      return {
        keyId: string('keyId'),
        signature,
        signingAlgorithm: string('signingAlgorithm') as SignatureAlgorithm,
        certificateChain: (chain as unknown[]).map((c, i) => base64(c, `certificateChain[${i}]`)),
      } satisfies GenerateSignatureResponse as PluginResponses[C];
    }
    case 'generate-envelope': {
      const envelope =
        o.signatureEnvelope === undefined || o.signatureEnvelope === null
          ? bad('"signatureEnvelope" is missing')
          : base64(o.signatureEnvelope, 'signatureEnvelope');
      if (envelope.length === 0) bad('"signatureEnvelope" is empty');
      const annotations = o.annotations;
      // Go's `omitempty`: notation-go's own plugins leave out empty annotations, so absent means none.
      if (
        annotations !== undefined &&
        annotations !== null &&
        (!isObject(annotations) || Object.values(annotations).some((v) => typeof v !== 'string'))
      ) {
        bad('"annotations" must map strings to strings');
      }
      return {
        signatureEnvelope: envelope,
        signatureEnvelopeType: string('signatureEnvelopeType'),
        annotations: { ...((annotations as Record<string, string> | null | undefined) ?? {}) },
      } satisfies GenerateEnvelopeResponse as PluginResponses[C];
    }
    case 'verify-signature': {
      const results = o.verificationResults;
      if (results !== undefined && results !== null && !isObject(results))
        bad('"verificationResults" must be an object');
      const verificationResults: Record<string, PluginVerificationResult> = {};
      for (const [capability, value] of Object.entries((results as Json | null | undefined) ?? {})) {
        // A null result is a missing one (AMB-9: the caller reports it inconclusive).
        if (value === null) continue;
        if (
          !isObject(value) ||
          typeof value.success !== 'boolean' ||
          (value.reason !== undefined && typeof value.reason !== 'string')
        ) {
          bad(`verificationResults["${capability}"] must be {"success": boolean, "reason"?: string}`);
        }
        const v = value as { success: boolean; reason?: string };
        verificationResults[capability] = {
          success: v.success,
          ...(v.reason !== undefined ? { reason: v.reason } : {}),
        };
      }
      const processed = o.processedAttributes;
      if (processed !== undefined && processed !== null && !Array.isArray(processed))
        bad('"processedAttributes" must be an array');
      return {
        verificationResults,
        processedAttributes: [...((processed as unknown[] | null | undefined) ?? [])],
      } satisfies VerifySignatureResponse as PluginResponses[C];
    }
  }
  throw new TypeError(`unknown plugin command ${String(command)}`);
}
