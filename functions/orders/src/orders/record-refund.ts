/**
 * PaymentRefunded: the charge of a cancelled order was given back; the customer sees it on the order.
 */
import type { Tx } from "@shop/runtime";
import { and, eq, isNull } from "drizzle-orm";
import { orders } from "../db/schema.ts";
import { type SagaOutcome, updateOrder } from "./transition.ts";

// Said to the customer when payments gave no sentence of its own.
const DEFAULT_REFUND_REASON = "The charge for this order was refunded to your payment method.";

/** A refund payments made: of which order, how much, why, and when it was recorded. */
export interface RecordRefundInput {
  orderId: string;
  amount: { amountMinor: bigint; currency: string };
  reason: string;
  refundedAt: Date;
}

/**
 * Records the refund on the order, once (payments refunds a charge once, in full; a repeated
 * PaymentRefunded changes nothing). The status stays as it is: only a cancelled order is refunded.
 */
export async function recordRefund(tx: Tx, refund: RecordRefundInput): Promise<SagaOutcome> {
  return updateOrder(
    tx.db,
    refund.orderId,
    {
      refund: {
        amountMinor: refund.amount.amountMinor.toString(),
        currency: refund.amount.currency,
        reason: refund.reason.trim() || DEFAULT_REFUND_REASON,
        refundedAt: refund.refundedAt.toISOString(),
      },
    },
    and(eq(orders.id, refund.orderId), isNull(orders.refund)),
  );
}
