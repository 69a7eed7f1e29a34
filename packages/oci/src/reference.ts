import { OciError } from './errors.js';

/*
 * References of the distribution grammar (distribution/reference, the grammar
 * the OCI distribution spec and oras-go follow):
 *
 *   reference  := domain '/' path [ ':' tag ] [ '@' digest ]
 *   domain     := host [ ':' port ]          host: DNS labels or [IPv6]
 *   path       := component ( '/' component )*
 *   component  := [a-z0-9]+ ( ( '.' | '_' | '__' | '-'+ ) [a-z0-9]+ )*
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ':' encoded
 *
 * Notation signs fully qualified references only, so the registry is never
 * implied: Docker Hub shorthand (`library/alpine`, `alpine`) is rejected
 * instead of being expanded to docker.io.
 */

const DOMAIN_LABEL = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST_RE = new RegExp(`^(?:${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*|\\[[a-fA-F0-9:]+\\])$`);
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^\w[\w.-]{0,127}$/;
const ALGORITHM_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$/;
/** The distribution limit on a full name (domain + '/' + path). */
const NAME_TOTAL_LENGTH_MAX = 255;

/**
 * Digest algorithms this package can verify, with the hex length each
 * requires: the algorithms registered by the image spec (descriptor.md).
 */
export const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };

function invalid(input: string, why: string): OciError {
  return new OciError('ERR_OCI_REFERENCE_INVALID', `invalid reference ${JSON.stringify(input)}: ${why}`);
}

/** Why `digest` is not an `alg:hex` digest this package supports, or undefined when it is. */
export function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (digest === '') return 'empty digest';
  if (colon < 0) return `digest ${JSON.stringify(digest)} has no "algorithm:" prefix`;
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  if (!ALGORITHM_RE.test(algorithm))
    return `digest algorithm ${JSON.stringify(algorithm)} is not lowercase [a-z0-9] with . + _ - separators`;
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined)
    return `unsupported digest algorithm ${JSON.stringify(algorithm)} (supported: ${Object.keys(DIGEST_HEX_LENGTH).join(', ')})`;
  if (!/^[a-f0-9]*$/.test(encoded)) return `${algorithm} digest must be lowercase hex`;
  if (encoded.length !== length) return `${algorithm} digest must have ${length} hex characters, got ${encoded.length}`;
  return undefined;
}

/** Throws ERR_OCI_REFERENCE_INVALID unless `digest` is a supported `alg:hex` digest. */
export function assertDigest(digest: string): void {
  const problem = digestProblem(digest);
  if (problem !== undefined)
    throw new OciError('ERR_OCI_REFERENCE_INVALID', `invalid digest ${JSON.stringify(digest)}: ${problem}`);
}

/** Why `tag` breaks the tag grammar, or undefined. */
export function tagProblem(tag: string): string | undefined {
  if (tag === '') return 'empty tag after ":"';
  if (tag.length > 128) return `tag is ${tag.length} characters, the maximum is 128`;
  if (!TAG_RE.test(tag)) {
    return /^[.-]/.test(tag)
      ? `tag ${JSON.stringify(tag)} must start with a letter, digit or "_"`
      : `tag ${JSON.stringify(tag)} may only contain letters, digits, "_", "." and "-"`;
  }
  return undefined;
}

/** Why `repository` breaks the path grammar, or undefined. */
export function repositoryProblem(repository: string): string | undefined {
  if (repository === '') return 'empty repository';
  if (/[A-Z]/.test(repository)) return `repository ${JSON.stringify(repository)} must be lowercase`;
  for (const component of repository.split('/')) {
    if (component === '')
      return `repository ${JSON.stringify(repository)} has an empty path component (leading, trailing or double "/")`;
    if (!PATH_COMPONENT_RE.test(component)) {
      return `repository path component ${JSON.stringify(component)} must be [a-z0-9] words joined by ".", "_", "__" or "-"`;
    }
  }
  return undefined;
}

