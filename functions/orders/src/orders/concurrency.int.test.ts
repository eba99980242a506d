import { createTestDatabase } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { emitted, putProduct, type RunningOrders, startOrders } from "../test-support.ts";
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
