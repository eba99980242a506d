import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAs, productChanged, type RunningCart, startCart, stockChanged } from "../test-support.ts";
import { MAX_QUANTITY } from "./limits.ts";

const carol = { userId: "carol", role: "customer" } as const;
const dave = { userId: "dave", role: "customer" } as const;

describe("MergeCart", { timeout: 30_000 }, () => {
  let fn: RunningCart;
  beforeAll(async () => {
    fn = await startCart();
    for (const id of ["m-1", "m-2", "m-3"]) {
      await fn.receive(productChanged(id));
      await fn.receive(stockChanged(id, 500, 1n));
    }
  }, 60_000);
  afterAll(() => fn.close());

  it("moves a guest cart's lines into the customer's cart, adding up and capped, once", async () => {
    const guest = await clientAs(fn);
    const guestCartId = (await guest.addItem({ productId: "m-1", quantity: 60 })).cart?.id ?? "";
    await guest.addItem({ cartId: guestCartId, productId: "m-2", quantity: 2 });
    const customer = await clientAs(fn, carol);
    await customer.addItem({ productId: "m-1", quantity: 50 });
    await customer.addItem({ productId: "m-3", quantity: 1 });

    const { cart } = await customer.mergeCart({ guestCartId });
    const lines = cart?.lines.map((l) => [l.productId, l.quantity]);
    expect(lines).toEqual([
      ["m-1", MAX_QUANTITY],
      ["m-2", 2],
      ["m-3", 1],
    ]);
    expect(cart?.customerId).toBe("carol");
    // The guest cart is over: merging it again is no error and changes nothing; reading it finds nothing.
    expect(
      (await customer.mergeCart({ guestCartId })).cart?.lines.map((l) => [l.productId, l.quantity]),
    ).toEqual(lines);
    await expect(guest.getCart({ cartId: guestCartId })).rejects.toThrow(/could not find cart/);
    // Another customer who got hold of the ended id gets nothing of it either.
    expect((await (await clientAs(fn, dave)).mergeCart({ guestCartId })).cart?.lines).toEqual([]);
    // The customer's cart is the same on any device they log in on.
    expect(
      (await (await clientAs(fn, carol)).getCart({})).cart?.lines.map((l) => [l.productId, l.quantity]),
    ).toEqual(lines);
  });

  it("gives a customer without a cart the guest cart's lines", async () => {
    const guest = await clientAs(fn);
    const guestCartId = (await guest.addItem({ productId: "m-2", quantity: 3 })).cart?.id ?? "";
    const { cart } = await (await clientAs(fn, dave)).mergeCart({ guestCartId });
    expect(cart?.lines.map((l) => [l.productId, l.quantity])).toEqual([["m-2", 3]]);
    expect(cart?.id).not.toBe(guestCartId);
  });
});
