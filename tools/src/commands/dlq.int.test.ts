/**
 * `shop dlq` on real Kafka: an event the local runner dead-letters (its subscriber answers 422) is
 * listed with its reason, and redrive puts it back on the events topic once, however often it runs.
 */

import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { create } from "@bufbuild/protobuf";
import { createKafkaLog, type Runner, repoRoot, shopFunction, startRunner } from "@shop/platform";
import {
  type EventLog,
  type LogRecord,
  type ShopCloudEvent,
  toCloudEvent,
  toKafkaRecord,
} from "@shop/runtime";
import { createTestDatabase, startForTest, testEventIssuer, testTopic, waitFor } from "@shop/runtime/testing";
import { OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { listDeadLetters, redrive } from "./dead-letters.ts";
import { readRedriveStates, stateKey } from "./dlq-state.ts";
import { viewRecord } from "./event-view.ts";
import { tailKafka } from "./events.ts";
import { kafkaClient, readToEnd } from "./kafka.ts";

const brokers = inject("kafkaBrokers").split(",");
const eventsTopic = testTopic("events");
const dlqTopic = testTopic("dlq");
const group = `shop-dlq-redrive-${dlqTopic}`;
const quiet = { info() {}, warn() {}, error() {} };

let log: EventLog;
let runner: Runner;
let subscriber: Server;
let knativeDir: string;
/** The subscriber refuses until the "fix" is deployed. */
let fixed = false;
const delivered: string[] = [];

const run = promisify(execFile);
/** Runs the CLI as a user would, against this test's topics. */
async function shop(...args: string[]): Promise<string> {
  const { stdout } = await run(
    join(repoRoot, "node_modules", ".bin", "tsx"),
    [
      join(repoRoot, "tools", "src", "cli.ts"),
      ...args,
      "--dlq-topic",
      dlqTopic,
      "--topic",
      eventsTopic,
      "--group",
      group,
    ],
    { cwd: repoRoot, env: { ...process.env, KAFKA_BROKERS: brokers.join(",") } },
  );
  return stdout;
}

async function recordsOf(topic: string): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  await readToEnd(kafkaClient(brokers), topic, { onBatch: async (_, batch) => void records.push(...batch) });
  return records;
}

