/**
 * PaymentSucceeded (payments): the order is paid; it is CONFIRMED.
 */
import type { EventContext } from "@shop/runtime";
import type { PaymentSucceeded } from "@shop/schemas/payments/v1/events";
import { confirmOrder, consumedEvent } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";
import { settleStep } from "./settle.ts";

/** Confirms the order and emits OrderConfirmed. */
export async function onPaymentSucceeded(
  message: PaymentSucceeded,
  context: EventContext<OrdersDeps>,
): Promise<boolean> {
  const outcome = await confirmOrder(context, {
    orderId: message.orderId,
    consumed: consumedEvent(context.event, message.orderId),
    amountMinor: message.amount?.amountMinor ?? 0n,
  });
  return settleStep(context, message.orderId, outcome);
}
