/**
 * The purchase saga end to end on real Kafka and real Postgres, through the local runner and the
 * Triggers in knative/, driven only by Connect clients as a frontend would.
 */

import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { createTestDatabase, testTopic, waitFor } from "@shop/runtime/testing";
import { type Order, OrderStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loginAs, type ShopClients, shopClients } from "../clients.ts";
import { DEV_ADMIN } from "../functions.ts";
import { type Shop, startShop } from "./start-shop.ts";

const EUR = (amountMinor: number) => ({ amountMinor: BigInt(amountMinor), currency: "EUR" });
const FINAL = [OrderStatus.CONFIRMED, OrderStatus.CANCELLED];

let shop: Shop;
let admin: ShopClients;
let alice: { clients: ShopClients; userId: string };
let bob: { clients: ShopClients; userId: string };

async function customer(name: string) {
  const email = `${name}-${randomUUID().slice(0, 8)}@example.com`;
  await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
  const { clients, user } = await loginAs(shop.url, email, "correct horse battery");
  return { clients, userId: user.id };
}

/** Places an order, waiting out the moment before orders' projection has the products. */
async function place(
  clients: ShopClients,
  lines: { productId: string; quantity: number }[],
  extra: { couponCode?: string; paymentToken?: string; idempotencyKey?: string } = {},
) {
  const request = { lines, paymentToken: "tok_visa", idempotencyKey: randomUUID(), ...extra };
  return waitFor(
    async () => {
      try {
        return (await clients.orders.placeOrder(request)).order;
      } catch (error) {
        if (
          ConnectError.from(error).code === Code.InvalidArgument &&
          /not for sale|unknown/i.test(String(error))
        )
          return undefined;
        throw error;
      }
    },
    { message: "orders to know the products", timeoutMs: 30_000 },
  ) as Promise<Order>;
}

/** Follows an order with WatchOrder until it is final. */
async function final(clients: ShopClients, id: string): Promise<Order> {
  let last: Order | undefined;
  for await (const { order } of clients.orders.watchOrder({ id }, { timeoutMs: 60_000 })) {
    last = order;
    if (order && FINAL.includes(order.status)) break;
  }
  if (!last || !FINAL.includes(last.status))
    throw new Error(`order ${id} ended the stream at ${last?.status}`);
  return last;
}

async function product(name: string, price: number, category: string, stock: number) {
  const { product: created } = await admin.catalog.upsertProduct({
    product: {
      name,
      description: `A fine ${name.toLowerCase()}`,
      price: EUR(price),
      category,
      imageUrl: "",
      active: true,
    },
  });
  await admin.inventory.setStock({ productId: created!.id, available: stock });
  return created!.id;
}

const stockOf = async (productId: string) => (await admin.inventory.getStock({ productId })).stock!;
const redemptions = async (code: string) =>
  (await admin.promotions.listPromotions({})).promotions.find((p) => p.code === code)?.redemptionCount;

beforeAll(async () => {
  shop = await startShop({
    databaseUrl: await createTestDatabase(inject("databaseUrl")),
    kafkaBrokers: [inject("kafkaBrokers")],
    topic: testTopic("shop"),
    dlqTopic: testTopic("dlq"),
  });
  admin = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
  alice = await customer("alice");
  bob = await customer("bob");
});

afterAll(() => shop?.close());

