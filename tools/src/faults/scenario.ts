/**
 * A fault run: seed a small shop, place orders from several customers (declined, transiently failing
 * and coupon-carrying ones among them) while faults strike at set points, deliver duplicates and one
 * malformed event, wait for everything to settle, then check the books and the dead-letter topic.
 */

import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { DEV_ADMIN, loginAs, type ShopClients, shopClients } from "@shop/platform";
import { waitFor } from "@shop/runtime/testing";
import {
  type BookSummary,
  checkBooks,
  hangingOrders,
  openBooks,
  openOrders,
  publishedUncommitted,
  unpublished,
} from "./books.ts";
import type { FaultShop } from "./cluster.ts";
import { lag, readTopic, republish } from "./topics.ts";

/**
 * A fault, struck once `afterOrders` orders have been placed. Faults strike one after another, and no
 * order beyond a fault's threshold is placed while the fault before it is still in hand, so every
 * fault strikes while orders flow (a slow Kafka restart cannot push the next fault past the last order).
 */
export interface Fault {
  name: string;
  afterOrders: number;
  strike: () => Promise<unknown>;
}

export interface ScenarioOptions {
  shop: FaultShop;
  databaseUrl: string;
  kafkaBrokers: string[];
  topic: string;
  dlqTopic: string;
  orders: number;
  /** Orders placed at once. */
  concurrency: number;
  /** Orders started per second at most (so faults strike while orders flow); unpaced when undefined. */
  ratePerS?: number;
  faults: Fault[];
  /** How long everything may take to settle after the last order (ms). */
  settleTimeoutMs?: number;
  log?: (line: string) => void;
}

/** What a fault run found. */
export interface ScenarioReport {
  problems: string[];
  summary: BookSummary;
  faults: { name: string; ms: number }[];
  /** PlaceOrder calls retried because of a fault (Unavailable, Internal, …). */
  retriedPlacements: number;
  duplicatesDelivered: number;
  dlq: { explained: number; unexplained: number };
  settleMs: number;
  elapsedMs: number;
}

const EUR = (amountMinor: number) => ({ amountMinor: BigInt(amountMinor), currency: "EUR" });
/** Codes a frontend retries with the same idempotency key. */
const TRANSIENT = [Code.Unavailable, Code.Internal, Code.DeadlineExceeded, Code.Unknown, Code.Aborted];
const TOKENS = [
  "tok_visa",
  "tok_visa",
  "tok_visa",
  "tok_visa",
  "tok_unavailable",
  "tok_unavailable",
  "tok_declined",
];
const COUPONS = ["", "", "", "FAULT-LIMITED", "FAULT-ONCE", "FAULT-TEN"];

