/**
 * What the inventory's tests share: a started inventory and clients of it through its own
 * interceptors, stock set and read as an administrator would, events as its producers send them, and
 * reading back what the inventory emitted. Only tests import this file.
 */
import { create, isMessage } from "@bufbuild/protobuf";
import { type Principal, type RunningFunction, type StartOptions, toCloudEvent } from "@shop/runtime";
import { publishedEvents, startForTest, testClient } from "@shop/runtime/testing";
import { MoneySchema } from "@shop/schemas/common/v1/money";
import { StockChangedSchema } from "@shop/schemas/inventory/v1/events";
import { InventoryService } from "@shop/schemas/inventory/v1/inventory";
import { OrderCancelledSchema, OrderConfirmedSchema } from "@shop/schemas/orders/v1/events";
import { OrderLineSchema } from "@shop/schemas/orders/v1/orders";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";
import type { InventoryConfig } from "./config.ts";
import { inventoryFunction } from "./function.ts";
import { getStock, type StockLevel, setStock } from "./inventory/index.ts";

/** A started inventory. */
export type Inventory = RunningFunction<InventoryConfig, undefined>;

/** Starts the inventory on PGlite with an in-memory log, unless `options` say otherwise. */
export function startInventory(options: StartOptions<InventoryConfig, undefined> = {}): Promise<Inventory> {
  return startForTest(inventoryFunction, options);
}

/** An InventoryService client of `fn` calling as `principal` (anonymous without one). */
export function inventoryClient(fn: Inventory, principal?: Principal) {
  return testClient(fn, InventoryService, principal ? { principal } : {});
}

/** Sets the available units of `productId`, as SetStock does. */
export function stocked(fn: Inventory, productId: string, available: number): Promise<StockLevel> {
  return fn.app.transaction((tx) => setStock(tx, { productId, available }, { userId: "admin-1" }));
}

/** The stock of `productId`, as GetStock answers it. */
export function stockOf(fn: Inventory, productId: string): Promise<StockLevel> {
  return getStock(fn.app.db, { productId });
}

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

/** The [version, available] of every StockChanged the inventory published for `productId`, in order. */
export async function stockChanges(fn: RunningFunction, productId: string): Promise<[bigint, number][]> {
  return (await publishedEvents(fn)).flatMap(({ event, message }) =>
    event.partitionkey === productId && isMessage(message, StockChangedSchema)
      ? [[message.version, message.available] as [bigint, number]]
      : [],
  );
}

/** The events the inventory published under `key` (an order or product id), as [type, message]. */
export async function eventsFor(fn: RunningFunction, key: string) {
  return (
    (await publishedEvents(fn))
      // The inventory's own events: SetStock's audit entries (AdminActionRecorded) share the key.
      .filter((e) => e.event.partitionkey === key && e.event.type.startsWith("shop.inventory."))
      .map((e) => [e.schema.typeName.replace("shop.inventory.v1.", ""), e.message] as const)
  );
}
