/**
 * Everything the inventory consumes: the one list (knative/inventory.yaml has one Trigger each).
 */
import { type EventSubscription, on } from "@shop/runtime";
import { OrderCancelledSchema, OrderConfirmedSchema } from "@shop/schemas/orders/v1/events";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";
import { onOrderCancelled } from "./on-order-cancelled.ts";
import { onOrderConfirmed } from "./on-order-confirmed.ts";
import { onOrderPriced } from "./on-order-priced.ts";

/** The inventory's subscriptions. */
export const subscriptions: EventSubscription[] = [
  // Each handler starts with lockOrder(tx, "inventory", orderId): the dispatcher takes that lock with the
  // processed-event record, one statement for both (lockOrder in the runtime's SubscriptionOptions).
  on(OrderPricedSchema, onOrderPriced, { lockOrder: true }),
  on(OrderCancelledSchema, onOrderCancelled, { lockOrder: true }),
  on(OrderConfirmedSchema, onOrderConfirmed, { lockOrder: true }),
];
