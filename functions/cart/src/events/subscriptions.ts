/**
 * Everything cart consumes: the one list (knative/base/cart.yaml has one Trigger for each).
 */
import { type EventSubscription, on } from "@shop/runtime";
import { ProductChangedSchema } from "@shop/schemas/catalog/v1/events";
import { StockChangedSchema } from "@shop/schemas/inventory/v1/events";
import { OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import type { CartDeps } from "../setup.ts";
import { onOrderPlaced } from "./on-order-placed.ts";
import { onProductChanged } from "./on-product-changed.ts";
import { onStockChanged } from "./on-stock-changed.ts";

/** The events cart consumes, each with its handler. */
export const subscriptions: EventSubscription<CartDeps>[] = [
  // Versioned projections: a redelivery stores nothing, so no processed-event row (idempotent).
  on(ProductChangedSchema, onProductChanged, { idempotent: true }),
  // One upsert, so no transaction around it (autocommit): a StockChanged comes with every order.
  on(StockChangedSchema, onStockChanged, { idempotent: true, autocommit: true }),
  // The order's claim (consumed_orders, one per order) is its record: idempotent too. An order placed
  // without a cart (through the API) asks nothing of cart: no transaction for it.
  on(OrderPlacedSchema, onOrderPlaced, { idempotent: true, when: (order) => order.cartId !== "" }),
];
