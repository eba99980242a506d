/**
 * catalog's own config, parsed once at start from the environment (the runtime reads its own: port,
 * database, Kafka). Nothing else in catalog reads `process.env`.
 */

/** What catalog can be tuned with. */
export interface CatalogConfig {
  /**
   * How long a finished GetProduct or ListProducts answer is reused, in ms (`CATALOG_READ_CACHE_MS`,
   * default 1000; 0 turns the read cache off).
   */
  readCacheMs: number;
}

/** Reads catalog's config from `env`. */
export function readCatalogConfig(env: NodeJS.ProcessEnv): CatalogConfig {
  return { readCacheMs: Number(env.CATALOG_READ_CACHE_MS ?? 1000) };
}
