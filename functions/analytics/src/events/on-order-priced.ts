/**
 * OrderPriced (promotions): the discount the order's promotions and coupon give, and its total.
 */
import type { EventContext } from "@shop/runtime";
import type { OrderPriced } from "@shop/schemas/promotions/v1/events";
import { factLines, minor } from "../analytics/facts.ts";
import { recordOrderFacts } from "../analytics/record-order-facts.ts";
import { LINES_FROM } from "../db/schema.ts";

/** Handles OrderPriced: records the order's discount and total. */
export async function onOrderPriced(message: OrderPriced, context: EventContext): Promise<boolean> {
  return recordOrderFacts(context, {
    orderId: message.orderId,
    customerId: message.customerId,
    currency: message.total?.currency,
    subtotalMinor: minor(message.subtotal),
    discountMinor: minor(message.discount),
    pricedTotalMinor: minor(message.total),
    ...(message.lines.length > 0
      ? { lines: { from: LINES_FROM.priced, lines: factLines(message.lines) } }
      : {}),
  });
}
