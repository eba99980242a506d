/**
 * The drizzle schema of notifications: who its customers are (user id → address, from identity's
 * events) and every email it owes, in the Postgres schema `notifications`.
 */
import { outboxTable, processedEventsTable } from "@shop/runtime";
import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgSchema,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/** The Postgres schema notifications owns. */
export const notifications = pgSchema("notifications");

/** The projection of identity's users: where a customer's emails go. */
export const users = notifications.table("users", {
  userId: text("user_id").primaryKey(),
  email: text("email").notNull(),
  emailVerified: boolean("email_verified").notNull().default(false),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** The emails there are, one per kind of event notifications answers. */
export type EmailKind =
  | "welcome"
  | "receipt"
  | "cancellation"
  | "dispatched"
  | "password-reset"
  | "password-changed";

/**
 * Where an email is: `parked` until its customer's address is known (an order event that came before
 * the customer's UserRegistered), `pending` until the SMTP server accepts it, `sent`, or `failed` (the
 * server refused it for good, its token could not be opened, or it kept failing past the horizon).
 */
export type EmailState = "parked" | "pending" | "sent" | "failed";

/**
 * The emails owed, written in the transaction of the event that owes them (the row, unique per event,
 * is that event's processed record), sent from here after commit: the event's data is kept as it came (protobuf JSON, tokens
 * still sealed) and rendered when sent, so no clear token is ever stored.
 */
export const emails = notifications.table(
  "emails",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    eventSource: text("event_source").notNull(),
    eventId: text("event_id").notNull(),
    kind: text("kind").$type<EmailKind>().notNull(),
    userId: text("user_id").notNull(),
    // The address it goes to; null while parked.
    recipient: text("recipient"),
    // The event's message as protobuf JSON: what the template renders.
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    state: text("state").$type<EmailState>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    // When a pending email is tried next (while one is being sent: when it may be taken again).
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (table) => [
    // One email per event: the record that a redelivery of it owes nothing more (kept at least as
    // long as processed-event records, config.ts).
    uniqueIndex("emails_event_idx").on(table.eventSource, table.eventId),
    // The sender's query: pending emails that are due, soonest first.
    index("emails_due_idx").on(table.nextAttemptAt).where(sql`${table.state} = 'pending'`),
    // A customer's address arriving releases their parked emails.
    index("emails_parked_idx").on(table.userId).where(sql`${table.state} = 'parked'`),
  ],
);

/** A stored email. */
export type StoredEmail = typeof emails.$inferSelect;

export const outbox = outboxTable(notifications);
export const processedEvents = processedEventsTable(notifications);
