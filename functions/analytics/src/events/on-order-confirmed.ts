/**
 * OrderConfirmed (orders): the order is paid; its total counts as revenue on the day it was confirmed.
 */
import type { EventContext } from "@shop/runtime";
import type { OrderConfirmed } from "@shop/schemas/orders/v1/events";
import { factLines, factTime, minor } from "../analytics/facts.ts";
import { recordOrderFacts } from "../analytics/record-order-facts.ts";
import { LINES_FROM } from "../db/schema.ts";

/** Handles OrderConfirmed: records the order as confirmed, with its receipt when the event has one. */
export async function onOrderConfirmed(message: OrderConfirmed, context: EventContext): Promise<boolean> {
  return recordOrderFacts(context, {
    orderId: message.orderId,
    customerId: message.customerId,
    currency: message.total?.currency,
    confirmedTotalMinor: minor(message.total),
    confirmedAt: factTime(message.confirmedAt, context.event),
    // Older OrderConfirmed events carry only the total: the other facts then come from OrderPlaced
    // and OrderPriced.
    ...(message.subtotal ? { subtotalMinor: message.subtotal.amountMinor } : {}),
    ...(message.discount ? { discountMinor: message.discount.amountMinor } : {}),
    ...(message.couponCode ? { couponCode: message.couponCode } : {}),
    ...(message.lines.length > 0
      ? { lines: { from: LINES_FROM.confirmed, lines: factLines(message.lines) } }
      : {}),
  });
}
