/**
 * One purchase is one trace: on real Kafka and Postgres, with Zipkin started by infra/local and every
 * function exporting to it by the standard OTEL_* variables, an order with a coupon (and a card the
 * provider refuses once, so the runner redelivers StockReserved) is found through Zipkin's HTTP API
 * as one trace, from PlaceOrder through every outbox, Kafka and delivery hop to OrderConfirmed.
 */
import { randomUUID } from "node:crypto";
import { createTestDatabase, testTopic, waitFor } from "@shop/runtime/testing";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
// @ts-expect-error: plain ESM JavaScript without type declarations, so it runs before any install.
import { startZipkin } from "../../../../infra/local/index.mjs";
import { loginAs, type ShopClients, shopClients } from "../clients.ts";
import { DEV_ADMIN } from "../functions.ts";
import { type Shop, startShop } from "../host/start-shop.ts";
import { placeAndConfirm } from "./purchase.ts";
import { serviceOf, tracesOfOrder, type ZipkinSpan } from "./zipkin-api.ts";
import { screenshotTrace } from "./zipkin-ui.ts";

const SAGA = [
  { type: "shop.orders.v1.OrderPlaced", from: "orders", to: "promotions" },
  { type: "shop.promotions.v1.OrderPriced", from: "promotions", to: "inventory" },
  { type: "shop.inventory.v1.StockReserved", from: "inventory", to: "payments" },
  { type: "shop.payments.v1.PaymentSucceeded", from: "payments", to: "orders" },
];

let zipkin: { url: string; spansEndpoint: string; stop(): Promise<void> };
let shop: Shop;
let admin: ShopClients;
const saved: Record<string, string | undefined> = {};

function setEnv(values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
}

beforeAll(async () => {
  zipkin = await startZipkin({ log: () => {} });
  // What local real mode sets when infra/local runs Zipkin; a short batch delay keeps the test quick.
  setEnv({
    OTEL_TRACES_EXPORTER: "zipkin",
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
    OTEL_BSP_SCHEDULE_DELAY: "200",
  });
  shop = await startShop({
    databaseUrl: await createTestDatabase(inject("databaseUrl")),
    kafkaBrokers: [inject("kafkaBrokers")],
    topic: testTopic("traces"),
    dlqTopic: testTopic("traces-dlq"),
  });
  admin = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
});

afterAll(async () => {
  await shop?.close();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await zipkin?.stop();
});

