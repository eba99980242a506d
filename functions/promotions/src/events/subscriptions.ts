/**
 * Everything promotions consumes: the one list (knative/promotions.yaml has one Trigger for each).
 */
import { type EventSubscription, on } from "@shop/runtime";
import { OrderCancelledSchema, OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { onOrderCancelled } from "./on-order-cancelled.ts";
import { onOrderPlaced } from "./on-order-placed.ts";

/** The events promotions consumes, each with its handler. */
export const subscriptions: EventSubscription[] = [
  // The order's outcome row is its OrderPlaced's processed-event record (price-order.ts): a re-ask
  // under a new id gets a processed_events row, the first delivery none.
  on(OrderPlacedSchema, onOrderPlaced, { idempotent: true }),
  on(OrderCancelledSchema, onOrderCancelled),
];
