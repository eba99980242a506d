import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryLog, type EventLog, type LogRecord, type OutgoingRecord } from "@shop/runtime";
import { testEventIssuer } from "@shop/runtime/testing";
import { HTTP } from "cloudevents";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { createKafkaLog } from "../log/kafka-log.ts";
import { type Runner, startRunner } from "./runner.ts";

const quiet = { info() {}, warn() {}, error: (obj: object, msg: string) => console.error(msg, obj) };

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Resolves once `check` holds, failing after a deadline with what was awaited. */
async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function event(
  type: string,
  id: string,
  key: string,
  data: Uint8Array = new TextEncoder().encode(id),
): OutgoingRecord {
  return {
    key,
    value: data,
    headers: {
      ce_specversion: "1.0",
      ce_id: id,
      ce_source: "/functions/test",
      ce_type: type,
      ce_partitionkey: key,
      "content-type": "application/protobuf",
    },
  };
}

function trigger(name: string, options: { type: string; ordered?: boolean; retry?: number }): string {
  return `
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: ${name}
  namespace: shop
  annotations:
    kafka.eventing.knative.dev/delivery.order: ${options.ordered ? "ordered" : "unordered"}
spec:
  broker: shop
  filters:
    - exact: { type: ${options.type} }
  subscriber:
    ref: { apiVersion: serving.knative.dev/v1, kind: Service, name: subscriber }
  delivery:
    retry: ${options.retry ?? 3}
    backoffPolicy: linear
    backoffDelay: PT0.05S
`;
}

const broker = `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: shop
  namespace: shop
  annotations: { kafka.eventing.knative.dev/external.topic: not-used-in-tests }
spec:
  delivery:
    deadLetterSink:
      ref: { apiVersion: eventing.knative.dev/v1alpha1, kind: KafkaSink, name: shop-dlq }
`;

const logs: Array<[string, () => EventLog]> = [
  [
    "kafka",
    () =>
      createKafkaLog({
        brokers: inject("kafkaBrokers").split(","),
        clientId: "runner-test",
        logger: quiet,
        redeliveryBackoff: { firstMs: 50, maxMs: 200 },
      }),
  ],
  ["memory", () => createMemoryLog({ redeliveryBackoff: { firstMs: 5, maxMs: 20 } })],
];

