/**
 * The customer journey's cancel on real Kafka and real Postgres, through the local runner and the
 * Triggers in knative/: an order placed with a shipping address and option (the option published as
 * shipping would publish it), confirmed, then cancelled by its customer before dispatch. Every step
 * compensates: the sold stock is back, the coupon redemption released, the charge refunded.
 */

import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { toCloudEvent, toKafkaRecord } from "@shop/runtime";
import { createTestDatabase, testTopic, waitFor } from "@shop/runtime/testing";
import { CancelledBy, type Order, OrderStatus } from "@shop/schemas/orders/v1/orders";
import { ShippingOptionChangedSchema } from "@shop/schemas/shipping/v1/events";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loginAs, type ShopClients, shopClients } from "../clients.ts";
import { DEV_ADMIN } from "../functions.ts";
import { type Shop, startShop } from "./start-shop.ts";

const EUR = (amountMinor: number) => ({ amountMinor: BigInt(amountMinor), currency: "EUR" });
const topic = testTopic("shop");

let shop: Shop;
let admin: ShopClients;
let carla: ShopClients;

beforeAll(async () => {
  shop = await startShop({
    databaseUrl: await createTestDatabase(inject("databaseUrl")),
    kafkaBrokers: [inject("kafkaBrokers")],
    topic,
    dlqTopic: testTopic("dlq"),
  });
  admin = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
  const email = `carla-${randomUUID().slice(0, 8)}@example.com`;
  await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
  carla = (await loginAs(shop.url, email, "correct horse battery")).clients;
});

afterAll(() => shop?.close());

describe("cancelling a confirmed order that ships", () => {
  it("gives the stock back, releases the coupon and refunds the charge", async () => {
    const { product } = await admin.catalog.upsertProduct({
      product: {
        name: "Red Kettle",
        description: "A kettle",
        price: EUR(4_000),
        category: "kitchen",
        active: true,
      },
    });
    const kettle = product?.id ?? "";
    await admin.inventory.setStock({ productId: kettle, available: 10 });
    await admin.promotions.createPromotion({
      promotion: { name: "Five off", code: "KETTLE5", discount: { case: "amountOff", value: EUR(500) } },
    });
    // Shipping's function may not run here: its option is published on the topic as it would be.
    const option = toCloudEvent(
      ShippingOptionChangedSchema,
      create(ShippingOptionChangedSchema, {
        optionId: "standard",
        name: "Standard",
        price: EUR(490),
        minDays: 2,
        maxDays: 4,
        countries: ["DE", "AT"],
        active: true,
        version: 1n,
      }),
      { source: "/functions/shipping", key: "standard" },
    );
    await shop.log.publish(topic, [toKafkaRecord(option)]);

    const request = {
      lines: [{ productId: kettle, quantity: 2 }],
      couponCode: "KETTLE5",
      paymentToken: "tok_visa",
      idempotencyKey: randomUUID(),
      shippingAddress: {
        name: "Carla Meyer",
        line1: "Hauptstr. 5",
        line2: "",
        city: "Wien",
        postcode: "1010",
        country: "AT",
      },
      shippingOption: "standard",
    };
    // Orders' projections learn of the kettle and the option through the broker.
    const placed = await waitFor(
      async () => {
        try {
          return (await carla.orders.placeOrder(request)).order;
        } catch (error) {
          if (ConnectError.from(error).code === Code.InvalidArgument) return undefined;
          throw error;
        }
      },
      { message: "orders to know the kettle and the shipping option", timeoutMs: 30_000 },
    );
    expect(placed?.shipping).toMatchObject({ option: "standard", price: EUR(490) });
    const id = placed?.id ?? "";

    const confirmed = (await waitFor(
      async () => {
        const { order } = await carla.orders.getOrder({ id });
        return order?.status === OrderStatus.CONFIRMED ? order : undefined;
      },
      { message: "the order confirmed", timeoutMs: 60_000 },
    )) as Order;
    expect(confirmed.discount).toMatchObject(EUR(500));
    expect(confirmed.shipping?.charged?.currency).toBe("EUR");
    await waitFor(async () => (await admin.inventory.getStock({ productId: kettle })).stock?.sold === 2, {
      message: "the kettles sold",
    });
    const redeemed = async () =>
      (await admin.promotions.listPromotions({})).promotions.find((p) => p.code === "KETTLE5")
        ?.redemptionCount;
    expect(await redeemed()).toBe(1);

    const { order: cancelled } = await carla.orders.cancelOrder({ id, reason: "Bought one in town" });
    expect(cancelled).toMatchObject({
      status: OrderStatus.CANCELLED,
      cancelReason: "Bought one in town",
      cancellation: { by: CancelledBy.CUSTOMER },
    });

    await waitFor(
      async () => {
        const { stock } = await admin.inventory.getStock({ productId: kettle });
        return stock?.available === 10 && stock.sold === 0 && stock.reserved === 0;
      },
      { message: "the sold kettles back in stock", timeoutMs: 30_000 },
    );
    await waitFor(async () => (await redeemed()) === 0, {
      message: "the coupon released",
      timeoutMs: 30_000,
    });
    const refunded = await waitFor(async () => (await carla.orders.getOrder({ id })).order?.refund, {
      message: "the charge refunded",
      timeoutMs: 30_000,
    });
    expect(refunded.amount).toMatchObject({ amountMinor: confirmed.total?.amountMinor, currency: "EUR" });
  });
});
