/**
 * What catalog's routes and handlers share, built once at start from its config.
 */
import type { SetupContext } from "@shop/runtime";
import { createReadCache, type ReadCache } from "./catalog/read-cache.ts";
import type { CatalogConfig } from "./config.ts";

/** catalog's dependencies. */
export interface CatalogDeps {
  /** Finished reads, kept for `readCacheMs`; every write of this instance empties it once committed. */
  readCache: ReadCache;
}

/** Builds catalog's dependencies. */
export function setup({ config }: SetupContext<CatalogConfig>): CatalogDeps {
  return { readCache: createReadCache(config.readCacheMs) };
}
