/**
 * Everything orders consumes: the one list. The Triggers in knative/base/orders.yaml match it.
 */
import { type EventSubscription, on } from "@shop/runtime";
import { ProductChangedSchema } from "@shop/schemas/catalog/v1/events";
import { StockRejectedSchema, StockReservedSchema } from "@shop/schemas/inventory/v1/events";
import {
  PaymentFailedSchema,
  PaymentRefundedSchema,
  PaymentSucceededSchema,
} from "@shop/schemas/payments/v1/events";
import { OrderPricedSchema, OrderPricingRejectedSchema } from "@shop/schemas/promotions/v1/events";
import {
  ShipmentCancelledSchema,
  ShipmentCreatedSchema,
  ShipmentDeliveredSchema,
  ShipmentDispatchedSchema,
  ShippingOptionChangedSchema,
} from "@shop/schemas/shipping/v1/events";
import type { OrdersDeps } from "../setup.ts";
import { recorded } from "./history.ts";
import { onOrderPriced } from "./on-order-priced.ts";
import { onOrderPricingRejected } from "./on-order-pricing-rejected.ts";
import { onPaymentFailed } from "./on-payment-failed.ts";
import { onPaymentRefunded } from "./on-payment-refunded.ts";
import { onPaymentSucceeded } from "./on-payment-succeeded.ts";
import { onProductChanged } from "./on-product-changed.ts";
import { onShipmentCancelled } from "./on-shipment-cancelled.ts";
import { onShipmentCreated } from "./on-shipment-created.ts";
import { onShipmentDelivered } from "./on-shipment-delivered.ts";
import { onShipmentDispatched } from "./on-shipment-dispatched.ts";
import { onShippingOptionChanged } from "./on-shipping-option-changed.ts";
import { onStockRejected } from "./on-stock-rejected.ts";
import { onStockReserved } from "./on-stock-reserved.ts";

/**
 * The event types orders consumes, each with its handler; those of an order's saga are recorded in
 * the order's history: by the `recorded` hook, or by the step's own UPDATE.
 */
export const subscriptions: EventSubscription<OrdersDeps>[] = [
  // Versioned projections: a redelivery stores nothing, so no processed-event row (idempotent).
  on(ProductChangedSchema, onProductChanged, { idempotent: true }),
  // The happy path's steps record their event in the history with their own UPDATE (updateOrder with
  // `consumed`): one statement each, so the two that emit nothing commit by themselves.
  on(OrderPricedSchema, onOrderPriced, { idempotent: true, autocommit: true }),
  recorded(on(OrderPricingRejectedSchema, onOrderPricingRejected)),
  on(StockReservedSchema, onStockReserved, { idempotent: true, autocommit: true }),
  recorded(on(StockRejectedSchema, onStockRejected)),
  on(PaymentSucceededSchema, onPaymentSucceeded, { idempotent: true }),
  recorded(on(PaymentFailedSchema, onPaymentFailed)),
  recorded(on(PaymentRefundedSchema, onPaymentRefunded)),
  on(ShippingOptionChangedSchema, onShippingOptionChanged, { idempotent: true }),
  recorded(on(ShipmentCreatedSchema, onShipmentCreated)),
  recorded(on(ShipmentDispatchedSchema, onShipmentDispatched)),
  recorded(on(ShipmentDeliveredSchema, onShipmentDelivered)),
  recorded(on(ShipmentCancelledSchema, onShipmentCancelled)),
];
