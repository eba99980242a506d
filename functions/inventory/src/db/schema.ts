/**
 * The inventory's tables, in its own Postgres schema `inventory`.
 */

import { cancelledOrdersTable, outboxTable, processedEventsTable } from "@shop/runtime";
import { sql } from "drizzle-orm";
import { bigint, check, integer, jsonb, pgSchema, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** The `inventory` Postgres schema. */
export const inventory = pgSchema("inventory");

/**
 * Units of one product: `available` can be reserved now, `reserved` is held for orders in progress,
 * `sold` belongs to confirmed orders. A product without a row has none of each.
 */
export const stock = inventory.table(
  "stock",
  {
    productId: text("product_id").primaryKey(),
    available: integer("available").notNull().default(0),
    reserved: integer("reserved").notNull().default(0),
    sold: integer("sold").notNull().default(0),
    // +1 in the transaction of every change of this row (reserve, release, sell, SetStock); StockChanged
    // carries it so consumers drop stale facts, and SetStock compares it to refuse a stale write.
    // Rows from before versions start at 0.
    version: bigint("version", { mode: "bigint" }).notNull().default(sql`0`),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // The last line of defence against overselling: a bug elsewhere fails the transaction instead.
  (table) => [
    check("stock_available_not_negative", sql`${table.available} >= 0`),
    check("stock_reserved_not_negative", sql`${table.reserved} >= 0`),
    check("stock_sold_not_negative", sql`${table.sold} >= 0`),
  ],
);

/** What happened to the units of a reservation line. */
export type ReservationState = "held" | "released" | "sold";

/** The units of one product held for one order, and what became of them. */
export const reservations = inventory.table(
  "reservations",
  {
    orderId: text("order_id").notNull(),
    productId: text("product_id").notNull(),
    quantity: integer("quantity").notNull(),
    state: text("state").$type<ReservationState>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.orderId, table.productId] }),
    check("reservations_quantity_positive", sql`${table.quantity} > 0`),
    check("reservations_state_known", sql`${table.state} in ('held', 'released', 'sold')`),
  ],
);

/** What the inventory answered to an order's OrderPriced. */
export type AnswerOutcome = "reserved" | "rejected";

/**
 * The answer given to each priced order, kept so that the same question asked again (the saga's
 * reconciler re-emits OrderPriced with a new event id) gets the same answer, whatever the stock is now:
 * a reservation's customer, total and payment token (its lines are in `reservations`), or a
 * rejection's reason and products.
 */
export const answeredOrders = inventory.table(
  "answered_orders",
  {
    orderId: text("order_id").primaryKey(),
    outcome: text("outcome").$type<AnswerOutcome>().notNull(),
    customerId: text("customer_id").notNull(),
    totalMinor: bigint("total_minor", { mode: "bigint" }).notNull().default(sql`0`),
    currency: text("currency").notNull().default(""),
    // Only while the units are held, for payments to charge: cleared once the order is sold or released.
    // In clear only for orders placed before tokens were sealed; the sealed one (which the inventory
    // cannot open) for every other.
    paymentToken: text("payment_token"),
    sealedPaymentToken: text("sealed_payment_token"),
    reason: text("reason").notNull().default(""),
    productIds: jsonb("product_ids").$type<string[]>().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [check("answered_orders_outcome_known", sql`${table.outcome} in ('reserved', 'rejected')`)],
);

/** Tombstones of cancelled orders: a late OrderPriced of one of them reserves nothing. */
export const cancelledOrders = cancelledOrdersTable(inventory);

/** The inventory's outbox. */
export const outbox = outboxTable(inventory);
/** The inventory's processed-events record. */
export const processedEvents = processedEventsTable(inventory);
