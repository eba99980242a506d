/**
 * The small fault suite: while orders are being placed, payments (a child process) is killed with
 * SIGKILL and started again; payments fail transiently (tok_unavailable), records are delivered twice
 * and a malformed event is sent. Then the books must balance. The large version, with Kafka and
 * Postgres restarts and more kills, is `pnpm faults` (tools/README.md).
 */
import { createTestDatabase, testTopic } from "@shop/runtime/testing";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { type FaultShop, startFaultShop } from "./cluster.ts";
import { runScenario } from "./scenario.ts";

let databaseUrl: string;
let shop: FaultShop;
const topic = testTopic("faults");
const dlqTopic = testTopic("faults-dlq");

beforeAll(async () => {
  databaseUrl = await createTestDatabase(inject("databaseUrl"));
  shop = await startFaultShop({
    databaseUrl,
    kafkaBrokers: [inject("kafkaBrokers")],
    topic,
    dlqTopic,
    processes: ["payments"],
  });
});

afterAll(async () => {
  await shop?.close();
});

it("loses nothing through a SIGKILLed function, transient payment failures and duplicate deliveries", async () => {
  const report = await runScenario({
    shop,
    databaseUrl,
    kafkaBrokers: [inject("kafkaBrokers")],
    topic,
    dlqTopic,
    orders: 40,
    concurrency: 4,
    faults: [
      {
        name: "SIGKILL payments and start it again",
        afterOrders: 8,
        strike: () => shop.killAndRestart("payments"),
      },
    ],
  });
  console.info("fault suite report:", JSON.stringify(report, null, 2));
  expect(report.problems).toEqual([]);
  expect(report.summary.orders).toBe(41);
  expect(report.summary.confirmed).toBeGreaterThan(0);
  expect(report.summary.cancelled).toBeGreaterThan(0);
  expect(report.dlq.explained).toBe(1);
}, 150_000);
