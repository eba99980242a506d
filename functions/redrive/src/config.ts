/**
 * redrive's own config, parsed once at start from the environment (the runtime reads its own: port,
 * database, Kafka). Nothing else in redrive reads `process.env`.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** When a transient dead letter is redriven, and for how long. */
export interface RedriveSchedule {
  /**
   * The pause before each redrive, in ms, counted from the failure before it (the first from when the
   * dead letter arrived); the last one repeats. Default 10 s, 30 s, 1 min, 2 min, 5 min, 10 min,
   * 30 min, then hourly (`REDRIVE_DELAYS_MS`, comma-separated).
   */
  delaysMs: number[];
  /**
   * How long after it arrived a dead letter is still redriven, in ms (`REDRIVE_HORIZON_MS`, default
   * 6 h): a redrive that fails when the next one would come later gives up, and the letter stays
   * dead as exhausted.
   */
  horizonMs: number;
}

/** What redrive can be tuned with. */
export interface RedriveConfig extends RedriveSchedule {
  /** How many due dead letters one transaction takes (`REDRIVE_BATCH`, default 20). */
  batch: number;
  /** How long a subscriber has to answer a redrive, in ms (`REDRIVE_TIMEOUT_MS`, default 10 s). */
  timeoutMs: number;
  /**
   * How long a dead letter that is done with (redriven, exhausted, dead) is kept, in ms
   * (`REDRIVE_RETENTION_MS`, default 8 days: past the 7 days Kafka keeps the dead-letter topic, so
   * `shop dlq list` can tell what became of every letter it still finds there).
   */
  retentionMs: number;
}

/** The defaults of {@link RedriveSchedule.delaysMs}. */
export const DEFAULT_DELAYS_MS = [
  10 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  30 * MINUTE,
  HOUR,
];

/** Reads redrive's config from `env`; throws, saying which variable and why, on a value it cannot use. */
export function readRedriveConfig(env: NodeJS.ProcessEnv): RedriveConfig {
  const delaysMs = env.REDRIVE_DELAYS_MS
    ? env.REDRIVE_DELAYS_MS.split(",").map((d) => Number(d.trim()))
    : DEFAULT_DELAYS_MS;
  if (delaysMs.length === 0 || delaysMs.some((d) => !Number.isFinite(d) || d <= 0)) {
    throw new Error(
      `REDRIVE_DELAYS_MS must be positive milliseconds, comma-separated, not "${env.REDRIVE_DELAYS_MS}"`,
    );
  }
  const config: RedriveConfig = {
    delaysMs,
    horizonMs: positive(env, "REDRIVE_HORIZON_MS", 6 * HOUR),
    batch: positive(env, "REDRIVE_BATCH", 20),
    timeoutMs: positive(env, "REDRIVE_TIMEOUT_MS", 10 * SECOND),
    retentionMs: positive(env, "REDRIVE_RETENTION_MS", 8 * DAY),
  };
  if (config.horizonMs < delaysMs[0]!) {
    throw new Error(
      `REDRIVE_HORIZON_MS (${config.horizonMs}) is shorter than the first delay (${delaysMs[0]}): nothing would ever be redriven`,
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
