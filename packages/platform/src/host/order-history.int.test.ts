/**
 * The back office's order history on real Kafka and real Postgres, through the local runner and the
 * Triggers in knative/: every event of a confirmed and of a cancelled order's saga, as orders emitted
 * and consumed them, read by an admin with GetOrderHistory and found again by ListOrders' filters.
 */

import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { createTestDatabase, testTopic, waitFor } from "@shop/runtime/testing";
import { OrderEventDirection, OrderStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loginAs, placeOrderWhenKnown, type ShopClients, shopClients } from "../clients.ts";
import { DEV_ADMIN } from "../functions.ts";
import { type Shop, startShop } from "./start-shop.ts";

const EUR = (amountMinor: number) => ({ amountMinor: BigInt(amountMinor), currency: "EUR" });

let shop: Shop;
let admin: ShopClients;
let dora: { clients: ShopClients; userId: string };
let eve: ShopClients;
let teapot = "";

async function customer(name: string) {
  const email = `${name}-${randomUUID().slice(0, 8)}@example.com`;
  await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
  const { clients, user } = await loginAs(shop.url, email, "correct horse battery");
  return { clients, userId: user.id };
}

beforeAll(async () => {
  shop = await startShop({
    databaseUrl: await createTestDatabase(inject("databaseUrl")),
    kafkaBrokers: [inject("kafkaBrokers")],
    topic: testTopic("shop"),
    dlqTopic: testTopic("dlq"),
  });
  admin = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
  dora = await customer("dora");
  eve = (await customer("eve")).clients;
  const { product } = await admin.catalog.upsertProduct({
    product: {
      name: "Teapot",
      description: "A teapot",
      price: EUR(2_500),
      category: "kitchen",
      active: true,
    },
  });
  teapot = product?.id ?? "";
  await admin.inventory.setStock({ productId: teapot, available: 10 });
});

afterAll(() => shop?.close());

/** Places an order of one teapot paid with `paymentToken`, and waits until it is `status`. */
async function settled(paymentToken: string, status: OrderStatus) {
  const order = await placeOrderWhenKnown(dora.clients, {
    lines: [{ productId: teapot, quantity: 1 }],
    paymentToken,
    idempotencyKey: randomUUID(),
  });
  await waitFor(async () => (await dora.clients.orders.getOrder({ id: order.id })).order?.status === status, {
    message: `order ${order.id} ${OrderStatus[status]}`,
    timeoutMs: 60_000,
  });
  return order.id;
}

/** The history of `id` as the admin reads it once it holds `count` events. */
async function history(id: string, count: number) {
  return waitFor(
    async () => {
      const { events } = await admin.orders.getOrderHistory({ orderId: id });
      return events.length >= count ? events : undefined;
    },
    { message: `${count} events of order ${id}` },
  );
}

describe("the order history", () => {
  it("holds every event of a confirmed order's saga, with its source, once each", {
    timeout: 90_000,
  }, async () => {
    const id = await settled("tok_visa", OrderStatus.CONFIRMED);
    const events = await history(id, 5);
    expect(events.map((e) => [e.type, e.source, e.direction])).toEqual([
      ["shop.orders.v1.OrderPlaced", "/functions/orders", OrderEventDirection.EMITTED],
      ["shop.promotions.v1.OrderPriced", "/functions/promotions", OrderEventDirection.CONSUMED],
      ["shop.inventory.v1.StockReserved", "/functions/inventory", OrderEventDirection.CONSUMED],
      ["shop.payments.v1.PaymentSucceeded", "/functions/payments", OrderEventDirection.CONSUMED],
      ["shop.orders.v1.OrderConfirmed", "/functions/orders", OrderEventDirection.EMITTED],
    ]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(5);
    // The customer reads the same of their own order; another customer finds no such order.
    expect((await dora.clients.orders.getOrderHistory({ orderId: id })).events).toEqual(events);
    const refused = await eve.orders.getOrderHistory({ orderId: id }).catch((e: unknown) => e);
    expect(ConnectError.from(refused).code).toBe(Code.NotFound);
  });

  it("holds a cancelled order's events up to the cancellation, and the search finds it", {
    timeout: 90_000,
  }, async () => {
    const id = await settled("tok_declined", OrderStatus.CANCELLED);
    const events = await history(id, 5);
    expect(events.map((e) => e.type)).toEqual([
      "shop.orders.v1.OrderPlaced",
      "shop.promotions.v1.OrderPriced",
      "shop.inventory.v1.StockReserved",
      "shop.payments.v1.PaymentFailed",
      "shop.orders.v1.OrderCancelled",
    ]);
    const { orders } = await admin.orders.listOrders({
      customerId: dora.userId,
      statuses: [OrderStatus.CANCELLED],
    });
    expect(orders.map((o) => o.id)).toEqual([id]);
  });
});