/** Why `registry` is not `host[:port]`, or undefined. */
export function registryProblem(registry: string): string | undefined {
  if (registry === '') return 'missing registry';
  let host = registry;
  const portMatch = /^(.*):([^:\]]*)$/.exec(registry);
  if (portMatch) {
    host = portMatch[1] ?? '';
    const port = portMatch[2] ?? '';
    if (!/^[0-9]+$/.test(port)) return `registry port ${JSON.stringify(port)} is not a number`;
    if (Number(port) > 65535) return `registry port ${port} is out of range`;
  }
  if (!HOST_RE.test(host)) return `registry host ${JSON.stringify(host)} is not a DNS name or [IPv6] address`;
  return undefined;
}

/** A fully qualified reference `registry/repository[:tag][@digest]`. */
export class OciReference {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;

  constructor(parts: { registry: string; repository: string; tag?: string | undefined; digest?: string | undefined }) {
    this.registry = parts.registry;
    this.repository = parts.repository;
    this.tag = parts.tag;
    this.digest = parts.digest;
  }

  /** The digest when present, else the tag; undefined for a bare repository. */
  get reference(): string | undefined {
    return this.digest ?? this.tag;
  }

  toString(): string {
    return `${this.registry}/${this.repository}${this.tag === undefined ? '' : `:${this.tag}`}${this.digest === undefined ? '' : `@${this.digest}`}`;
  }
}

/**
 * Parses `registry/repository[:tag][@digest]`. Both a tag and a digest may
 * be given (the digest wins when resolving). Errors are ERR_OCI_REFERENCE_INVALID
 * and say which part is wrong and why.
 */
export function parseReference(input: string): OciReference {
  if (typeof input !== 'string' || input === '') throw invalid(String(input), 'empty reference');
  if (/\s/.test(input)) throw invalid(input, 'contains whitespace');
  const slash = input.indexOf('/');
  if (slash < 0) {
    throw invalid(
      input,
      'missing registry: expected registry/repository[:tag][@digest] (Docker Hub shorthand is not expanded)',
    );
  }
  const registry = input.slice(0, slash);
  let rest = input.slice(slash + 1);
  // distribution's rule for telling a domain from a path component: a domain
  // has a "." or a ":" port, or is localhost (or an [IPv6] literal). Anything
  // else would be Docker Hub shorthand, which notation does not expand.
  if (registry !== 'localhost' && !/[.:]/.test(registry) && !registry.startsWith('[')) {
    throw invalid(
      input,
      registry === ''
        ? 'missing registry'
        : `missing registry: ${JSON.stringify(registry)} is not a registry host (no ".", ":port" or "localhost"); Docker Hub shorthand is not expanded, write docker.io/${registry}/...`,
    );
  }
  const registryWhy = registryProblem(registry);
  if (registryWhy !== undefined) throw invalid(input, registryWhy);

  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const digestWhy = digestProblem(digest);
    if (digestWhy !== undefined) throw invalid(input, digestWhy);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    const tagWhy = tagProblem(tag);
    if (tagWhy !== undefined) throw invalid(input, tagWhy);
  }
  const repositoryWhy = repositoryProblem(rest);
  if (repositoryWhy !== undefined)
    throw invalid(
      input,
      repositoryWhy === 'empty repository' ? 'missing repository after the registry' : repositoryWhy,
    );
  if (registry.length + 1 + rest.length > NAME_TOTAL_LENGTH_MAX) {
    throw invalid(input, `name ${registry}/${rest} is longer than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  return new OciReference({ registry, repository: rest, tag, digest });
}

/**
 * Classifies the reference part given to a Repository method: a digest
 * (anything with ":" must be one) or a tag.
 */
export function parseTagOrDigest(reference: string): { tag?: string; digest?: string } {
  if (reference.includes(':')) {
    assertDigest(reference);
    return { digest: reference };
  }
  const problem = tagProblem(reference);
  if (problem !== undefined)
    throw new OciError('ERR_OCI_REFERENCE_INVALID', `invalid tag ${JSON.stringify(reference)}: ${problem}`);
  return { tag: reference };
}
