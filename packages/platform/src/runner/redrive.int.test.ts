/**
 * Dead letters that heal, on real Kafka and Postgres, the runner and the redrive function together: the local runner plays knative/base's Broker,
 * its dead-letter KafkaSink and redrive's KafkaSource (copied as they are), and a Trigger of
 * inventory's with its real delivery (retry 5, exponential from 0.2 s). A subscriber that fails with
 * 500 past those retries and then recovers gets the event from redrive, automatically; one that
 * refuses with 400 does not, and the letter stays dead — until an admin redrives it by hand through
 * DeadLetterService, which hands it to the subscriber once.
 */
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { type EventLog, type RunningFunction, toCloudEvent, toKafkaRecord } from "@shop/runtime";
import {
  createTestDatabase,
  startForTest,
  testClient,
  testEventIssuer,
  testTopic,
  waitFor,
} from "@shop/runtime/testing";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";
import { DeadLetterService, DeadLetterState } from "@shop/schemas/redrive/v1/redrive";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { shopFunction } from "../functions.ts";
import { createKafkaLog } from "../log/kafka-log.ts";
import { knativeDir } from "../paths.ts";
import { type Runner, startRunner } from "./runner.ts";

const quiet = { info() {}, warn() {}, error() {} };
const eventsTopic = testTopic("events");
const dlqTopic = testTopic("dlq");
// The Trigger's retries: 1 + 5 deliveries over about 12 s before the broker dead-letters.
const TRIGGER_DELIVERIES = 6;

let log: EventLog;
let runner: Runner;
let fn: RunningFunction;
let dir: string;

/** inventory, as far as this test is concerned: answers as `answer` says, and records what it got. */
interface Delivery {
  headers: IncomingHttpHeaders;
  body: Buffer;
}
const deliveries: Delivery[] = [];
let answer: (d: Delivery) => { status: number; body?: string } = () => ({ status: 200 });
let inventory: Server;
let inventoryUrl: string;

/** An OrderPriced of `orderId`, as promotions publishes it. */
const orderPriced = (orderId: string) =>
  toCloudEvent(OrderPricedSchema, create(OrderPricedSchema, { orderId }), {
    source: "/functions/promotions",
    key: orderId,
  });

/** What redrive stored of the dead letter of event `id` (its own table, read as an operator would). */
async function letterOf(id: string) {
  const rows: unknown = await fn.app.db.execute(sql`
    select kind, state, event_type, destination, error_code, reason, attempts
    from redrive.dead_letters where event_id = ${id}`);
  // postgres.js answers the rows themselves, PGlite an object holding them.
  const [row] = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<
    Record<string, unknown>
  >;
  return row;
}

/** The value of counter `name` (with `labels`) of redrive's /metrics. */
async function counted(name: string, labels: Record<string, string> = {}) {
  const metric = await fn.metrics.registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
}

beforeAll(async () => {
  inventory = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const delivery = { headers: req.headers, body: Buffer.concat(chunks) };
      deliveries.push(delivery);
      const { status, body } = answer(delivery);
      res.writeHead(status, { "content-type": "text/plain" }).end(body ?? "");
    });
  });
  await new Promise<void>((resolve) => inventory.listen(0, "127.0.0.1", resolve));
  inventoryUrl = `http://127.0.0.1:${(inventory.address() as AddressInfo).port}/`;
  fn = await startForTest(shopFunction("redrive"), {
    listen: true,
    config: { port: 0, database: { kind: "postgres", url: await createTestDatabase(inject("databaseUrl")) } },
    // Redrives a few hundred ms apart, on redrive's own timer, as a pod does between PingSource ticks.
    settings: { delaysMs: [300, 600], horizonMs: 120_000 },
  });
  // The timer of a real start (startForTest ticks only when told): one every 200 ms.
  const timer = setInterval(() => void fn.tick(), 200);
  timer.unref();
  dir = await mkdtemp(join(tmpdir(), "redrive-knative-"));
  for (const file of ["broker.yaml", "redrive.yaml", "inventory.yaml"]) {
    await copyFile(join(knativeDir, file), join(dir, file));
  }
  log = createKafkaLog({
    brokers: inject("kafkaBrokers").split(","),
    clientId: "redrive-test",
    logger: quiet,
  });
  runner = await startRunner({
    log,
    knativeDir: dir,
    tokens: await testEventIssuer(),
    topicOverride: eventsTopic,
    dlqTopic,
    resolveSubscriber: (ref) => (ref.name === "redrive" ? `${fn.url}/` : inventoryUrl),
    logger: quiet,
  });
  afterAll(() => clearInterval(timer));
}, 120_000);

