/**
 * OrderConfirmed (from orders): the order is paid.
 */
import type { EventContext } from "@shop/runtime";
import type { OrderConfirmed } from "@shop/schemas/orders/v1/events";
import { sellStock } from "../inventory/index.ts";

/** The order's held units are sold. */
export async function onOrderConfirmed(message: OrderConfirmed, context: EventContext): Promise<void> {
  await sellStock(context, message.orderId);
}
