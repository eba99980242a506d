/**
 * PaymentRefunded (payments): the charge of a cancelled order was given back; the order says so.
 */
import type { EventContext } from "@shop/runtime";
import type { PaymentRefunded } from "@shop/schemas/payments/v1/events";
import { recordRefund } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";
import { settle } from "./settle.ts";

/** Records the refund on the order, for its customer to see. */
export async function onPaymentRefunded(
  message: PaymentRefunded,
  context: EventContext<OrdersDeps>,
): Promise<void> {
  const outcome = await recordRefund(context, {
    orderId: message.orderId,
    amount: { amountMinor: message.amount?.amountMinor ?? 0n, currency: message.amount?.currency ?? "" },
    reason: message.reason,
    refundedAt: context.deps.now(),
  });
  settle(context, message.orderId, outcome);
}
