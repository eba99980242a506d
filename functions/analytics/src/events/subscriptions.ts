/**
 * Everything analytics consumes: the one list. No Trigger delivers these: the KafkaSource
 * `analytics-events` (knative/base/analytics.yaml) delivers every record of shop.events, in its own
 * consumer group, and the types not listed here are answered 2xx and ignored.
 */
import { type EventSubscription, on } from "@shop/runtime";
import {
  OrderCancelledSchema,
  OrderConfirmedSchema,
  OrderPlacedSchema,
} from "@shop/schemas/orders/v1/events";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";
import { onOrderCancelled } from "./on-order-cancelled.ts";
import { onOrderConfirmed } from "./on-order-confirmed.ts";
import { onOrderPlaced } from "./on-order-placed.ts";
import { onOrderPriced } from "./on-order-priced.ts";

/**
 * The events analytics keeps facts of, each with its handler. Every merge is commutative and
 * idempotent, so a redelivery changes nothing by itself: no processed-event row (`idempotent`), and
 * an event that tells nothing new writes nothing and is answered "duplicate". Each merge is one
 * upsert, which commits by itself (`autocommit`: no BEGIN and COMMIT around it).
 */
export const subscriptions: EventSubscription[] = [
  on(OrderPlacedSchema, onOrderPlaced, { idempotent: true, autocommit: true }),
  on(OrderPricedSchema, onOrderPriced, { idempotent: true, autocommit: true }),
  on(OrderConfirmedSchema, onOrderConfirmed, { idempotent: true, autocommit: true }),
  on(OrderCancelledSchema, onOrderCancelled, { idempotent: true, autocommit: true }),
];
