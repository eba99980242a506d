/**
 * The payments' tables, in its own Postgres schema `payments`.
 */
import { cancelledOrdersTable, outboxTable, processedEventsTable } from "@shop/runtime";
import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

/** The `payments` Postgres schema. */
export const paymentsSchema = pgSchema("payments");

/**
 * Where the payment of an order stands (README: "A charge's states"):
 * - `unknown`: a charge was sent and its answer was lost (timeout, connection reset): it may or may
 *   not have been made, until the provider's status query says;
 * - `succeeded`, `failed`: what the provider answered (or nothing to charge: a zero total);
 * - `refunding`: the order was cancelled after the charge succeeded, the refund is not confirmed yet;
 * - `refunded`: given back.
 */
export type PaymentStatus = "unknown" | "succeeded" | "failed" | "refunding" | "refunded";

/** One payment per order. */
export const payments = paymentsSchema.table(
  "payments",
  {
    orderId: text("order_id").primaryKey(),
    customerId: text("customer_id").notNull(),
    amountMinor: bigint("amount_minor", { mode: "bigint" }).notNull(),
    currency: text("currency").notNull(),
    status: text("status").$type<PaymentStatus>().notNull(),
    // The idempotency key the charge was sent with (`order:<orderId>:charge`; the order id itself for
    // rows from before keys were stored), so a retry or a status query names the same charge.
    chargeKey: text("charge_key").notNull(),
    // The provider's id of the charge; null when nothing was charged.
    paymentId: text("payment_id"),
    // The sentence PaymentFailed gave the customer (or why nothing was charged).
    failureReason: text("failure_reason"),
    // Whether the charge was confirmed only after the order had been cancelled (its outcome had been
    // unknown): the refund tells the customer so.
    chargedAfterCancellation: boolean("charged_after_cancellation").notNull().default(false),
    // When the row last changed or, while unresolved, was last looked at by the reconciler.
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check(
      "payments_status_known",
      sql`${table.status} in ('unknown', 'succeeded', 'failed', 'refunding', 'refunded')`,
    ),
    check("payments_amount_not_negative", sql`${table.amountMinor} >= 0`),
    // The reconciler's work list: only the few payments not yet resolved.
    index("payments_unresolved").on(table.updatedAt).where(sql`${table.status} in ('unknown', 'refunding')`),
  ],
);

/** A payments row. */
export type Payment = typeof payments.$inferSelect;

/** Tombstones of cancelled orders: a late StockReserved of one of them charges nothing. */
export const cancelledOrders = cancelledOrdersTable(paymentsSchema);

/** The payments' outbox. */
export const outbox = outboxTable(paymentsSchema);
/** The payments' processed-events record. */
export const processedEvents = processedEventsTable(paymentsSchema);
