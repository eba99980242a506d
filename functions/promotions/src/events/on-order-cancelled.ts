/**
 * OrderCancelled (orders): give back what the order redeemed.
 */
import type { EventContext } from "@shop/runtime";
import type { OrderCancelled } from "@shop/schemas/orders/v1/events";
import { releaseOrder } from "../promotions/release-order.ts";

/** Handles OrderCancelled: releases the order's redemptions and records the cancellation. */
export async function onOrderCancelled(message: OrderCancelled, context: EventContext): Promise<void> {
  await releaseOrder(context, { orderId: message.orderId, customerId: message.customerId, now: new Date() });
}
