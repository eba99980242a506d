#!/usr/bin/env tsx
/**
 * The smoke test of a deployed shop, as the CI pipelines run it after a deploy (.github/workflows/ci.yaml,
 * infra/cluster/tekton): through the gateway with the Connect clients, as a frontend would, it waits for
 * the shop to answer, puts a product in stock as the administrator, registers a customer, places an
 * order and follows it (WatchOrder) until it is CONFIRMED; then it reads the order's events from
 * `shop.events` with `shop events tail` and expects the whole purchase saga there, in order.
 *
 *   tsx tools/src/deploy/smoke.ts --url http://127.0.0.1:8080 --kafka-pod kafka/shop-kafka-dual-0
 *
 * Exits 0 when all of it held, 1 with what did not (each step prints one line; CI shows them).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Code, ConnectError } from "@connectrpc/connect";
import { DEV_ADMIN, loginAs, repoRoot, shopClients } from "@shop/platform";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";

export const SMOKE_USAGE = `usage: smoke.ts [--url URL] [--brokers B | --kafka-pod NAMESPACE/POD] [--timeout SECONDS]

  --url          the shop's gateway (default: SHOP_URL, else http://127.0.0.1:8080)
  --brokers      read shop.events from these Kafka brokers (default: KAFKA_BROKERS)
  --kafka-pod    read shop.events with the console consumer of this Kafka pod (kubectl exec), for a
                 cluster whose Kafka is not reachable from here; without either, from the embedded
                 shop at --url (its /admin/events)
  --topic        the events topic (default: shop.events)
  --timeout      seconds for each wait: the shop answering, the order final, its events (default 300)
  The administrator is SHOP_ADMIN_EMAIL / SHOP_ADMIN_PASSWORD, else the dev administrator.`;

/** The purchase saga of one order as `shop.events` holds it: one partition (keyed by the order), in order. */
export const SAGA = [
  "shop.orders.v1.OrderPlaced",
  "shop.promotions.v1.OrderPriced",
  "shop.inventory.v1.StockReserved",
  "shop.payments.v1.PaymentSucceeded",
  "shop.orders.v1.OrderConfirmed",
];

/** Where the order's events are read. */
export type EventSource = { brokers: string } | { kafkaPod: string } | { url: string };

export interface SmokeOptions {
  url: string;
  events: EventSource;
  topic: string;
  timeoutMs: number;
  admin: { email: string; password: string };
  log: (line: string) => void;
}

/** An event as the smoke test sees it. */
export interface SeenEvent {
  type?: string;
  subject?: string;
  key?: string | null;
}

/** Runs the smoke test; resolves with the order's id, rejects with what failed. */
export async function smoke(options: SmokeOptions): Promise<string> {
  const { url, log } = options;
  const started = performance.now();
  const took = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

  // Functions scale from zero and the gateway routes only once they are ready: retry until it answers.
  await retry(options.timeoutMs, () => shopClients(url).catalog.listProducts({ pageSize: 1 }));
  log(`ok  the shop answers at ${url} (${took()})`);

  const admin = (await loginAs(url, options.admin.email, options.admin.password)).clients;
  const run = randomUUID().slice(0, 8);
  const { product } = await admin.catalog.upsertProduct({
    product: {
      name: `Smoke test ${run}`,
      category: "smoke",
      price: { amountMinor: 100n, currency: "EUR" },
      description: "Placed by the smoke test of a deployment.",
      imageUrl: "",
      active: true,
    },
  });
  if (!product) throw new Error("UpsertProduct answered without a product");
  await admin.inventory.setStock({ productId: product.id, available: 5 });
  log(`ok  product ${product.id} in stock (as ${options.admin.email})`);

  const email = `smoke-${run}@example.com`;
  const password = `smoke ${randomUUID()}`;
  await shopClients(url).identity.register({ email, password });
  const me = (await loginAs(url, email, password)).clients;
  // The catalog learns of the product by ProductChanged, orders prices from its own projection of it:
  // an order placed before the projection has it is refused, so ask until it is known.
  const placed = await retry(options.timeoutMs, () =>
    me.orders.placeOrder({
      lines: [{ productId: product.id, quantity: 1 }],
      couponCode: "",
      paymentToken: "tok_visa",
      idempotencyKey: `smoke-${run}`,
    }),
  );
  const id = placed.order?.id;
  if (!id) throw new Error("PlaceOrder answered without an order");
  log(`ok  order ${id} placed by ${email}`);

  const final = await untilFinal(me, id, options.timeoutMs);
  if (final.status !== OrderStatus.CONFIRMED) {
    throw new Error(
      `order ${id} ended ${OrderStatus[final.status]}${final.cancelReason ? `: ${final.cancelReason}` : ""}`,
    );
  }
  log(`ok  order ${id} CONFIRMED (${took()})`);

  const events = await orderEvents(options, id);
  const types = events.map((e) => e.type);
  const saga = types.filter((t): t is string => t !== undefined && SAGA.includes(t));
  if (saga.join() !== SAGA.join()) {
    throw new Error(
      `${options.topic} holds for order ${id}: ${types.join(", ") || "nothing"}; expected ${SAGA.join(", ")}`,
    );
  }
  log(
    `ok  ${options.topic} holds the saga of order ${id}: ${saga.map((t) => t.split(".").pop()).join(" → ")}`,
  );
  return id;
}

