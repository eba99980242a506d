/**
 * What redrive's tests share: a started redrive on a clock the test moves, dead letters as Knative's
 * KafkaSource delivers them, a subscriber that answers as told, and reading back the letters stored.
 * Only tests import this file.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { type RunningFunction, type ShopCloudEvent, type StartOptions, toCloudEvent } from "@shop/runtime";
import { startForTest } from "@shop/runtime/testing";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";
import { CloudEvent } from "cloudevents";
import { asc } from "drizzle-orm";
import type { RedriveConfig } from "./config.ts";
import { deadLetters, type StoredLetter } from "./db/schema.ts";
import { redriveFunction } from "./function.ts";
import { KAFKA_EVENT_TYPE } from "./redrive/index.ts";
import type { RedriveDeps } from "./setup.ts";

/** A started redrive. */
export type Redrive = RunningFunction<RedriveConfig, RedriveDeps>;

/** A clock a test moves by hand. */
export interface Clock {
  now: () => Date;
  /** Moves the clock `ms` on. */
  advance(ms: number): void;
}

/** A clock at `start`, moved only by `advance`. */
export function testClock(start = new Date("2026-12-01T10:00:00Z")): Clock {
  let at = start.getTime();
  return {
    now: () => new Date(at),
    advance(ms) {
      at += ms;
    },
  };
}

/** Starts redrive on PGlite with an in-memory log and `clock`, unless `options` say otherwise. */
export function startRedrive(
  clock: Clock,
  options: StartOptions<RedriveConfig, RedriveDeps> = {},
): Promise<Redrive> {
  return startForTest(redriveFunction, { ...options, deps: { now: clock.now, ...options.deps } });
}

/** An OrderPriced of `orderId`, as promotions publishes it. */
export function orderPriced(orderId: string): ShopCloudEvent {
  return toCloudEvent(OrderPricedSchema, create(OrderPricedSchema, { orderId }), {
    source: "/functions/promotions",
    key: orderId,
  });
}

/** How the broker failed to deliver an event: the status (none: no answer), the reason, the subscriber. */
export interface Failure {
  code?: number;
  reason: string;
  destination?: string;
}

/** `event` dead-lettered as Knative's broker does: with knativeerrorcode, -data (base64) and -dest. */
export function deadLettered(event: ShopCloudEvent, failure: Failure): ShopCloudEvent {
  return event.cloneWith(
    {
      ...(failure.code === undefined ? {} : { knativeerrorcode: String(failure.code) }),
      knativeerrordata: Buffer.from(failure.reason).toString("base64"),
      ...(failure.destination === undefined ? {} : { knativeerrordest: failure.destination }),
    },
    false,
  ) as ShopCloudEvent;
}

/** A record that was no CloudEvent, dead-lettered, as the KafkaSource wraps it (headers as kafkaheader*). */
export function wrappedRecord(offset: number, destination: string, reason: string): ShopCloudEvent {
  return new CloudEvent<Uint8Array>({
    id: `partition:0/offset:${offset}`,
    type: KAFKA_EVENT_TYPE,
    source: "/apis/v1/namespaces/shop/kafkasources/redrive-dead-letters#shop.events.dlq",
    subject: `partition:0#${offset}`,
    kafkaheaderceknativeerrordest: destination,
    kafkaheaderceknativeerrordata: Buffer.from(reason).toString("base64"),
    data: new TextEncoder().encode("{}"),
  });
}

/** Every dead letter redrive stored, oldest first. */
export function storedLetters(fn: Redrive): Promise<StoredLetter[]> {
  return fn.app.db.select().from(deadLetters).orderBy(asc(deadLetters.receivedAt), asc(deadLetters.eventId));
}

/** A request a {@link Subscriber} received. */
export interface Delivery {
  headers: IncomingMessage["headers"];
  body: Buffer;
}

/** A local HTTP subscriber: answers each POST with `answer(delivery)`'s status and body, and records it. */
export interface Subscriber {
  url: string;
  deliveries: Delivery[];
  answer: (delivery: Delivery) => { status: number; body?: string };
  close(): Promise<void>;
}

/** Starts a {@link Subscriber} on a free loopback port, answering 200 until told otherwise. */
export async function startSubscriber(): Promise<Subscriber> {
  const subscriber: Subscriber = {
    url: "",
    deliveries: [],
    answer: () => ({ status: 200 }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const delivery = { headers: req.headers, body: Buffer.concat(chunks) };
      subscriber.deliveries.push(delivery);
      const { status, body } = subscriber.answer(delivery);
      res.writeHead(status, { "content-type": "text/plain" }).end(body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  subscriber.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return subscriber;
}

/** The value of counter `name` of `fn`'s /metrics (with `labels`, if any); 0 before the first count. */
export async function counted(
  fn: Redrive,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = await fn.metrics.registry.getSingleMetric(name)?.get();
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}
