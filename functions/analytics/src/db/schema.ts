/**
 * The drizzle schema of analytics, in the Postgres schema `analytics`: one row of facts per order,
 * merged from the order's events in whatever order they arrive. Every figure analytics serves is
 * derived from these rows at read time, so a redelivery, a re-ask (OrderPlaced again with a new event
 * id) or a replay from the topic's start gives the same figures.
 */
import { outboxTable, processedEventsTable } from "@shop/runtime";
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

/** The Postgres schema analytics owns. */
export const analytics = pgSchema("analytics");

/** An order line as analytics keeps it: minor units as a decimal string (JSON has no bigint). */
export interface FactLine {
  productId: string;
  productName: string;
  quantity: number;
  lineTotalMinor: string;
  currency: string;
}

/**
 * How trustworthy a row's lines are: the lines of the latest saga step seen win (OrderConfirmed's
 * receipt over OrderPriced's over OrderPlaced's), whatever order the events came in.
 */
export const LINES_FROM = { none: 0, placed: 1, priced: 2, confirmed: 3 } as const;

/** The facts of one order, as its events told them; a column is null until an event tells it. */
export const orderFacts = analytics.table(
  "order_facts",
  {
    orderId: text("order_id").primaryKey(),
    customerId: text("customer_id").notNull().default(""),
    currency: text("currency"),
    // OrderPlaced's placed_at (the event's own time without one): the day it counts as placed.
    placedAt: timestamp("placed_at", { withTimezone: true }),
    // Upper-cased; "" without a coupon.
    couponCode: text("coupon_code").notNull().default(""),
    subtotalMinor: bigint("subtotal_minor", { mode: "bigint" }),
    discountMinor: bigint("discount_minor", { mode: "bigint" }),
    // What the customer pays: OrderConfirmed's total, else OrderPriced's.
    pricedTotalMinor: bigint("priced_total_minor", { mode: "bigint" }),
    confirmedTotalMinor: bigint("confirmed_total_minor", { mode: "bigint" }),
    lines: jsonb("lines").$type<FactLine[]>().notNull().default(sql`'[]'::jsonb`),
    linesFrom: integer("lines_from").notNull().default(LINES_FROM.none),
    // OrderConfirmed's confirmed_at (the event's own time without one).
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
    // OrderCancelled's cancellation.cancelled_at (the event's own time without one).
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    // shop.orders.v1.CancellationCause.
    cancelCause: integer("cancel_cause"),
    wasConfirmed: boolean("was_confirmed").notNull().default(false),
  },
  (table) => [
    // The report's range queries, one per kind of day.
    index("order_facts_placed_idx").on(table.placedAt),
    index("order_facts_confirmed_idx").on(table.confirmedAt),
    index("order_facts_cancelled_idx").on(table.cancelledAt),
  ],
);

/** A stored row of facts. */
export type OrderFactsRow = typeof orderFacts.$inferSelect;

export const outbox = outboxTable(analytics);
export const processedEvents = processedEventsTable(analytics);
