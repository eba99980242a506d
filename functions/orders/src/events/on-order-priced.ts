/**
 * OrderPriced (promotions): the order is PRICED with its discount, total and promotions.
 */
import type { EventContext } from "@shop/runtime";
import type { OrderPriced } from "@shop/schemas/promotions/v1/events";
import { consumedEvent, priceOrder } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";
import { settleStep } from "./settle.ts";

/** Records the pricing promotions decided. */
export async function onOrderPriced(
  message: OrderPriced,
  context: EventContext<OrdersDeps>,
): Promise<boolean> {
  const outcome = await priceOrder(context, {
    orderId: message.orderId,
    consumed: consumedEvent(context.event, message.orderId),
    discountMinor: message.discount?.amountMinor ?? 0n,
    totalMinor: message.total?.amountMinor ?? 0n,
    promotions: message.promotions,
    shippingChargedMinor: message.shipping?.amountMinor,
  });
  return settleStep(context, message.orderId, outcome);
}
