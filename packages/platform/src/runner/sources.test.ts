/**
 * The runner plays a KafkaSource as Knative does: each record of its topics, in its consumer group, to
 * its sink, a CloudEvent as it is and any other record wrapped as `dev.knative.kafka.event`, retried
 * with its delivery's backoff, dead-lettered with Knative's extensions or dropped when that is spent.
 * Over the in-memory log (the embedded shop's), so no Kafka is needed.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEventVerifier, createMemoryLog, type EventLog, type LogRecord } from "@shop/runtime";
import { testEventIssuer, waitFor } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Runner, startRunner } from "./runner.ts";
import { KAFKA_EVENT_TYPE, sourceEvent } from "./sources.ts";

const quiet = { info() {}, warn() {}, error() {} };

describe("sourceEvent", () => {
  const record = (headers: Record<string, string>): LogRecord => ({
    topic: "shop.events.dlq",
    partition: 2,
    offset: "41",
    key: "o-1",
    value: new Uint8Array([1, 2, 3]),
    headers,
  });
  const source = { name: "redrive-dead-letters", namespace: "shop" };

  it("delivers a record in the binary binding as the CloudEvent it carries, extensions and all", () => {
    const headers = { ce_specversion: "1.0", ce_id: "e-1", ce_source: "/functions/orders", ce_type: "t" };
    const event = sourceEvent(
      record({ ...headers, ce_knativeerrorcode: "500", "content-type": "application/protobuf" }),
      source,
    );
    expect(event.attributes).toEqual({
      specversion: "1.0",
      id: "e-1",
      source: "/functions/orders",
      type: "t",
      knativeerrorcode: "500",
      datacontenttype: "application/protobuf",
    });
  });

  it("wraps any other record as dev.knative.kafka.event with its headers as kafkaheader extensions", () => {
    const event = sourceEvent(
      record({ ce_knativeerrordest: "http://x/", "Content-Type": "Text/Plain" }),
      source,
    );
    expect(event.attributes).toEqual({
      specversion: "1.0",
      id: "partition:2/offset:41",
      type: KAFKA_EVENT_TYPE,
      source: "/apis/v1/namespaces/shop/kafkasources/redrive-dead-letters#shop.events.dlq",
      subject: "partition:2#41",
      time: expect.any(String),
      partitionkey: "o-1",
      key: "o-1",
      kafkaheaderceknativeerrordest: "http://x/",
      datacontenttype: "text/plain",
    });
    expect([...event.data]).toEqual([1, 2, 3]);
  });
});

describe("a KafkaSource in the runner", () => {
  let log: EventLog;
  let runner: Runner;
  let sink: Server;
  let dir: string;
  const received: IncomingHttpHeaders[] = [];
  const paths: string[] = [];
  let failFirst = 0;
  const dlq: LogRecord[] = [];

  beforeAll(async () => {
    sink = createServer((req, res) => {
      req.resume();
      received.push(req.headers);
      paths.push(`${req.url} ${req.headers["ce-id"]}`);
      const id = String(req.headers["ce-id"]);
      if (id.startsWith("always-")) return void res.writeHead(503).end("sink is down");
      if (failFirst > 0) {
        failFirst--;
        return void res.writeHead(500).end("not yet");
      }
      res.writeHead(202).end();
    });
    await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`;
    dir = await mkdtemp(join(tmpdir(), "knative-source-"));
    await writeFile(
      join(dir, "source.yaml"),
      `apiVersion: eventing.knative.dev/v1alpha1
kind: KafkaSink
metadata: { name: shop-dlq, namespace: shop }
spec: { topic: shop.events.dlq, bootstrapServers: [kafka:9092] }
---
apiVersion: sources.knative.dev/v1beta1
kind: KafkaSource
metadata: { name: letters, namespace: shop }
spec:
  consumerGroup: letters
  bootstrapServers: [kafka:9092]
  topics: [shop.events.dlq]
  initialOffset: earliest
  delivery: { retry: 2, backoffPolicy: exponential, backoffDelay: PT0.01S }
  sink: { ref: { apiVersion: serving.knative.dev/v1, kind: Service, name: redrive }, audience: shop/redrive }
---
apiVersion: sources.knative.dev/v1beta1
kind: KafkaSource
metadata: { name: to-dlq, namespace: shop }
spec:
  bootstrapServers: [kafka:9092]
  topics: [other]
  initialOffset: earliest
  delivery:
    retry: 1
    backoffDelay: PT0.01S
    deadLetterSink: { ref: { apiVersion: eventing.knative.dev/v1alpha1, kind: KafkaSink, name: shop-dlq } }
  sink: { uri: "${url}other" }
`,
    );
    log = createMemoryLog({});
    runner = await startRunner({
      log,
      knativeDir: dir,
      tokens: await testEventIssuer(),
      dlqTopic: "test.dlq",
      resolveSubscriber: (ref) => {
        expect(ref).toMatchObject({ kind: "Service", name: "redrive" });
        return url;
      },
      logger: quiet,
    });
    await log.subscribe({
      groupId: "dlq-reader",
      topic: "test.dlq",
      ordered: true,
      fromBeginning: true,
      handler: async (r) => void dlq.push(r),
    });
  });

  afterAll(async () => {
    await runner?.close();
    await log?.close();
    sink?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const ce = (id: string) => ({
    key: null,
    value: new Uint8Array(),
    headers: {
      ce_specversion: "1.0",
      ce_id: id,
      ce_source: "/test",
      ce_type: "t",
      ce_knativeerrorcode: "500",
    },
  });

  it("reads the dead-letter topic it names from the test's topic, and retries its sink with backoff", async () => {
    expect(runner.kafkaSources.map((s) => s.name)).toEqual(["letters", "to-dlq"]);
    failFirst = 2;
    await log.publish("test.dlq", [ce("e-retried")]);
    await waitFor(() => received.filter((h) => h["ce-id"] === "e-retried").length === 3, {
      message: "two failures, then the delivery",
    });
    expect(received.find((h) => h["ce-id"] === "e-retried")).toMatchObject({ "ce-knativeerrorcode": "500" });
  });

  it("sends each delivery a token for its sink's audience, and none to a sink that names no audience", async () => {
    const issuer = await testEventIssuer();
    const verifier = createEventVerifier({
      mode: "oidc",
      issuer: issuer.issuer,
      audience: "shop/redrive",
      keys: { get: issuer.keys },
    })!;
    await log.publish("test.dlq", [ce("e-token")]);
    const delivered = await waitFor(() => received.find((h) => h["ce-id"] === "e-token"));
    expect(await verifier.check(delivered.authorization)).toBeUndefined();
    await log.publish("other", [ce("always-anonymous")]);
    const anonymous = await waitFor(() => received.find((h) => h["ce-id"] === "always-anonymous"));
    expect(anonymous.authorization).toBeUndefined();
  });

  it("delivers a record that is no CloudEvent wrapped, as Knative's source does", async () => {
    await log.publish("test.dlq", [
      { key: "k", value: new Uint8Array([7]), headers: { ce_knativeerrordest: "http://x/" } },
    ]);
    const wrapped = await waitFor(() => received.find((h) => h["ce-type"] === KAFKA_EVENT_TYPE));
    expect(wrapped).toMatchObject({
      "ce-kafkaheaderceknativeerrordest": "http://x/",
      "ce-partitionkey": "k",
    });
  });

  it("dead-letters to its sink with Knative's extensions once its retries are spent", async () => {
    await log.publish("other", [ce("always-1")]);
    const letter = await waitFor(() => dlq.find((r) => r.headers.ce_id === "always-1"), {
      message: "the dead letter",
    });
    expect(paths.filter((p) => p === "/other always-1")).toHaveLength(2);
    expect(letter.headers).toMatchObject({
      ce_id: "always-1",
      ce_knativeerrorcode: "503",
      ce_knativeerrordata: Buffer.from("sink is down").toString("base64"),
      ce_knativeerrordest: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/other$/),
    });
  });
});