describe("one purchase, one trace", () => {
  let spans: ZipkinSpan[];
  let traceCount: number;

  beforeAll(async () => {
    const email = `tracy-${randomUUID().slice(0, 8)}@example.com`;
    await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
    const customer = (await loginAs(shop.url, email, "correct horse battery")).clients;
    const order = await placeAndConfirm(admin, customer, "tok_unavailable");
    expect(order.status).toBe(OrderStatus.CONFIRMED);
    // Spans reach Zipkin in batches: wait until the last hop's span (OrderConfirmed published) is there.
    const traces = await waitFor(
      async () => {
        const found = await tracesOfOrder(zipkin.url, order.id);
        const all = found.flat();
        const confirmed = all.some(
          (s) =>
            s.kind === "PRODUCER" && s.tags?.["cloudevents.event_type"] === "shop.orders.v1.OrderConfirmed",
        );
        const delivered = SAGA.every(({ type }) =>
          all.some((s) => s.kind === "CONSUMER" && s.tags?.["cloudevents.event_type"] === type),
        );
        return confirmed && delivered ? found : undefined;
      },
      { message: "the order's trace in Zipkin", timeoutMs: 30_000 },
    );
    traceCount = traces.length;
    spans = traces.flat();
  });

  const byId = () => new Map(spans.map((span) => [span.id, span]));
  const consumersOf = (type: string, service: string) =>
    spans.filter(
      (s) => s.kind === "CONSUMER" && serviceOf(s) === service && s.tags?.["cloudevents.event_type"] === type,
    );

  it("is one trace with spans of orders, promotions, inventory, payments and the broker", () => {
    expect(traceCount).toBe(1);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    const services = new Set(spans.map(serviceOf));
    for (const service of ["orders", "promotions", "inventory", "payments", "broker"])
      expect(services).toContain(service);
  });

  it("starts at the PlaceOrder SERVER span, with the Connect attributes", () => {
    const roots = spans.filter((s) => !s.parentId);
    expect(roots).toHaveLength(1);
    const [root] = roots;
    expect(root?.kind).toBe("SERVER");
    expect(serviceOf(root!)).toBe("orders");
    expect(root?.tags).toMatchObject({
      "rpc.system": "connect_rpc",
      "rpc.service": "shop.orders.v1.OrderService",
      "rpc.method": "PlaceOrder",
    });
  });

  it("links every hop: transaction → PRODUCER (outbox) → broker delivery → CONSUMER → transaction", () => {
    const spansById = byId();
    for (const { type, from, to } of SAGA) {
      const consumers = consumersOf(type, to);
      expect(consumers.length, `${type} consumed by ${to}`).toBeGreaterThan(0);
      for (const consumer of consumers) {
        const delivery = spansById.get(consumer.parentId ?? "");
        expect(delivery?.kind, `${type}: the consumer's parent is the delivery`).toBe("CLIENT");
        expect(serviceOf(delivery!)).toBe("broker");
        const producer = spansById.get(delivery?.parentId ?? "");
        expect(producer?.kind, `${type}: the delivery's parent is the producer`).toBe("PRODUCER");
        expect(serviceOf(producer!)).toBe(from);
        expect(producer?.tags?.["cloudevents.event_id"]).toBe(consumer.tags?.["cloudevents.event_id"]);
        // The outbox hop: the producer span is the child of the transaction that wrote the row.
        const transaction = spansById.get(producer?.parentId ?? "");
        expect(transaction?.tags?.["db.operation.name"], `${type}: written in a transaction`).toBe(
          "TRANSACTION",
        );
        expect(serviceOf(transaction!)).toBe(from);
        // The handler's own transaction is the consumer's child.
        expect(
          spans.some((s) => s.parentId === consumer.id && s.tags?.["db.operation.name"] === "TRANSACTION"),
        ).toBe(true);
      }
    }
  });

  it("shows the redelivered StockReserved as a second CONSUMER span under the same delivery", () => {
    const attempts = consumersOf("shop.inventory.v1.StockReserved", "payments");
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(attempts.map((s) => s.parentId)).size).toBe(1);
    const sorted = [...attempts].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    expect(sorted[0]?.tags?.error).toBeTruthy();
    expect(sorted.at(-1)?.tags?.error).toBeUndefined();
    expect(sorted.at(-1)?.tags?.["shop.event.outcome"]).toBe("handled");
  });

  it("tags every span of the order's events with shop.order_id, and with the CloudEvents attributes", () => {
    const orderId = spans.find((s) => s.kind === "SERVER")?.tags?.["shop.order_id"];
    expect(orderId).toBeTruthy();
    const types = new Set([...SAGA.map((hop) => hop.type), "shop.orders.v1.OrderConfirmed"]);
    const ofOrder = spans.filter((s) => types.has(s.tags?.["cloudevents.event_type"] ?? ""));
    expect(ofOrder.length).toBeGreaterThanOrEqual(SAGA.length * 3 + 1);
    for (const span of ofOrder) {
      expect(span.tags?.["shop.order_id"]).toBe(orderId);
      expect(span.tags?.["cloudevents.event_source"]).toMatch(/^\/functions\//);
      expect(span.tags?.["cloudevents.event_subject"]).toBe(orderId);
      expect(span.tags?.["cloudevents.event_id"]).toBeTruthy();
    }
    // A product's event in the same trace (stock changed by the reservation) names no order.
    const product = spans.filter(
      (s) => s.tags?.["cloudevents.event_type"] === "shop.inventory.v1.StockChanged",
    );
    for (const span of product) expect(span.tags?.["shop.order_id"]).toBeUndefined();
  });

  it("opens in Zipkin's own UI, every service on the page (screenshot in test-output/screenshots)", async () => {
    const services = ["orders", "promotions", "inventory", "payments", "broker"];
    const traceId = spans[0]!.traceId;
    const { path, text } = await screenshotTrace(zipkin.url, traceId, services, "zipkin-order-trace");
    expect(path).toMatch(/zipkin-order-trace\.png$/);
    for (const service of services) expect(text.toLowerCase()).toContain(service);
  });
});