beforeAll(async () => {
  subscriber = createServer((req, res) => {
    req.resume();
    if (!fixed) {
      res.writeHead(422, { "content-type": "text/plain" }).end("coupon WELCOME10 is not known here");
      return;
    }
    delivered.push(String(req.headers["ce-id"]));
    res.writeHead(202).end();
  });
  await new Promise<void>((resolve) => subscriber.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/`;
  knativeDir = await mkdtemp(join(tmpdir(), "dlq-test-"));
  await writeFile(
    join(knativeDir, "eventing.yaml"),
    `apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: { name: shop, namespace: shop }
spec:
  delivery:
    retry: 0
    deadLetterSink: { ref: { apiVersion: eventing.knative.dev/v1alpha1, kind: KafkaSink, name: shop-dlq } }
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: promotions-order-placed, namespace: shop }
spec:
  broker: shop
  filters: [{ exact: { type: shop.orders.v1.OrderPlaced } }]
  subscriber: { uri: "${url}" }
`,
  );
  log = createKafkaLog({ brokers, clientId: "dlq-test", logger: quiet });
  await log.ensureTopics([eventsTopic, dlqTopic]);
  runner = await startRunner({
    log,
    knativeDir,
    tokens: await testEventIssuer(),
    topicOverride: eventsTopic,
    dlqTopic,
    resolveSubscriber: () => url,
    logger: quiet,
  });
});

afterAll(async () => {
  await runner?.close();
  await log?.close();
  subscriber?.closeAllConnections();
  subscriber?.close();
  if (knativeDir) await rm(knativeDir, { recursive: true, force: true });
});

describe("shop dlq", () => {
  it("lists a dead-lettered event with its reason, and redrives it exactly once", async () => {
    const event = toCloudEvent(
      OrderPlacedSchema,
      create(OrderPlacedSchema, { orderId: "o-dlq-1", customerId: "c-1", couponCode: "WELCOME10" }),
      { source: "/functions/orders", key: "o-dlq-1" },
    );
    await log.publish(eventsTopic, [toKafkaRecord(event)]);
    const kafka = kafkaClient(brokers);
    const topics = { dlqTopic, eventsTopic, group };
    const [letter] = await waitFor(
      async () => {
        const letters = await listDeadLetters(kafka, topics);
        return letters.length > 0 ? letters : undefined;
      },
      { timeoutMs: 30_000, message: "the event in the dead-letter topic" },
    );
    expect(letter).toMatchObject({
      id: event.id,
      type: "shop.orders.v1.OrderPlaced",
      errorCode: "422",
      reason: "coupon WELCOME10 is not known here",
      redriven: false,
      message: { orderId: "o-dlq-1", couponCode: "WELCOME10" },
    });
    expect(letter!.destination).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    // What a user sees.
    const table = await shop("dlq", "list");
    expect(table).toMatch(/ID\s+TYPE\s+DESTINATION\s+CODE/);
    expect(table).toContain(event.id);
    expect(table).toContain("coupon WELCOME10 is not known here");

    fixed = true;
    const redriven = await shop("dlq", "redrive", "--id", event.id);
    expect(redriven).toContain(`redriven ${event.id} shop.orders.v1.OrderPlaced`);
    await waitFor(() => delivered.includes(event.id), { message: "the redriven event at its subscriber" });

    // Again, by id and all: nothing more goes back.
    expect(await redrive(kafka, brokers, topics, { ids: [event.id] })).toEqual([]);
    expect(await redrive(kafka, brokers, topics, { all: true })).toEqual([]);
    expect(await shop("dlq", "list")).toContain("no dead letters waiting");
    expect(await shop("dlq", "list", "--all")).toMatch(new RegExp(`${event.id}.*redriven`));

    const copies = (await recordsOf(eventsTopic)).filter((r) => r.headers.ce_id === event.id);
    expect(copies).toHaveLength(2);
    const back = copies[1]!;
    expect(Object.keys(back.headers).filter((h) => h.startsWith("ce_knativeerror"))).toEqual([]);
    expect(back.key).toBe("o-dlq-1");
    expect(Buffer.from(back.value).equals(Buffer.from(copies[0]!.value))).toBe(true);
    expect(delivered.filter((id) => id === event.id)).toHaveLength(1);
    expect(await recordsOf(dlqTopic)).toHaveLength(1);
  });

  it("shop events tail reads the events topic from Kafka, decoded", async () => {
    const seen: LogRecord[] = [];
    const stop = new AbortController();
    const tail = tailKafka(brokers, eventsTopic, true, (r) => seen.push(r), stop.signal);
    await waitFor(() => seen.some((r) => r.key === "o-dlq-1"), {
      timeoutMs: 30_000,
      message: "the tailed event",
    });
    stop.abort();
    await tail;
    expect(viewRecord(seen.find((r) => r.key === "o-dlq-1")!)).toMatchObject({
      type: "shop.orders.v1.OrderPlaced",
      message: { orderId: "o-dlq-1" },
    });
  });

  it("reads what the redrive function made of a dead letter from its database", async () => {
    const url = await createTestDatabase(inject("databaseUrl"));
    const fn = await startForTest(shopFunction("redrive"), {
      config: { database: { kind: "postgres", url } },
    });
    try {
      const event = toCloudEvent(
        OrderPlacedSchema,
        create(OrderPlacedSchema, { orderId: "o-dlq-2", customerId: "c-1" }),
        { source: "/functions/orders", key: "o-dlq-2" },
      );
      const dest = "http://127.0.0.1:9/functions/promotions/";
      const dead = event.cloneWith(
        { knativeerrorcode: "503", knativeerrordata: "dW5hdmFpbGFibGU=", knativeerrordest: dest },
        false,
      ) as ShopCloudEvent;
      await fn.receive(dead);
      const states = await readRedriveStates(url, [event.id, "another"]);
      expect(typeof states === "string" ? states : [...states.entries()]).toEqual([
        [stateKey(event.id, dest), expect.objectContaining({ state: "waiting", attempts: 0 })],
      ]);
    } finally {
      await fn.close();
    }
    const missing = await readRedriveStates(await createTestDatabase(inject("databaseUrl")), ["x"]);
    expect(missing).toMatch(/^redrive's states could not be read \(.*dead_letters.* does not exist\)$/);
  });
});