/** Runs the scenario and returns the report; it throws only if the shop cannot be driven at all. */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioReport> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const { shop } = options;
  const admin = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;

  // Products: some scarce (so some orders are rejected for stock), some plentiful.
  const initialStock: Record<string, number> = {};
  const products: string[] = [];
  for (const [i, units] of [3, 8, 40, 200, 200, 500].entries()) {
    const { product } = await admin.catalog.upsertProduct({
      product: {
        name: `Fault item ${i}`,
        description: "fault suite",
        price: EUR(500 + i * 250),
        category: "faults",
        imageUrl: "",
        active: true,
      },
    });
    await admin.inventory.setStock({ productId: product!.id, available: units });
    initialStock[product!.id] = units;
    products.push(product!.id);
  }
  await admin.promotions.createPromotion({
    promotion: {
      name: "Limited",
      code: "FAULT-LIMITED",
      maxRedemptions: 3,
      discount: { case: "amountOff", value: EUR(100) },
    },
  });
  await admin.promotions.createPromotion({
    promotion: {
      name: "Once",
      code: "FAULT-ONCE",
      singleUse: true,
      discount: { case: "amountOff", value: EUR(200) },
    },
  });
  await admin.promotions.createPromotion({
    promotion: {
      name: "Ten",
      code: "FAULT-TEN",
      maxPerCustomer: 2,
      discount: { case: "percentOff", value: 10 },
    },
  });
  const customers: ShopClients[] = [];
  for (let i = 0; i < 4; i++) {
    const email = `faults-${i}-${randomUUID().slice(0, 8)}@example.com`;
    await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
    customers.push((await loginAs(shop.url, email, "correct horse battery")).clients);
  }
  // Orders learns products from ProductChanged: wait until it can price the last one.
  await waitFor(
    async () => {
      try {
        await customers[0]!.orders.placeOrder({
          lines: [{ productId: products.at(-1)!, quantity: 1 }],
          paymentToken: "tok_visa",
          idempotencyKey: randomUUID(),
        });
        return true;
      } catch (error) {
        if (ConnectError.from(error).code === Code.InvalidArgument) return false;
        throw error;
      }
    },
    { message: "orders to know the seeded products", timeoutMs: 30_000 },
  );
  log(`faults: seeded ${products.length} products, 3 coupons, ${customers.length} customers`);

  // Place the orders, striking each fault once its threshold is passed (in the background, in order).
  const orderIds: string[] = [];
  const { orders: warm } = await customers[0]!.orders.listOrders({ pageSize: 10 });
  orderIds.push(...warm.map((o) => o.id));
  let placed = 0;
  let retried = 0;
  const faultTimes: { name: string; ms: number }[] = [];
  // The faults strike one at a time, in order, each once its threshold is passed. `upcoming` holds
  // those not struck yet; `striking` is the one in hand, which orders past the next threshold wait for.
  const upcoming = [...options.faults].sort((a, b) => a.afterOrders - b.afterOrders);
  let striking: Promise<void> | undefined;
  let progressed = () => {};
  const faulting = (async () => {
    while (upcoming.length > 0) {
      while (placed < upcoming[0]!.afterOrders) await new Promise<void>((wake) => (progressed = wake));
      const fault = upcoming.shift()!;
      const t0 = Date.now();
      log(`faults: ${fault.name} (after ${placed} orders)`);
      striking = fault.strike().then(() => {});
      try {
        await striking;
      } finally {
        striking = undefined;
      }
      faultTimes.push({ name: fault.name, ms: Date.now() - t0 });
      log(`faults: ${fault.name} done in ${Date.now() - t0} ms`);
    }
  })();
  // A fault that cannot be struck fails the run where it is awaited, below, not as an unhandled rejection.
  faulting.catch(() => {});
  let next = 0;
  const placing = Date.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= options.orders) return;
      while (striking && upcoming.length > 0 && i >= upcoming[0]!.afterOrders) await striking.catch(() => {});
      if (options.ratePerS) {
        const due = placing + (i * 1000) / options.ratePerS - Date.now();
        if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
      }
      const clients = customers[i % customers.length]!;
      const lines = [{ productId: products[i % products.length]!, quantity: 1 + (i % 2) }];
      if (i % 5 === 0) lines.push({ productId: products[(i + 3) % products.length]!, quantity: 1 });
      const request = {
        lines,
        paymentToken: TOKENS[i % TOKENS.length]!,
        couponCode: COUPONS[i % COUPONS.length]!,
        idempotencyKey: randomUUID(),
      };
      const order = await waitFor(
        async () => {
          try {
            return (await clients.orders.placeOrder(request, { timeoutMs: 10_000 })).order;
          } catch (error) {
            const code = ConnectError.from(error).code;
            if (!TRANSIENT.includes(code)) throw error;
            retried++;
            return undefined;
          }
        },
        { message: `order ${i} to be placed`, timeoutMs: 90_000, intervalMs: 200 },
      );
      orderIds.push(order!.id);
      placed++;
      progressed();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  placed = Number.POSITIVE_INFINITY;
  progressed();
  await faulting;
  log(`faults: ${orderIds.length} orders placed (${retried} placements retried)`);

  // Duplicates: every third record so far, delivered again byte for byte. And one malformed event
  // (data that is not an OrderPlaced), which must end in the dead-letter topic and nowhere else.
  const sofar = await readTopic(options.kafkaBrokers, options.topic);
  const duplicates = sofar.filter((_, i) => i % 3 === 0);
  await republish(options.kafkaBrokers, options.topic, duplicates);
  const poisonId = `poison-${randomUUID()}`;
  await republish(options.kafkaBrokers, options.topic, [
    {
      key: poisonId,
      value: Buffer.from([0x0a, 0x7f, 0x41]),
      headers: {
        "content-type": "application/protobuf",
        ce_specversion: "1.0",
        ce_id: poisonId,
        ce_source: "/functions/orders",
        ce_type: "shop.orders.v1.OrderPlaced",
        ce_subject: poisonId,
        ce_partitionkey: poisonId,
      },
    },
  ]);
  log(`faults: re-delivered ${duplicates.length} records and 1 malformed event`);

  const settleStart = Date.now();
  const sql = openBooks(options.databaseUrl);
  try {
    // One deadline for the whole settling. A shop that does not settle is reported with the books as
    // they stand (which orders hang, at which step), not as a bare timeout.
    const deadline = Date.now() + (options.settleTimeoutMs ?? 90_000);
    const unsettled: string[] = [];
    const settled = async (message: string, check: () => Promise<boolean>) => {
      if (unsettled.length > 0) return;
      try {
        await waitFor(check, { message, timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 250 });
      } catch (error) {
        unsettled.push((error as Error).message);
      }
    };
    const caughtUp = async () => (await lag(options.kafkaBrokers, options.topic, shop.groups)) === 0;
    await settled("every order to be final", async () => (await openOrders(sql, orderIds)) === 0);
    await settled("every Trigger to catch up", caughtUp);
    await settled("every outbox row to be published", async () => (await unpublished(sql)) === 0);
    // A last round: what the outboxes just published must be consumed too.
    await settled("every Trigger to catch up", caughtUp);
    const settleMs = Date.now() - settleStart;
    const { problems, summary } = await checkBooks(sql, { initialStock, orderIds });
    problems.unshift(...unsettled);
    const published = (await readTopic(options.kafkaBrokers, options.topic))
      .filter((record) => record.headers.ce_id !== poisonId)
      .map((record) => ({
        id: record.headers.ce_id ?? "",
        source: record.headers.ce_source ?? "",
        type: record.headers.ce_type ?? "",
        key: record.key,
      }));
    problems.push(...(await publishedUncommitted(sql, published)));
    problems.push(...(await hangingOrders(sql, orderIds, published)));
    // A function process that crashed (and was started again) is a problem even if the books balance.
    problems.push(...shop.crashes);
    // Every dead letter must be explained: the malformed event we sent, refused with a 4xx.
    const dead = await readTopic(options.kafkaBrokers, options.dlqTopic);
    let explained = 0;
    for (const record of dead) {
      const code = record.headers.ce_knativeerrorcode;
      if (record.headers.ce_id === poisonId && code?.startsWith("4")) explained++;
      else {
        const reason = Buffer.from(record.headers.ce_knativeerrordata ?? "", "base64").toString("utf8");
        problems.push(
          `unexplained dead letter ${record.headers.ce_type} ${record.headers.ce_id} to ${record.headers.ce_knativeerrordest}: ${code ?? "no answer"} ${reason}`,
        );
      }
    }
    if (explained === 0) problems.push("the malformed event did not reach the dead-letter topic");
    return {
      problems,
      summary,
      faults: faultTimes,
      retriedPlacements: retried,
      duplicatesDelivered: duplicates.length,
      dlq: { explained, unexplained: dead.length - explained },
      settleMs,
      elapsedMs: Date.now() - started,
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