/** Calls `attempt` until it succeeds or `timeoutMs` has passed (then throws its last error). */
async function retry<T>(timeoutMs: number, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 500; ; wait = Math.min(wait * 2, 5_000)) {
    try {
      return await attempt();
    } catch (error) {
      const code = error instanceof ConnectError ? error.code : undefined;
      // Wrong credentials or a refused request will not get better by asking again.
      if (code === Code.Unauthenticated || code === Code.PermissionDenied || code === Code.AlreadyExists) {
        throw error;
      }
      if (Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Follows the order with WatchOrder until it is CONFIRMED or CANCELLED. */
async function untilFinal(me: ReturnType<typeof shopClients>, id: string, timeoutMs: number) {
  const signal = AbortSignal.timeout(timeoutMs);
  const final = [OrderStatus.CONFIRMED, OrderStatus.CANCELLED];
  try {
    for await (const { order } of me.orders.watchOrder({ id }, { signal })) {
      if (order && final.includes(order.status)) return order;
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
  const { order } = await me.orders.getOrder({ id });
  if (order && final.includes(order.status)) return order;
  throw new Error(
    `order ${id} is still ${order ? OrderStatus[order.status] : "unknown"} after ${timeoutMs} ms`,
  );
}

/** The command that prints the topic's events, one line each, and how to read a line. */
export function eventsCommand(options: Pick<SmokeOptions, "events" | "topic">, id: string) {
  const { events, topic } = options;
  if ("kafkaPod" in events) {
    const [namespace, pod] = events.kafkaPod.split("/");
    // Kafka's own console consumer, in the Kafka pod: record headers (ce_*) and key, not the protobuf.
    const consumer = [
      "bin/kafka-console-consumer.sh",
      ...["--bootstrap-server", "localhost:9092", "--topic", topic, "--from-beginning"],
      ...["--timeout-ms", "15000", "--property", "print.headers=true", "--property", "print.key=true"],
      ...["--property", "print.value=false", "--property", "headers.separator=|"],
    ];
    return {
      command: "kubectl",
      args: ["-n", namespace!, "exec", pod!, "--", ...consumer],
      parse: parseConsoleLine,
    };
  }
  const cli = fileURLToPath(new URL("../cli.ts", import.meta.url));
  const source = "brokers" in events ? ["--brokers", events.brokers] : ["--url", events.url];
  return {
    command: process.execPath,
    args: [
      ...["--import", "tsx", cli, "events", "tail", "--order", id, "--from-beginning", "--json"],
      ...["--topic", topic, ...source],
    ],
    parse: (line: string): SeenEvent | undefined => {
      try {
        return JSON.parse(line) as SeenEvent;
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * A line of the console consumer with print.headers (separated by `|`), print.key and no value:
 * `ce_type:shop.orders.v1.OrderPlaced|ce_subject:o-1|…<TAB>o-1`.
 */
export function parseConsoleLine(line: string): SeenEvent | undefined {
  const [headers, key] = line.split("\t");
  if (!headers?.includes("ce_type:")) return undefined;
  const values = new Map(
    headers.split("|").map((pair) => {
      const at = pair.indexOf(":");
      return [pair.slice(0, at), pair.slice(at + 1)] as const;
    }),
  );
  return { type: values.get("ce_type"), subject: values.get("ce_subject"), key: key ?? null };
}

/** The order's events on the topic, read until its OrderConfirmed (or the timeout). */
async function orderEvents(options: SmokeOptions, id: string): Promise<SeenEvent[]> {
  const { command, args, parse } = eventsCommand(options, id);
  const child = spawn(command, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  const seen: SeenEvent[] = [];
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  const timer = setTimeout(() => child.kill("SIGTERM"), options.timeoutMs);
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const event = parse(line);
      if (!event || (event.subject !== id && event.key !== id)) continue;
      seen.push(event);
      if (event.type === SAGA.at(-1)) break;
    }
  } finally {
    clearTimeout(timer);
    child.kill("SIGTERM");
  }
  const code = await exited;
  if (seen.length === 0 && code !== 0 && code !== null) {
    throw new Error(`${command} ${args.slice(0, 4).join(" ")} … exited ${code}: ${stderr.trim()}`);
  }
  return seen;
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: "string", default: process.env.SHOP_URL ?? "http://127.0.0.1:8080" },
      brokers: { type: "string", default: process.env.KAFKA_BROKERS },
      "kafka-pod": { type: "string" },
      topic: { type: "string", default: process.env.SHOP_EVENTS_TOPIC ?? "shop.events" },
      timeout: { type: "string", default: "300" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return void console.log(SMOKE_USAGE);
  const kafkaPod = values["kafka-pod"];
  if (kafkaPod && !/^[^/]+\/[^/]+$/.test(kafkaPod)) throw new Error("--kafka-pod is NAMESPACE/POD");
  const events: EventSource = kafkaPod
    ? { kafkaPod }
    : values.brokers
      ? { brokers: values.brokers }
      : { url: values.url };
  await smoke({
    url: values.url,
    events,
    topic: values.topic,
    timeoutMs: Number(values.timeout) * 1000,
    admin: {
      email: process.env.SHOP_ADMIN_EMAIL ?? DEV_ADMIN.email,
      password: process.env.SHOP_ADMIN_PASSWORD ?? DEV_ADMIN.password,
    },
    log: (line) => console.log(line),
  });
  console.log("smoke test passed");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`FAIL ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
