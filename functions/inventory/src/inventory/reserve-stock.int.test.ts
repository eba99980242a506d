import { createLogger, type RunningFunction, startFunction } from "@shop/runtime";
import { createTestDatabase, publishedEvents } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { inventoryFunction } from "../function.ts";
import { orderCancelled, orderPriced } from "../test-support.ts";
import { getStock } from "./get-stock.ts";
import { setStock } from "./set-stock.ts";

// Real Postgres (a pool of connections, so handlers really run at once); events stay in memory.
describe("reserving stock on real Postgres under concurrent deliveries", () => {
  let fn: RunningFunction;
  const stockOf = (productId: string) => getStock({ productId }, fn.app);

  beforeAll(async () => {
    const url = await createTestDatabase(inject("databaseUrl"));
    fn = await startFunction(inventoryFunction, {
      listen: false,
      logger: createLogger("inventory", "silent"),
      config: { database: { kind: "postgres", url }, kafkaBrokers: [], sweepIntervalMs: 0 },
    });
  });
  afterAll(() => fn?.close());

  it("reserves exactly the last 10 units for 50 orders arriving together, never going negative", async () => {
    await fn.app.transaction((tx) => setStock({ productId: "last", available: 10 }, tx));
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => fn.receive(orderPriced(`race-${i}`, [["last", 1]]))),
    );
    expect(outcomes.every((o) => o === "handled")).toBe(true);
    expect(await stockOf("last")).toEqual({ productId: "last", available: 0, reserved: 10, sold: 0 });
    const types = (await publishedEvents(fn))
      .filter((e) => String(e.event.partitionkey).startsWith("race-"))
      .map((e) => e.schema.typeName);
    expect(types.filter((t) => t.endsWith("StockReserved"))).toHaveLength(10);
    expect(types.filter((t) => t.endsWith("StockRejected"))).toHaveLength(40);
  });

  it("does not deadlock on multi-line orders locking the same products in different line orders", async () => {
    await fn.app.transaction(async (tx) => {
      for (const productId of ["x", "y", "z"]) await setStock({ productId, available: 30 }, tx);
    });
    const lines: [string, number][][] = [
      [
        ["x", 1],
        ["y", 1],
        ["z", 1],
      ],
      [
        ["z", 1],
        ["y", 1],
        ["x", 1],
      ],
      [
        ["y", 1],
        ["x", 1],
        ["z", 1],
      ],
    ];
    await Promise.all(
      Array.from({ length: 45 }, (_, i) => fn.receive(orderPriced(`multi-${i}`, lines[i % 3]!))),
    );
    for (const productId of ["x", "y", "z"]) {
      expect(await stockOf(productId)).toMatchObject({ available: 0, reserved: 30 });
    }
    // Cancellations racing the rest of the traffic give back exactly what their orders held.
    await Promise.all(Array.from({ length: 45 }, (_, i) => fn.receive(orderCancelled(`multi-${i}`))));
    for (const productId of ["x", "y", "z"]) {
      expect(await stockOf(productId)).toEqual({ productId, available: 30, reserved: 0, sold: 0 });
    }
  });
});
