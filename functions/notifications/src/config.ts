/**
 * notifications' own config, parsed once at start from the environment (the runtime reads its own:
 * port, database, Kafka; SMTP comes from the secret store). Nothing else in notifications reads
 * `process.env`.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The secret holding the SMTP settings: `{ host, port, secure?, user?, password?, from }`. */
export const SMTP_SECRET_PATH = "shop/notifications/smtp";

/**
 * Where a local run sends mail when no secret says otherwise: the dev mail catcher of `npm start`
 * (the host hands its real port over with `SHOP_SECRET_NOTIFICATIONS_SMTP`). Public dev values.
 */
export const DEV_SMTP = { host: "127.0.0.1", port: "1025", from: "Shop <shop@shop.example>" };

/** What notifications can be tuned with. */
export interface NotificationsConfig {
  /**
   * The storefront's public base URL, which the emails' links point to (`SHOP_PUBLIC_URL`, default
   * http://127.0.0.1:8080): `/#/verify?token=…`, `/#/reset?token=…`, `/#/orders/<id>`.
   */
  publicUrl: string;
  /**
   * The pauses before each new try of an email the SMTP server did not take, in ms, the last one
   * repeating (`NOTIFICATIONS_RETRY_DELAYS_MS`, default 10 s, 30 s, 1, 5, 15 min, then hourly).
   */
  delaysMs: number[];
  /** How long after it was owed an email is still tried (`NOTIFICATIONS_HORIZON_MS`, default 24 h). */
  horizonMs: number;
  /** How many due emails one round sends (`NOTIFICATIONS_BATCH`, default 20). */
  batch: number;
  /** How long the SMTP server has to take one email, in ms (`NOTIFICATIONS_SMTP_TIMEOUT_MS`, 30 s). */
  timeoutMs: number;
  /**
   * How long emails sent or given up on are kept, in ms (`NOTIFICATIONS_RETENTION_MS`, default 30 days:
   * past the 8 days processed events are kept, so a redelivery within them still finds its email).
   */
  retentionMs: number;
}

/** Reads notifications' config from `env`; throws, naming the variable, on a value it cannot use. */
export function readNotificationsConfig(env: NodeJS.ProcessEnv): NotificationsConfig {
  const publicUrl = (env.SHOP_PUBLIC_URL ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new Error(`SHOP_PUBLIC_URL must be an http(s) URL, not "${env.SHOP_PUBLIC_URL}"`);
  }
  const delaysMs = env.NOTIFICATIONS_RETRY_DELAYS_MS
    ? env.NOTIFICATIONS_RETRY_DELAYS_MS.split(",").map((d) => Number(d.trim()))
    : [10 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR];
  if (delaysMs.length === 0 || delaysMs.some((d) => !Number.isFinite(d) || d <= 0)) {
    throw new Error(
      `NOTIFICATIONS_RETRY_DELAYS_MS must be positive milliseconds, comma-separated, not "${env.NOTIFICATIONS_RETRY_DELAYS_MS}"`,
    );
  }
  const retentionMs = positive(env, "NOTIFICATIONS_RETENTION_MS", 30 * 24 * HOUR);
  // An email row is its event's processed record (owe.ts): pruned sooner than processed-event records,
  // a redelivered event would owe its email again.
  const processedRetentionMs = Number(env.SHOP_PROCESSED_EVENTS_RETENTION_MS ?? 8 * 24 * HOUR);
  if (retentionMs < processedRetentionMs) {
    throw new Error(
      `NOTIFICATIONS_RETENTION_MS (${retentionMs}) must be at least SHOP_PROCESSED_EVENTS_RETENTION_MS (${processedRetentionMs}): an email is its event's record that it was handled`,
    );
  }
  return {
    publicUrl,
    delaysMs,
    horizonMs: positive(env, "NOTIFICATIONS_HORIZON_MS", 24 * HOUR),
    batch: positive(env, "NOTIFICATIONS_BATCH", 20),
    timeoutMs: positive(env, "NOTIFICATIONS_SMTP_TIMEOUT_MS", 30 * SECOND),
    retentionMs,
  };
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}
