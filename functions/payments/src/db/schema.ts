/**
 * The payments' tables, in its own Postgres schema `payments`.
 */
import { cancelledOrdersTable, outboxTable, processedEventsTable } from "@shop/runtime";
import { sql } from "drizzle-orm";
import { bigint, check, integer, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

/** The `payments` Postgres schema. */
export const paymentsSchema = pgSchema("payments");

/**
 * Where the payment of an order stands: `charging` while attempts fail transiently, then one of
 * the final `succeeded` or `failed`; `refunded` after a cancellation of a succeeded one.
 */
export type PaymentStatus = "charging" | "succeeded" | "failed" | "refunded";

/** One payment per order (the order id is also the provider's idempotency key). */
export const payments = paymentsSchema.table(
  "payments",
  {
    orderId: text("order_id").primaryKey(),
    customerId: text("customer_id").notNull(),
    amountMinor: bigint("amount_minor", { mode: "bigint" }).notNull(),
    currency: text("currency").notNull(),
    status: text("status").$type<PaymentStatus>().notNull(),
    // The provider's id of the charge; null when nothing was charged.
    paymentId: text("payment_id"),
    // Charge attempts that failed transiently, counted in their own transactions.
    attempts: integer("attempts").notNull().default(0),
    // The sentence PaymentFailed gave the customer.
    failureReason: text("failure_reason"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check("payments_status_known", sql`${table.status} in ('charging', 'succeeded', 'failed', 'refunded')`),
    check("payments_amount_not_negative", sql`${table.amountMinor} >= 0`),
  ],
);

/** Tombstones of cancelled orders: a late StockReserved of one of them charges nothing. */
export const cancelledOrders = cancelledOrdersTable(paymentsSchema);

/** The payments' outbox. */
export const outbox = outboxTable(paymentsSchema);
/** The payments' processed-events record. */
export const processedEvents = processedEventsTable(paymentsSchema);
