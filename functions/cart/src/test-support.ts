/**
 * Helpers of the cart tests (not a test file itself): a started function, events as the other
 * functions would send them, and Connect clients of given callers through the function's own routes
 * and interceptor chain.
 */
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import { type Principal, type RunningFunction, type StartOptions, toCloudEvent } from "@shop/runtime";
import { startForTest, testClient } from "@shop/runtime/testing";
import { CartService } from "@shop/schemas/cart/v1/cart";
import { ProductChangedSchema } from "@shop/schemas/catalog/v1/events";
import { StockChangedSchema } from "@shop/schemas/inventory/v1/events";
import { OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import type { CartConfig } from "./config.ts";
import { cartFunction } from "./function.ts";
import type { CartDeps } from "./setup.ts";

/** A started cart function, with its config and deps typed. */
export type RunningCart = RunningFunction<CartConfig, CartDeps>;

/** Starts cart on PGlite with an in-memory log (`options` as for startForTest). */
export function startCart(options: StartOptions<CartConfig, CartDeps> = {}): Promise<RunningCart> {
  return startForTest(cartFunction, options);
}

/** The CloudEvent of `message` as the function owning its package would publish it, keyed by `key`. */
export function eventOf<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>, key: string) {
  const source = `/functions/${schema.typeName.split(".")[1]}`;
  return toCloudEvent(schema, create(schema, init), { source, key });
}

/** What a test may say about a product; the rest defaults to an active EUR book at 10.00, version 1. */
export interface ProductInit {
  name?: string;
  priceMinor?: bigint;
  active?: boolean;
  version?: bigint;
}

/** The ProductChanged catalog would send for `productId`. */
export function productChanged(productId: string, init: ProductInit = {}) {
  return eventOf(
    ProductChangedSchema,
    {
      productId,
      name: init.name ?? `Product ${productId}`,
      category: "books",
      price: { amountMinor: init.priceMinor ?? 1000n, currency: "EUR" },
      active: init.active ?? true,
      version: init.version ?? 1n,
    },
    productId,
  );
}

/** The StockChanged inventory would send for `productId`. */
export function stockChanged(productId: string, available: number, version: bigint) {
  return eventOf(StockChangedSchema, { productId, available, version }, productId);
}

/** The OrderPlaced orders would send for an order of `productIds` from cart `cartId`. */
export function orderPlaced(
  orderId: string,
  customerId: string,
  cartId: string,
  productIds: string[],
  placedAt: Date,
) {
  return eventOf(
    OrderPlacedSchema,
    {
      orderId,
      customerId,
      cartId,
      lines: productIds.map((productId) => ({ productId, quantity: 1 })),
      placedAt: timestampFromDate(placedAt),
    },
    orderId,
  );
}

/** A CartService client calling as `principal` (a guest when undefined) through the real interceptors. */
export function clientAs(fn: RunningCart, principal?: Principal): Promise<Client<typeof CartService>> {
  return testClient(fn, CartService, principal ? { principal } : {});
}

/** A clock a test moves by hand: the `now` dep of cart, so no test sleeps or reads Date.now(). */
export function testClock(start = new Date("2026-12-01T10:00:00Z")) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    /** Moves the clock `ms` on. */
    advance(ms: number) {
      current += ms;
    },
  };
}
