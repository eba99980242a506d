/**
 * Everything catalog consumes: the one list (knative/catalog.yaml has one Trigger per entry).
 */
import { type EventSubscription, on } from "@shop/runtime";
import { StockChangedSchema } from "@shop/schemas/inventory/v1/events";
import type { CatalogDeps } from "../setup.ts";
import { onStockChanged } from "./on-stock-changed.ts";

/** catalog's subscriptions. */
export const subscriptions: EventSubscription<CatalogDeps>[] = [
  // Versioned, one statement (stock and product together), so no transaction around it: a
  // StockChanged comes with every order.
  on(StockChangedSchema, onStockChanged, { idempotent: true, autocommit: true }),
];
