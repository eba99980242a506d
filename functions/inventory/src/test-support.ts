/**
 * What the inventory's tests share: events as its producers send them, and reading back what the
 * inventory emitted. Only tests import this file.
 */
import { create } from "@bufbuild/protobuf";
import { type RunningFunction, toCloudEvent } from "@shop/runtime";
import { publishedEvents } from "@shop/runtime/testing";
import { MoneySchema } from "@shop/schemas/common/v1/money";
import { OrderCancelledSchema, OrderConfirmedSchema } from "@shop/schemas/orders/v1/events";
import { OrderLineSchema } from "@shop/schemas/orders/v1/orders";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";

/** OrderPriced from promotions, for `lines` of [productId, quantity] (names are "Product <id>"). */
export function orderPriced(orderId: string, lines: [string, number][], totalMinor = 1_000n) {
  const message = create(OrderPricedSchema, {
    orderId,
    customerId: "customer-1",
    lines: lines.map(([productId, quantity]) =>
      create(OrderLineSchema, { productId, productName: `Product ${productId}`, quantity }),
    ),
    total: create(MoneySchema, { amountMinor: totalMinor, currency: "EUR" }),
    paymentToken: "tok_visa",
  });
  return toCloudEvent(OrderPricedSchema, message, { source: "/functions/promotions", key: orderId });
}

/** OrderCancelled from orders. */
export function orderCancelled(orderId: string) {
  const message = create(OrderCancelledSchema, { orderId, customerId: "customer-1", reason: "Cancelled." });
  return toCloudEvent(OrderCancelledSchema, message, { source: "/functions/orders", key: orderId });
}

/** OrderConfirmed from orders. */
export function orderConfirmed(orderId: string) {
  const message = create(OrderConfirmedSchema, { orderId, customerId: "customer-1" });
  return toCloudEvent(OrderConfirmedSchema, message, { source: "/functions/orders", key: orderId });
}

/** The events the inventory published under `key` (an order or product id), as [type, message]. */
export async function eventsFor(fn: RunningFunction, key: string) {
  return (await publishedEvents(fn))
    .filter((e) => e.event.partitionkey === key)
    .map((e) => [e.schema.typeName.replace("shop.inventory.v1.", ""), e.message] as const);
}
