import { publishedEvents } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventsFor,
  type Inventory,
  orderCancelled,
  orderPriced,
  startInventory,
  stocked,
  stockOf,
} from "../test-support.ts";

describe("reserving stock for a priced order", () => {
  let fn: Inventory;

  beforeAll(async () => {
    fn = await startInventory();
  });
  afterAll(() => fn.close());

  it("holds every line and says so, with the total and token payments needs", async () => {
    await stocked(fn, "mug", 5);
    await stocked(fn, "pen", 3);
    await fn.receive(
      orderPriced(
        "o-1",
        [
          ["mug", 2],
          ["pen", 3],
          ["mug", 1],
        ],
        2_500n,
      ),
    );

    expect(await stockOf(fn, "mug")).toEqual({
      productId: "mug",
      available: 2,
      reserved: 3,
      sold: 0,
      version: 2n,
    });
    expect(await stockOf(fn, "pen")).toEqual({
      productId: "pen",
      available: 0,
      reserved: 3,
      sold: 0,
      version: 2n,
    });
    const [reserved] = (await eventsFor(fn, "o-1")).filter(([type]) => type === "StockReserved");
    expect(reserved?.[1]).toMatchObject({
      orderId: "o-1",
      customerId: "customer-1",
      lines: [
        { productId: "mug", quantity: 3 },
        { productId: "pen", quantity: 3 },
      ],
      total: { amountMinor: 2_500n, currency: "EUR" },
      paymentToken: "tok_visa",
    });
    expect((await eventsFor(fn, "mug")).at(-1)).toEqual([
      "StockChanged",
      expect.objectContaining({ available: 2 }),
    ]);
    expect((await eventsFor(fn, "pen")).at(-1)).toEqual([
      "StockChanged",
      expect.objectContaining({ available: 0 }),
    ]);
  });

  it("holds nothing when one line is short, and names the product", async () => {
    await stocked(fn, "cup", 4);
    await stocked(fn, "lid", 1);
    const changesBefore = (await publishedEvents(fn)).length;
    await fn.receive(
      orderPriced("o-2", [
        ["cup", 2],
        ["lid", 2],
      ]),
    );

    expect(await stockOf(fn, "cup")).toMatchObject({ available: 4, reserved: 0 });
    expect(await stockOf(fn, "lid")).toMatchObject({ available: 1, reserved: 0 });
    expect(await eventsFor(fn, "o-2")).toEqual([
      [
        "StockRejected",
        expect.objectContaining({
          orderId: "o-2",
          customerId: "customer-1",
          reason: "Sorry, Product lid is out of stock.",
          productIds: ["lid"],
        }),
      ],
    ]);
    // Only the rejection was published: no StockChanged for units that never moved.
    expect((await publishedEvents(fn)).length).toBe(changesBefore + 1);
  });

  it("counts a product that was never stocked as out of stock", async () => {
    await fn.receive(
      orderPriced("o-3", [
        ["ghost", 1],
        ["unicorn", 1],
      ]),
    );
    expect(await eventsFor(fn, "o-3")).toEqual([
      [
        "StockRejected",
        expect.objectContaining({
          reason: "Sorry, Product ghost and Product unicorn are out of stock.",
          productIds: ["ghost", "unicorn"],
        }),
      ],
    ]);
  });

  it("changes nothing when the same OrderPriced is delivered again", async () => {
    await stocked(fn, "bag", 10);
    const event = orderPriced("o-4", [["bag", 4]]);
    await expect(fn.receive(event)).resolves.toBe("handled");
    await expect(fn.receive(event)).resolves.toBe("duplicate");
    // Promotions publishing the order's OrderPriced twice (a new event id) holds nothing more either:
    // it is the same question, answered the same way again (see answers.test.ts).
    await expect(fn.receive(orderPriced("o-4", [["bag", 4]]))).resolves.toBe("handled");

    expect(await stockOf(fn, "bag")).toMatchObject({ available: 6, reserved: 4 });
    expect((await eventsFor(fn, "o-4")).map(([type]) => type)).toEqual(["StockReserved", "StockReserved"]);
  });

  it("reserves nothing for an order cancelled before it was priced", async () => {
    await stocked(fn, "hat", 2);
    await fn.receive(orderCancelled("o-5"));
    await fn.receive(orderPriced("o-5", [["hat", 1]]));

    expect(await stockOf(fn, "hat")).toMatchObject({ available: 2, reserved: 0 });
    expect(await eventsFor(fn, "o-5")).toEqual([]);
  });

  it("never holds more than there is when orders for the last units arrive together", async () => {
    await stocked(fn, "last", 10);
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => fn.receive(orderPriced(`race-${i}`, [["last", 1]]))),
    );
    expect(outcomes.every((o) => o === "handled")).toBe(true);

    // Set once, then one change per order that got a unit; a rejection changes nothing.
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
});
