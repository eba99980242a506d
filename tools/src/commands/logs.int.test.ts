/**
 * `shop logs tail` on real Kafka: the lines two functions' runtime loggers ship arrive in one logs
 * topic, and the tail's filters (function, level, order id, trace id) print exactly the right ones.
 */
import { createKafkaLogSink, createLogger, type KafkaLogSink } from "@shop/runtime";
import { testTopic, waitFor } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { kafkaClient } from "./kafka.ts";
import { logsCommand } from "./logs.ts";

const brokers = inject("kafkaBrokers").split(",");
const topic = testTopic("logs");
const sinks: KafkaLogSink[] = [];
const END = "end of the test's lines";

/** A function's runtime logger shipping to the test's topic (stdout left out: this test reads Kafka). */
function functionLogger(name: string) {
  const sink = createKafkaLogSink({ brokers, topic, key: name, lingerMs: 10 });
  sinks.push(sink);
  const nowhere = { write: () => true } as unknown as NodeJS.WritableStream;
  return { logger: createLogger(name, "debug", nowhere, sink), sink };
}

beforeAll(async () => {
  // One partition: the lines come back in the order shipped, so a last line marks the end of each tail.
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const orders = functionLogger("orders");
  const payments = functionLogger("payments");
  orders.logger.info({ orderId: "o-1", trace_id: "t-1", span_id: "s-1" }, "placed an order");
  orders.logger.debug({ order_id: "o-1", trace_id: "t-1" }, "priced its lines");
  await orders.sink.flush();
  payments.logger.warn({ trace_id: "t-1" }, "charging order o-1 again");
  payments.logger.error({ orderId: "o-22", trace_id: "t-2" }, "charge failed");
  await payments.sink.flush();
  orders.logger.info({ trace_id: "t-3" }, "started");
  await orders.sink.flush();
  // Last, and through every filter below: once a tail printed it, it has seen every line before.
  payments.logger.fatal({ orderId: "o-1", trace_id: "t-2" }, END);
  await payments.sink.flush();
  expect(sinks.map((s) => s.stats())).toEqual([
    { shipped: 3, dropped: 0, buffered: 0 },
    { shipped: 3, dropped: 0, buffered: 0 },
  ]);
});

afterAll(async () => {
  await Promise.all(sinks.map((s) => s.close()));
});

/** Runs `shop logs tail <filters> --json --from-beginning` until it prints the last line; the messages it printed. */
async function tail(...filters: string[]): Promise<string[]> {
  const printed: string[] = [];
  const stop = new AbortController();
  const args = [
    "tail",
    ...filters,
    "--json",
    "--from-beginning",
    "--brokers",
    brokers.join(","),
    "--topic",
    topic,
  ];
  const running = logsCommand(args, { signal: stop.signal, write: (text) => void printed.push(text) });
  try {
    await waitFor(() => printed.some((text) => text.includes(END)), {
      message: `logs tail ${filters.join(" ")}`,
    });
  } finally {
    stop.abort();
    await running;
  }
  return printed.map((text) => JSON.parse(text).msg as string).filter((msg) => msg !== END);
}

// Side by side: each tail waits seconds for its consumer group to form.
describe.concurrent("shop logs tail", () => {
  it("follows every function's lines in one stream", async () => {
    expect(await tail()).toEqual([
      "placed an order",
      "priced its lines",
      "charging order o-1 again",
      "charge failed",
      "started",
    ]);
  });

  it("picks the lines of one function", async () => {
    expect(await tail("--function", "payments")).toEqual(["charging order o-1 again", "charge failed"]);
  });

  it("picks the lines at a level or above", async () => {
    expect(await tail("--level", "warn")).toEqual(["charging order o-1 again", "charge failed"]);
  });

  it("picks the lines about an order, by field or by message", async () => {
    expect(await tail("--order", "o-1")).toEqual([
      "placed an order",
      "priced its lines",
      "charging order o-1 again",
    ]);
  });

  it("picks the lines of a trace", async () => {
    expect(await tail("--trace", "t-2")).toEqual(["charge failed"]);
  });

  it("prints them readably without --json", async () => {
    const printed: string[] = [];
    const stop = new AbortController();
    const args = [
      "tail",
      "--trace",
      "t-2",
      "--from-beginning",
      "--brokers",
      brokers.join(","),
      "--topic",
      topic,
    ];
    const running = logsCommand(args, {
      signal: stop.signal,
      write: (t) => void printed.push(t),
      color: false,
    });
    await waitFor(() => printed.some((text) => text.includes(END)), { message: "the readable tail" });
    stop.abort();
    await running;
    expect(printed[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} ERROR payments {3}charge failed orderId=o-22 trace_id=t-2\n$/,
    );
  });
});
