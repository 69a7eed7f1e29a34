/** JWS envelope media type (ENV-JWS-1). */
export const MEDIA_TYPE_JWS = 'application/jose+json';
/** COSE envelope media type (ENV-COSE-1). */
export const MEDIA_TYPE_COSE = 'application/cose';
/** The only payload content type (PAY-1, ATTR-1). */
export const MEDIA_TYPE_PAYLOAD = 'application/vnd.cncf.notary.payload.v1+json';

export type EnvelopeMediaType = typeof MEDIA_TYPE_JWS | typeof MEDIA_TYPE_COSE;

/** Signing schemes (SCH-1). */
export const SIGNING_SCHEME_X509 = 'notary.x509';
export const SIGNING_SCHEME_SIGNING_AUTHORITY = 'notary.x509.signingAuthority';
export type SigningScheme = typeof SIGNING_SCHEME_X509 | typeof SIGNING_SCHEME_SIGNING_AUTHORITY;

/** Header names shared by JWS and COSE (ENV-JWS-3, ENV-COSE-3). */
export const HEADER = {
  signingScheme: 'io.cncf.notary.signingScheme',
  signingTime: 'io.cncf.notary.signingTime',
  authenticSigningTime: 'io.cncf.notary.authenticSigningTime',
  expiry: 'io.cncf.notary.expiry',
  verificationPlugin: 'io.cncf.notary.verificationPlugin',
  verificationPluginMinVersion: 'io.cncf.notary.verificationPluginMinVersion',
  /** AMB-1: notation uses `timestampSignature`, not the spec example's `timestamp`. */
  timestampSignature: 'io.cncf.notary.timestampSignature',
  signingAgent: 'io.cncf.notary.signingAgent',
} as const;

/** Annotation prefix reserved for the Notary Project (PAY-3). */
export const RESERVED_ANNOTATION_PREFIX = 'io.cncf.notary';

/**
 * The Notary attributes that only mean something signed (ENV-JWS-3,
 * ENV-COSE-3): in an unprotected header they are refused (issue 12 finding 7).
 */
export const SIGNED_ATTRIBUTE_NAMES: ReadonlySet<string> = new Set([
  HEADER.signingScheme,
  HEADER.signingTime,
  HEADER.authenticSigningTime,
  HEADER.expiry,
  HEADER.verificationPlugin,
  HEADER.verificationPluginMinVersion,
]);
