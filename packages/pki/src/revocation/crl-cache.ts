/**
 * CRL caching (REV-5). A cache maps a CRL distribution point URL to the DER
 * of the base CRL and, when the base CRL names one in its FreshestCRL
 * extension, the delta CRL. The checker decides freshness itself: a cached
 * bundle is used only while now ≤ nextUpdate of the base (and of the delta),
 * and only after its signatures verify again; otherwise it is fetched anew
 * and replaced. A cache therefore never needs to expire entries, and a
 * cache that fails (throws) is treated as a miss.
 *
 * See `@x/notary-pki/node` for `FileCrlCache`, notation's on-disk format.
 */

/** The DER of a base CRL and its optional delta CRL, as fetched from one distribution point. */
export interface CrlBundle {
  baseCrl: Uint8Array;
  deltaCrl?: Uint8Array;
}

/** A store of CRL bundles keyed by distribution point URL. */
export interface CrlCache {
  /** The bundle stored for `url`, or undefined on a miss (a corrupt entry is a miss). */
  get(url: string): Promise<CrlBundle | undefined>;
  /** Stores (replaces) the bundle for `url`. */
  set(url: string, bundle: CrlBundle): Promise<void>;
}

const copyBundle = (bundle: CrlBundle): CrlBundle =>
  bundle.deltaCrl === undefined
    ? { baseCrl: bundle.baseCrl.slice() }
    : { baseCrl: bundle.baseCrl.slice(), deltaCrl: bundle.deltaCrl.slice() };

/** An in-process cache; entries live as long as the instance. Stores copies, so callers cannot alter entries. */
export class MemoryCrlCache implements CrlCache {
  readonly #entries = new Map<string, CrlBundle>();

  async get(url: string): Promise<CrlBundle | undefined> {
    const bundle = this.#entries.get(url);
    return bundle ? copyBundle(bundle) : undefined;
  }

  async set(url: string, bundle: CrlBundle): Promise<void> {
    this.#entries.set(url, copyBundle(bundle));
  }

  /** Number of stored bundles. */
  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}
