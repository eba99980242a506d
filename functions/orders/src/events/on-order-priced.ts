/**
 * OrderPriced (promotions): the order is PRICED with its discount, total and promotions.
 */
import type { EventContext } from "@shop/runtime";
import type { OrderPriced } from "@shop/schemas/promotions/v1/events";
import { priceOrder } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";
import { settle } from "./settle.ts";

/** Records the pricing promotions decided. */
export async function onOrderPriced(message: OrderPriced, context: EventContext<OrdersDeps>): Promise<void> {
  const outcome = await priceOrder(context, {
    orderId: message.orderId,
    discountMinor: message.discount?.amountMinor ?? 0n,
    totalMinor: message.total?.amountMinor ?? 0n,
    promotions: message.promotions,
    shippingChargedMinor: message.shipping?.amountMinor,
  });
  settle(context, message.orderId, outcome);
}
