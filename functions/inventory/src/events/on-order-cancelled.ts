/**
 * OrderCancelled (from orders): the order will not go on.
 */
import type { EventContext } from "@shop/runtime";
import type { OrderCancelled } from "@shop/schemas/orders/v1/events";
import { releaseStock } from "../inventory/index.ts";

/** Gives back what the order held and remembers it is cancelled. */
export async function onOrderCancelled(message: OrderCancelled, context: EventContext): Promise<void> {
  await releaseStock(context, message.orderId);
}
