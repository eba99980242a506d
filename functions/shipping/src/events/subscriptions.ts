/**
 * Everything shipping consumes: the one list. The Triggers in knative/base/shipping.yaml match it.
 */
import { type EventSubscription, on } from "@shop/runtime";
import { OrderCancelledSchema, OrderConfirmedSchema } from "@shop/schemas/orders/v1/events";
import type { ShippingDeps } from "../setup.ts";
import { onOrderCancelled } from "./on-order-cancelled.ts";
import { onOrderConfirmed } from "./on-order-confirmed.ts";

/**
 * The event types shipping consumes, each with its handler. OrderConfirmed is `idempotent`: the
 * order's one shipment is its record (on-order-confirmed.ts).
 */
export const subscriptions: EventSubscription<ShippingDeps>[] = [
  // An order that ships nothing (no address) asks nothing of shipping: no transaction for it.
  on(OrderConfirmedSchema, onOrderConfirmed, {
    idempotent: true,
    when: (order) => order.shipping?.address !== undefined,
  }),
  on(OrderCancelledSchema, onOrderCancelled),
];
