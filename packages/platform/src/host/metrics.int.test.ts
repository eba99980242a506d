/**
 * What /metrics shows after one real purchase on real Kafka and Postgres, through the runner and
 * the Triggers: the saga observed once as confirmed, PlaceOrder counted, every outbox drained, and
 * every Trigger's consumer group caught up (lag asked of Kafka).
 */
import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { createTestDatabase, sampleValue, testTopic, waitFor } from "@shop/runtime/testing";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loginAs, shopClients } from "../clients.ts";
import { DEV_ADMIN } from "../functions.ts";
import { type Shop, startShop } from "./start-shop.ts";

let shop: Shop;
const scrape = async (path: string) => (await fetch(`${shop.url}${path}`)).text();

beforeAll(async () => {
  shop = await startShop({
    databaseUrl: await createTestDatabase(inject("databaseUrl")),
    kafkaBrokers: [inject("kafkaBrokers")],
    topic: testTopic("shop"),
    dlqTopic: testTopic("dlq"),
  });
});
afterAll(() => shop?.close());

describe("/metrics after a purchase on Kafka and Postgres", () => {
  let orderId: string;

  beforeAll(async () => {
    const admin = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
    const { product } = await admin.catalog.upsertProduct({
      product: {
        name: "Metric Mug",
        price: { amountMinor: 900n, currency: "EUR" },
        category: "kitchen",
        active: true,
      },
    });
    await admin.inventory.setStock({ productId: product!.id, available: 5 });
    const email = `metrics-${randomUUID().slice(0, 8)}@example.com`;
    await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
    const { clients } = await loginAs(shop.url, email, "correct horse battery");
    const request = {
      lines: [{ productId: product!.id, quantity: 1 }],
      paymentToken: "tok_visa",
      idempotencyKey: randomUUID(),
    };
    // Orders learns of the product from ProductChanged: until then it refuses the line.
    const order = await waitFor(
      () =>
        clients.orders.placeOrder(request).then(
          (r) => r.order,
          (error: unknown) => {
            if (ConnectError.from(error).code === Code.InvalidArgument) return undefined;
            throw error;
          },
        ),
      { message: "orders to know the product", timeoutMs: 30_000 },
    );
    orderId = order!.id;
    await waitFor(
      async () => (await clients.orders.getOrder({ id: orderId })).order?.status === OrderStatus.CONFIRMED,
      { message: `order ${orderId} confirmed`, timeoutMs: 60_000 },
    );
  }, 120_000);

  it("orders shows the saga once, confirmed, and PlaceOrder answered ok once", async () => {
    const text = await scrape("/functions/orders/metrics");
    expect(
      sampleValue(text, "shop_saga_duration_seconds_count", { state: "confirmed", function: "orders" }),
    ).toBe(1);
    expect(sampleValue(text, "shop_orders_final_total", { state: "confirmed", reason: "" })).toBe(1);
    expect(sampleValue(text, "shop_orders_overdue")).toBe(0);
    const placed = { service: "shop.orders.v1.OrderService", method: "PlaceOrder", code: "ok" };
    expect(sampleValue(text, "shop_rpc_requests_total", placed)).toBe(1);
    expect(
      sampleValue(text, "shop_events_total", {
        type: "shop.payments.v1.PaymentSucceeded",
        outcome: "handled",
      }),
    ).toBe(1);
  });

  it("every outbox is drained and every Trigger's consumer group catches up", async () => {
    await waitFor(
      async () => {
        for (const name of Object.keys(shop.functions)) {
          if (sampleValue(await scrape(`/functions/${name}/metrics`), "shop_outbox_backlog") !== 0)
            return false;
        }
        return true;
      },
      { message: "every outbox published", timeoutMs: 30_000 },
    );
    const runner = await scrape("/metrics");
    // Kafka answered for each of them: the saga's Triggers are there, with a figure.
    expect(runner).toMatch(/shop_consumer_lag\{trigger="orders-events",function="runner"\} \d+/);
    await waitFor(async () => sampleValue(await scrape("/metrics"), "shop_consumer_lag") === 0, {
      message: "no consumer lag left",
      timeoutMs: 30_000,
    });
  });
});
