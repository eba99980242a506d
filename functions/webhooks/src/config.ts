/**
 * webhooks' own config, parsed once at start from the environment (the runtime reads its own: port,
 * database, Kafka). Nothing else in webhooks reads `process.env`.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** When a failed delivery is tried again, and for how long. */
export interface RetrySchedule {
  /** The pause after the first failed attempt, in ms; each further one doubles (`WEBHOOKS_RETRY_BASE_MS`, default 5 s). */
  baseMs: number;
  /** The longest pause between attempts, in ms (`WEBHOOKS_RETRY_MAX_MS`, default 1 h). */
  maxMs: number;
  /**
   * How long after it was created a delivery is still retried, in ms (`WEBHOOKS_RETRY_HORIZON_MS`,
   * default 24 h): past it the delivery fails and its endpoint is disabled.
   */
  horizonMs: number;
}

/** What webhooks can be tuned with. */
export interface WebhooksConfig extends RetrySchedule {
  /** How long an endpoint has to answer, in ms (`WEBHOOKS_TIMEOUT_MS`, default 10 s). */
  timeoutMs: number;
  /** How many due deliveries one round takes (`WEBHOOKS_BATCH`, default 20). */
  batch: number;
  /**
   * How long a delivery that is done with (delivered or failed) stays in the delivery log, in ms
   * (`WEBHOOKS_RETENTION_MS`, default 30 days).
   */
  retentionMs: number;
  /**
   * `host:port` pairs (or bare hosts, any port) that may be reached over http and at private,
   * loopback or link-local addresses (`WEBHOOKS_ALLOW_HOSTS`, comma-separated; default none).
   */
  allowHosts: string[];
}

/** Reads webhooks' config from `env`; throws, saying which variable and why, on a value it cannot use. */
export function readWebhooksConfig(env: NodeJS.ProcessEnv): WebhooksConfig {
  const config: WebhooksConfig = {
    baseMs: positive(env, "WEBHOOKS_RETRY_BASE_MS", 5 * SECOND),
    maxMs: positive(env, "WEBHOOKS_RETRY_MAX_MS", HOUR),
    horizonMs: positive(env, "WEBHOOKS_RETRY_HORIZON_MS", 24 * HOUR),
    timeoutMs: positive(env, "WEBHOOKS_TIMEOUT_MS", 10 * SECOND),
    batch: positive(env, "WEBHOOKS_BATCH", 20),
    retentionMs: positive(env, "WEBHOOKS_RETENTION_MS", 30 * 24 * HOUR),
    allowHosts: (env.WEBHOOKS_ALLOW_HOSTS ?? "")
      .split(",")
      .map((host) => host.trim().toLowerCase())
      .filter((host) => host !== ""),
  };
  if (config.maxMs < config.baseMs) {
    throw new Error(
      `WEBHOOKS_RETRY_MAX_MS (${config.maxMs}) is shorter than WEBHOOKS_RETRY_BASE_MS (${config.baseMs})`,
    );
  }
  return config;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
}
