import type { EventContext } from "@shop/runtime";
import type { OrderConfirmed } from "@shop/schemas/orders/v1/events";
import { sellStock } from "../inventory/index.ts";

/** OrderConfirmed: the order's held units are sold. */
export async function onOrderConfirmed(message: OrderConfirmed, tx: EventContext): Promise<void> {
  await sellStock(message.orderId, tx);
}
