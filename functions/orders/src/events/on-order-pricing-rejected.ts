/**
 * OrderPricingRejected (promotions): the coupon cannot be used; the order is cancelled.
 */
import type { EventContext } from "@shop/runtime";
import { CancellationCause } from "@shop/schemas/orders/v1/events";
import type { OrderPricingRejected } from "@shop/schemas/promotions/v1/events";
import { cancelOrder } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";
import { settle } from "./settle.ts";

/** Cancels the order with promotions' reason (cause PRICING_REJECTED). */
export async function onOrderPricingRejected(
  message: OrderPricingRejected,
  context: EventContext<OrdersDeps>,
): Promise<void> {
  const outcome = await cancelOrder(context, {
    orderId: message.orderId,
    cause: CancellationCause.PRICING_REJECTED,
    reason: message.reason,
  });
  settle(context, message.orderId, outcome);
}
