/**
 * A step of the saga refused the order: it is CANCELLED with a reason, and OrderCancelled asks every
 * step to compensate what it did for it.
 */
import type { Tx } from "@shop/runtime";
import { CancellationCause, OrderCancelledSchema } from "@shop/schemas/orders/v1/events";
import { sql } from "drizzle-orm";
import { toOrderCancelled } from "./messages.ts";
import { advance, type SagaOutcome } from "./transition.ts";

/** Said to the customer when the refusing step (or the customer) gave no sentence of its own. */
export const DEFAULT_REASONS: Record<CancellationCause, string> = {
  [CancellationCause.UNSPECIFIED]: "Your order was cancelled.",
  [CancellationCause.PRICING_REJECTED]: "Your coupon could not be applied to this order.",
  [CancellationCause.OUT_OF_STOCK]: "Some products of your order are out of stock.",
  [CancellationCause.PAYMENT_FAILED]: "Your payment did not go through.",
  [CancellationCause.TIMED_OUT]: "We could not complete your order in time, so we cancelled it.",
  [CancellationCause.CUSTOMER_REQUESTED]: "You cancelled this order.",
  [CancellationCause.ADMIN_REQUESTED]: "Our team cancelled this order.",
};

/** A step's refusal of an order: which order, which step (`cause`), and its sentence, if any. */
export interface CancelOrderInput {
  orderId: string;
  cause: CancellationCause;
  reason: string;
}

/**
 * Cancels a non-final order and emits OrderCancelled with `cause` and `reason`, cancelled by the
 * system. A CONFIRMED order is final for the saga: only CancelOrder (request-cancellation.ts) ends it.
 */
export async function cancelOrder(
  tx: Tx,
  { orderId, cause, reason }: CancelOrderInput,
): Promise<SagaOutcome> {
  const cancelReason = reason.trim() || DEFAULT_REASONS[cause];
  // The payment token is not kept past the saga: a final order is never asked for again.
  const outcome = await advance(tx.db, orderId, "CANCELLED", {
    cancelReason,
    paymentToken: null,
    sealedPaymentToken: null,
    cancelledBy: "SYSTEM",
    cancelledById: "",
    cancelledAt: sql`now()`,
  });
  if (outcome.kind === "applied") {
    const { order } = outcome;
    await tx.emit(OrderCancelledSchema, toOrderCancelled(order, cause, false), { key: order.id });
  }
  return outcome;
}
