/**
 * The drizzle schema of audit: the append-only log of admin actions, in the Postgres schema `audit`.
 * UPDATE and DELETE of an entry are refused by a trigger (migrations/0001_append_only.sql).
 */
import { outboxTable, processedEventsTable } from "@shop/runtime";
import { index, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

/** The Postgres schema audit owns. */
export const audit = pgSchema("audit");

/** One admin action per row, as AdminActionRecorded told it; never changed, never deleted. */
export const entries = audit.table(
  "entries",
  {
    // The AdminActionRecorded event's id: a redelivery finds it already there.
    id: text("id").primaryKey(),
    // The function that emitted it (`/functions/catalog`).
    source: text("source").notNull(),
    actorId: text("actor_id").notNull(),
    actorEmail: text("actor_email").notNull().default(""),
    action: text("action").notNull(),
    target: text("target").notNull(),
    before: text("before").notNull().default(""),
    after: text("after").notNull().default(""),
    at: timestamp("at", { withTimezone: true }).notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // The order of ListAuditEntries (newest first), overall and per filter.
    index("entries_at_id_idx").on(table.at, table.id),
    index("entries_actor_at_idx").on(table.actorId, table.at),
    index("entries_action_at_idx").on(table.action, table.at),
    index("entries_target_at_idx").on(table.target, table.at),
  ],
);

export const outbox = outboxTable(audit);
export const processedEvents = processedEventsTable(audit);