describe("the purchase saga", () => {
  let mug: string;
  let tea: string;

  beforeAll(async () => {
    mug = await product("Blue Mug", 1_250, "kitchen", 100);
    tea = await product("Green Tea", 800, "pantry", 100);
    await admin.promotions.createPromotion({
      promotion: { name: "Ten off", code: "SAVE10", discount: { case: "percentOff", value: 10 } },
    });
  });

  it("confirms an order with a coupon: the amounts, the list, the stock and the redemption are right", async () => {
    const found = await waitFor(
      async () => {
        const { products } = await alice.clients.catalog.listProducts({ query: "mug" });
        return products.find((p) => p.id === mug);
      },
      { message: "the mug in search" },
    );
    expect(found.price?.amountMinor).toBe(1_250n);
    const placed = await place(
      alice.clients,
      [
        { productId: mug, quantity: 2 },
        { productId: tea, quantity: 1 },
      ],
      { couponCode: "SAVE10" },
    );
    expect(placed.status).toBe(OrderStatus.PENDING);
    expect(placed.subtotal?.amountMinor).toBe(3_300n);
    const order = await final(alice.clients, placed.id);
    expect(order.status).toBe(OrderStatus.CONFIRMED);
    expect(order.discount?.amountMinor).toBe(330n);
    expect(order.total?.amountMinor).toBe(2_970n);
    const { orders } = await alice.clients.orders.listOrders({});
    expect(orders.map((o) => o.id)).toContain(placed.id);
    expect((await stockOf(mug)).available).toBe(98);
    expect(await redemptions("SAVE10")).toBe(1);
  });

  it("cancels a declined payment and compensates: stock and coupon released, nothing charged", async () => {
    const before = await redemptions("SAVE10");
    const placed = await place(alice.clients, [{ productId: mug, quantity: 1 }], {
      couponCode: "SAVE10",
      paymentToken: "tok_declined",
    });
    const order = await final(alice.clients, placed.id);
    expect(order.status).toBe(OrderStatus.CANCELLED);
    expect(order.cancelReason).toMatch(/declined/i);
    await waitFor(async () => (await stockOf(mug)).available === 98, { message: "stock released" });
    await waitFor(async () => (await redemptions("SAVE10")) === before, { message: "coupon released" });
  });

  it("cancels an order that is out of stock and releases its coupon", async () => {
    const rare = await product("Rare Vase", 9_900, "decor", 1);
    const before = await redemptions("SAVE10");
    const placed = await place(alice.clients, [{ productId: rare, quantity: 2 }], { couponCode: "SAVE10" });
    const order = await final(alice.clients, placed.id);
    expect(order.status).toBe(OrderStatus.CANCELLED);
    expect(order.cancelReason).toMatch(/stock/i);
    await waitFor(async () => (await redemptions("SAVE10")) === before, { message: "coupon released" });
    expect((await stockOf(rare)).available).toBe(1);
  });

  it("cancels orders whose coupon is expired, exhausted or below its minimum, with the reason", async () => {
    const past = { seconds: BigInt(Math.floor(Date.now() / 1000) - 3_600), nanos: 0 };
    await admin.promotions.createPromotion({
      promotion: { name: "Old", code: "OLD5", discount: { case: "percentOff", value: 5 }, endsAt: past },
    });
    await admin.promotions.createPromotion({
      promotion: {
        name: "Once",
        code: "ONCE1",
        singleUse: true,
        discount: { case: "amountOff", value: EUR(100) },
      },
    });
    await admin.promotions.createPromotion({
      promotion: {
        name: "Big",
        code: "BIG50",
        minimumOrder: EUR(100_000),
        discount: { case: "percentOff", value: 50 },
      },
    });
    const first = await final(
      alice.clients,
      (await place(alice.clients, [{ productId: tea, quantity: 1 }], { couponCode: "ONCE1" })).id,
    );
    expect(first.status).toBe(OrderStatus.CONFIRMED);
    for (const code of ["OLD5", "ONCE1", "BIG50"]) {
      const order = await final(
        bob.clients,
        (await place(bob.clients, [{ productId: tea, quantity: 1 }], { couponCode: code })).id,
      );
      expect(order.status, code).toBe(OrderStatus.CANCELLED);
      expect(order.cancelReason, code).not.toBe("");
    }
  });
});

