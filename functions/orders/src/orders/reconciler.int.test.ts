import { createTestDatabase } from "@shop/runtime/testing";
import { OrderCancelledSchema, OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { outbox } from "../db/schema.ts";
import { putProduct, type RunningOrders, startOrders, testClock } from "../test-support.ts";
import { placeOrder } from "./place-order.ts";

const MINUTE = 60_000;

// Two replicas of orders on one real Postgres, ticking at the same time: SKIP LOCKED shares the
// overdue orders between them, so each order is asked again once and cancelled once.
describe("the reconciler on two replicas (real Postgres)", () => {
  const clock = testClock();
  const replicas: RunningOrders[] = [];
  beforeAll(async () => {
    const url = await createTestDatabase(inject("databaseUrl"));
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startOrders({
          config: { database: { kind: "postgres", url } },
          deps: { now: clock.now },
          settings: { sagaDeadlineMs: 2 * MINUTE, sagaGiveUpMs: 10 * MINUTE, reconcileBatch: 4 },
        }),
      );
    }
  });
  afterAll(() => Promise.all(replicas.map((fn) => fn.close())));

  /** How many events of `type` each order has in the outbox both replicas write to. */
  async function perOrder(type: string): Promise<number[]> {
    const rows = await replicas[0]!.app.db.select({ key: outbox.key, type: outbox.type }).from(outbox);
    const counts = new Map<string, number>();
    for (const row of rows) if (row.type === type) counts.set(row.key, (counts.get(row.key) ?? 0) + 1);
    return [...counts.values()];
  }

  it("asks each overdue order again once, and cancels each once", async () => {
    const [first, second] = replicas as [RunningOrders, RunningOrders];
    await putProduct(first, "p-1", { priceMinor: 700n });
    for (let i = 0; i < 30; i++) {
      const request = {
        customerId: "ida",
        idempotencyKey: `overdue-${i}`,
        lines: [{ productId: "p-1", quantity: 1 }],
        couponCode: "",
        paymentToken: "tok_visa",
      };
      await first.app.transaction((tx) => placeOrder(tx, request, first.deps));
    }

    clock.advance(2 * MINUTE);
    await Promise.all([first.tick(), second.tick(), first.tick(), second.tick()]);
    expect(await perOrder(OrderPlacedSchema.typeName)).toEqual(Array(30).fill(2));

    clock.advance(8 * MINUTE);
    await Promise.all([first.tick(), second.tick()]);
    expect(await perOrder(OrderCancelledSchema.typeName)).toEqual(Array(30).fill(1));
    expect(await perOrder(OrderPlacedSchema.typeName)).toEqual(Array(30).fill(2));
  });
});
