/**
 * What the tests of analytics share: the events of an order as orders and promotions send them, a
 * started analytics on PGlite, and an AnalyticsService client. Only tests import this file.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { money, type Principal, type RunningFunction, toCloudEvent } from "@shop/runtime";
import { startForTest, testClient } from "@shop/runtime/testing";
import { AnalyticsService } from "@shop/schemas/analytics/v1/analytics";
import {
  type CancellationCause,
  OrderCancelledSchema,
  OrderConfirmedSchema,
  OrderPlacedSchema,
} from "@shop/schemas/orders/v1/events";
import { type OrderLine, OrderLineSchema } from "@shop/schemas/orders/v1/orders";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";
import { analyticsFunction } from "./function.ts";

/** An admin, as the auth interceptor sees one. */
export const ADMIN: Principal = { userId: "admin-1", role: "admin" };
/** A customer. */
export const CUSTOMER: Principal = { userId: "customer-7", role: "customer" };

/** Starts analytics on PGlite with an in-memory log. */
export function startAnalytics(): Promise<RunningFunction> {
  return startForTest(analyticsFunction);
}

/** An AnalyticsService client of `fn`, calling as `as` or anonymously. */
export function analyticsClient(fn: RunningFunction, as?: Principal) {
  return testClient(fn, AnalyticsService, as ? { principal: as } : {});
}

/** A line of `quantity` × `unitPrice` EUR minor units. */
export function line(productId: string, quantity: number, unitPrice: bigint): OrderLine {
  return create(OrderLineSchema, {
    productId,
    productName: `Product ${productId}`,
    category: "kitchen",
    quantity,
    unitPrice: money(unitPrice, "EUR"),
    lineTotal: money(unitPrice * BigInt(quantity), "EUR"),
  });
}

const subtotalOf = (lines: OrderLine[]) =>
  lines.reduce((sum, l) => sum + (l.lineTotal?.amountMinor ?? 0n), 0n);

/** OrderPlaced of `orderId` at `at`; each call is a new event id, as orders' re-asks are. */
export function placed(orderId: string, at: Date, lines: OrderLine[], couponCode = "") {
  return toCloudEvent(
    OrderPlacedSchema,
    create(OrderPlacedSchema, {
      orderId,
      customerId: "customer-1",
      lines,
      subtotal: money(subtotalOf(lines), "EUR"),
      couponCode,
      placedAt: timestampFromDate(at),
    }),
    { source: "/functions/orders", key: orderId },
  );
}

/** OrderPriced of `orderId` with `discount` off its lines. */
export function priced(orderId: string, lines: OrderLine[], discount = 0n) {
  const subtotal = subtotalOf(lines);
  return toCloudEvent(
    OrderPricedSchema,
    create(OrderPricedSchema, {
      orderId,
      customerId: "customer-1",
      lines,
      subtotal: money(subtotal, "EUR"),
      discount: money(discount, "EUR"),
      total: money(subtotal - discount, "EUR"),
    }),
    { source: "/functions/promotions", key: orderId },
  );
}

/** OrderConfirmed of `orderId` as orders sends it today (the total only), its `time` being `at`. */
export function confirmed(orderId: string, at: Date, totalMinor: bigint) {
  return toCloudEvent(
    OrderConfirmedSchema,
    create(OrderConfirmedSchema, { orderId, customerId: "customer-1", total: money(totalMinor, "EUR") }),
    { source: "/functions/orders", key: orderId, time: at },
  );
}

/** OrderCancelled of `orderId` at `at` for `cause`. */
export function cancelled(orderId: string, at: Date, cause: CancellationCause, wasConfirmed = false) {
  return toCloudEvent(
    OrderCancelledSchema,
    create(OrderCancelledSchema, {
      orderId,
      customerId: "customer-1",
      cause,
      reason: "Cancelled.",
      wasConfirmed,
      cancellation: { cancelledAt: timestampFromDate(at) },
    }),
    { source: "/functions/orders", key: orderId },
  );
}
