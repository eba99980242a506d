/**
 * The drizzle schema of webhooks: the endpoints admins registered and every delivery to them (the
 * delivery log), in the Postgres schema `webhooks`. Signing secrets are not here: only where in the
 * secret store each endpoint's is.
 */
import { bytea, outboxTable, processedEventsTable } from "@shop/runtime";
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

/** The Postgres schema webhooks owns. */
export const webhooks = pgSchema("webhooks");

/** How an endpoint gets an event's data: its protobuf bytes or the protobuf JSON form. */
export type PayloadFormat = "protobuf" | "json";

/** A registered endpoint. */
export const endpoints = webhooks.table("endpoints", {
  id: uuid("id").primaryKey().defaultRandom(),
  url: text("url").notNull(),
  eventTypes: text("event_types").array().notNull(),
  format: text("format").$type<PayloadFormat>().notNull(),
  description: text("description").notNull().default(""),
  enabled: boolean("enabled").notNull().default(true),
  // Why it was disabled, for a person; null while enabled.
  disabledReason: text("disabled_reason"),
  // Where its signing secret is in the secret store (`shop/webhooks/endpoints/<id>`).
  secretRef: text("secret_ref").notNull(),
  // Grows with each rotation; a cached secret of another version is read again.
  secretVersion: integer("secret_version").notNull().default(1),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
});

/** A stored endpoint. */
export type StoredEndpoint = typeof endpoints.$inferSelect;

/** What became of a delivery: `pending` its (next) attempt, `delivered` (2xx), `failed` (given up). */
export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One event on its way to one endpoint, with what its attempts came to. */
export const deliveries = webhooks.table(
  "deliveries",
  {
    // The `webhook-id` header: stable across retries and redeliveries, so receivers deduplicate by it.
    id: uuid("id").primaryKey().defaultRandom(),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => endpoints.id, { onDelete: "cascade" }),
    eventSource: text("event_source").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    // The event as published: its CloudEvent attributes and data.
    attributes: jsonb("attributes").$type<Record<string, string>>().notNull(),
    data: bytea("data").notNull(),
    status: text("status").$type<DeliveryStatus>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    // The HTTP status of the last answer; null: none (timeout, refused) or no attempt yet.
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
    // When a pending delivery is tried next (while one is under way: when it may be taken again).
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    // After this a failing delivery is not retried: it fails and its endpoint is disabled.
    giveUpAt: timestamp("give_up_at", { withTimezone: true }).notNull(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (table) => [
    // The KafkaSource delivers at least once: one delivery per event and endpoint, however often it comes.
    uniqueIndex("deliveries_event_endpoint_idx").on(table.eventSource, table.eventId, table.endpointId),
    // The sender's query: pending deliveries that are due, soonest first.
    index("deliveries_due_idx").on(table.nextAttemptAt).where(sql`${table.status} = 'pending'`),
    // The delivery log of an endpoint, newest first.
    index("deliveries_endpoint_idx").on(table.endpointId, table.createdAt),
    // Retention: deliveries done with, oldest first.
    index("deliveries_done_idx").on(table.createdAt).where(sql`${table.status} <> 'pending'`),
  ],
);

/** A stored delivery. */
export type StoredDelivery = typeof deliveries.$inferSelect;

export const outbox = outboxTable(webhooks);
export const processedEvents = processedEventsTable(webhooks);
