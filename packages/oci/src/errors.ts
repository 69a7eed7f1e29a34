/**
 * Typed errors of the OCI layer: an {@link OciError} is a NotaryError (from
 * pki's foundation, the one part of pki this package imports), so one
 * `instanceof NotaryError` catches registry and layout errors too (issue 14
 * finding 3).
 */
import { NotaryError } from '@x/notary-pki/foundation';

export type OciErrorCode =
  /** A reference that does not follow the distribution grammar. */
  | 'ERR_OCI_REFERENCE_INVALID'
  /** Content whose digest or size differs from what was expected, or from Docker-Content-Digest. */
  | 'ERR_OCI_DIGEST_MISMATCH'
  /** A manifest over 4 MiB, an envelope over 32 MiB (OCI-9), or a body over its cap. */
  | 'ERR_OCI_TOO_LARGE'
  /** A media type this operation cannot handle (OCI-9). */
  | 'ERR_OCI_UNSUPPORTED_MEDIA_TYPE'
  /** The thing asked for does not exist (a 404, MANIFEST_UNKNOWN, BLOB_UNKNOWN, NAME_UNKNOWN). */
  | 'ERR_OCI_NOT_FOUND'
  /** 401/403 after authentication was tried (UNAUTHORIZED, DENIED). */
  | 'ERR_OCI_UNAUTHORIZED'
  /** Any other error answer of the registry; `registryErrors` holds its codes. */
  | 'ERR_OCI_REGISTRY'
  /** Network failure, timeout, or retries exhausted. */
  | 'ERR_OCI_NETWORK'
  /** A manifest that is not a valid Notary signature manifest (OCI-1 … OCI-9). */
  | 'ERR_OCI_SIGNATURE_MANIFEST_INVALID'
  /** A refused operation: plain HTTP to a non-local registry, credentials to another host, etc. */
  | 'ERR_OCI_REFUSED'
  /** A referrers listing over its hard cap of pages or descriptors (MAX_REFERRERS_PAGES, MAX_REFERRERS; issue 12 finding 2). */
  | 'ERR_OCI_TOO_MANY_REFERRERS';

/** One entry of a registry's `{"errors":[…]}` body (distribution spec). */
export interface RegistryErrorDetail {
  code: string;
  message?: string;
  detail?: unknown;
}

export class OciError extends NotaryError<OciErrorCode> {
  /** HTTP status, when the error came from a registry answer. */
  readonly status: number | undefined;
  /** The registry's error codes (`MANIFEST_UNKNOWN`, `UNAUTHORIZED`, `DENIED`, …). */
  readonly registryErrors: readonly RegistryErrorDetail[];

  constructor(
    code: OciErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number; registryErrors?: readonly RegistryErrorDetail[] },
  ) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status;
    this.registryErrors = options?.registryErrors ?? [];
  }
}
