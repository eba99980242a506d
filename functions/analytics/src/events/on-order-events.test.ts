/**
 * analytics' consumers as the KafkaSource delivers to them: each event once, whatever its type, in any
 * order, and again (redeliveries, orders' re-asks). What an admin's report shows is the test.
 */

import { create } from "@bufbuild/protobuf";
import type { RunningFunction } from "@shop/runtime";
import { toCloudEvent } from "@shop/runtime";
import { UserRegisteredSchema } from "@shop/schemas/identity/v1/events";
import { CancellationCause } from "@shop/schemas/orders/v1/events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ADMIN,
  analyticsClient,
  cancelled,
  confirmed,
  line,
  placed,
  priced,
  startAnalytics,
} from "../test-support.ts";

const DAY = "2026-12-01";
const T = (time: string) => new Date(`${DAY}T${time}Z`);

let fn: RunningFunction;
let admin: Awaited<ReturnType<typeof analyticsClient>>;
beforeEach(async () => {
  fn = await startAnalytics();
  admin = await analyticsClient(fn, ADMIN);
});
afterEach(() => fn.close());

const report = () => admin.getSalesReport({ fromDay: DAY, toDay: DAY });

/** The saga of one order: placed, priced with `discount`, confirmed. */
function confirmedSaga(orderId: string, discount = 0n, coupon = "") {
  const lines = [line("mug", 2, 1_250n)];
  return [
    placed(orderId, T("10:00:00"), lines, coupon),
    priced(orderId, lines, discount),
    confirmed(orderId, T("10:00:05"), 2_500n - discount),
  ];
}

describe("analytics' consumers", () => {
  it("turn one confirmed order with a coupon into the day's figures", async () => {
    for (const event of confirmedSaga("o-1", 250n, "save10")) expect(await fn.receive(event)).toBe("handled");
    const figures = await report();
    expect(figures.days[0]).toMatchObject({
      day: DAY,
      ordersPlaced: 1,
      ordersConfirmed: 1,
      ordersCancelled: 0,
    });
    expect(figures.days[0]?.revenue.map((m) => [m.currency, m.amountMinor])).toEqual([["EUR", 2_250n]]);
    expect(figures.topProducts.map((p) => [p.productId, p.units, p.revenue?.amountMinor])).toEqual([
      ["mug", 2n, 2_500n],
    ]);
    expect(figures.coupons.map((c) => [c.code, c.redemptions, c.discount?.amountMinor])).toEqual([
      ["SAVE10", 1, 250n],
    ]);
    expect(figures.conversion).toBe(1);
  });

  it("change nothing when the same events are delivered again", async () => {
    const events = confirmedSaga("o-1", 250n, "SAVE10");
    for (const event of events) await fn.receive(event);
    const before = await report();
    for (const event of events) expect(await fn.receive(event)).toBe("duplicate");
    expect(await report()).toEqual(before);
  });

  it("count an order once when orders asks again with a new OrderPlaced (a new event id)", async () => {
    for (const event of confirmedSaga("o-1")) await fn.receive(event);
    const again = placed("o-1", T("10:00:00"), [line("mug", 2, 1_250n)]);
    // A new event id, but nothing new to tell: it writes nothing.
    expect(await fn.receive(again)).toBe("duplicate");
    const figures = await report();
    expect(figures.ordersPlaced).toBe(1);
    expect(figures.topProducts[0]?.units).toBe(2n);
  });

  it("give the same figures whatever order the events arrive in", async () => {
    const lines = [line("tea", 1, 800n)];
    const events = [
      ...confirmedSaga("o-1"),
      placed("o-2", T("11:00:00"), lines),
      cancelled("o-2", T("11:00:02"), CancellationCause.OUT_OF_STOCK),
      ...confirmedSaga("o-3"),
      cancelled("o-3", T("12:00:00"), CancellationCause.CUSTOMER_REQUESTED, true),
    ];
    for (const event of events) await fn.receive(event);
    const inOrder = await report();
    await fn.close();
    fn = await startAnalytics();
    admin = await analyticsClient(fn, ADMIN);
    for (const event of [...events].reverse()) await fn.receive(event);
    expect(await report()).toEqual(inOrder);
    expect(inOrder.days[0]).toMatchObject({ ordersPlaced: 3, ordersConfirmed: 2, ordersCancelled: 2 });
    // o-3 was confirmed, then cancelled: its revenue is gone.
    expect(inOrder.days[0]?.revenue.map((m) => m.amountMinor)).toEqual([2_500n]);
    expect(inOrder.cancellations.map((c) => [c.cause, c.count, c.afterConfirmation])).toEqual([
      [CancellationCause.OUT_OF_STOCK, 1, 0],
      [CancellationCause.CUSTOMER_REQUESTED, 1, 1],
    ]);
  });

  it("answer every other event type 2xx and keep nothing of it", async () => {
    const other = toCloudEvent(UserRegisteredSchema, create(UserRegisteredSchema, { userId: "u-1" }), {
      source: "/functions/identity",
      key: "u-1",
    });
    expect(await fn.receive(other)).toBe("ignored");
    expect((await report()).ordersPlaced).toBe(0);
  });
});
