/**
 * The tables every function has in its own Postgres schema: the outbox and the processed-events
 * record. A function's drizzle schema includes them, so its migrations create them.
 */
import { sql } from "drizzle-orm";
import {
  bigserial,
  customType,
  index,
  jsonb,
  type PgSchema,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/** bytea as Uint8Array, for event data. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => new Uint8Array(value),
});

/**
 * The outbox: events written in the same transaction as the state change they describe, published
 * to Kafka by the relay after commit. `publishedAt` is null until published; published rows are
 * deleted once older than the retention (outbox/retention.ts).
 */
export function outboxTable(schema: PgSchema) {
  return schema.table(
    "outbox",
    {
      seq: bigserial("seq", { mode: "number" }).primaryKey(),
      id: text("id").notNull().unique(),
      type: text("type").notNull(),
      key: text("key").notNull(),
      // The Kafka record headers of the event (ce_* attributes), ready to publish.
      headers: jsonb("headers").$type<Record<string, string>>().notNull(),
      data: bytea("data").notNull(),
      // The W3C trace context of the transaction that wrote the row: the relay's PRODUCER span is its
      // child, whichever process publishes it (after commit, a sweep, another replica).
      traceParent: text("trace_parent"),
      traceState: text("trace_state"),
      createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
      publishedAt: timestamp("published_at", { withTimezone: true }),
    },
    (table) => [
      // The sweep reads the unpublished rows in order; they are few, so the index stays small.
      index("outbox_unpublished_idx").on(table.seq).where(sql`${table.publishedAt} is null`),
      // Retention deletes the oldest published rows.
      index("outbox_published_at_idx").on(table.publishedAt).where(sql`${table.publishedAt} is not null`),
    ],
  );
}

/** The idempotent-consumer record: one row per event handled, written in the handler's transaction. */
export function processedEventsTable(schema: PgSchema) {
  return schema.table(
    "processed_events",
    {
      source: text("source").notNull(),
      id: text("id").notNull(),
      type: text("type").notNull(),
      processedAt: timestamp("processed_at", { withTimezone: true }).notNull().default(sql`now()`),
    },
    (table) => [
      primaryKey({ columns: [table.source, table.id] }),
      // Retention deletes the oldest records.
      index("processed_events_processed_at_idx").on(table.processedAt),
    ],
  );
}

/** The outbox table type of any function. */
export type OutboxTable = ReturnType<typeof outboxTable>;
/** The processed-events table type of any function. */
export type ProcessedEventsTable = ReturnType<typeof processedEventsTable>;
