/**
 * OrderPlaced (orders): the order, its lines, its coupon and when it was placed. orders sends it again
 * with a new event id for an overdue order: the facts merge by order id, so it counts once.
 */
import type { EventContext } from "@shop/runtime";
import type { OrderPlaced } from "@shop/schemas/orders/v1/events";
import { factLines, factTime, minor } from "../analytics/facts.ts";
import { recordOrderFacts } from "../analytics/record-order-facts.ts";
import { LINES_FROM } from "../db/schema.ts";

/** Handles OrderPlaced: records the order as placed. */
export async function onOrderPlaced(message: OrderPlaced, context: EventContext): Promise<boolean> {
  return recordOrderFacts(context, {
    orderId: message.orderId,
    customerId: message.customerId,
    currency: message.subtotal?.currency,
    placedAt: factTime(message.placedAt, context.event),
    couponCode: message.couponCode,
    subtotalMinor: minor(message.subtotal),
    lines: { from: LINES_FROM.placed, lines: factLines(message.lines) },
  });
}
