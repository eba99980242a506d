/**
 * Webhooks on real Kafka and Postgres: the local runner plays knative/base's Broker and webhooks'
 * KafkaSource on the events topic (copied as they are), the webhooks function runs on its own port,
 * and partners' receivers (tools/src/webhooks/receiver.ts) listen on loopback, allow-listed for the
 * test. A shop event published to Kafka arrives signed and verifies with the receiver's check, in both
 * formats; a tampered body fails the check; a receiver answering 500 gets the retries (a short
 * schedule) and its endpoint ends disabled with WebhookEndpointDisabled on the topic; the metadata
 * service and a private address are refused at registration, and nothing is sent to them.
 */
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, fromJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { createKafkaLog, knativeDir, type Runner, shopFunction, startRunner } from "@shop/platform";
import {
  decodeEvent,
  type EventLog,
  fromKafkaRecord,
  type RunningFunction,
  toCloudEvent,
  toKafkaRecord,
} from "@shop/runtime";
import {
  createTestDatabase,
  startForTest,
  testClient,
  testEventIssuer,
  testTopic,
  waitFor,
} from "@shop/runtime/testing";
import { OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { WebhookEndpointDisabledSchema } from "@shop/schemas/webhooks/v1/events";
import { DeliveryStatus, PayloadFormat, WebhookService } from "@shop/schemas/webhooks/v1/webhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Receiver, startReceiver } from "./receiver.ts";
import { verifyWebhook } from "./verify.ts";

const quiet = { info() {}, warn() {}, error() {} };
const eventsTopic = testTopic("events");
const dlqTopic = testTopic("dlq");
const ADMIN = { userId: "admin-1", role: "admin" } as const;

let log: EventLog;
let runner: Runner;
let fn: RunningFunction;
let dir: string;
let admin: Awaited<ReturnType<typeof testClient<typeof WebhookService, unknown, unknown>>>;
const secrets = new Map<string, string>();
const receivers: Receiver[] = [];
const published: { type: string; message: unknown }[] = [];

/** A receiver on loopback that verifies with the secret of the endpoint registered as `name`. */
async function receiver(name: string, answer?: () => number) {
  const started = await startReceiver({
    secret: () => secrets.get(name) ?? "",
    ...(answer ? { answer } : {}),
  });
  receivers.push(started);
  return started;
}

const orderPlaced = (orderId: string) =>
  toCloudEvent(OrderPlacedSchema, create(OrderPlacedSchema, { orderId, customerId: "customer-1" }), {
    source: "/functions/orders",
    key: orderId,
  });

let partner: Receiver;
let partnerJson: Receiver;
let broken: Receiver;

beforeAll(async () => {
  partner = await receiver("partner");
  partnerJson = await receiver("partner-json");
  broken = await receiver("broken", () => 500);
  const brokers = inject("kafkaBrokers").split(",");
  fn = await startForTest(shopFunction("webhooks"), {
    listen: true,
    config: {
      port: 0,
      database: { kind: "postgres", url: await createTestDatabase(inject("databaseUrl")) },
      kafkaBrokers: brokers,
      eventsTopic,
    },
    // Retries 100 ms, 200 ms, 200 ms … for 1.5 s, in place of 5 s doubling for a day.
    settings: {
      allowHosts: receivers.map((r) => `127.0.0.1:${r.port}`),
      baseMs: 100,
      maxMs: 200,
      horizonMs: 1_500,
      timeoutMs: 2_000,
    },
  });
  // The timer of a real start (startForTest ticks only when told): one every 100 ms.
  const timer = setInterval(() => void fn.tick(), 100);
  timer.unref();
  afterAll(() => clearInterval(timer));
  admin = await testClient(fn, WebhookService, { principal: ADMIN });
  dir = await mkdtemp(join(tmpdir(), "webhooks-knative-"));
  for (const file of ["broker.yaml", "webhooks.yaml"])
    await copyFile(join(knativeDir, file), join(dir, file));
  log = createKafkaLog({ brokers, clientId: "webhooks-test", logger: quiet });
  runner = await startRunner({
    log,
    knativeDir: dir,
    tokens: await testEventIssuer(),
    topicOverride: eventsTopic,
    dlqTopic,
    resolveSubscriber: () => `${fn.url}/`,
    logger: quiet,
  });
  // What is on the events topic, as any consumer reads it.
  await log.subscribe({
    groupId: `webhooks-test-reader-${eventsTopic}`,
    topic: eventsTopic,
    ordered: true,
    fromBeginning: true,
    handler: async (record) => {
      const decoded = decodeEvent(fromKafkaRecord(record));
      if (decoded) published.push({ type: decoded.event.type, message: decoded.message });
    },
  });
}, 120_000);

afterAll(async () => {
  await runner?.close();
  await log?.close();
  await fn?.close();
  for (const r of receivers) await r.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function register(name: string, at: Receiver, format: PayloadFormat) {
  const { endpoint, secret } = await admin.createEndpoint({
    url: `${at.url}hooks/${name}`,
    eventTypes: ["shop.orders.v1.OrderPlaced"],
    format,
    description: `${name} in the test`,
  });
  secrets.set(name, secret);
  return endpoint!;
}

const hitsOf = (at: Receiver, eventId: string) => at.received.filter((r) => r.headers["ce-id"] === eventId);

describe("webhooks on real Kafka and Postgres", () => {
  it("delivers a shop event signed, in protobuf and in JSON, and the partner's check holds; a tampered body fails it", {
    timeout: 60_000,
  }, async () => {
    await register("partner", partner, PayloadFormat.PROTOBUF);
    await register("partner-json", partnerJson, PayloadFormat.JSON);
    const event = orderPlaced("o-webhook");
    await log.publish(eventsTopic, [toKafkaRecord(event)]);

    const [binary] = await waitFor(
      () => (hitsOf(partner, event.id).length ? hitsOf(partner, event.id) : undefined),
      {
        timeoutMs: 30_000,
        message: "the protobuf delivery",
      },
    );
    expect(binary!.verdict.valid).toBe(true);
    expect(binary!.headers).toMatchObject({
      "ce-type": "shop.orders.v1.OrderPlaced",
      "ce-source": "/functions/orders",
      "ce-specversion": "1.0",
      "content-type": "application/protobuf",
    });
    expect(fromBinary(OrderPlacedSchema, binary!.body).orderId).toBe("o-webhook");

    const [json] = await waitFor(
      () => (hitsOf(partnerJson, event.id).length ? hitsOf(partnerJson, event.id) : undefined),
      {
        timeoutMs: 30_000,
        message: "the JSON delivery",
      },
    );
    expect(json!.verdict.valid).toBe(true);
    expect(json!.headers["content-type"]).toBe("application/json");
    expect(fromJsonString(OrderPlacedSchema, json!.body.toString("utf8")).orderId).toBe("o-webhook");

    // Tampered: one byte of the body changed, or another secret, and the check fails.
    const tampered = Buffer.from(binary!.body);
    const last = tampered.length - 1;
    tampered.writeUInt8(tampered.readUInt8(last) ^ 1, last);
    expect(verifyWebhook(secrets.get("partner")!, binary!.headers, tampered)).toEqual({
      valid: false,
      reason: "no signature matches the body and the secret",
    });
    expect(verifyWebhook(secrets.get("partner-json")!, binary!.headers, binary!.body).valid).toBe(false);
    const forged = await fetch(`${partner.url}hooks/partner`, {
      method: "POST",
      headers: { ...(binary!.headers as Record<string, string>), "content-length": String(tampered.length) },
      body: tampered,
    });
    expect(forged.status).toBe(401);
  });

  it("retries a receiver that answers 500, then disables its endpoint and says so on the topic", {
    timeout: 60_000,
  }, async () => {
    const endpoint = await register("broken", broken, PayloadFormat.PROTOBUF);
    const event = orderPlaced("o-broken");
    await log.publish(eventsTopic, [toKafkaRecord(event)]);

    const disabled = await waitFor(
      async () => {
        const { endpoint: now } = await admin.getEndpoint({ id: endpoint.id });
        return now?.enabled === false ? now : undefined;
      },
      { timeoutMs: 30_000, message: "the endpoint disabled" },
    );
    expect(disabled.disabledReason).toMatch(
      /^delivery .* still failed after \d+ attempts over \d+ s \(last: answered 500\)$/,
    );
    const hits = hitsOf(broken, event.id);
    // Retried past the first attempt, every attempt signed and with the same webhook-id.
    expect(hits.length).toBeGreaterThanOrEqual(3);
    expect(hits.every((h) => h.verdict.valid)).toBe(true);
    expect(new Set(hits.map((h) => h.headers["webhook-id"])).size).toBe(1);
    const { deliveries } = await admin.listDeliveries({ endpointId: endpoint.id });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      status: DeliveryStatus.FAILED,
      attempts: hits.length,
      lastStatusCode: 500,
    });

    const told = await waitFor(
      () =>
        published.find((p) => p.type === WebhookEndpointDisabledSchema.typeName) as
          | { message: Record<string, unknown> }
          | undefined,
      { timeoutMs: 30_000, message: "WebhookEndpointDisabled on the topic" },
    );
    expect(told.message).toMatchObject({
      endpointId: endpoint.id,
      lastStatusCode: 500,
      deliveryId: deliveries[0]!.id,
    });
  });

  it("refuses the metadata service and a private address at registration, sending nothing", async () => {
    for (const url of [
      "http://169.254.169.254/",
      "http://10.0.0.1/",
      "https://169.254.169.254/",
      "https://10.0.0.1/",
    ]) {
      const error = await admin
        .createEndpoint({ url, eventTypes: ["shop.orders.v1.OrderPlaced"], format: PayloadFormat.JSON })
        .then(
          () => undefined,
          (e: unknown) => ConnectError.from(e),
        );
      expect(error?.code, url).toBe(Code.InvalidArgument);
      expect(error?.rawMessage, url).toMatch(
        /must use https|is refused: it is a (link-local|private) address/,
      );
    }
    const { endpoints } = await admin.listEndpoints({});
    expect(endpoints.map((e) => new URL(e.url).hostname)).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
  });
});
