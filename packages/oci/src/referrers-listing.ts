import type { Descriptor } from './descriptor.js';
import { OciError } from './errors.js';
import type { ReferrersOptions, Repository } from './repository.js';

/*
 * Bounded, lazy referrers listing (issue 12 finding 2). A registry decides
 * how many pages and descriptors it sends; one that always answers with
 * `Link: rel="next"` must not make a verifier page until it runs out of
 * memory. Listing is therefore an async iterator of pages: a caller that has
 * what it needs (verify at maxSignatureAttempts, WF-3; ls/inspect at
 * --max-signatures) stops iterating and no further page is fetched, as
 * notation-go's ListSignatures stops when its callback returns an error.
 * Behind that, every listing has a hard cap, whoever the caller is.
 */

/**
 * Hard cap on the pages of one referrers listing (Referrers API `Link`
 * pages; a tag-schema index or a local store is one page). `[impl]`
 * notation has none. 100 pages is far beyond what a registry sends for a
 * real artifact (registries page by 50 to 1,000 descriptors), and bounds the
 * requests an endless `Link` chain can draw from one listing.
 */
export const MAX_REFERRERS_PAGES = 100;

/**
 * Hard cap on the descriptors one referrers listing receives, counted
 * before client-side filtering, so the work is bounded whatever the
 * registry filters. `[impl]` notation has none. 10,000 referrers of one
 * artifact is far past any real use (a signature, SBOM and attestation per
 * build and platform); a 4 MiB page (OCI-9) holds at most about 25,000 minimal
 * descriptors, so a hostile listing is stopped by the first or second page.
 */
export const MAX_REFERRERS = 10_000;

/** Counts the pages and descriptors of one listing; throws ERR_OCI_TOO_MANY_REFERRERS past a cap. */
export class ReferrersBudget {
  #pages = 0;
  #descriptors = 0;
  readonly #what: string;

  constructor(what: string) {
    this.#what = what;
  }

  /** Call before fetching a page: refuses the request that would go past MAX_REFERRERS_PAGES. */
  beforePage(): void {
    if (this.#pages >= MAX_REFERRERS_PAGES) {
      throw new OciError(
        'ERR_OCI_TOO_MANY_REFERRERS',
        `${this.#what}: more than ${MAX_REFERRERS_PAGES} pages of referrers (the registry keeps sending Link: rel="next"; issue 12 finding 2)`,
      );
    }
    this.#pages++;
  }

  /** Call with the number of descriptors a page brought, before they are used. */
  received(count: number): void {
    this.#descriptors += count;
    if (this.#descriptors > MAX_REFERRERS) {
      throw new OciError(
        'ERR_OCI_TOO_MANY_REFERRERS',
        `${this.#what}: more than ${MAX_REFERRERS} referrers (issue 12 finding 2)`,
      );
    }
  }

  get pages(): number {
    return this.#pages;
  }
}

/** Every referrer of a lazy listing, within its caps (what {@link Repository.referrers} returns). */
export async function collectReferrerPages(pages: AsyncIterable<Descriptor[]>): Promise<Descriptor[]> {
  const out: Descriptor[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

/** A listing of the one page a local store (memory, OCI layout) has, checked against the descriptor cap. */
export async function* singlePage(
  what: string,
  list: () => Promise<Descriptor[]>,
): AsyncGenerator<Descriptor[], void, undefined> {
  const budget = new ReferrersBudget(what);
  budget.beforePage();
  const page = await list();
  budget.received(page.length);
  yield page;
}

/**
 * The first `limit` referrers, fetching pages only until there are more than
 * `limit` (one more is looked at, so that `exceeded` says whether the limit
 * cut the list: ls and inspect warn about it, as notation's do).
 */
export async function listReferrers(
  repository: Pick<Repository, 'referrerPages'>,
  subject: Descriptor,
  options: ReferrersOptions & { limit: number },
): Promise<{ referrers: Descriptor[]; exceeded: boolean }> {
  const { limit, ...rest } = options;
  if (!Number.isInteger(limit) || limit <= 0)
    throw new OciError('ERR_OCI_REFUSED', `the referrers limit must be an integer greater than 0, got ${limit}`);
  const referrers: Descriptor[] = [];
  for await (const page of repository.referrerPages(subject, rest)) {
    for (const descriptor of page) {
      if (referrers.length === limit) return { referrers, exceeded: true };
      referrers.push(descriptor);
    }
  }
  return { referrers, exceeded: false };
}
