/**
 * analytics' own config, parsed once at start from the environment (the runtime reads its own: port,
 * database, Kafka). Nothing else in analytics reads `process.env`.
 */

/** What analytics can be tuned with. */
export interface AnalyticsConfig {
  /**
   * How long a replay may take to read shop.events to its end, in ms (`ANALYTICS_REPLAY_TIMEOUT_MS`,
   * default 10 minutes).
   */
  replayTimeoutMs: number;
}

/** Reads analytics' config from `env`; throws, saying which variable and why, on a value it cannot use. */
export function readAnalyticsConfig(env: NodeJS.ProcessEnv): AnalyticsConfig {
  const raw = env.ANALYTICS_REPLAY_TIMEOUT_MS;
  if (raw === undefined || raw === "") return { replayTimeoutMs: 600_000 };
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`ANALYTICS_REPLAY_TIMEOUT_MS must be a positive number of ms, not "${raw}"`);
  }
  return { replayTimeoutMs: value };
}
