import { createTestDatabase, publishedEvents } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type Inventory,
  orderCancelled,
  orderConfirmed,
  orderPriced,
  startInventory,
  stocked,
  stockOf,
} from "../test-support.ts";

// Real Postgres (a pool of connections, so handlers really run at once); events stay in memory.
describe("reserving stock on real Postgres under concurrent deliveries", () => {
  let fn: Inventory;

  beforeAll(async () => {
    const url = await createTestDatabase(inject("databaseUrl"));
    fn = await startInventory({ config: { database: { kind: "postgres", url } } });
  });
  afterAll(() => fn?.close());

  it("reserves exactly the last 10 units for 50 orders arriving together, never going negative", async () => {
    await stocked(fn, "last", 10);
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => fn.receive(orderPriced(`race-${i}`, [["last", 1]]))),
    );
    expect(outcomes.every((o) => o === "handled")).toBe(true);
    // Set once, then one change per order that got a unit: no two concurrent changes share a version.
    expect(await stockOf(fn, "last")).toEqual({
      productId: "last",
      available: 0,
      reserved: 10,
      sold: 0,
      version: 11n,
    });
    const types = (await publishedEvents(fn))
      .filter((e) => String(e.event.partitionkey).startsWith("race-"))
      .map((e) => e.schema.typeName);
    expect(types.filter((t) => t.endsWith("StockReserved"))).toHaveLength(10);
    expect(types.filter((t) => t.endsWith("StockRejected"))).toHaveLength(40);
  });

  it("does not deadlock on multi-line orders locking the same products in different line orders", async () => {
    for (const productId of ["x", "y", "z"]) await stocked(fn, productId, 30);
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
      expect(await stockOf(fn, productId)).toMatchObject({ available: 0, reserved: 30 });
    }
    // Cancellations racing the rest of the traffic give back exactly what their orders held.
    await Promise.all(Array.from({ length: 45 }, (_, i) => fn.receive(orderCancelled(`multi-${i}`))));
    for (const productId of ["x", "y", "z"]) {
      // Set once, 30 reservations (15 orders were rejected), 30 releases.
      expect(await stockOf(fn, productId)).toEqual({
        productId,
        available: 30,
        reserved: 0,
        sold: 0,
        version: 61n,
      });
    }
  });

  it("sells confirmed orders while new ones reserve the same products, with no deadlock and no unit lost", async () => {
    for (const productId of ["p", "q", "r"]) await stocked(fn, productId, 40);
    const lines = (i: number): [string, number][] =>
      i % 2 === 0
        ? [
            ["r", 1],
            ["p", 1],
            ["q", 1],
          ]
        : [
            ["q", 1],
            ["r", 1],
            ["p", 1],
          ];
    // 20 orders hold a unit of each product; then 20 more arrive while the first 20 are confirmed.
    await Promise.all(Array.from({ length: 20 }, (_, i) => fn.receive(orderPriced(`sell-${i}`, lines(i)))));
    const outcomes = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => fn.receive(orderConfirmed(`sell-${i}`))),
      ...Array.from({ length: 20 }, (_, i) => fn.receive(orderPriced(`sell-${20 + i}`, lines(i)))),
    ]);
    expect(outcomes.every((o) => o === "handled")).toBe(true);
    for (const productId of ["p", "q", "r"]) {
      // Set once, 40 reservations, 20 sales: one version each.
      expect(await stockOf(fn, productId)).toEqual({
        productId,
        available: 0,
        reserved: 20,
        sold: 20,
        version: 61n,
      });
    }
    // A confirmation delivered again sells nothing more.
    await fn.receive(orderConfirmed("sell-0"));
    expect(await stockOf(fn, "p")).toMatchObject({ reserved: 20, sold: 20, version: 61n });
  });
});
