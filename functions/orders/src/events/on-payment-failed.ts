/**
 * PaymentFailed (payments): the charge was declined; the order is cancelled.
 */
import type { EventContext } from "@shop/runtime";
import { CancellationCause } from "@shop/schemas/orders/v1/events";
import type { PaymentFailed } from "@shop/schemas/payments/v1/events";
import { cancelOrder } from "../orders/cancel-order.ts";
import { settle } from "./settle.ts";

/** Cancels the order with payments' reason (cause PAYMENT_FAILED). */
export async function onPaymentFailed(message: PaymentFailed, context: EventContext): Promise<void> {
  const outcome = await cancelOrder(
    context,
    message.orderId,
    CancellationCause.PAYMENT_FAILED,
    message.reason,
  );
  settle(context, message.orderId, outcome);
}
