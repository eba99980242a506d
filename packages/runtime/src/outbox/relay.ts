/**
 * The outbox relay: publishes committed outbox rows to the event log and marks them published.
 * It runs after every commit that emitted (kick), on start, on a timer and on a PingSource tick
 * (sweep), so nothing committed is lost even if the process died between commit and publish.
 */
import { asc, inArray, isNull } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import type { OutboxTable } from "../db/tables.ts";
import type { EventLog } from "../log/event-log.ts";
import type { Logger } from "../logger.ts";

/** A running relay. */
export interface Relay {
  /** Asks for a publish soon; calls while one runs coalesce into one more run. */
  kick(): void;
  /** Publishes everything unpublished now; resolves with the number of events published. */
  sweep(): Promise<number>;
  /** Stops the timer and waits for the run in hand. */
  close(): Promise<void>;
}

export interface RelayOptions {
  db: Db;
  outbox: OutboxTable;
  log: EventLog;
  topic: string;
  logger: Logger;
  /** Sweep period in ms; 0 disables the timer. */
  intervalMs: number;
  /** Rows per publish batch. */
  batchSize?: number;
  /** Called after each published batch, with the event ids (metrics). */
  onPublished?: (count: number) => void;
}

/** Starts a relay. */
export function startRelay(options: RelayOptions): Relay {
  const { db, outbox, log, topic, logger } = options;
  const batchSize = options.batchSize ?? 500;
  let running: Promise<number> | undefined;
  let again = false;
  let closed = false;

  // One batch in one transaction: rows are locked (SKIP LOCKED, so replicas share the work and never
  // publish a row twice at the same time), published, then marked. If publishing fails, the
  // transaction rolls back and the rows wait for the next run.
  async function publishBatch(): Promise<number> {
    return db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(outbox)
        .where(isNull(outbox.publishedAt))
        .orderBy(asc(outbox.seq))
        .limit(batchSize)
        .for("update", { skipLocked: true });
      if (rows.length === 0) return 0;
      await log.publish(
        topic,
        rows.map((row) => ({ key: row.key, value: row.data, headers: row.headers })),
      );
      await tx
        .update(outbox)
        .set({ publishedAt: new Date() })
        .where(
          inArray(
            outbox.seq,
            rows.map((row) => row.seq),
          ),
        );
      return rows.length;
    });
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await publishBatch();
      total += count;
      if (count > 0) options.onPublished?.(count);
      if (count < batchSize) return total;
    }
  }

  function run(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = drain()
      .catch((error: unknown) => {
        logger.warn({ err: error }, "outbox relay could not publish; will retry on the next sweep");
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (again && !closed) {
          again = false;
          void run();
        }
      });
    return running;
  }

  const timer = options.intervalMs > 0 ? setInterval(() => void run(), options.intervalMs) : undefined;
  timer?.unref();

  return {
    kick: () => void run(),
    async sweep() {
      // A sweep must see rows committed before it was asked for, so it waits out a run in hand.
      if (running) await running;
      return run();
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      if (running) await running;
    },
  };
}
