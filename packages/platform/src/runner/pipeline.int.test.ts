/**
 * The whole mechanism on real Kafka and real Postgres: a function on the runtime gets a protobuf
 * CloudEvent from the local runner through a Trigger, writes its effect, its processed-event record
 * and an outgoing event in one transaction; the relay publishes the event and a second Trigger
 * delivers it. Redelivery changes nothing, a malformed event is dead-lettered with the reason, and
 * an event committed by a process that died before publishing is published by the sweeper on restart.
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import {
  createLogger,
  type EventLog,
  fromHttp,
  type LogRecord,
  type RunningFunction,
  type StartOptions,
  startFunction,
  toCloudEvent,
  toKafkaRecord,
} from "@shop/runtime";
import {
  createTestDatabase,
  fixtureFunction,
  fixtureGreetings,
  testEventIssuer,
  testTopic,
  waitFor,
} from "@shop/runtime/testing";
import { UserRegisteredSchema } from "@shop/schemas/identity/v1/events";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createKafkaLog } from "../log/kafka-log.ts";
import { type Runner, startRunner } from "./runner.ts";

const manifests = `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: { name: shop, namespace: shop, annotations: { kafka.eventing.knative.dev/external.topic: shop.events } }
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: orders-user-registered, namespace: shop, annotations: { kafka.eventing.knative.dev/delivery.order: ordered } }
spec:
  broker: shop
  filters: [{ exact: { type: shop.identity.v1.UserRegistered } }]
  subscriber: { ref: { apiVersion: serving.knative.dev/v1, kind: Service, name: orders }, audience: shop/orders }
  delivery:
    retry: 2
    backoffPolicy: exponential
    backoffDelay: PT0.1S
    deadLetterSink: { ref: { apiVersion: eventing.knative.dev/v1alpha1, kind: KafkaSink, name: shop-dlq, namespace: shop } }
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: recorder-order-placed, namespace: shop }
spec:
  broker: shop
  filters: [{ exact: { type: shop.orders.v1.OrderPlaced } }]
  subscriber: { ref: { apiVersion: serving.knative.dev/v1, kind: Service, name: recorder } }
`;

function registered(userId: string, email = `${userId}@example.com`) {
  return toCloudEvent(UserRegisteredSchema, create(UserRegisteredSchema, { userId, email }), {
    source: "/functions/identity",
    key: userId,
  });
}

describe("runtime + runner on real Kafka and Postgres", () => {
  const topic = testTopic("events");
  const dlqTopic = testTopic("dlq");
  const received: ReturnType<typeof fromHttp>[] = [];
  let log: EventLog;
  let fn: RunningFunction;
  let port = 0;
  let recorder: Server;
  let runner: Runner;
  let dir: string;
  let databaseUrl: string;

  async function start(options: StartOptions = {}) {
    const issuer = await testEventIssuer();
    return startFunction(fixtureFunction, {
      eventAuth: { issuer: issuer.issuer, keys: issuer.keys },
      ...options,
      logger: createLogger("orders", "warn"),
      config: {
        database: { kind: "postgres", url: databaseUrl },
        kafkaBrokers: [inject("kafkaBrokers")],
        eventsTopic: topic,
        port,
        sweepIntervalMs: 0,
      },
    });
  }

  const placedFor = (userId: string) =>
    received.filter((e) => e.type === "shop.orders.v1.OrderPlaced" && e.partitionkey === `welcome-${userId}`);
  const greetingsOf = async (userId: string) =>
    (await fn.app.db.select().from(fixtureGreetings)).filter((g) => g.userId === userId);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(inject("databaseUrl"));
    log = createKafkaLog({ brokers: [inject("kafkaBrokers")], clientId: "pipeline-test" });
    await log.ensureTopics([topic, dlqTopic]);
    fn = await start();
    port = Number(new URL(fn.url!).port);
    recorder = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push(fromHttp(req.headers, Buffer.concat(chunks)));
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => recorder.listen(0, "127.0.0.1", resolve));
    const recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
    dir = await mkdtemp(join(tmpdir(), "shop-knative-"));
    await writeFile(join(dir, "shop.yaml"), manifests);
    runner = await startRunner({
      log,
      knativeDir: dir,
      tokens: await testEventIssuer(),
      topicOverride: topic,
      dlqTopic,
      resolveSubscriber: (ref) => (ref.name === "orders" ? `http://127.0.0.1:${port}` : recorderUrl),
    });
  });

  afterAll(async () => {
    await runner?.close();
    await fn?.close();
    await log?.close();
    recorder?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("delivers through a Trigger, commits effect + record + event together, and a second Trigger gets the event", async () => {
    await log.publish(topic, [toKafkaRecord(registered("u1"))]);
    const [placed] = await waitFor(() => placedFor("u1").length > 0 && placedFor("u1"), {
      message: "OrderPlaced",
    });
    expect(placed?.source).toBe("/functions/orders");
    expect(await greetingsOf("u1")).toHaveLength(1);
  });

  it("changes nothing when the broker delivers the same event again", async () => {
    const event = registered("u2");
    await log.publish(topic, [toKafkaRecord(event)]);
    await waitFor(() => placedFor("u2").length === 1, { message: "first delivery" });
    await log.publish(topic, [toKafkaRecord(event)]);
    await waitFor(
      async () => (await fn.metrics.events.get()).values.some((v) => v.labels.outcome === "duplicate"),
      {
        message: "the duplicate to be seen",
      },
    );
    // u3 comes after the duplicate in the same ordered flow; once it is out, the duplicate would be too.
    await log.publish(topic, [toKafkaRecord(registered("u3"))]);
    await waitFor(() => placedFor("u3").length === 1, { message: "the event after the duplicate" });
    expect(placedFor("u2")).toHaveLength(1);
    expect(await greetingsOf("u2")).toHaveLength(1);
  });

  it("answers a malformed CloudEvent with 400 and the runner dead-letters it with the reason", async () => {
    const bad = toKafkaRecord(registered("u4"));
    bad.value = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
    await log.publish(topic, [bad]);
    const dead: LogRecord[] = [];
    const reader = await log.subscribe({
      groupId: `dlq-reader-${Date.now()}`,
      topic: dlqTopic,
      ordered: true,
      fromBeginning: true,
      handler: async (record) => void dead.push(record),
    });
    try {
      const [record] = await waitFor(() => dead.length > 0 && dead, {
        timeoutMs: 30_000,
        message: "a DLQ record",
      });
      expect(record?.headers.ce_id).toBe(bad.headers.ce_id);
      expect(record?.headers.ce_knativeerrorcode).toBe("400");
      const reason = Buffer.from(record?.headers.ce_knativeerrordata ?? "", "base64").toString("utf8");
      expect(reason).toMatch(/not a valid shop.identity.v1.UserRegistered/);
    } finally {
      await reader.close();
    }
    expect(await greetingsOf("u4")).toHaveLength(0);
  });

  it("loses nothing when the process dies between commit and publish: the sweeper publishes on restart", async () => {
    await fn.close();
    fn = await start({ publishAfterCommit: false });
    await log.publish(topic, [toKafkaRecord(registered("u5"))]);
    await waitFor(async () => (await greetingsOf("u5")).length === 1, { message: "the effect of u5" });
    const unpublished = await fn.app.db.select().from(fixtureFunction.outbox);
    expect(unpublished.filter((row) => row.key === "welcome-u5" && row.publishedAt === null)).toHaveLength(1);
    await fn.close();
    fn = await start();
    await waitFor(() => placedFor("u5").length === 1, { message: "OrderPlaced of u5 after restart" });
  });
});
