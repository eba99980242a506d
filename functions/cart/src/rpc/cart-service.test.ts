import { Code, ConnectError } from "@connectrpc/connect";
import { LineAvailability } from "@shop/schemas/cart/v1/cart";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_LINES, MAX_QUANTITY } from "../cart/index.ts";
import { clientAs, productChanged, type RunningCart, startCart, stockChanged } from "../test-support.ts";

const alice = { userId: "alice", role: "customer" } as const;
const bob = { userId: "bob", role: "customer" } as const;
const admin = { userId: "root", role: "admin" } as const;

async function refusal(call: Promise<unknown>): Promise<{ code: Code; message: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return { code: (error as ConnectError).code, message: (error as ConnectError).rawMessage };
}

describe("CartService", { timeout: 30_000 }, () => {
  let fn: RunningCart;
  beforeAll(async () => {
    fn = await startCart();
    await fn.receive(productChanged("p-1", { name: "Dune", priceMinor: 1250n }));
    await fn.receive(productChanged("p-2", { name: "Lamp", priceMinor: 3999n }));
    await fn.receive(productChanged("p-off", { active: false }));
    await fn.receive(stockChanged("p-1", 10, 1n));
    await fn.receive(stockChanged("p-2", 10, 1n));
    // PGlite starts in seconds, more on a loaded machine.
  }, 60_000);
  afterAll(() => fn.close());

  it("gives a guest a new cart on their first add, usable by anyone holding its id", async () => {
    const guest = await clientAs(fn);
    const { cart } = await guest.addItem({ productId: "p-1", quantity: 2 });
    expect(cart?.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(cart).toMatchObject({ customerId: "", unavailableLines: 0, subtotal: { amountMinor: 2500n } });
    expect(cart?.lines).toMatchObject([
      { productId: "p-1", productName: "Dune", quantity: 2, availability: LineAvailability.AVAILABLE },
    ]);
    // Another guest, or a logged-in customer, holding the id may use it too.
    const other = await clientAs(fn);
    await other.addItem({ cartId: cart?.id, productId: "p-2", quantity: 1 });
    const seen = await (await clientAs(fn, bob)).getCart({ cartId: cart?.id });
    expect(seen.cart?.lines.map((l) => [l.productId, l.quantity])).toEqual([
      ["p-1", 2],
      ["p-2", 1],
    ]);
  });

  it("gives a logged-in customer their own cart when no cart id is named", async () => {
    const client = await clientAs(fn, alice);
    expect((await client.getCart({})).cart).toMatchObject({ id: "", customerId: "alice", lines: [] });
    const { cart } = await client.addItem({ productId: "p-1", quantity: 1 });
    expect(cart).toMatchObject({ customerId: "alice" });
    expect((await client.getCart({})).cart?.id).toBe(cart?.id);
    expect((await client.getCart({ cartId: cart?.id })).cart?.lines).toHaveLength(1);
  });

  it("hides a customer's cart from everyone else but its customer and admins", async () => {
    const mine = (await (await clientAs(fn, alice)).addItem({ productId: "p-2", quantity: 1 })).cart;
    const cartId = mine?.id ?? "";
    const notFound = { code: Code.NotFound, message: `We could not find cart ${cartId}.` };
    for (const stranger of [await clientAs(fn, bob), await clientAs(fn)]) {
      expect(await refusal(stranger.getCart({ cartId }))).toEqual(notFound);
      expect(await refusal(stranger.addItem({ cartId, productId: "p-1", quantity: 1 }))).toEqual(notFound);
      expect(await refusal(stranger.setQuantity({ cartId, productId: "p-2", quantity: 5 }))).toEqual(
        notFound,
      );
      expect(await refusal(stranger.removeItem({ cartId, productId: "p-2" }))).toEqual(notFound);
      expect(await refusal(stranger.clearCart({ cartId }))).toEqual(notFound);
    }
    // It reads exactly as a cart that does not exist.
    const unknown = "AAAAAAAAAAAAAAAAAAAAAA";
    expect(await refusal((await clientAs(fn, bob)).getCart({ cartId: unknown }))).toEqual({
      code: Code.NotFound,
      message: `We could not find cart ${unknown}.`,
    });
    const byAdmin = await (await clientAs(fn, admin)).getCart({ cartId });
    expect(byAdmin.cart?.customerId).toBe("alice");
    expect((await (await clientAs(fn, alice)).getCart({ cartId })).cart?.lines.length).toBeGreaterThan(0);
  });

  it("refuses bad input with a precise code and a sentence", async () => {
    const guest = await clientAs(fn);
    const { cart } = await guest.addItem({ productId: "p-1", quantity: 1 });
    const cartId = cart?.id ?? "";
    const invalid = (message: string) => ({ code: Code.InvalidArgument, message });
    expect(await refusal(guest.addItem({ productId: "p-nope", quantity: 1 }))).toEqual(
      invalid("Product p-nope is not for sale."),
    );
    expect(await refusal(guest.addItem({ cartId, productId: "p-off", quantity: 1 }))).toEqual(
      invalid("Product p-off is not for sale."),
    );
    expect(await refusal(guest.addItem({ cartId, productId: "p-1", quantity: 0 }))).toEqual(
      invalid(`The quantity of p-1 must be between 1 and ${MAX_QUANTITY}, not 0.`),
    );
    expect(await refusal(guest.addItem({ cartId, productId: "p-1", quantity: -3 }))).toEqual(
      invalid(`The quantity of p-1 must be between 1 and ${MAX_QUANTITY}, not -3.`),
    );
    expect(await refusal(guest.addItem({ cartId, productId: "p-1", quantity: MAX_QUANTITY }))).toEqual(
      invalid(`A cart holds at most ${MAX_QUANTITY} of p-1; it has 1 already.`),
    );
    expect(await refusal(guest.addItem({ cartId, productId: "", quantity: 1 }))).toEqual(
      invalid("Say which product: its id is missing."),
    );
    expect(
      await refusal(guest.setQuantity({ cartId, productId: "p-1", quantity: MAX_QUANTITY + 1 })),
    ).toEqual(
      invalid(
        `The quantity of p-1 must be between 0 (to remove it) and ${MAX_QUANTITY}, not ${MAX_QUANTITY + 1}.`,
      ),
    );
    expect(await refusal(guest.setQuantity({ cartId, productId: "p-2", quantity: 2 }))).toEqual({
      code: Code.NotFound,
      message: "Product p-2 is not in this cart.",
    });
    const malformed = invalid("That is not a cart id: a cart id is 22 letters, digits, '-' or '_'.");
    expect(await refusal(guest.getCart({ cartId: "../etc/passwd" }))).toEqual(malformed);
    expect(await refusal(guest.addItem({ cartId: "short", productId: "p-1", quantity: 1 }))).toEqual(
      malformed,
    );
    expect(
      await refusal(guest.setQuantity({ cartId: "x".repeat(23), productId: "p-1", quantity: 1 })),
    ).toEqual(malformed);
    expect(await refusal(guest.setQuantity({ cartId, productId: "p-1", quantity: -1 }))).toEqual(
      invalid(`The quantity of p-1 must be between 0 (to remove it) and ${MAX_QUANTITY}, not -1.`),
    );
    expect(await refusal(guest.removeItem({ cartId, productId: "" }))).toEqual(
      invalid("Say which product: its id is missing."),
    );
    expect(await refusal(guest.removeItem({ cartId: "not a cart id!", productId: "p-1" }))).toEqual(
      malformed,
    );
    expect(await refusal((await clientAs(fn, bob)).mergeCart({ guestCartId: "short" }))).toEqual(malformed);
    expect(await refusal(guest.clearCart({}))).toEqual(
      invalid("Say which cart: its id is missing (or log in to use your own cart)."),
    );
    // Nothing refused changed the cart.
    expect((await guest.getCart({ cartId })).cart?.lines.map((l) => [l.productId, l.quantity])).toEqual([
      ["p-1", 1],
    ]);
  });

  it("holds at most MAX_LINES products", async () => {
    for (let i = 0; i <= MAX_LINES; i++) await fn.receive(productChanged(`many-${i}`));
    const guest = await clientAs(fn);
    const { cart } = await guest.addItem({ productId: "many-0", quantity: 1 });
    for (let i = 1; i < MAX_LINES; i++)
      await guest.addItem({ cartId: cart?.id, productId: `many-${i}`, quantity: 1 });
    expect(
      await refusal(guest.addItem({ cartId: cart?.id, productId: `many-${MAX_LINES}`, quantity: 1 })),
    ).toEqual({
      code: Code.InvalidArgument,
      message: `A cart holds at most ${MAX_LINES} different products; remove one first.`,
    });
  });

  it("sets, removes and clears lines", async () => {
    const guest = await clientAs(fn);
    const cartId = (await guest.addItem({ productId: "p-1", quantity: 1 })).cart?.id ?? "";
    await guest.addItem({ cartId, productId: "p-2", quantity: 1 });
    expect(
      (await guest.setQuantity({ cartId, productId: "p-1", quantity: 4 })).cart?.subtotal?.amountMinor,
    ).toBe(4n * 1250n + 3999n);
    expect((await guest.setQuantity({ cartId, productId: "p-1", quantity: 0 })).cart?.lines).toHaveLength(1);
    expect((await guest.removeItem({ cartId, productId: "p-2" })).cart?.lines).toEqual([]);
    await guest.addItem({ cartId, productId: "p-2", quantity: 3 });
    expect((await guest.clearCart({ cartId })).cart?.lines).toEqual([]);
  });

  it("lets only a logged-in customer merge, and never a customer's cart", async () => {
    const guest = await clientAs(fn);
    const guestCartId = (await guest.addItem({ productId: "p-1", quantity: 1 })).cart?.id ?? "";
    expect(await refusal(guest.mergeCart({ guestCartId }))).toEqual({
      code: Code.Unauthenticated,
      message: "Please log in first.",
    });
    const bobs = await clientAs(fn, bob);
    expect(await refusal(bobs.mergeCart({}))).toEqual({
      code: Code.InvalidArgument,
      message: "Say which guest cart to merge: its id is missing.",
    });
    const alicesCart = (await (await clientAs(fn, alice)).getCart({})).cart?.id ?? "";
    expect(await refusal(bobs.mergeCart({ guestCartId: alicesCart }))).toEqual({
      code: Code.NotFound,
      message: `We could not find cart ${alicesCart}.`,
    });
    expect(await refusal((await clientAs(fn, alice)).mergeCart({ guestCartId: alicesCart }))).toEqual({
      code: Code.InvalidArgument,
      message: `Cart ${alicesCart} is a customer's cart: only a guest cart can be merged.`,
    });
  });

  it("marks lines that cannot be bought as they are, and counts only the others", async () => {
    await fn.receive(productChanged("p-low", { priceMinor: 500n }));
    await fn.receive(stockChanged("p-low", 2, 1n));
    await fn.receive(productChanged("p-gone", { priceMinor: 700n }));
    await fn.receive(stockChanged("p-gone", 5, 1n));
    await fn.receive(productChanged("p-none", { priceMinor: 900n }));
    const guest = await clientAs(fn);
    const cartId = (await guest.addItem({ productId: "p-1", quantity: 2 })).cart?.id ?? "";
    await guest.addItem({ cartId, productId: "p-low", quantity: 3 });
    await guest.addItem({ cartId, productId: "p-gone", quantity: 1 });
    await guest.addItem({ cartId, productId: "p-none", quantity: 1 });
    // Later the catalog stops selling one, and the price of another changes.
    await fn.receive(productChanged("p-gone", { priceMinor: 700n, active: false, version: 2n }));
    await fn.receive(productChanged("p-1", { name: "Dune", priceMinor: 1100n, version: 2n }));
    const { cart } = await guest.getCart({ cartId });
    expect(
      cart?.lines.map((l) => [l.productId, l.availability, l.available, l.unitPrice?.amountMinor]),
    ).toEqual([
      ["p-1", LineAvailability.AVAILABLE, 10, 1100n],
      ["p-gone", LineAvailability.DISCONTINUED, 5, 700n],
      ["p-low", LineAvailability.LOW_STOCK, 2, 500n],
      ["p-none", LineAvailability.OUT_OF_STOCK, 0, 900n],
    ]);
    expect(cart?.subtotal).toMatchObject({ amountMinor: 2200n, currency: "EUR" });
    expect(cart?.unavailableLines).toBe(3);
  });
});
