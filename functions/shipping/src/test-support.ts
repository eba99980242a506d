/**
 * Helpers of the shipping tests (not a test file itself): a started function on a hand-moved clock,
 * events as orders sends them, what shipping published, and ShippingService clients of given callers
 * through the function's own routes and interceptor chain.
 */
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import { money, type Principal, type RunningFunction, type StartOptions, toCloudEvent } from "@shop/runtime";
import { publishedEvents, startForTest, testClient } from "@shop/runtime/testing";
import {
  CancellationCause,
  OrderCancelledSchema,
  OrderConfirmedSchema,
} from "@shop/schemas/orders/v1/events";
import { ShippingService } from "@shop/schemas/shipping/v1/shipping";
import type { ShippingConfig } from "./config.ts";
import { shippingFunction } from "./function.ts";
import type { ShippingDeps } from "./setup.ts";

/** A started shipping function, with its config and deps typed. */
export type RunningShipping = RunningFunction<ShippingConfig, ShippingDeps>;

/** A clock a test moves by hand (shipping's `now`), so no test sleeps or reads Date.now(). */
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

/**
 * Starts shipping on PGlite with an in-memory log, ticking only when the test says (`fn.tick()`),
 * with the dev carrier as `devCarrier` says (default: off) and `clock` as its clock.
 */
export function startShipping(
  options: {
    clock?: ReturnType<typeof testClock>;
    devCarrier?: Partial<ShippingConfig["devCarrier"]>;
    start?: StartOptions<ShippingConfig, ShippingDeps>;
  } = {},
): Promise<RunningShipping> {
  const devCarrier = { enabled: false, dispatchAfterMs: 1_000, deliverAfterMs: 2_000, ...options.devCarrier };
  return startForTest(shippingFunction, {
    ...options.start,
    config: { tickIntervalMs: 0, ...options.start?.config },
    deps: { devCarrier, ...(options.clock ? { now: options.clock.now } : {}), ...options.start?.deps },
  });
}

/** The CloudEvent of `message` as orders would publish it, keyed by `key`. */
export function eventOf<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>, key: string) {
  return toCloudEvent(schema, create(schema, init), { source: "/functions/orders", key });
}

/** A delivery address in `country` (DE unless told). */
export function address(country = "DE") {
  return {
    name: "Erin Example",
    line1: "Hauptstr. 1",
    line2: "",
    city: "Berlin",
    postcode: "10115",
    country,
  };
}

/**
 * OrderConfirmed of `orderId` as orders sends it: with standard shipping to `address()` unless
 * `ships` is false (an order that ships nothing).
 */
export function orderConfirmed(
  orderId: string,
  { customerId = "erin", ships = true, option = "standard" } = {},
) {
  return eventOf(
    OrderConfirmedSchema,
    {
      orderId,
      customerId,
      total: money(2490n, "EUR"),
      subtotal: money(2000n, "EUR"),
      discount: money(0n, "EUR"),
      confirmedAt: timestampFromDate(new Date()),
      ...(ships
        ? {
            shipping: {
              option,
              optionName: "Standard delivery",
              address: address(),
              price: money(490n, "EUR"),
              charged: money(490n, "EUR"),
            },
          }
        : {}),
    },
    orderId,
  );
}

/** OrderCancelled of `orderId` as orders sends it (the customer cancelled). */
export function orderCancelled(orderId: string, customerId = "erin") {
  return eventOf(
    OrderCancelledSchema,
    {
      orderId,
      customerId,
      cause: CancellationCause.CUSTOMER_REQUESTED,
      reason: "You cancelled the order.",
      wasConfirmed: true,
    },
    orderId,
  );
}

/** The events shipping published so far, as {type, key, message}, optionally of one key only. */
export async function emitted(fn: RunningShipping, key?: string) {
  const events = await publishedEvents(fn);
  return events
    .filter((decoded) => key === undefined || decoded.event.partitionkey === key)
    .map((decoded) => ({
      type: decoded.event.type,
      key: decoded.event.partitionkey,
      message: decoded.message,
    }));
}

/** The short names of the types of `events` (`ShipmentCreated`). */
export function typesOf(events: { type: string }[]): string[] {
  return events.map((event) => event.type.split(".").at(-1) ?? event.type);
}

/** A ShippingService client calling as `principal` (anonymous when undefined). */
export function clientAs(
  fn: RunningShipping,
  principal?: Principal,
): Promise<Client<typeof ShippingService>> {
  return testClient(fn, ShippingService, principal ? { principal } : {});
}
