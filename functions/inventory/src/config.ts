/**
 * The inventory's own config, parsed once at start. It has nothing to tune yet: what it runs on (port,
 * database, Kafka) is the runtime's config, which the runtime reads itself.
 */

/** What the inventory can be tuned with: nothing so far. */
export type InventoryConfig = Record<never, never>;

/** Reads the inventory's config from `env`. */
export function readInventoryConfig(_env: NodeJS.ProcessEnv): InventoryConfig {
  return {};
}