describe("races", () => {
  it("50 concurrent orders with one single-use coupon: exactly one gets the discount", async () => {
    const cup = await product("Espresso Cup", 500, "kitchen", 1_000);
    await admin.promotions.createPromotion({
      promotion: {
        name: "Lucky",
        code: "LUCKY-1",
        singleUse: true,
        discount: { case: "amountOff", value: EUR(200) },
      },
    });
    await place(alice.clients, [{ productId: cup, quantity: 1 }]); // warms orders' projection
    const placed = await Promise.all(
      Array.from({ length: 50 }, () =>
        place(alice.clients, [{ productId: cup, quantity: 1 }], { couponCode: "LUCKY-1" }),
      ),
    );
    const orders = await Promise.all(placed.map((o) => final(alice.clients, o.id)));
    const discounted = orders.filter(
      (o) => o.status === OrderStatus.CONFIRMED && o.discount?.amountMinor === 200n,
    );
    expect(discounted).toHaveLength(1);
    expect(orders.filter((o) => o.status === OrderStatus.CONFIRMED)).toHaveLength(1);
    expect(await redemptions("LUCKY-1")).toBe(1);
  });

  it("50 concurrent orders for the last 10 units: exactly 10 confirmed, stock never negative", async () => {
    const lamp = await product("Desk Lamp", 3_000, "decor", 10);
    await waitFor(async () => (await stockOf(lamp)).available === 10);
    const placed = await Promise.all(
      Array.from({ length: 50 }, () => place(bob.clients, [{ productId: lamp, quantity: 1 }])),
    );
    const orders = await Promise.all(placed.map((o) => final(bob.clients, o.id)));
    expect(orders.filter((o) => o.status === OrderStatus.CONFIRMED)).toHaveLength(10);
    const stock = await stockOf(lamp);
    expect(stock.available).toBe(0);
    expect(stock.available + stock.reserved + stock.sold).toBe(10);
  });

  it("the same PlaceOrder sent twice with one idempotency key makes one order", async () => {
    const key = randomUUID();
    const lines = [{ productId: (await admin.catalog.listProducts({})).products[0]!.id, quantity: 1 }];
    const [a, b] = await Promise.all([
      place(alice.clients, lines, { idempotencyKey: key }),
      place(alice.clients, lines, { idempotencyKey: key }),
    ]);
    expect(a.id).toBe(b.id);
    const { orders } = await alice.clients.orders.listOrders({ pageSize: 100 });
    expect(orders.filter((o) => o.id === a.id)).toHaveLength(1);
  });
});

describe("authorisation and bad input", () => {
  it("a customer cannot read another customer's order", async () => {
    const mine = await place(alice.clients, [
      { productId: (await admin.catalog.listProducts({})).products[0]!.id, quantity: 1 },
    ]);
    const error = await bob.clients.orders
      .getOrder({ id: mine.id })
      .catch((e: unknown) => ConnectError.from(e));
    expect((error as ConnectError).code).toBe(Code.NotFound);
  });

  it("admin RPCs refuse customers; a tampered token is Unauthenticated", async () => {
    const denied = await alice.clients.inventory
      .setStock({ productId: "x", available: 5 })
      .catch((e: unknown) => ConnectError.from(e));
    expect((denied as ConnectError).code).toBe(Code.PermissionDenied);
    const { tokens } = await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password);
    const [h, p, s] = tokens.accessToken.split(".");
    const tampered = `${h}.${p}x.${s}`;
    const error = await shopClients(shop.url, tampered)
      .orders.listOrders({})
      .catch((e: unknown) => ConnectError.from(e));
    expect((error as ConnectError).code).toBe(Code.Unauthenticated);
  });

  it("bad input gets InvalidArgument with a sentence and places nothing", async () => {
    const { orders: before } = await bob.clients.orders.listOrders({ pageSize: 100 });
    const error = await bob.clients.orders
      .placeOrder({
        lines: [{ productId: "no-such-product", quantity: 0 }],
        idempotencyKey: randomUUID(),
        paymentToken: "tok_visa",
      })
      .catch((e: unknown) => ConnectError.from(e));
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    expect((error as ConnectError).rawMessage.length).toBeGreaterThan(10);
    const { orders: after } = await bob.clients.orders.listOrders({ pageSize: 100 });
    expect(after).toHaveLength(before.length);
  });
});
