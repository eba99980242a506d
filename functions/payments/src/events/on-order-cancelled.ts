/**
 * OrderCancelled (orders): give back what the order was charged.
 */
import type { EventContext } from "@shop/runtime";
import type { OrderCancelled } from "@shop/schemas/orders/v1/events";
import { refundPayment } from "../payments/index.ts";
import type { PaymentsDeps } from "../setup.ts";

/** OrderCancelled: refund the order's charge, if any, and remember it is cancelled. */
export async function onOrderCancelled(
  message: OrderCancelled,
  context: EventContext<PaymentsDeps>,
): Promise<void> {
  await refundPayment(context, { orderId: message.orderId, customerId: message.customerId }, context.deps);
}
