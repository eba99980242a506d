/**
 * refundPayment: gives back what a cancelled order was charged, and remembers the cancellation.
 */
import { create } from "@bufbuild/protobuf";
import { lockOrder, markCancelled, money, type Tx } from "@shop/runtime";
import { PaymentRefundedSchema } from "@shop/schemas/payments/v1/events";
import { eq, sql } from "drizzle-orm";
import { cancelledOrders, payments } from "../db/schema.ts";
import type { PaymentProvider } from "./provider.ts";

/** What refundPayment did. */
export type RefundOutcome = { outcome: "refunded"; paymentId: string } | { outcome: "nothing to refund" };

/**
 * Records that the order is cancelled (so a late StockReserved charges nothing) and, if its payment
 * succeeded with a charge, refunds it in full and emits PaymentRefunded. A second call refunds
 * nothing. A TransientProviderError propagates: nothing is written and the delivery is retried.
 */
export async function refundPayment(
  tx: Tx,
  cancellation: { orderId: string; customerId: string },
  deps: { provider: PaymentProvider },
): Promise<RefundOutcome> {
  await lockOrder(tx, "payments", cancellation.orderId);
  await markCancelled(tx, cancelledOrders, cancellation.orderId);
  const [payment] = await tx.db.select().from(payments).where(eq(payments.orderId, cancellation.orderId));
  if (payment?.status !== "succeeded" || !payment.paymentId) return { outcome: "nothing to refund" };

  const amount = { amountMinor: payment.amountMinor, currency: payment.currency };
  await deps.provider.refund({
    paymentId: payment.paymentId,
    amount,
    idempotencyKey: `refund-${payment.orderId}`,
  });
  await tx.db
    .update(payments)
    .set({ status: "refunded", updatedAt: sql`now()` })
    .where(eq(payments.orderId, payment.orderId));
  const message = create(PaymentRefundedSchema, {
    orderId: payment.orderId,
    customerId: payment.customerId,
    paymentId: payment.paymentId,
    amount: money(amount.amountMinor, amount.currency),
  });
  await tx.emit(PaymentRefundedSchema, message, { key: payment.orderId });
  return { outcome: "refunded", paymentId: payment.paymentId };
}
