import { EnvelopeError, headerInvalid } from './errors.js';
import {
  HEADER,
  MEDIA_TYPE_PAYLOAD,
  SIGNING_SCHEME_SIGNING_AUTHORITY,
  SIGNING_SCHEME_X509,
  type SigningScheme,
} from './media-types.js';
import type { ExtendedAttribute, SignedAttributes } from './signer-info.js';

/**
 * Signed attributes as a format parser extracted them, before the rules that
 * JWS and COSE share are applied. Times are already decoded by the format
 * (RFC 3339 in JWS, tag 1 in COSE).
 */
export interface ExtractedAttributes {
  contentType: unknown;
  /** crit entries, as strings (a COSE integer label as its decimal text). */
  critical: readonly string[];
  /** Every header label present, as strings (COSE integer labels in decimal). */
  present: ReadonlySet<string>;
  signingScheme: unknown;
  signingTime: Date | undefined;
  authenticSigningTime: Date | undefined;
  expiry: Date | undefined;
  /** Header entries that are not standard attributes, with their values. */
  extended: ReadonlyMap<string, unknown>;
}

const SCHEMES: ReadonlySet<string> = new Set([SIGNING_SCHEME_X509, SIGNING_SCHEME_SIGNING_AUTHORITY]);

/** Attribute names a verifier of this SDK knows how to process. */
const KNOWN_EXTENDED: ReadonlySet<string> = new Set([HEADER.verificationPlugin, HEADER.verificationPluginMinVersion]);

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/**
 * Applies the signed-attribute rules JWS and COSE share: content type (ATTR-1),
 * scheme (SCH-1), the per-scheme time attributes (SCH-2, SCH-3, AMB-17), the
 * critical list (ENV-JWS-4, ENV-COSE-4, ATTR-2), expiry after signing time
 * (ATTR-6), and unknown critical attributes (ATTR-3, AMB-7).
 */
export function validateSignedAttributes(a: ExtractedAttributes): SignedAttributes {
  if (a.contentType !== MEDIA_TYPE_PAYLOAD) {
    headerInvalid(`content type "${String(a.contentType)}" is not supported; expected "${MEDIA_TYPE_PAYLOAD}"`);
  }
  if (typeof a.signingScheme !== 'string' || !SCHEMES.has(a.signingScheme)) {
    headerInvalid(`signing scheme "${String(a.signingScheme)}" is not supported`);
  }
  const scheme = a.signingScheme as SigningScheme;
  if (a.critical.length === 0) headerInvalid('crit must be a non-empty list');
  if (new Set(a.critical).size !== a.critical.length) headerInvalid('crit lists an entry twice');
  const critical = new Set(a.critical);
  const requireCritical = (name: string): void => {
    if (!critical.has(name)) headerInvalid(`crit must list "${name}"`);
  };
  requireCritical(HEADER.signingScheme);

  if (scheme === SIGNING_SCHEME_X509) {
    if (!a.signingTime)
      headerInvalid(`"${HEADER.signingTime}" is required under the ${SIGNING_SCHEME_X509} signing scheme`);
    // AMB-17: notation's COSE ignores it and its JWS rejects it; it has no meaning here, so reject in both.
    if (a.authenticSigningTime)
      headerInvalid(`"${HEADER.authenticSigningTime}" is not allowed under the ${SIGNING_SCHEME_X509} signing scheme`);
  } else {
    if (!a.authenticSigningTime)
      headerInvalid(
        `"${HEADER.authenticSigningTime}" is required under the ${SIGNING_SCHEME_SIGNING_AUTHORITY} signing scheme`,
      );
    requireCritical(HEADER.authenticSigningTime);
    // ATTR-1: signingTime must not be present under signingAuthority (notation's COSE ignores it; we do not).
    if (a.signingTime)
      headerInvalid(
        `"${HEADER.signingTime}" is not allowed under the ${SIGNING_SCHEME_SIGNING_AUTHORITY} signing scheme`,
      );
  }
  if (a.expiry) {
    requireCritical(HEADER.expiry);
    const signedAt = a.signingTime ?? a.authenticSigningTime!;
    // ATTR-6: expiry must be strictly after the signing time.
    if (a.expiry.getTime() <= signedAt.getTime()) headerInvalid('expiry must be after the signing time');
  }

  for (const name of critical) {
    // ATTR-2: the signing time is informational and must not be critical (ENV-JWS-4 [impl]).
    if (name === HEADER.signingTime) headerInvalid(`crit must not list "${HEADER.signingTime}"`);
    if (!a.present.has(name)) headerInvalid(`crit lists "${name}", which is not in the protected header`);
  }

  const extendedAttributes: ExtendedAttribute[] = [];
  for (const [key, value] of a.extended) {
    if (!isPrimitive(value)) {
      // PLG-16: extended attribute values are JSON primitives.
      headerInvalid(`extended attribute "${key}" must have a string, number, boolean or null value`);
    }
    extendedAttributes.push({ key, value, critical: critical.has(key) });
  }

  const plugin = extendedAttributes.find((e) => e.key === HEADER.verificationPlugin);
  if (plugin) {
    // PLG-13 [impl]: the plugin name must be critical and a non-blank string.
    if (!plugin.critical) headerInvalid(`"${HEADER.verificationPlugin}" must be listed in crit`);
    if (typeof plugin.value !== 'string' || plugin.value.trim() === '')
      headerInvalid(`"${HEADER.verificationPlugin}" must be a non-blank string`);
  }
  const minVersion = extendedAttributes.find((e) => e.key === HEADER.verificationPluginMinVersion);
  if (plugin && minVersion && (!minVersion.critical || typeof minVersion.value !== 'string')) {
    headerInvalid(`"${HEADER.verificationPluginMinVersion}" must be a critical string`);
  }
  // ATTR-3, AMB-7: an unknown critical attribute fails, unless a verification
  // plugin is named to process it (notation-go accepts it either way).
  if (!plugin) {
    const unknown = extendedAttributes.find((e) => e.critical && !KNOWN_EXTENDED.has(e.key));
    if (unknown) {
      throw new EnvelopeError(
        'ERR_ENVELOPE_UNKNOWN_CRITICAL',
        `critical attribute "${unknown.key}" is not supported and no verification plugin is named to process it`,
      );
    }
  }

  return {
    contentType: MEDIA_TYPE_PAYLOAD,
    signingScheme: scheme,
    ...(a.signingTime ? { signingTime: a.signingTime } : {}),
    ...(a.authenticSigningTime ? { authenticSigningTime: a.authenticSigningTime } : {}),
    ...(a.expiry ? { expiry: a.expiry } : {}),
    extendedAttributes,
  };
}

/**
 * Critical extended attributes the SDK does not process itself: a named
 * verification plugin must report them processed (PLG-15).
 */
export function unprocessedCriticalAttributes(attributes: SignedAttributes): string[] {
  return attributes.extendedAttributes.filter((e) => e.critical && !KNOWN_EXTENDED.has(e.key)).map((e) => e.key);
}
