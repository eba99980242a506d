/**
 * `shop events tail`: pretty-prints Shop's events as they are published, from Kafka (KAFKA_BROKERS or
 * --brokers) or, without brokers, from a running embedded shop's `/admin/events` stream (--url).
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import type { WireRecord } from "@shop/platform";
import type { LogRecord } from "@shop/runtime";
import { type EventFilter, formatEvent, passes, viewRecord } from "./event-view.ts";
import { brokersFrom, kafkaClient, toLogRecord } from "./kafka.ts";

export const EVENTS_USAGE = `usage: shop events tail [--type T]... [--order ID] [--from-beginning] [--json]
                        [--brokers B | --url http://127.0.0.1:8080] [--topic shop.events]

  --type T          only events of type T (repeatable; a trailing * matches a prefix: shop.orders.v1.*)
  --order ID        only events about order ID (partition key, subject or orderId field)
  --from-beginning  start at the oldest event instead of new ones
  --json            one JSON object per line instead of the pretty form
  --brokers B       Kafka brokers (default: KAFKA_BROKERS); without any, reads the embedded shop at --url
  --topic T         the events topic (default: SHOP_EVENTS_TOPIC or shop.events)`;

/** Runs `shop events <args>`. Resolves when the tail is stopped (Ctrl-C) or its source ends. */
export async function eventsCommand(args: string[], signal?: AbortSignal): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== "tail") {
    console.error(EVENTS_USAGE);
    process.exitCode = 2;
    return;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      type: { type: "string", multiple: true },
      order: { type: "string" },
      "from-beginning": { type: "boolean" },
      json: { type: "boolean" },
      brokers: { type: "string" },
      url: { type: "string", default: process.env.SHOP_URL ?? "http://127.0.0.1:8080" },
      topic: { type: "string", default: process.env.SHOP_EVENTS_TOPIC ?? "shop.events" },
    },
  });
  const filter: EventFilter = { types: values.type, order: values.order };
  const color = !values.json && process.stdout.isTTY;
  const print = (record: LogRecord) => {
    const view = viewRecord(record);
    if (!passes(view, filter)) return;
    process.stdout.write(values.json ? `${JSON.stringify(view)}\n` : `${formatEvent(view, color)}\n`);
  };
  const stop = signal ?? interrupted();
  const brokers = brokersFrom(values.brokers);
  const fromBeginning = Boolean(values["from-beginning"]);
  if (brokers) await tailKafka(brokers, values.topic, fromBeginning, print, stop);
  else await tailEmbedded(values.url, fromBeginning, print, stop);
}

/** An AbortSignal that fires on Ctrl-C or SIGTERM. */
export function interrupted(): AbortSignal {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);
  return controller.signal;
}

/** Tails a Kafka topic in a throwaway consumer group (deleted on exit), named after `clientId`. */
export async function tailKafka(
  brokers: string[],
  topic: string,
  fromBeginning: boolean,
  onRecord: (record: LogRecord) => void,
  signal: AbortSignal,
  clientId = "shop-events-tail",
): Promise<void> {
  const kafka = kafkaClient(brokers, clientId);
  const groupId = `${clientId}-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => onRecord(toLogRecord(topic, partition, message)),
    });
    console.error(`tailing ${topic} on ${brokers.join(",")} (Ctrl-C stops)`);
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Tails the server-sent events of an embedded shop's `/admin/events`. */
export async function tailEmbedded(
  url: string,
  fromBeginning: boolean,
  onRecord: (record: LogRecord) => void,
  signal: AbortSignal,
): Promise<void> {
  const stream = new URL("/admin/events", url);
  if (fromBeginning) stream.searchParams.set("from-beginning", "1");
  let response: Response;
  try {
    response = await fetch(stream, { signal, headers: { accept: "text/event-stream" } });
  } catch (error) {
    if (signal.aborted) return;
    throw new Error(
      `no shop at ${url} (${(error as Error).message}); start one with \`pnpm start\`, or set KAFKA_BROKERS to tail Kafka`,
    );
  }
  if (!response.ok || !response.body) throw new Error(`${stream} answered ${response.status}`);
  console.error(`tailing the embedded shop at ${url} (Ctrl-C stops)`);
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame
          .split("\n")
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).trimStart())
          .join("\n");
        if (data) onRecord(fromWire(JSON.parse(data)));
        end = buffer.indexOf("\n\n");
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

function fromWire(wire: WireRecord): LogRecord {
  return { ...wire, value: new Uint8Array(Buffer.from(wire.value, "base64")) };
}
