import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientAs,
  orderPlaced,
  productChanged,
  type RunningCart,
  startCart,
  stockChanged,
  testClock,
} from "../test-support.ts";

const erin = { userId: "erin", role: "customer" } as const;

describe("cart's event handlers", { timeout: 30_000 }, () => {
  const clock = testClock();
  let fn: RunningCart;
  beforeAll(async () => {
    fn = await startCart({ deps: { now: clock.now } });
  }, 60_000);
  afterAll(() => fn.close());

  async function lineOf(cartId: string, productId: string) {
    const { cart } = await (await clientAs(fn)).getCart({ cartId });
    return cart?.lines.find((line) => line.productId === productId);
  }

  it("ProductChanged: a redelivered or older version changes nothing", async () => {
    const guest = await clientAs(fn);
    const v1 = productChanged("pc-1", { name: "Old name", priceMinor: 100n, version: 1n });
    await expect(fn.receive(v1)).resolves.toBe("handled");
    const cartId = (await guest.addItem({ productId: "pc-1", quantity: 1 })).cart?.id ?? "";
    await fn.receive(productChanged("pc-1", { name: "New name", priceMinor: 200n, version: 3n }));
    await expect(fn.receive(v1)).resolves.toBe("duplicate");
    // The same old state under a new event id (a sweep, a redriven letter) is stale too.
    await fn.receive(productChanged("pc-1", { name: "Old name", priceMinor: 100n, version: 2n }));
    expect(await lineOf(cartId, "pc-1")).toMatchObject({
      productName: "New name",
      unitPrice: { amountMinor: 200n },
    });
  });

  it("StockChanged: a redelivered or older version changes nothing", async () => {
    await fn.receive(productChanged("sc-1"));
    const cartId = (await (await clientAs(fn)).addItem({ productId: "sc-1", quantity: 1 })).cart?.id ?? "";
    const v2 = stockChanged("sc-1", 7, 2n);
    await fn.receive(v2);
    await fn.receive(stockChanged("sc-1", 3, 5n));
    await expect(fn.receive(v2)).resolves.toBe("duplicate");
    await fn.receive(stockChanged("sc-1", 9, 4n));
    expect((await lineOf(cartId, "sc-1"))?.available).toBe(3);
  });

  it("OrderPlaced: empties the ordered lines once, keeping what was added after the order", async () => {
    for (const id of ["op-1", "op-2", "op-3"]) {
      await fn.receive(productChanged(id));
      await fn.receive(stockChanged(id, 10, 1n));
    }
    const customer = await clientAs(fn, erin);
    const cartId = (await customer.addItem({ productId: "op-1", quantity: 1 })).cart?.id ?? "";
    await customer.addItem({ productId: "op-2", quantity: 2 });
    clock.advance(1000);
    const placedAt = clock.now();
    clock.advance(1000);
    // After placing the order (of op-1 and op-2) the customer goes on shopping.
    await customer.addItem({ productId: "op-3", quantity: 1 });
    const placed = orderPlaced("order-1", "erin", cartId, ["op-1", "op-2"], placedAt);
    await expect(fn.receive(placed)).resolves.toBe("handled");
    const lines = async () => (await customer.getCart({})).cart?.lines.map((l) => [l.productId, l.quantity]);
    expect(await lines()).toEqual([["op-3", 1]]);

    // The customer puts op-1 in again; the same event redelivered, and the order re-asked under a
    // new event id (orders' reconciler), must not take it away: both are the order seen before.
    await customer.addItem({ productId: "op-1", quantity: 4 });
    await expect(fn.receive(placed)).resolves.toBe("duplicate");
    await expect(
      fn.receive(orderPlaced("order-1", "erin", cartId, ["op-1", "op-2"], placedAt)),
    ).resolves.toBe("duplicate");
    expect(await lines()).toEqual([
      ["op-1", 4],
      ["op-3", 1],
    ]);
  });

  it("OrderPlaced: leaves a cart alone that is not the order's customer's", async () => {
    await fn.receive(productChanged("gx-1"));
    const guestCartId =
      (await (await clientAs(fn)).addItem({ productId: "gx-1", quantity: 1 })).cart?.id ?? "";
    clock.advance(1000);
    await fn.receive(orderPlaced("order-2", "erin", guestCartId, ["gx-1"], clock.now()));
    expect((await lineOf(guestCartId, "gx-1"))?.quantity).toBe(1);
  });

  it("OrderPlaced without a cart (placed through the API): none of cart's business", async () => {
    await expect(fn.receive(orderPlaced("order-3", "erin", "", ["gx-1"], clock.now()))).resolves.toBe(
      "ignored",
    );
  });
});
