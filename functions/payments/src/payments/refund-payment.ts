/**
 * refundPayment: gives back what a cancelled order was charged, and remembers the cancellation.
 */
import { lockOrder, markCancelled, type Tx } from "@shop/runtime";
import { cancelledOrders } from "../db/schema.ts";
import { chargeOutcomeUnknown, refundUnconfirmed } from "./errors.ts";
import type { PaymentProvider } from "./provider.ts";
import { advancePayment, findPayment } from "./settle.ts";

/** What refundPayment did. */
export type RefundOutcome = { outcome: "refunded"; paymentId: string } | { outcome: "nothing to refund" };

/**
 * Records that the order is cancelled (so a late StockReserved charges nothing) and gives back what
 * it was charged: a succeeded charge is refunded in full (`refund-<orderId>` idempotency key) and
 * PaymentRefunded tells the customer. A charge whose outcome is `unknown` is resolved first by the
 * provider's status query: one that went through after all is refunded the same way, one the
 * provider never took ends `failed` ("nothing was charged"). A second call refunds nothing.
 * When the provider cannot answer, what is known is kept (the tombstone, a `refunding` payment) and
 * refundUnconfirmed / chargeOutcomeUnknown is thrown: the delivery is retried, and the reconciler
 * finishes the work on its tick if no redelivery comes.
 */
export async function refundPayment(
  tx: Tx,
  cancellation: { orderId: string; customerId: string },
  deps: { provider: PaymentProvider },
): Promise<RefundOutcome> {
  const { orderId } = cancellation;
  await lockOrder(tx, "payments", orderId);
  await markCancelled(tx, cancelledOrders, orderId);
  const payment = await findPayment(tx, orderId);
  if (!payment || payment.status === "refunded") return { outcome: "nothing to refund" };

  const status = await advancePayment(tx, payment, { cancelled: true, provider: deps.provider });
  if (status === "unknown") throw chargeOutcomeUnknown(orderId);
  if (status === "refunding") throw refundUnconfirmed(orderId);
  if (status !== "refunded") return { outcome: "nothing to refund" };
  return { outcome: "refunded", paymentId: (await findPayment(tx, orderId))?.paymentId ?? "" };
}
