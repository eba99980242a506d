/**
 * The catalog's read cache. Catalog reads are the same for every caller, and browsers and CDNs may
 * already reuse them for 30 s (Cache-Control), so inside the function a finished answer is kept for a
 * short while too (`readCacheMs` of config.ts, default 1 s; 0 turns it off): however many shoppers look at
 * a product, each replica reads it from Postgres about once a second, and concurrent misses for the
 * same key wait for one read instead of each making their own.
 *
 * A write in this replica (UpsertProduct, StockChanged) empties it, so what a replica wrote it shows
 * at once; another replica's write shows within the cache time. One cache per running function,
 * built by setup.ts.
 */

/** Keys kept at most (ListProducts keys include the search text, so they must not grow without bound). */
const MAX_ENTRIES = 2_000;

/** A function instance's cache of finished reads. */
export interface ReadCache {
  /** The value of `key`, loaded by `load` when it is missing or too old. Failures are not kept. */
  get<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** Forgets everything, and keeps no read that was under way (after a write). */
  clear(): void;
}

/**
 * A cache keeping each value for `ttlMs` (nothing kept when 0). Oldest entries go first when full:
 * with a one-second lifetime, first-in-first-out is as good as least-recently-used.
 */
export function createReadCache(
  ttlMs: number,
  now: () => number = performance.now.bind(performance),
): ReadCache {
  if (!(ttlMs > 0)) return { get: (_key, load) => load(), clear: () => {} };
  // A read under way is kept as its promise, so concurrent misses share it. One that began before a
  // clear() answers the callers that waited for it but is gone from the map: it is not kept.
  const entries = new Map<string, { value: Promise<unknown>; expires: number }>();
  return {
    get<T>(key: string, load: () => Promise<T>): Promise<T> {
      const entry = entries.get(key);
      if (entry && entry.expires > now()) return entry.value as Promise<T>;
      if (entry) entries.delete(key);
      const value = load();
      entries.set(key, { value, expires: now() + ttlMs });
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return value;
    },
    clear: () => entries.clear(),
  };
}
