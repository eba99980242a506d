/**
 * The cart's own config, parsed once at start. It has nothing to tune yet: what it runs on (port,
 * database, Kafka) is the runtime's config, which the runtime reads itself.
 */

/** What cart can be tuned with: nothing so far (the limits of a cart are in cart/limits.ts). */
export type CartConfig = Record<never, never>;

/** Reads the cart's config from `env`. */
export function readCartConfig(_env: NodeJS.ProcessEnv): CartConfig {
  return {};
}
