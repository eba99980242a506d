import type { EventContext } from "@shop/runtime";
import type { OrderCancelled } from "@shop/schemas/orders/v1/events";
import { releaseStock } from "../inventory/index.ts";

/** OrderCancelled: give back what the order held and remember it is cancelled. */
export async function onOrderCancelled(message: OrderCancelled, tx: EventContext): Promise<void> {
  await releaseStock(message.orderId, tx);
}
