import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Inventory,
  orderCancelled,
  orderConfirmed,
  orderPriced,
  startInventory,
  stockChanges,
  stocked,
  stockOf,
} from "../test-support.ts";

describe("the version of a product's stock", () => {
  let fn: Inventory;

  beforeAll(async () => {
    fn = await startInventory();
  });
  afterAll(() => fn.close());

  it("grows with every change of the stock and only then, and StockChanged carries it", async () => {
    const versions: bigint[] = [];
    const step = async (what: () => Promise<unknown>) => {
      await what();
      versions.push((await stockOf(fn, "vase")).version);
    };

    expect((await stockOf(fn, "vase")).version).toBe(0n); // never stocked
    await step(() => stocked(fn, "vase", 5)); // SetStock
    await step(() => fn.receive(orderPriced("v-1", [["vase", 2]]))); // reserve
    await step(() => fn.receive(orderPriced("v-2", [["vase", 9]]))); // rejected: nothing changes
    await step(() => fn.receive(orderCancelled("v-1"))); // release
    await step(() => fn.receive(orderPriced("v-3", [["vase", 1]]))); // reserve
    await step(() => fn.receive(orderConfirmed("v-3"))); // sell
    await step(() => fn.receive(orderPriced("v-3", [["vase", 1]]))); // asked again: nothing changes
    await step(() => stocked(fn, "vase", 7)); // SetStock

    expect(versions).toEqual([1n, 2n, 2n, 3n, 4n, 5n, 5n, 6n]);
    // A sale leaves the units available as they were, so no StockChanged for version 5: consumers
    // compare versions, they do not count them.
    expect(await stockChanges(fn, "vase")).toEqual([
      [1n, 5],
      [2n, 3],
      [3n, 5],
      [4n, 4],
      [6n, 7],
    ]);
  });

  it("keeps the versions of different products apart", async () => {
    await stocked(fn, "rug", 3);
    await stocked(fn, "lamp", 3);
    await fn.receive(
      orderPriced("v-4", [
        ["rug", 1],
        ["lamp", 1],
      ]),
    );
    await stocked(fn, "rug", 10);
    expect((await stockOf(fn, "rug")).version).toBe(3n);
    expect((await stockOf(fn, "lamp")).version).toBe(2n);
  });
});
