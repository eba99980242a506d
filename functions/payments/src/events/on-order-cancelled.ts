import type { EventContext } from "@shop/runtime";
import type { OrderCancelled } from "@shop/schemas/orders/v1/events";
import { providerOf, refundPayment } from "../payments/index.ts";

/** OrderCancelled: refund the order's charge, if any, and remember it is cancelled. */
export async function onOrderCancelled(message: OrderCancelled, context: EventContext): Promise<void> {
  await refundPayment(
    { orderId: message.orderId, customerId: message.customerId },
    context,
    providerOf(context.app),
  );
}
