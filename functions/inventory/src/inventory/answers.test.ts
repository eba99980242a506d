import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventsFor,
  type Inventory,
  orderCancelled,
  orderConfirmed,
  orderPriced,
  startInventory,
  stockChanges,
  stocked,
  stockOf,
} from "../test-support.ts";

// The saga's reconciler asks again for an overdue order: orders re-emits OrderPlaced, promotions
// re-emits OrderPriced with a new event id, and the inventory must give the answer it gave before.
describe("an OrderPriced asked again for an order already answered", () => {
  let fn: Inventory;

  beforeAll(async () => {
    fn = await startInventory();
  });
  afterAll(() => fn.close());

  it("gets the same StockReserved again, changing no stock", async () => {
    await stocked(fn, "mug", 5);
    await stocked(fn, "pen", 5);
    const lines: [string, number][] = [
      ["pen", 1],
      ["mug", 2],
      ["pen", 1],
    ];
    await fn.receive(orderPriced("r-1", lines, 2_500n));
    const before = [await stockOf(fn, "mug"), await stockOf(fn, "pen")];
    const changesBefore = [await stockChanges(fn, "mug"), await stockChanges(fn, "pen")];

    // A new event id; even if the question came back different, the answer is the one given first.
    await expect(fn.receive(orderPriced("r-1", [["mug", 5]], 9_999n))).resolves.toBe("handled");

    const answers = await eventsFor(fn, "r-1");
    expect(answers.map(([type]) => type)).toEqual(["StockReserved", "StockReserved"]);
    const [first, again] = answers.map(([, message]) => message);
    expect(again).toEqual(first);
    expect(again).toMatchObject({
      orderId: "r-1",
      customerId: "customer-1",
      lines: [
        { productId: "mug", quantity: 2 },
        { productId: "pen", quantity: 2 },
      ],
      total: { amountMinor: 2_500n, currency: "EUR" },
      paymentToken: "tok_visa",
    });
    expect([await stockOf(fn, "mug"), await stockOf(fn, "pen")]).toEqual(before);
    expect([await stockChanges(fn, "mug"), await stockChanges(fn, "pen")]).toEqual(changesBefore);
  });

  it("gets the same StockRejected again, even once the stock is there", async () => {
    await stocked(fn, "hat", 1);
    await fn.receive(
      orderPriced("r-2", [
        ["hat", 2],
        ["ghost", 1],
      ]),
    );
    await stocked(fn, "hat", 10);
    await stocked(fn, "ghost", 10);

    await expect(
      fn.receive(
        orderPriced("r-2", [
          ["hat", 2],
          ["ghost", 1],
        ]),
      ),
    ).resolves.toBe("handled");

    const answers = await eventsFor(fn, "r-2");
    expect(answers).toEqual([
      [
        "StockRejected",
        expect.objectContaining({
          orderId: "r-2",
          customerId: "customer-1",
          reason: "Sorry, Product ghost and Product hat are out of stock.",
          productIds: ["ghost", "hat"],
        }),
      ],
      ["StockRejected", answers[0]![1]],
    ]);
    expect(await stockOf(fn, "hat")).toMatchObject({ available: 10, reserved: 0 });
  });

  it("gets nothing for a cancelled order, whether it was reserved, rejected or never priced", async () => {
    await stocked(fn, "cap", 3);
    await fn.receive(orderPriced("r-3", [["cap", 2]]));
    await fn.receive(orderCancelled("r-3"));
    await fn.receive(orderPriced("r-4", [["cap", 9]]));
    await fn.receive(orderCancelled("r-4"));
    await fn.receive(orderCancelled("r-5"));

    for (const orderId of ["r-3", "r-4", "r-5"]) {
      await expect(fn.receive(orderPriced(orderId, [["cap", 1]]))).resolves.toBe("handled");
    }

    expect((await eventsFor(fn, "r-3")).map(([type]) => type)).toEqual(["StockReserved"]);
    expect((await eventsFor(fn, "r-4")).map(([type]) => type)).toEqual(["StockRejected"]);
    expect(await eventsFor(fn, "r-5")).toEqual([]);
    expect(await stockOf(fn, "cap")).toMatchObject({ available: 3, reserved: 0 });
  });

  it("gets nothing for an order already sold: it is paid for, and a StockReserved could charge it again", async () => {
    await stocked(fn, "cup", 3);
    await fn.receive(orderPriced("r-6", [["cup", 1]]));
    await fn.receive(orderConfirmed("r-6"));

    await fn.receive(orderPriced("r-6", [["cup", 1]]));

    expect((await eventsFor(fn, "r-6")).map(([type]) => type)).toEqual(["StockReserved"]);
    expect(await stockOf(fn, "cup")).toMatchObject({ available: 2, reserved: 0, sold: 1 });
  });

  it("answers a burst of the same question once with stock and the rest with the same answer", async () => {
    await stocked(fn, "box", 4);
    await Promise.all(Array.from({ length: 5 }, () => fn.receive(orderPriced("r-7", [["box", 3]]))));

    const answers = await eventsFor(fn, "r-7");
    expect(answers.map(([type]) => type)).toEqual(Array(5).fill("StockReserved"));
    for (const [, message] of answers) expect(message).toEqual(answers[0]![1]);
    expect(await stockOf(fn, "box")).toMatchObject({ available: 1, reserved: 3 });
  });
});
