import { createTestDatabase } from "@shop/runtime/testing";
import { StockReservedSchema } from "@shop/schemas/inventory/v1/events";
import { PaymentSucceededSchema } from "@shop/schemas/payments/v1/events";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { orderEvents, orders } from "../db/schema.ts";
import { emitted, eventOf, putProduct, type RunningOrders, startOrders } from "../test-support.ts";
import { confirmOrder } from "./confirm-order.ts";
import { placeOrder } from "./place-order.ts";
import { watchOrder } from "./watch-order.ts";

// Real Postgres (a pool of connections), so that transactions really overlap.
describe("orders under concurrency (real Postgres)", () => {
  let fn: RunningOrders;
  beforeAll(async () => {
    const url = await createTestDatabase(inject("databaseUrl"));
    fn = await startOrders({ config: { database: { kind: "postgres", url } } });
    await putProduct(fn, "p-1", { priceMinor: 700n });
  });
  afterAll(() => fn.close());

  const request = (idempotencyKey: string) => ({
    customerId: "hana",
    idempotencyKey,
    lines: [{ productId: "p-1", quantity: 1 }],
    couponCode: "",
    paymentToken: "tok_visa",
  });

  it("places one order for 20 simultaneous requests with the same idempotency key", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        fn.app.transaction((tx) => placeOrder(tx, request("same-key"), fn.deps)),
      ),
    );
    const ids = new Set(results.map((r) => r.order.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await emitted(fn, [...ids][0])).toHaveLength(1);
  });

  it("wakes a watcher once the change has committed, and it sees the change", async () => {
    const { order } = await fn.app.transaction((tx) => placeOrder(tx, request("watched"), fn.deps));
    const abort = new AbortController();
    // No polling within the test's time: only the notification can bring the change.
    const states = watchOrder(
      fn.app.db,
      { orderId: order.id, viewer: { userId: "hana", role: "customer" }, signal: abort.signal },
      { notifier: fn.deps.notifier, watch: { pollMs: 600_000, maxMs: 600_000 } },
    );
    expect((await states.next()).value?.status).toBe("PENDING");
    const next = states.next();
    const probe = fn.deps.notifier.watch(order.id);
    await fn.app.transaction(async (tx) => {
      await confirmOrder(tx, { orderId: order.id, amountMinor: 700n });
      tx.afterCommit(() => fn.deps.notifier.notify(order.id));
      // Not yet: a watcher woken before the commit would read PENDING and never speak again.
      expect(await probe.next(0, abort.signal)).toBe("timeout");
    });
    expect(await probe.next(0, abort.signal)).toBe("changed");
    probe.close();
    expect((await next).value?.status).toBe("CONFIRMED");
    expect((await states.next()).done).toBe(true);
  });

  it("applies each saga step once and records its event once, with redeliveries side by side", async () => {
    const eur = (amountMinor: bigint) => ({ amountMinor, currency: "EUR" });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const { order } = await fn.app.transaction((tx) => placeOrder(tx, request(`steps-${i}`), fn.deps));
      ids.push(order.id);
    }
    const stepsOf = (orderId: string) => [
      eventOf(OrderPricedSchema, { orderId, discount: eur(100n), total: eur(600n) }, orderId),
      eventOf(StockReservedSchema, { orderId, total: eur(600n) }, orderId),
    ];
    // Each step delivered twice at once, the two steps of an order racing each other (two Triggers).
    const steps = ids.flatMap(stepsOf);
    const answers = await Promise.all(steps.flatMap((event) => [fn.receive(event), fn.receive(event)]));
    for (let i = 0; i < steps.length; i++) {
      expect([answers[2 * i], answers[2 * i + 1]].sort()).toEqual(["duplicate", "handled"]);
    }
    const paid = ids.map((orderId) =>
      eventOf(PaymentSucceededSchema, { orderId, paymentId: `pay-${orderId}`, amount: eur(600n) }, orderId),
    );
    const paidAnswers = await Promise.all(paid.flatMap((event) => [fn.receive(event), fn.receive(event)]));
    expect(paidAnswers.filter((answer) => answer === "handled")).toHaveLength(ids.length);

    for (const orderId of ids) {
      const [order] = await fn.app.db.select().from(orders).where(eq(orders.id, orderId));
      expect(order).toMatchObject({ status: "CONFIRMED", discountMinor: 100n, totalMinor: 600n });
      expect(order?.pricedAt).not.toBeNull();
      const consumed = await fn.app.db
        .select({ type: orderEvents.eventType })
        .from(orderEvents)
        .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.direction, "consumed")))
        .orderBy(asc(orderEvents.eventType));
      expect(consumed.map((row) => row.type)).toEqual([
        "shop.inventory.v1.StockReserved",
        "shop.payments.v1.PaymentSucceeded",
        "shop.promotions.v1.OrderPriced",
      ]);
      const confirmations = (await emitted(fn, orderId)).filter((e) => e.type.endsWith("OrderConfirmed"));
      expect(confirmations).toHaveLength(1);
    }
  });

  it("runs after-commit callbacks only for a transaction that commits", async () => {
    const ran: string[] = [];
    await expect(
      fn.app.transaction(async (tx) => {
        tx.afterCommit(() => ran.push("rolled back"));
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    await fn.app.transaction(async (tx) => {
      tx.afterCommit(() => ran.push("committed"));
    });
    expect(ran).toEqual(["committed"]);
  });
});
