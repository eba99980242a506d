/**
 * The promotions' own config, parsed once at start. It has nothing to tune yet: what it runs on
 * (port, database, Kafka) is the runtime's config, which the runtime reads itself.
 */

/** What promotions can be tuned with: nothing so far. */
export type PromotionsConfig = Record<never, never>;

/** Reads the promotions' config from `env`. */
export function readPromotionsConfig(_env: NodeJS.ProcessEnv): PromotionsConfig {
  return {};
}