describe.each(logs)("the local runner over the %s log", (_, createLog) => {
  let log: EventLog;
  let server: Server;
  let subscriberUrl: string;
  let received: Received[] = [];
  let respond: (r: Received) => { status: number; body?: string } = () => ({ status: 202 });
  const cleanup: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    log = createLog();
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const r = { headers: req.headers, body: Buffer.concat(chunks) };
        received.push(r);
        const { status, body } = respond(r);
        res.writeHead(status, { "content-type": "text/plain" }).end(body ?? "");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    subscriberUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
    received = [];
    respond = () => ({ status: 202 });
  });

  afterAll(async () => {
    await log.close();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Starts a runner over fresh topics with the given Triggers; returns the topic and what reaches the DLQ. */
  async function run(...triggers: string[]): Promise<{ topic: string; dlq: LogRecord[]; runner: Runner }> {
    const dir = await mkdtemp(join(tmpdir(), "knative-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, "broker.yaml"), broker);
    await writeFile(join(dir, "triggers.yaml"), triggers.join("---\n"));
    const topic = `test.${randomUUID()}`;
    const dlqTopic = `test.${randomUUID()}.dlq`;
    const runner = await startRunner({
      log,
      knativeDir: dir,
      tokens: await testEventIssuer(),
      resolveSubscriber: (ref) => {
        expect(ref).toMatchObject({ kind: "Service", name: "subscriber", namespace: "shop" });
        return subscriberUrl;
      },
      topicOverride: topic,
      dlqTopic,
      requestTimeoutMs: 5_000,
      logger: quiet,
    });
    cleanup.push(() => runner.close());
    const dlq: LogRecord[] = [];
    const reader = await log.subscribe({
      groupId: `dlq-reader-${randomUUID()}`,
      topic: dlqTopic,
      ordered: true,
      handler: async (r) => {
        dlq.push(r);
      },
    });
    cleanup.push(() => reader.close());
    return { topic, dlq, runner };
  }

  const deliveredIds = (rs: Received[]) => rs.map((r) => r.headers["ce-id"]);

  it("delivers the events its filter matches, in HTTP binary mode with the raw bytes", async () => {
    const { topic } = await run(trigger(`t-${randomUUID()}`, { type: "shop.test.v1.Wanted", ordered: true }));
    const bytes = new Uint8Array([0x08, 0x96, 0x01, 0xff, 0x00, 0x7b]);
    const wanted = event("shop.test.v1.Wanted", "w1", "k", bytes);
    wanted.headers.ce_subject = "zürich order";
    await log.publish(topic, [
      wanted,
      event("shop.test.v1.Unwanted", "u1", "k"),
      event("shop.test.v1.Wanted", "w2", "k"),
    ]);
    await until(() => received.length === 2, "two deliveries");
    expect(deliveredIds(received)).toEqual(["w1", "w2"]);

    const first = received[0]!;
    expect([...first.body]).toEqual([...bytes]);
    expect(first.headers["content-type"]).toBe("application/protobuf");
    expect(first.headers["ce-subject"]).toBe("z%C3%BCrich%20order");
    // The CloudEvents SDK reads the request as the same event.
    const parsed = HTTP.toEvent({ headers: first.headers, body: first.body });
    expect(parsed).toMatchObject({
      specversion: "1.0",
      id: "w1",
      type: "shop.test.v1.Wanted",
      source: "/functions/test",
      partitionkey: "k",
    });
  });

  it("retries a 503 twice, then delivers and dead-letters nothing", async () => {
    const { topic, dlq } = await run(
      trigger(`t-${randomUUID()}`, { type: "shop.test.v1.Wanted", ordered: true }),
    );
    let failures = 0;
    respond = (r) => {
      if (r.headers["ce-id"] === "flaky" && failures < 2) {
        failures++;
        return { status: 503, body: "warming up" };
      }
      return r.headers["ce-id"] === "refused" ? { status: 400, body: "no" } : { status: 200 };
    };
    // The refused event comes after the flaky one in the same partition: once it is dead-lettered,
    // the flaky one's fate is settled.
    await log.publish(topic, [
      event("shop.test.v1.Wanted", "flaky", "k"),
      event("shop.test.v1.Wanted", "refused", "k"),
    ]);
    await until(() => dlq.length === 1, "the refused event in the DLQ");
    expect(deliveredIds(received)).toEqual(["flaky", "flaky", "flaky", "refused"]);
    expect(dlq.map((r) => r.headers.ce_id)).toEqual(["refused"]);
  });

  it("dead-letters a 400 at once with the status, the subscriber and its answer, and a non-CloudEvent too", async () => {
    const { topic, dlq } = await run(trigger(`t-${randomUUID()}`, { type: "shop.test.v1.Wanted", retry: 5 }));
    respond = () => ({ status: 400, body: "cannot decode shop.test.v1.Wanted" });
    const bad = event("shop.test.v1.Wanted", "bad", "order-9", new Uint8Array([1, 2, 3]));
    await log.publish(topic, [bad]);
    await until(() => dlq.length === 1, "the event in the DLQ");
    expect(received).toHaveLength(1);
    const [record] = dlq;
    expect(record!.key).toBe("order-9");
    expect([...record!.value]).toEqual([1, 2, 3]);
    expect(record!.headers).toEqual({
      ...bad.headers,
      ce_knativeerrorcode: "400",
      ce_knativeerrordest: subscriberUrl,
      ce_knativeerrordata: Buffer.from("cannot decode shop.test.v1.Wanted").toString("base64"),
    });

    await log.publish(topic, [
      { key: "x", value: new Uint8Array([9]), headers: { ce_type: "shop.test.v1.Wanted" } },
    ]);
    await until(() => dlq.length === 2, "the non-CloudEvent in the DLQ");
    expect(received).toHaveLength(1);
    expect(Buffer.from(dlq[1]!.headers.ce_knativeerrordata!, "base64").toString()).toMatch(
      /not a CloudEvent/,
    );
  });

  it("keeps the order of one key's events on an ordered trigger, even across a retried delivery", async () => {
    const { topic } = await run(trigger(`t-${randomUUID()}`, { type: "shop.test.v1.Step", ordered: true }));
    let failed = false;
    respond = (r) => {
      if (r.headers["ce-id"] === "5" && !failed) {
        failed = true;
        return { status: 503 };
      }
      return { status: 202 };
    };
    const ids = Array.from({ length: 20 }, (_, i) => String(i));
    await log.publish(
      topic,
      ids.map((id) => event("shop.test.v1.Step", id, "order-1")),
    );
    await until(() => received.length === 21, "21 attempts");
    expect(deliveredIds(received)).toEqual([...ids.slice(0, 6), ...ids.slice(5)]);
  });
});
