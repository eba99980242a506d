/**
 * The small fault suite: while orders are being placed, payments (a child process) is killed with
 * SIGKILL and started again and Postgres crashes and restarts; payments fail transiently
 * (tok_unavailable), records are delivered twice and a malformed event is sent. Then the books must
 * balance. The large version, with a Kafka restart and more kills, is `pnpm faults` (tools/README.md).
 */
import { testTopic } from "@shop/runtime/testing";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
// @ts-expect-error: plain ESM JavaScript without type declarations, so it runs before any install.
import { startPostgres } from "../../../infra/local/index.mjs";
import { type FaultShop, startFaultShop } from "./cluster.ts";
import { runScenario } from "./scenario.ts";

/** infra/local's Postgres (see infra/local/README.md). */
interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
  restart(options?: { mode?: "fast" | "immediate" }): Promise<void>;
}

// Its own Postgres, because the suite crashes it: the one the other integration tests share stays up.
let postgres: LocalPostgres;
let shop: FaultShop;
const topic = testTopic("faults");
const dlqTopic = testTopic("faults-dlq");

beforeAll(async () => {
  postgres = await startPostgres({ log: () => {} });
  shop = await startFaultShop({
    databaseUrl: postgres.url,
    kafkaBrokers: [inject("kafkaBrokers")],
    topic,
    dlqTopic,
    processes: ["payments"],
  });
});

afterAll(async () => {
  await shop?.close();
  await postgres?.stop();
});

it("loses nothing through a SIGKILLed function, a Postgres crash, transient payment failures and duplicate deliveries", async () => {
  const report = await runScenario({
    shop,
    databaseUrl: postgres.url,
    kafkaBrokers: [inject("kafkaBrokers")],
    topic,
    dlqTopic,
    orders: 40,
    concurrency: 4,
    // Well inside the test's timeout, so a shop that does not settle is reported with its books.
    settleTimeoutMs: 60_000,
    log: (line) => console.info(line),
    faults: [
      {
        name: "SIGKILL payments and start it again",
        afterOrders: 8,
        strike: () => shop.killAndRestart("payments"),
      },
      {
        name: "crash and restart Postgres",
        afterOrders: 20,
        strike: () => postgres.restart({ mode: "immediate" }),
      },
    ],
  });
  console.info("fault suite report:", JSON.stringify(report, null, 2));
  expect(report.problems).toEqual([]);
  expect(report.summary.orders).toBe(41);
  expect(report.summary.confirmed).toBeGreaterThan(0);
  expect(report.summary.cancelled).toBeGreaterThan(0);
  // The malformed OrderPlaced is dead-lettered once by each of its consumers (promotions' and cart's
  // Triggers, analytics' KafkaSource), and nothing else is.
  expect(report.dlq.byExplanation).toEqual({ "malformed (sent on purpose), refused 4xx": 3 });
  expect(report.dlq.explained).toBe(3);
  expect(report.redrive.malformed).toBe(3);
  // Every confirmed order's customer got its receipt once, duplicates delivered or not (the books
  // check each order; these say the checks had something to count).
  expect(report.duplicatesDelivered).toBeGreaterThan(0);
  expect(report.delivered.receipts).toBe(report.summary.confirmed);
  expect(report.delivered.shippingOrders).toBeGreaterThan(0);
}, 150_000);
