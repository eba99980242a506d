/**
 * What shipping log lines to Kafka costs (packages/runtime/src/log-ship): the time a log call takes on
 * the function's path with and without the Kafka sink (its lines to a discarding stdout either way), and
 * how fast the sink drains a burst to real Kafka. Results in tools/results/log-shipping.md and .json.
 *
 *   tsx tools/src/bench/log-shipping.ts [--lines 100000]
 *
 * Uses KAFKA_BROKERS when set, else starts Kafka from infra/local.
 */
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { createKafkaLogSink, createLogger, type Logger } from "@shop/runtime";
// @ts-expect-error: plain ESM JavaScript without type declarations, so it runs before any install.
import { startInfra } from "../../../infra/local/index.mjs";
import { kafkaClient } from "../commands/kafka.ts";
import { fixed, writeResults } from "./report.ts";

const { values } = parseArgs({ options: { lines: { type: "string", default: "100000" } } });
const lines = Number(values.lines);
const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });

/** The bytes of one line of {@link timeCalls}. */
function lineBytes(): number {
  let bytes = 0;
  const capture = new Writable({
    write(chunk, _encoding, callback) {
      bytes = Buffer.byteLength(String(chunk).trimEnd());
      callback();
    },
  });
  createLogger("inventory", "info", capture).info(
    { orderId: `order-${lines - 1}`, trace_id: "4bf92f3577b34da6a3ce929d0e0e4736", i: lines - 1 },
    "reserved stock",
  );
  return bytes;
}

/** ns per log call of `logger`, over `lines` calls shaped like a handler's. */
function timeCalls(logger: Logger): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < lines; i++) {
    logger.info({ orderId: `order-${i}`, trace_id: "4bf92f3577b34da6a3ce929d0e0e4736", i }, "reserved stock");
  }
  return Number(process.hrtime.bigint() - started) / lines;
}

const infra = await startInfra({ log: (line: string) => console.error(line) });
try {
  const brokers = [infra.kafkaBrokers as string];
  const topic = `bench.logs.${randomUUID()}`;
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
  await admin.disconnect();
  // Warm both paths up first, so neither pays the JIT's first pass.
  const plain = createLogger("inventory", "info", discard);
  const sink = createKafkaLogSink({ brokers, topic, key: "inventory", maxLines: lines * 3 });
  const shipping = createLogger("inventory", "info", discard, sink);
  timeCalls(plain);
  timeCalls(shipping);
  await sink.flush(120_000);
  const before = sink.stats().shipped;
  const plainNs = timeCalls(plain);
  const shippingNs = timeCalls(shipping);
  const drainStarted = performance.now();
  await sink.flush(120_000);
  const drainS = (performance.now() - drainStarted) / 1000;
  const stats = sink.stats();
  await sink.close();
  const shipped = stats.shipped - before;
  const command = `tsx tools/src/bench/log-shipping.ts --lines ${lines}`;
  writeResults(
    "log-shipping",
    command,
    [
      {
        title: `Log shipping to Kafka (${lines} lines of ${lineBytes()} bytes, one function's key)`,
        header: ["measure", "value"],
        rows: [
          ["log call, stdout only (µs)", fixed(plainNs / 1000, 2)],
          ["log call, stdout + Kafka sink (µs)", fixed(shippingNs / 1000, 2)],
          ["sink's added cost per call (µs)", fixed((shippingNs - plainNs) / 1000, 2)],
          ["burst shipped after the calls returned (lines)", shipped],
          ["time to drain it (s)", fixed(drainS, 2)],
          ["shipping rate (lines/s)", Math.round(shipped / Math.max(drainS, 0.001))],
          ["dropped", stats.dropped],
        ],
        notes: [
          "A call only appends its line to the sink's buffer; the produce requests run afterwards, on the event loop.",
        ],
      },
    ],
    { lines, plainNs, shippingNs, shipped, drainS, dropped: stats.dropped },
  );
} finally {
  await infra.stop();
}
