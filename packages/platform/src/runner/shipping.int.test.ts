/**
 * shipping on real Kafka and real Postgres, wired by the Triggers of knative/: an OrderConfirmed with
 * shipping published to the topic reaches shipping through its Trigger, and the dev carrier (short
 * delays) takes the parcel from ShipmentCreated to ShipmentDispatched to ShipmentDelivered, each on
 * the topic as an external consumer reads it.
 */
import { createServer, type Server } from "node:http";
import { create } from "@bufbuild/protobuf";
import {
  createLogger,
  decodeEvent,
  type EventLog,
  fromKafkaRecord,
  type LogRecord,
  money,
  type RunningFunction,
  type Subscription,
  startFunction,
  toCloudEvent,
  toKafkaRecord,
} from "@shop/runtime";
import { createTestDatabase, testEventIssuer, testTopic, waitFor } from "@shop/runtime/testing";
import { OrderConfirmedSchema } from "@shop/schemas/orders/v1/events";
import { shippingFunction } from "@shop/shipping/function";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createKafkaLog } from "../log/kafka-log.ts";
import { knativeDir } from "../paths.ts";
import { type Runner, startRunner } from "./runner.ts";

function confirmed(orderId: string) {
  const message = create(OrderConfirmedSchema, {
    orderId,
    customerId: "erin",
    total: money(2490n, "EUR"),
    subtotal: money(2000n, "EUR"),
    discount: money(0n, "EUR"),
    shipping: {
      option: "express",
      optionName: "Express delivery",
      address: { name: "Erin", line1: "Rue de Rivoli 1", city: "Paris", postcode: "75001", country: "FR" },
      price: money(1290n, "EUR"),
      charged: money(490n, "EUR"),
    },
  });
  return toCloudEvent(OrderConfirmedSchema, message, { source: "/functions/orders", key: orderId });
}

describe("shipping on real Kafka and Postgres, through its Triggers", { timeout: 60_000 }, () => {
  const topic = testTopic("shipping");
  const dlqTopic = testTopic("shipping-dlq");
  const seen: LogRecord[] = [];
  let log: EventLog;
  let fn: RunningFunction;
  let runner: Runner;
  let reader: Subscription;
  // Every other subscriber of the Triggers (inventory takes OrderConfirmed too) answers 202.
  let elsewhere: Server;

  beforeAll(async () => {
    const issuer = await testEventIssuer();
    log = createKafkaLog({ brokers: [inject("kafkaBrokers")], clientId: "shipping-int-test" });
    await log.ensureTopics([topic, dlqTopic]);
    fn = await startFunction(shippingFunction, {
      logger: createLogger("shipping", "warn"),
      eventAuth: { issuer: issuer.issuer, keys: issuer.keys },
      config: {
        database: { kind: "postgres", url: await createTestDatabase(inject("databaseUrl")) },
        kafkaBrokers: [inject("kafkaBrokers")],
        eventsTopic: topic,
        port: 0,
        tickIntervalMs: 100,
      },
      settings: { devCarrier: { enabled: true, dispatchAfterMs: 200, deliverAfterMs: 200 } },
    });
    elsewhere = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(202).end());
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    const elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as { port: number }).port}`;
    runner = await startRunner({
      log,
      knativeDir,
      tokens: issuer,
      topicOverride: topic,
      dlqTopic,
      resolveSubscriber: (ref) => (ref.name === "shipping" ? (fn.url ?? "") : elsewhereUrl),
    });
    reader = await log.subscribe({
      groupId: `shipping-reader-${topic}`,
      topic,
      ordered: true,
      fromBeginning: true,
      handler: async (record) => void seen.push(record),
    });
  });

  afterAll(async () => {
    await reader?.close();
    await runner?.close();
    await fn?.close();
    await log?.close();
    elsewhere?.close();
  });

  const shipmentEvents = (orderId: string) =>
    seen
      .map((record) => decodeEvent(fromKafkaRecord(record)))
      .filter(
        (decoded) =>
          decoded?.event.partitionkey === orderId && decoded.event.type.startsWith("shop.shipping."),
      )
      .map((decoded) => decoded!);

  it("publishes the shipping options on start", async () => {
    await waitFor(
      () =>
        seen.filter((r) => fromKafkaRecord(r).type === "shop.shipping.v1.ShippingOptionChanged").length >= 2,
      { message: "ShippingOptionChanged for standard and express", timeoutMs: 30_000 },
    );
  });

  it("creates, dispatches and delivers the parcel of a confirmed order, once each", async () => {
    const event = confirmed("int-order-1");
    await log.publish(topic, [toKafkaRecord(event)]);
    // The broker delivering the same event again changes nothing.
    await log.publish(topic, [toKafkaRecord(event)]);
    const events = await waitFor(
      () => {
        const found = shipmentEvents("int-order-1");
        return found.some((e) => e.event.type === "shop.shipping.v1.ShipmentDelivered") && found;
      },
      { message: "ShipmentDelivered on the topic", timeoutMs: 30_000 },
    );
    expect(events.map((e) => e.event.type)).toEqual([
      "shop.shipping.v1.ShipmentCreated",
      "shop.shipping.v1.ShipmentDispatched",
      "shop.shipping.v1.ShipmentDelivered",
    ]);
    const [created, dispatched, delivered] = events;
    expect(created?.event).toMatchObject({ source: "/functions/shipping", subject: "int-order-1" });
    expect(created?.message).toMatchObject({
      orderId: "int-order-1",
      option: "express",
      address: { country: "FR" },
    });
    expect(dispatched?.message).toMatchObject({ carrier: "Shop Express Dev", customerId: "erin" });
    expect(delivered?.message).toMatchObject({
      shipmentId: (created?.message as { shipmentId?: string } | undefined)?.shipmentId,
    });
  });
});
