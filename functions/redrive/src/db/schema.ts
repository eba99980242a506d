/**
 * The drizzle schema of redrive: every dead letter it received and what became of it, in the
 * Postgres schema `redrive`.
 */
import { bytea, outboxTable, processedEventsTable } from "@shop/runtime";
import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgSchema, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/** The Postgres schema redrive owns. */
export const redrive = pgSchema("redrive");

/**
 * Why a delivery failed: transient (no answer, 5xx, 404/408/409/429: the subscriber may take it
 * later) or malformed (any other answer: it never will).
 */
export type LetterKind = "transient" | "malformed";

/**
 * What became of a dead letter: `waiting` for its next redrive, `redriven` (its subscriber took it),
 * `exhausted` (transient, but still failing at the horizon), `dead` (malformed, or refused when
 * redriven: it stays dead).
 */
export type LetterState = "waiting" | "redriven" | "exhausted" | "dead";

/**
 * Dead letters: one per event and subscriber that could not take it (an event two Triggers failed is
 * two letters). The original event is kept as it was published: its CloudEvent attributes without
 * Knative's `knativeerror*` extensions, and its data.
 */
export const deadLetters = redrive.table(
  "dead_letters",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    eventSource: text("event_source").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    // The subscriber's URL (knativeerrordest); "" when the letter named none.
    destination: text("destination").notNull(),
    kind: text("kind").$type<LetterKind>().notNull(),
    state: text("state").$type<LetterState>().notNull(),
    // The HTTP status the subscriber answered last (knativeerrorcode, then each redrive's); null: no answer.
    errorCode: integer("error_code"),
    // Why it is here, for a person: the kind, and the subscriber's answer or the delivery error.
    reason: text("reason").notNull(),
    // What the last redrive came to, for a person; null before the first.
    lastError: text("last_error"),
    attributes: jsonb("attributes").$type<Record<string, string>>().notNull(),
    data: bytea("data").notNull(),
    // Redrives tried so far.
    attempts: integer("attempts").notNull().default(0),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    // When a waiting letter is redriven next (while one is under way: when it may be taken again).
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    // After this, a failing transient letter is not redriven again: it is exhausted.
    giveUpAt: timestamp("give_up_at", { withTimezone: true }),
    // While a redrive is under way (the tick's or an admin's): until when no one else takes it.
    leasedUntil: timestamp("leased_until", { withTimezone: true }),
    // When it stopped waiting (redriven, exhausted or dead).
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  },
  (table) => [
    // Knative's KafkaSource delivers at least once: the same letter again is recognised by these.
    uniqueIndex("dead_letters_event_destination_idx").on(table.eventSource, table.eventId, table.destination),
    // The tick's query: waiting letters that are due, soonest first.
    index("dead_letters_due_idx").on(table.nextAttemptAt).where(sql`${table.state} = 'waiting'`),
    // The back office's list: newest first.
    index("dead_letters_received_idx").on(table.receivedAt, table.id),
    // Retention: letters done with, oldest first.
    index("dead_letters_resolved_idx").on(table.resolvedAt).where(sql`${table.state} <> 'waiting'`),
  ],
);

/** A stored dead letter. */
export type StoredLetter = typeof deadLetters.$inferSelect;

export const outbox = outboxTable(redrive);
export const processedEvents = processedEventsTable(redrive);