afterAll(async () => {
  await runner?.close();
  await log?.close();
  await fn?.close();
  inventory?.closeAllConnections();
  inventory?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const deliveriesOf = (id: string) => deliveries.filter((d) => d.headers["ce-id"] === id);

describe("dead letters on real Kafka and Postgres", () => {
  it("redrives an event whose subscriber failed with 500 past the Trigger's retries, once it recovers", {
    timeout: 90_000,
  }, async () => {
    const event = orderPriced("o-heals");
    let recovered = false;
    answer = (d) =>
      d.headers["ce-id"] !== event.id || recovered
        ? { status: 200 }
        : { status: 500, body: "handler failed" };
    await log.publish(eventsTopic, [toKafkaRecord(event)]);

    // The broker gives up after its retries; the dead letter reaches redrive through the KafkaSource.
    const letter = await waitFor(() => letterOf(event.id), { timeoutMs: 45_000, message: "the dead letter" });
    expect(letter).toMatchObject({
      kind: "transient",
      event_type: "shop.promotions.v1.OrderPriced",
      destination: inventoryUrl,
      reason: "the subscriber answered 500: handler failed",
    });
    expect(deliveriesOf(event.id).length).toBeGreaterThanOrEqual(TRIGGER_DELIVERIES);

    // Redrives keep failing while the subscriber is broken, each rescheduled.
    await waitFor(async () => Number((await letterOf(event.id))?.attempts ?? 0) >= 2, {
      message: "two redrives",
    });
    expect((await letterOf(event.id))?.state).toBe("waiting");
    recovered = true;
    const done = await waitFor(async () => {
      const now = await letterOf(event.id);
      return now?.state === "redriven" ? now : undefined;
    });
    const last = deliveriesOf(event.id).at(-1)!;
    expect(Object.keys(last.headers).filter((h) => h.startsWith("ce-knativeerror"))).toEqual([]);
    expect(Buffer.from(last.body).equals(Buffer.from(event.data!))).toBe(true);
    expect(deliveriesOf(event.id)).toHaveLength(TRIGGER_DELIVERIES + Number(done.attempts));
    expect(await counted("shop_dead_letters_redriven_total")).toBe(1);
  });

  it("keeps dead an event its subscriber refused with 400, without redriving it", {
    timeout: 60_000,
  }, async () => {
    const event = orderPriced("o-refused");
    answer = (d) =>
      d.headers["ce-id"] === event.id ? { status: 400, body: "orderId is not known" } : { status: 200 };
    await log.publish(eventsTopic, [toKafkaRecord(event)]);
    const letter = await waitFor(() => letterOf(event.id), { timeoutMs: 30_000, message: "the dead letter" });
    expect(letter).toMatchObject({
      kind: "malformed",
      state: "dead",
      error_code: 400,
      reason: "the subscriber refused it with 400: orderId is not known",
    });
    // A 400 is not retried by the broker, and never redriven however often redrive runs.
    for (let i = 0; i < 3; i++) await fn.tick();
    expect(deliveriesOf(event.id)).toHaveLength(1);
    expect(await counted("shop_dead_letters_total", { reason: "malformed" })).toBe(1);
  });

  it("redrives a dead letter by hand once an admin asks, and only once however often they ask", {
    timeout: 60_000,
  }, async () => {
    const event = orderPriced("o-by-hand");
    let fixed = false;
    answer = (d) =>
      d.headers["ce-id"] !== event.id || fixed ? { status: 200 } : { status: 400, body: "unknown order" };
    await log.publish(eventsTopic, [toKafkaRecord(event)]);
    await waitFor(async () => (await letterOf(event.id))?.state === "dead", {
      timeoutMs: 30_000,
      message: "the dead letter",
    });
    const admin = await testClient(fn, DeadLetterService, { principal: { userId: "root", role: "admin" } });
    const { letters } = await admin.listDeadLetters({ state: DeadLetterState.DEAD });
    const listed = letters.find((l) => l.eventId === event.id);
    expect(listed).toMatchObject({ destination: inventoryUrl, errorCode: 400 });

    // The subscriber was fixed: the admin redrives the letter, twice (a double click).
    fixed = true;
    const first = await admin.redriveDeadLetter({ id: listed!.id });
    const second = await admin.redriveDeadLetter({ id: listed!.id });
    expect(first).toMatchObject({ redrivenNow: true, letter: { state: DeadLetterState.REDRIVEN } });
    expect(second).toMatchObject({ redrivenNow: false, letter: { state: DeadLetterState.REDRIVEN } });
    // Once by the broker (a 400 is not retried), once by hand; the tick's timer adds nothing.
    for (let i = 0; i < 3; i++) await fn.tick();
    expect(deliveriesOf(event.id)).toHaveLength(2);
    expect(Buffer.from(deliveriesOf(event.id)[1]!.body).equals(Buffer.from(event.data!))).toBe(true);
  });
});
