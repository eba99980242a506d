/**
 * The outbox's health at scrape time: how many rows wait to be published, and how long the oldest
 * has waited. A relay that cannot publish (Kafka down, a poisoned row) shows as a growing age long
 * before anything else notices. One indexed read per scrape (the partial index of unpublished rows).
 */
import { isNull, sql } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import type { OutboxTable } from "../db/tables.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";

/** What the outbox holds unpublished now. */
export interface OutboxBacklog {
  rows: number;
  /** Seconds since the oldest unpublished row was written; 0 when there is none. */
  oldestAgeSeconds: number;
}

/** Reads the backlog of `outbox`. */
export async function readBacklog(db: Db, outbox: OutboxTable): Promise<OutboxBacklog> {
  const [row] = await db
    .select({
      rows: sql<number>`count(*)::int`,
      age: sql<number>`coalesce(extract(epoch from now() - min(${outbox.createdAt})), 0)::float8`,
    })
    .from(outbox)
    .where(isNull(outbox.publishedAt));
  return { rows: Number(row?.rows ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)) };
}

/**
 * Registers `shop_outbox_backlog` and `shop_outbox_oldest_age_seconds`, both set from one read per
 * scrape. A read that fails (the database is down) leaves the last values and is logged at debug:
 * the scrape still answers, and readiness already says the database is gone.
 */
export function registerOutboxGauges(metrics: Metrics, db: Db, outbox: OutboxTable, logger: Logger): void {
  let reading: Promise<OutboxBacklog | undefined> | undefined;
  // Both gauges are collected in the same scrape, side by side: they share the one read in flight.
  const read = () => {
    reading ??= readBacklog(db, outbox)
      .catch((error: unknown) => {
        logger.debug({ err: error }, "could not read the outbox backlog for /metrics");
        return undefined;
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
  metrics.gauge("shop_outbox_backlog", "Outbox rows not published yet", [], async function () {
    const backlog = await read();
    if (backlog) this.set(backlog.rows);
  });
  metrics.gauge(
    "shop_outbox_oldest_age_seconds",
    "Age of the oldest outbox row not published yet, in seconds (0 when none)",
    [],
    async function () {
      const backlog = await read();
      if (backlog) this.set(backlog.oldestAgeSeconds);
    },
  );
}
