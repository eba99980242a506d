/**
 * Helpers of the orders tests (not a test file itself): a started function, events as the other
 * functions would send them, and Connect clients of given callers through the function's own routes
 * and interceptor chain.
 */
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { type Client, type Code, ConnectError } from "@connectrpc/connect";
import { type Principal, type RunningFunction, type StartOptions, toCloudEvent } from "@shop/runtime";
import { publishedEvents, startForTest, testClient } from "@shop/runtime/testing";
import { ProductChangedSchema } from "@shop/schemas/catalog/v1/events";
import { OrderService } from "@shop/schemas/orders/v1/orders";
import { ShippingOptionChangedSchema } from "@shop/schemas/shipping/v1/events";
import type { OrdersConfig } from "./config.ts";
import { ordersFunction } from "./function.ts";
import type { OrdersDeps } from "./setup.ts";

/** A started orders function, with its config and deps typed. */
export type RunningOrders = RunningFunction<OrdersConfig, OrdersDeps>;

/** Starts orders on PGlite with an in-memory log (`options` as for startForTest). */
export function startOrders(options: StartOptions<OrdersConfig, OrdersDeps> = {}): Promise<RunningOrders> {
  return startForTest(ordersFunction, options);
}

/** The CloudEvent of `message` as the function owning its package would publish it, keyed by `key`. */
export function eventOf<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>, key: string) {
  const source = `/functions/${schema.typeName.split(".")[1]}`;
  return toCloudEvent(schema, create(schema, init), { source, key });
}

/** What a test may say about a product; the rest defaults to an active EUR book at 10.00, version 1. */
export interface ProductInit {
  name?: string;
  category?: string;
  priceMinor?: bigint;
  currency?: string;
  active?: boolean;
  version?: bigint;
}

/** Delivers ProductChanged for `productId` as catalog would send it. */
export async function putProduct(fn: RunningOrders, productId: string, init: ProductInit = {}) {
  return fn.receive(
    eventOf(
      ProductChangedSchema,
      {
        productId,
        name: init.name ?? `Product ${productId}`,
        category: init.category ?? "books",
        price: { amountMinor: init.priceMinor ?? 1000n, currency: init.currency ?? "EUR" },
        active: init.active ?? true,
        version: init.version ?? 1n,
      },
      productId,
    ),
  );
}

/** An OrderService client calling as `principal` through the same routes and interceptors as the server. */
export function clientAs(fn: RunningOrders, principal: Principal): Promise<Client<typeof OrderService>> {
  return testClient(fn, OrderService, { principal });
}

/** The events orders published so far, as [type, message] pairs, optionally of one order only. */
export async function emitted(fn: RunningOrders, orderId?: string) {
  const events = await publishedEvents(fn);
  return events
    .filter((decoded) => orderId === undefined || decoded.event.partitionkey === orderId)
    .map((decoded) => ({
      id: decoded.event.id,
      type: decoded.event.type,
      key: decoded.event.partitionkey,
      message: decoded.message,
    }));
}

/** A clock a test moves by hand: the `now` dep of orders, so no test sleeps or reads Date.now(). */
export function testClock(start = new Date()) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    /** Moves the clock `ms` on. */
    advance(ms: number) {
      current += ms;
    },
  };
}

/**
 * Delivers the saga event `schema` of order `orderId` as its producer would send it (customer
 * `customerId` unless `init` says otherwise).
 */
export function deliverFor<Desc extends DescMessage>(
  fn: RunningOrders,
  schema: Desc,
  orderId: string,
  init: MessageInitShape<Desc>,
  customerId = "erin",
) {
  return fn.receive(eventOf(schema, { orderId, customerId, ...init } as MessageInitShape<Desc>, orderId));
}

/** What a test may say about a shipping option; the rest defaults to 4.90 EUR to DE and FR, version 1. */
export interface ShippingOptionInit {
  name?: string;
  priceMinor?: bigint;
  currency?: string;
  countries?: string[];
  active?: boolean;
  version?: bigint;
}

/** The CloudEvent of ShippingOptionChanged for `optionId` as shipping would send it. */
export function shippingOptionEvent(optionId: string, init: ShippingOptionInit = {}) {
  return eventOf(
    ShippingOptionChangedSchema,
    {
      optionId,
      name: init.name ?? `Option ${optionId}`,
      price: { amountMinor: init.priceMinor ?? 490n, currency: init.currency ?? "EUR" },
      minDays: 2,
      maxDays: 4,
      countries: init.countries ?? ["DE", "FR"],
      active: init.active ?? true,
      version: init.version ?? 1n,
    },
    optionId,
  );
}

/** Delivers ShippingOptionChanged for `optionId` as shipping would send it. */
export function putShippingOption(fn: RunningOrders, optionId: string, init: ShippingOptionInit = {}) {
  return fn.receive(shippingOptionEvent(optionId, init));
}

/** A complete address in Berlin; `override` changes parts of it. */
export function berlin(
  override: Partial<Record<"name" | "line1" | "line2" | "city" | "postcode" | "country", string>> = {},
) {
  return {
    name: "Ada Lovelace",
    line1: "Unter den Linden 1",
    line2: "",
    city: "Berlin",
    postcode: "10117",
    country: "DE",
    ...override,
  };
}

/** The Connect code and message a call was refused with (fails the test if it was not refused). */
export async function refusal(call: Promise<unknown>): Promise<{ code: Code; message: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConnectError)) throw new Error(`expected a ConnectError, got ${String(error)}`);
  return { code: error.code, message: error.rawMessage };
}
