/**
 * What a saga participant needs to handle one order's events safely when they arrive at once or out
 * of order: a per-order lock for the transaction, and a tombstone that says the order was cancelled,
 * so a late event of it does nothing.
 */
import { eq, sql } from "drizzle-orm";
import { type PgSchema, text, timestamp } from "drizzle-orm/pg-core";
import type { Tx } from "../outbox/outbox.ts";

/** The tombstones of cancelled orders, in the schema of the function that keeps them. */
export function cancelledOrdersTable(schema: PgSchema) {
  return schema.table("cancelled_orders", {
    orderId: text("order_id").primaryKey(),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }).notNull().defaultNow(),
  });
}

/** A `cancelled_orders` table made by `cancelledOrdersTable`. */
export type CancelledOrdersTable = ReturnType<typeof cancelledOrdersTable>;

/**
 * Serialises what `scope` (the function's name) does for one order until the transaction ends.
 * Events of one order reach a function through separate Triggers, so two can be handled at once;
 * take this first in a transaction, and only once, so it cannot deadlock with row locks.
 */
export async function lockOrder(tx: Pick<Tx, "db" | "locks">, scope: string, orderId: string): Promise<void> {
  const key = orderLockKey(scope, orderId);
  // Taken already in this transaction (the dispatcher's, with the processed-event record): held.
  if (tx.locks?.has(key)) return;
  await tx.db.execute(sql`select ${orderLock(scope, orderId)}`);
  tx.locks?.add(key);
}

/** The SQL that takes `scope`'s lock of `orderId` until the transaction ends (see lockOrder). */
export function orderLock(scope: string, orderId: string) {
  return sql`pg_advisory_xact_lock(hashtext(${`${scope}.order`}), hashtext(${orderId}))`;
}

/** How a transaction's `locks` name the lock of `orderId` in `scope`. */
export function orderLockKey(scope: string, orderId: string): string {
  return `${scope}.order:${orderId}`;
}

/** Records that `orderId` was cancelled (idempotent). */
export async function markCancelled(tx: Pick<Tx, "db">, table: CancelledOrdersTable, orderId: string) {
  await tx.db.insert(table).values({ orderId }).onConflictDoNothing();
}

/** Whether `orderId` was cancelled: its late events change nothing. */
export async function wasCancelled(
  tx: Pick<Tx, "db">,
  table: CancelledOrdersTable,
  orderId: string,
): Promise<boolean> {
  const rows = await tx.db.select({ orderId: table.orderId }).from(table).where(eq(table.orderId, orderId));
  return rows.length > 0;
}
