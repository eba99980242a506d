/**
 * The server cart end to end on real Kafka and real Postgres, through the local runner and the
 * Triggers in knative/: a guest fills a cart, logs in, merges it, orders from it, and the cart
 * empties itself when OrderPlaced reaches it. Driven only by Connect clients, as the storefront does.
 */

import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { createTestDatabase, testTopic, waitFor } from "@shop/runtime/testing";
import { LineAvailability } from "@shop/schemas/cart/v1/cart";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loginAs, type ShopClients, shopClients } from "../clients.ts";
import { DEV_ADMIN } from "../functions.ts";
import { type Shop, startShop } from "./start-shop.ts";

let shop: Shop;
let admin: ShopClients;

async function product(name: string, priceMinor: bigint, stock: number): Promise<string> {
  const { product: created } = await admin.catalog.upsertProduct({
    product: {
      name,
      description: `A fine ${name.toLowerCase()}`,
      price: { amountMinor: priceMinor, currency: "EUR" },
      category: "kitchen",
      imageUrl: "",
      active: true,
    },
  });
  await admin.inventory.setStock({ productId: created!.id, available: stock });
  return created!.id;
}

/** Retries `call` while a projection does not know the products yet (InvalidArgument "not for sale"). */
function whenKnown<T>(what: string, call: () => Promise<T>): Promise<T> {
  return waitFor(
    async () => {
      try {
        return await call();
      } catch (error) {
        if (ConnectError.from(error).code === Code.InvalidArgument && /not for sale/.test(String(error)))
          return undefined;
        throw error;
      }
    },
    { message: what, timeoutMs: 30_000 },
  );
}

beforeAll(async () => {
  shop = await startShop({
    databaseUrl: await createTestDatabase(inject("databaseUrl")),
    kafkaBrokers: [inject("kafkaBrokers")],
    topic: testTopic("shop"),
    dlqTopic: testTopic("dlq"),
  });
  admin = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
});

afterAll(() => shop?.close());

describe("the server cart", () => {
  it("fills as a guest, merges at login, and empties when the order placed from it arrives", async () => {
    const mug = await product("Cart Mug", 1_250n, 50);
    const tea = await product("Cart Tea", 800n, 50);

    // A guest fills a cart: the first add creates it and names it.
    const guest = shopClients(shop.url).cart;
    const first = await whenKnown("cart to know the mug", () =>
      guest.addItem({ productId: mug, quantity: 2 }),
    );
    const guestCartId = first.cart?.id ?? "";
    expect(guestCartId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await whenKnown("cart to know the tea", () =>
      guest.addItem({ cartId: guestCartId, productId: tea, quantity: 1 }),
    );
    // Stock reaches cart on its own Trigger: the lines are marked available once it has.
    const filled = await waitFor(
      async () => {
        const { cart } = await guest.getCart({ cartId: guestCartId });
        return cart?.unavailableLines === 0 && cart.lines.length === 2 ? cart : undefined;
      },
      { message: "the guest cart's lines available" },
    );
    expect(filled.subtotal).toMatchObject({ amountMinor: 3_300n, currency: "EUR" });

    // The guest registers and logs in; the storefront merges the guest cart into theirs.
    const email = `cart-${randomUUID().slice(0, 8)}@example.com`;
    await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
    const { clients, user } = await loginAs(shop.url, email, "correct horse battery");
    const merged = (await clients.cart.mergeCart({ guestCartId })).cart;
    expect(merged).toMatchObject({ customerId: user.id, subtotal: { amountMinor: 3_300n } });
    expect(merged?.lines.map((l) => [l.productId, l.quantity, l.availability])).toEqual(
      [
        [mug, 2, LineAvailability.AVAILABLE],
        [tea, 1, LineAvailability.AVAILABLE],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    await expect(guest.getCart({ cartId: guestCartId })).rejects.toThrow(/could not find cart/);
    // Another device of the same customer sees the same cart.
    const otherDevice = (await loginAs(shop.url, email, "correct horse battery")).clients;
    expect((await otherDevice.cart.getCart({})).cart?.id).toBe(merged?.id);

    // The order is placed from the cart, naming it.
    const cartId = merged?.id ?? "";
    const placed = await whenKnown(
      "orders to know the products",
      async () =>
        (
          await clients.orders.placeOrder({
            lines: (merged?.lines ?? []).map(({ productId, quantity }) => ({ productId, quantity })),
            paymentToken: "tok_visa",
            idempotencyKey: randomUUID(),
            cartId,
          })
        ).order,
    );
    expect(placed?.status).toBe(OrderStatus.PENDING);
    const emptied = await waitFor(
      async () => {
        const { cart } = await clients.cart.getCart({});
        return cart?.lines.length === 0 ? cart : undefined;
      },
      { message: "the cart to empty itself on OrderPlaced" },
    );
    expect(emptied).toMatchObject({ id: cartId, subtotal: { amountMinor: 0n }, unavailableLines: 0 });
  });
});
