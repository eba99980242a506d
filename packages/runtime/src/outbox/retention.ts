/**
 * Retention: the outbox and the processed-events record would otherwise only grow. Published outbox
 * rows are deleted once older than the outbox retention (they are on Kafka; a replay reads Kafka), and
 * processed-event records once older than the longest time an event can still be redelivered (the
 * dead-letter redrive's horizon), after which a duplicate can no longer arrive.
 */
import { and, inArray, isNotNull, lt, sql } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import type { OutboxTable, ProcessedEventsTable } from "../db/tables.ts";

/** How long rows are kept, in ms. */
export interface Retention {
  /** Published outbox rows (`SHOP_OUTBOX_RETENTION_MS`). */
  outboxMs: number;
  /** Processed-event records (`SHOP_PROCESSED_EVENTS_RETENTION_MS`). */
  processedEventsMs: number;
}

/** What one pass deleted. */
export interface Pruned {
  outbox: number;
  processedEvents: number;
}

// Deleted in batches, each its own short statement, so no pass holds many row locks or a long transaction.
const BATCH = 1000;

/** Deletes what is past its retention, in batches, until nothing is left to delete. */
export async function prune(
  db: Db,
  tables: { outbox: OutboxTable; processedEvents: ProcessedEventsTable },
  retention: Retention,
  now = new Date(),
): Promise<Pruned> {
  const { outbox, processedEvents } = tables;
  const outboxBefore = new Date(now.getTime() - retention.outboxMs);
  const processedBefore = new Date(now.getTime() - retention.processedEventsMs);
  const pruned: Pruned = { outbox: 0, processedEvents: 0 };
  for (;;) {
    const oldest = db
      .select({ seq: outbox.seq })
      .from(outbox)
      .where(and(isNotNull(outbox.publishedAt), lt(outbox.publishedAt, outboxBefore)))
      .limit(BATCH);
    const deleted = await db.delete(outbox).where(inArray(outbox.seq, oldest)).returning({ seq: outbox.seq });
    pruned.outbox += deleted.length;
    if (deleted.length < BATCH) break;
  }
  for (;;) {
    const deleted = await db
      .delete(processedEvents)
      .where(
        sql`(${processedEvents.source}, ${processedEvents.id}) in (select ${processedEvents.source}, ${processedEvents.id} from ${processedEvents} where ${processedEvents.processedAt} < ${processedBefore.toISOString()}::timestamptz limit ${BATCH})`,
      )
      .returning({ id: processedEvents.id });
    pruned.processedEvents += deleted.length;
    if (deleted.length < BATCH) break;
  }
  return pruned;
}
