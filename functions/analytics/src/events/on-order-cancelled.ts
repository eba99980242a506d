/**
 * OrderCancelled (orders): the order is cancelled, with its cause; a confirmed order cancelled later
 * leaves the revenue.
 */
import type { EventContext } from "@shop/runtime";
import type { OrderCancelled } from "@shop/schemas/orders/v1/events";
import { factTime } from "../analytics/facts.ts";
import { recordOrderFacts } from "../analytics/record-order-facts.ts";

/** Handles OrderCancelled: records the order as cancelled, when and why. */
export async function onOrderCancelled(message: OrderCancelled, context: EventContext): Promise<boolean> {
  return recordOrderFacts(context, {
    orderId: message.orderId,
    customerId: message.customerId,
    cancelledAt: factTime(message.cancellation?.cancelledAt, context.event),
    cancelCause: message.cause,
    wasConfirmed: message.wasConfirmed,
  });
}
