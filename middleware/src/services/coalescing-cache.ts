/** How a value was obtained: from the cache, by joining a load already under way, or by a new load. */
export type LookupResult = 'hit' | 'coalesced' | 'miss';

export interface CoalescingCacheOptions {
  /** How long a loaded value is served from memory; 0 keeps nothing (loads are still shared while in flight). */
  ttlMs: number;
  /** Most entries kept; the oldest is dropped first. */
  maxEntries?: number;
  now?: () => number;
  /** Told about every lookup (for metrics). */
  onLookup?: (result: LookupResult) => void;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * A small time-to-live cache that shares loads: while a value is being loaded, every other caller for the same key
 * waits for that one load instead of starting its own. Failed loads are not cached.
 */
export class CoalescingCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #inFlight = new Map<string, Promise<V>>();
  readonly #options: Required<Omit<CoalescingCacheOptions, 'onLookup'>> & Pick<CoalescingCacheOptions, 'onLookup'>;

  constructor(options: CoalescingCacheOptions) {
    this.#options = { maxEntries: 10_000, now: Date.now, ...options };
  }

  /**
   * The value for `key`: cached when fresh (unless `fresh` is asked for), else from the load in flight, else from a new
   * call of `load`. A `fresh` request still joins a load in flight, which is as fresh as a new one would be.
   */
  async get(key: string, load: () => Promise<V>, options: { fresh?: boolean } = {}): Promise<V> {
    const now = this.#options.now();
    const cached = this.#entries.get(key);
    if (!options.fresh && cached && cached.expiresAt > now) {
      this.#options.onLookup?.('hit');
      return cached.value;
    }
    const pending = this.#inFlight.get(key);
    if (pending) {
      this.#options.onLookup?.('coalesced');
      return pending;
    }
    this.#options.onLookup?.('miss');
    const loading = (async () => {
      try {
        const value = await load();
        this.#store(key, value);
        return value;
      } finally {
        this.#inFlight.delete(key);
      }
    })();
    this.#inFlight.set(key, loading);
    return loading;
  }

  /** Forgets a key, so the next read loads it again (after a change the connector made itself). */
  invalidate(key: string): void {
    this.#entries.delete(key);
  }

  #store(key: string, value: V): void {
    if (this.#options.ttlMs <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#options.now() + this.#options.ttlMs });
    while (this.#entries.size > this.#options.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
