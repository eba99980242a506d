/**
 * notifications on real Kafka and Postgres, with a real SMTP server in process (the dev mail catcher,
 * smtp-server) reading what arrived: the local runner plays knative/base's Broker and notifications'
 * Triggers (copied as they are) and delivers what this test publishes to the Broker's topic, as
 * identity and orders publish it. A UserRegistered brings a welcome mail whose verify link holds the
 * token identity sealed; an OrderConfirmed on the topic twice (the same event id) brings one receipt.
 */
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type MailCatcher, startMailCatcher } from "@shop/notifications/mail-catcher";
import {
  type EventLog,
  envSecretStore,
  money,
  type RunningFunction,
  sealNotificationToken,
  toCloudEvent,
  toKafkaRecord,
} from "@shop/runtime";
import { createTestDatabase, startForTest, testEventIssuer, testTopic, waitFor } from "@shop/runtime/testing";
import { UserRegisteredSchema } from "@shop/schemas/identity/v1/events";
import { OrderConfirmedSchema } from "@shop/schemas/orders/v1/events";
import { OrderLineSchema, OrderShippingSchema } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { shopFunction } from "../functions.ts";
import { createKafkaLog } from "../log/kafka-log.ts";
import { knativeDir } from "../paths.ts";
import { type Runner, startRunner } from "./runner.ts";

const quiet = { info() {}, warn() {}, error() {} };
const eventsTopic = testTopic("events");
const dlqTopic = testTopic("dlq");

let log: EventLog;
let runner: Runner;
let fn: RunningFunction;
let catcher: MailCatcher;
let dir: string;

beforeAll(async () => {
  catcher = await startMailCatcher();
  fn = await startForTest(shopFunction("notifications"), {
    listen: true,
    config: { port: 0, database: { kind: "postgres", url: await createTestDatabase(inject("databaseUrl")) } },
    secrets: envSecretStore({ SHOP_SECRET_NOTIFICATIONS_SMTP: JSON.stringify(catcher.smtpSecret()) }),
    settings: { publicUrl: "https://shop.example" },
  });
  dir = await mkdtemp(join(tmpdir(), "notifications-knative-"));
  for (const file of ["broker.yaml", "notifications.yaml"])
    await copyFile(join(knativeDir, file), join(dir, file));
  log = createKafkaLog({
    brokers: inject("kafkaBrokers").split(","),
    clientId: "notifications-test",
    logger: quiet,
  });
  await log.ensureTopics([eventsTopic, dlqTopic]);
  runner = await startRunner({
    log,
    knativeDir: dir,
    tokens: await testEventIssuer(),
    topicOverride: eventsTopic,
    dlqTopic,
    resolveSubscriber: () => `${fn.url}/`,
    logger: quiet,
  });
}, 120_000);

afterAll(async () => {
  await runner?.close();
  await log?.close();
  await fn?.close();
  await catcher?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** How many events of `type` notifications answered with `outcome` (its /metrics counter). */
async function answered(type: string, outcome: string): Promise<number> {
  const metric = await fn.metrics.registry.getSingleMetric("shop_events_total")?.get();
  return metric?.values.find((v) => v.labels.type === type && v.labels.outcome === outcome)?.value ?? 0;
}

const mailTo = (address: string) => catcher.messages().filter((m) => m.to.includes(address));

describe("notifications on real Kafka and Postgres, sending to a real SMTP server", {
  timeout: 90_000,
}, () => {
  it("sends the welcome mail with a verify link holding the token identity sealed for the user", async () => {
    const userId = "u-int-ada";
    const registered = create(UserRegisteredSchema, {
      userId,
      email: "ada@example.com",
      registeredAt: timestampFromDate(new Date()),
      // As identity seals it in a local run (the dev Transit key of shop-notification-token).
      sealedVerificationToken: await sealNotificationToken(envSecretStore({}), "verify-int-123", userId),
    });
    const event = toCloudEvent(UserRegisteredSchema, registered, {
      source: "/functions/identity",
      key: userId,
    });
    await log.publish(eventsTopic, [toKafkaRecord(event)]);
    const [mail] = await waitFor(() => mailTo("ada@example.com").length > 0 && mailTo("ada@example.com"), {
      timeoutMs: 60_000,
      message: "the welcome mail",
    });
    expect(mail?.subject).toBe("Welcome to Shop: please confirm your email");
    expect(mail?.text).toContain("https://shop.example/#/verify?token=verify-int-123");
  });

  it("sends one receipt with the right amounts for an OrderConfirmed delivered twice", async () => {
    const confirmed = create(OrderConfirmedSchema, {
      orderId: "o-int-1",
      customerId: "u-int-ada",
      lines: [
        create(OrderLineSchema, {
          productId: "tea",
          productName: "Tea",
          quantity: 3,
          unitPrice: money(450n, "EUR"),
          lineTotal: money(1350n, "EUR"),
        }),
      ],
      subtotal: money(1350n, "EUR"),
      discount: money(135n, "EUR"),
      couponCode: "TEA10",
      shipping: create(OrderShippingSchema, {
        optionName: "Express",
        price: money(990n, "EUR"),
        charged: money(990n, "EUR"),
      }),
      total: money(2205n, "EUR"),
      confirmedAt: timestampFromDate(new Date()),
    });
    const event = toCloudEvent(OrderConfirmedSchema, confirmed, {
      source: "/functions/orders",
      key: "o-int-1",
    });
    // The same event (one id) on the topic twice: the broker delivers both.
    await log.publish(eventsTopic, [toKafkaRecord(event)]);
    await log.publish(eventsTopic, [toKafkaRecord(event)]);
    await waitFor(async () => (await answered(OrderConfirmedSchema.typeName, "duplicate")) >= 1, {
      timeoutMs: 60_000,
      message: "the second delivery to be answered as a duplicate",
    });
    await waitFor(() => mailTo("ada@example.com").some((m) => m.subject.includes("receipt")), {
      timeoutMs: 30_000,
      message: "the receipt",
    });
    // Whatever could still be sent is sent by now: the tick drains every due email.
    await fn.tick();
    const receipts = mailTo("ada@example.com").filter((m) => m.subject.includes("receipt"));
    expect(receipts.map((m) => m.subject)).toEqual(["Your Shop receipt for order o-int-1"]);
    for (const row of [
      "3 × Tea: €13.50",
      "Subtotal: €13.50",
      "Discount (code TEA10): -€1.35",
      "Shipping (Express): €9.90",
      "Total paid: €22.05",
    ]) {
      expect(receipts[0]?.text).toContain(row);
    }
    expect(await answered(OrderConfirmedSchema.typeName, "handled")).toBe(1);
  });
});
