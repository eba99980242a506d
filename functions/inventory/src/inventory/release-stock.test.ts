import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventsFor,
  type Inventory,
  orderCancelled,
  orderConfirmed,
  orderPriced,
  startInventory,
  stocked,
  stockOf,
} from "../test-support.ts";

describe("releasing and selling what an order held", () => {
  let fn: Inventory;
  const total = async (productId: string) => {
    const { available, reserved, sold } = await stockOf(fn, productId);
    return available + reserved + sold;
  };

  beforeAll(async () => {
    fn = await startInventory();
    for (const productId of ["a", "b", "c", "d"]) await stocked(fn, productId, 10);
  });
  afterAll(() => fn.close());

  it("gives back a cancelled order's units and says how many are available again", async () => {
    await fn.receive(
      orderPriced("o-1", [
        ["a", 3],
        ["b", 2],
      ]),
    );
    await fn.receive(orderCancelled("o-1"));

    // Set, reserved, released: three changes, three versions.
    for (const productId of ["a", "b"]) {
      expect(await stockOf(fn, productId)).toEqual({
        productId,
        available: 10,
        reserved: 0,
        sold: 0,
        version: 3n,
      });
    }
    expect((await eventsFor(fn, "a")).map(([, m]) => m)).toEqual([
      expect.objectContaining({ available: 10 }),
      expect.objectContaining({ available: 7 }),
      expect.objectContaining({ available: 10 }),
    ]);
  });

  it("releases only once, however often the cancellation arrives", async () => {
    await fn.receive(orderPriced("o-2", [["c", 4]]));
    const cancelled = orderCancelled("o-2");
    await fn.receive(cancelled);
    await expect(fn.receive(cancelled)).resolves.toBe("duplicate");
    await fn.receive(orderCancelled("o-2"));

    expect(await stockOf(fn, "c")).toMatchObject({ available: 10, reserved: 0 });
    expect((await eventsFor(fn, "c")).map(([, m]) => m)).toHaveLength(3);
  });

  it("moves a confirmed order's units to sold, keeping the total stocked", async () => {
    await fn.receive(orderPriced("o-3", [["d", 4]]));
    const confirmed = orderConfirmed("o-3");
    await fn.receive(confirmed);
    await expect(fn.receive(confirmed)).resolves.toBe("duplicate");
    await fn.receive(orderConfirmed("o-3"));

    const sold = { productId: "d", available: 6, reserved: 0, sold: 4, version: 3n };
    expect(await stockOf(fn, "d")).toEqual(sold);
  });

  it("returns a confirmed order's sold units when it is cancelled before dispatch, once", async () => {
    await stocked(fn, "e", 10);
    await fn.receive(orderPriced("o-4", [["e", 3]]));
    await fn.receive(orderConfirmed("o-4"));
    expect(await stockOf(fn, "e")).toMatchObject({ available: 7, reserved: 0, sold: 3 });

    const cancelled = orderCancelled("o-4");
    await fn.receive(cancelled);
    await expect(fn.receive(cancelled)).resolves.toBe("duplicate");
    await fn.receive(orderCancelled("o-4"));

    // Set, reserved, sold, returned: four versions; the storefront sees 10 available again.
    expect(await stockOf(fn, "e")).toEqual({
      productId: "e",
      available: 10,
      reserved: 0,
      sold: 0,
      version: 4n,
    });
    expect((await eventsFor(fn, "e")).map(([, m]) => m)).toEqual([
      expect.objectContaining({ available: 10 }),
      expect.objectContaining({ available: 7 }),
      expect.objectContaining({ available: 10, version: 4n }),
    ]);
  });

  it("returns the units of a confirmed order whose cancellation overtook its confirmation", async () => {
    await stocked(fn, "f", 10);
    await fn.receive(orderPriced("o-5", [["f", 2]]));
    await fn.receive(orderCancelled("o-5"));
    await fn.receive(orderConfirmed("o-5"));

    expect(await stockOf(fn, "f")).toMatchObject({ available: 10, reserved: 0, sold: 0 });
  });

  it("keeps available + reserved + sold equal to what was stocked through a whole run of orders", async () => {
    const before = await Promise.all(["a", "b", "c", "d"].map(total));
    await fn.receive(
      orderPriced("r-1", [
        ["a", 2],
        ["b", 1],
      ]),
    );
    await fn.receive(
      orderPriced("r-2", [
        ["b", 5],
        ["c", 9],
      ]),
    );
    await fn.receive(orderPriced("r-3", [["a", 9]])); // rejected: a has 8 left
    await fn.receive(orderConfirmed("r-1"));
    await fn.receive(orderCancelled("r-2"));
    await fn.receive(orderPriced("r-4", [["d", 6]]));
    await fn.receive(orderConfirmed("r-4"));

    expect(await Promise.all(["a", "b", "c", "d"].map(total))).toEqual(before);
    expect(await stockOf(fn, "a")).toMatchObject({ available: 8, reserved: 0, sold: 2 });
    expect(await stockOf(fn, "d")).toMatchObject({ available: 0, reserved: 0, sold: 10 });
    expect((await eventsFor(fn, "r-3")).map(([type]) => type)).toEqual(["StockRejected"]);
  });
});
