/**
 * PaymentFailed (payments): the charge was declined; the order is cancelled.
 */
import type { EventContext } from "@shop/runtime";
import { CancellationCause } from "@shop/schemas/orders/v1/events";
import type { PaymentFailed } from "@shop/schemas/payments/v1/events";
import { cancelOrder } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";
import { settle } from "./settle.ts";

/** Cancels the order with payments' reason (cause PAYMENT_FAILED). */
export async function onPaymentFailed(
  message: PaymentFailed,
  context: EventContext<OrdersDeps>,
): Promise<void> {
  const outcome = await cancelOrder(context, {
    orderId: message.orderId,
    cause: CancellationCause.PAYMENT_FAILED,
    reason: message.reason,
  });
  settle(context, message.orderId, outcome);
}
