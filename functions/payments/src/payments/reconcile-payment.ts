/**
 * reconcilePayment: the reconciler's step for one payment whose outcome is not final, run on the
 * PingSource tick and on a timer, so an unknown charge is resolved even when no event arrives.
 */
import { lockOrder, type Tx, wasCancelled } from "@shop/runtime";
import { sql } from "drizzle-orm";
import { cancelledOrders, type PaymentStatus, payments } from "../db/schema.ts";
import type { PaymentProvider } from "./provider.ts";
import { advancePayment, findPayment, touchPayment } from "./settle.ts";

/**
 * The orders whose payment is not final (`unknown` or `refunding`), the longest unattended first,
 * at most `limit`: the reconciler's work list.
 */
export async function findUnresolvedPayments(db: Tx["db"], { limit }: { limit: number }): Promise<string[]> {
  const rows = await db
    .select({ orderId: payments.orderId })
    .from(payments)
    // Literal statuses, so Postgres can use the partial index `payments_unresolved`.
    .where(sql`${payments.status} in ('unknown', 'refunding')`)
    .orderBy(payments.updatedAt)
    .limit(limit);
  return rows.map((row) => row.orderId);
}

/**
 * Resolves the payment of `orderId` as far as the provider allows now, as a redelivery would:
 * `unknown` → the status query; approved → PaymentSucceeded (or, for a cancelled order, a refund and
 * PaymentRefunded); declined → PaymentFailed (nothing for a cancelled order); not found → nothing
 * was charged: a cancelled order's payment ends `failed`, any other stays `unknown` for the next
 * StockReserved (redelivered, redriven or re-asked) to charge again with the same key, since only
 * that event carries the payment token. `refunding` → the refund again. Answers where it stands.
 * Safe on several replicas at once: it takes the order's lock and reads the payment under it.
 */
export async function reconcilePayment(
  tx: Tx,
  { orderId }: { orderId: string },
  deps: { provider: PaymentProvider },
): Promise<PaymentStatus | "not-found" | "none"> {
  await lockOrder(tx, "payments", orderId);
  const payment = await findPayment(tx, orderId);
  if (!payment) return "none";
  if (payment.status !== "unknown" && payment.status !== "refunding") return payment.status;
  const cancelled = await wasCancelled(tx, cancelledOrders, orderId);
  const status = await advancePayment(tx, payment, { cancelled, provider: deps.provider });
  if (status === "unknown" || status === "refunding" || status === "not-found") {
    await touchPayment(tx, orderId);
  }
  return status;
}
