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
  on(OrderPricedSchema, onOrderPriced),
  on(OrderCancelledSchema, onOrderCancelled),
  on(OrderConfirmedSchema, onOrderConfirmed),
];
