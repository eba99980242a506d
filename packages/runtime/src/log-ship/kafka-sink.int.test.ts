/**
 * Log shipping on real Kafka: a function's lines, the last ones of its clean stop included, arrive in
 * the logs topic keyed by its name; with Kafka down the function still serves and logs to stdout, and
 * what the sink cannot keep is counted and reported once.
 */
import { createServer } from "node:net";
import { Writable } from "node:stream";
import { Kafka, logLevel } from "kafkajs";
import { describe, expect, inject, it } from "vitest";
import type { StartOptions } from "../function.ts";
import { createLogger } from "../logger.ts";
import { startFunction } from "../start.ts";
import { fixtureFunction } from "../testing/fixture/fixture.ts";
import { createTestDatabase, testTopic, waitFor } from "../testing/index.ts";
import { createKafkaLogSink } from "./kafka-sink.ts";

const brokers = inject("kafkaBrokers").split(",");
const kafka = new Kafka({ clientId: "log-ship-test", brokers, logLevel: logLevel.NOTHING });

/** Reads `topic` from its beginning until `done` holds for what was read. */
async function readUntil(
  topic: string,
  done: (records: { key: string; entry: Record<string, unknown> }[]) => boolean,
) {
  const records: { key: string; entry: Record<string, unknown> }[] = [];
  const consumer = kafka.consumer({ groupId: `log-ship-test-${topic}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) =>
        void records.push({ key: String(message.key), entry: JSON.parse(String(message.value)) }),
    });
    return await waitFor(() => done(records) && records, { message: `the expected lines in ${topic}` });
  } finally {
    await consumer.disconnect();
  }
}

async function startFixture(options: StartOptions = {}) {
  return startFunction(fixtureFunction, {
    ...options,
    config: {
      database: { kind: "postgres", url: await createTestDatabase(inject("databaseUrl")) },
      kafkaBrokers: brokers,
      eventsTopic: testTopic("events"),
      port: 0,
      logLevel: "info",
      ...options.config,
    },
  });
}

describe("log shipping to Kafka", () => {
  it("ships a function's lines keyed by its name, the lines of its clean stop included", async () => {
    const topic = testTopic("logs");
    const fn = await startFixture({ config: { logShipping: { brokers, topic } } });
    expect((await fetch(`${fn.url}/health/readiness`)).status).toBe(200);
    fn.app.logger.info({ orderId: "o-1" }, "a line of the test");
    await fn.close();
    const records = await readUntil(topic, (read) => read.some((r) => r.entry.msg === "orders stopped"));
    expect(new Set(records.map((r) => r.key))).toEqual(new Set(["orders"]));
    const messages = records.map((r) => String(r.entry.msg));
    expect(messages.some((m) => m.startsWith("orders started in"))).toBe(true);
    expect(records.find((r) => r.entry.msg === "a line of the test")?.entry).toMatchObject({
      function: "orders",
      level: 30,
      orderId: "o-1",
    });
    // In the order written: the stop's lines come last.
    expect(messages.indexOf("a line of the test")).toBeLessThan(messages.indexOf("orders stopped"));
  });

  it("with Kafka down, the function still serves and logs to stdout; drops are counted, reported once", async () => {
    const stdout: string[] = [];
    const capture = new Writable({
      write(chunk, _encoding, callback) {
        stdout.push(...String(chunk).split("\n").filter(Boolean));
        callback();
      },
    });
    const reports: string[] = [];
    const sink = createKafkaLogSink({
      brokers: [`127.0.0.1:${await closedPort()}`],
      topic: testTopic("logs"),
      key: "orders",
      maxLines: 5,
      closeTimeoutMs: 1_000,
      report: (_fields, message) => reports.push(message),
    });
    const fn = await startFixture({ logger: createLogger("orders", "info", capture, sink) });
    for (let i = 0; i < 20; i++) fn.app.logger.info({ i }, "line %d", i);
    expect((await fetch(`${fn.url}/health/readiness`)).status).toBe(200);
    expect((await fetch(`${fn.url}/health/liveness`)).status).toBe(200);
    await waitFor(() => reports.some((r) => r.startsWith("log shipping to Kafka failed")), {
      message: "the sink to report Kafka unreachable",
    });
    await fn.close();
    expect(stdout.filter((line) => /"msg":"line \d+"/.test(line))).toHaveLength(20);
    const written = stdout.length;
    await sink.close();
    expect(sink.stats()).toEqual({ shipped: 0, dropped: written, buffered: 0 });
    expect(reports.filter((r) => r.startsWith("log shipping: dropping"))).toHaveLength(1);
    expect(reports.at(-1)).toBe("log shipping stopped: some lines were dropped");
  });
});

/** A port nothing listens on: Kafka "down". */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
