import { createTestDatabase } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Inventory, orderPriced, startInventory, stockChanges, stockOf } from "../test-support.ts";
import { setStock } from "./set-stock.ts";

// Real Postgres (a pool of connections, so writes really run at once); events stay in memory.
describe("SetStock on real Postgres under concurrent writes", () => {
  let fn: Inventory;
  const write = (productId: string, available: number, expectedVersion?: bigint) =>
    fn.app.transaction((tx) =>
      setStock(tx, { productId, available, expectedVersion }, { userId: "admin-1" }),
    );

  beforeAll(async () => {
    const url = await createTestDatabase(inject("databaseUrl"));
    fn = await startInventory({ config: { database: { kind: "postgres", url } } });
  });
  afterAll(() => fn?.close());

  it("lets exactly one of many writes based on the same version through", async () => {
    for (const [productId, base] of [
      ["never-stocked", 0n],
      ["stocked", (await write("stocked", 1)).version],
    ] as const) {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => write(productId, i + 10, base)),
      );
      const won = outcomes.filter((o) => o.status === "fulfilled");
      expect(won).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === "rejected").map((o) => o.reason.reason)).toEqual(
        Array(19).fill("stale-stock"),
      );
      expect(await stockOf(fn, productId)).toMatchObject({
        available: won[0]!.value.available,
        version: base + 1n,
      });
    }
  });

  it("numbers every change once while SetStock and reservations run together", async () => {
    await write("busy", 100);
    await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => fn.receive(orderPriced(`busy-${i}`, [["busy", 1]]))),
      ...Array.from({ length: 10 }, () => write("busy", 100)),
    ]);
    const versions = (await stockChanges(fn, "busy")).map(([version]) => version);
    expect(versions.length).toBe(41);
    expect(new Set(versions).size).toBe(41);
    expect((await stockOf(fn, "busy")).version).toBe(41n);
  });
});
