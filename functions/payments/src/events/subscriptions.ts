/**
 * Everything payments consumes: the one list (knative/payments.yaml has one Trigger each).
 */
import { type EventSubscription, on } from "@shop/runtime";
import { StockReservedSchema } from "@shop/schemas/inventory/v1/events";
import { OrderCancelledSchema } from "@shop/schemas/orders/v1/events";
import type { PaymentsDeps } from "../setup.ts";
import { onOrderCancelled } from "./on-order-cancelled.ts";
import { onStockReserved } from "./on-stock-reserved.ts";

/** The payments' subscriptions. */
export const subscriptions: EventSubscription<PaymentsDeps>[] = [
  // Each handler starts with lockOrder(tx, "payments", orderId): the dispatcher takes that lock with the
  // processed-event record, one statement for both (lockOrder in the runtime's SubscriptionOptions).
  on(StockReservedSchema, onStockReserved, { lockOrder: true }),
  on(OrderCancelledSchema, onOrderCancelled, { lockOrder: true }),
];
