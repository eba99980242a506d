/**
 * The small version of "outages longer than the retry window" (outages.ts, issue 12): while orders
 * are placed (about 1 a second), one after another and each for 30 s — longer than the Triggers'
 * retry window of about 12 s — Postgres is crashed and kept stopped, inventory (a child process) is
 * frozen with SIGSTOP and thawed with SIGCONT, and Kafka is stopped and kept stopped; all along the
 * payment provider times out after charging (tok_timeout cards, and 5% of other charges). Records
 * are then delivered twice and one malformed event is sent. The books must hold: every order final by
 * its final deadline plus a reconciler period (deadline 20 s, give-up 60 s, tick 2 s here), no
 * cancelled order charged without a refund, exactly one charge per confirmed order in the provider's
 * own ledger, stock and coupons balanced, and every dead letter either the malformed one or a
 * transient one that the redrive function redrove.
 *
 * It covers all four outages: it starts its own Postgres and its own Kafka (both are stopped here; the
 * shared ones of the int project stay up for the files running beside it). The large version, at
 * 15 orders/s for over 2 minutes and 35 s outages, is `pnpm faults --scenario outages` (tools/README.md).
 */
import { testTopic } from "@shop/runtime/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
// @ts-expect-error: plain ESM JavaScript without type declarations, so it runs before any install.
import { startKafka, startPostgres } from "../../../infra/local/index.mjs";
import type { Pause } from "./books.ts";
import { type FaultShop, startFaultShop } from "./cluster.ts";
import {
  OUTAGE_COUPONS,
  OUTAGE_TIMING,
  OUTAGE_TOKENS,
  outageFaults,
  outageSchedule,
  outageShopOptions,
  providerLedger,
} from "./outages.ts";
import { runScenario } from "./scenario.ts";

/** infra/local's Postgres and Kafka (see infra/local/README.md). */
interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
  restart(options?: { mode?: "fast" | "immediate"; downMs?: number }): Promise<void>;
}
interface LocalKafka {
  brokers: string;
  stop(): Promise<void>;
  restart(options?: { signal?: "SIGTERM" | "SIGKILL"; downMs?: number }): Promise<void>;
}

const OUTAGE_MS = 30_000;
let postgres: LocalPostgres;
let kafka: LocalKafka;
let shop: FaultShop;
const topic = testTopic("outages");
const dlqTopic = testTopic("outages-dlq");

beforeAll(async () => {
  [postgres, kafka] = await Promise.all([startPostgres({ log: () => {} }), startKafka({ log: () => {} })]);
  shop = await startFaultShop({
    databaseUrl: postgres.url,
    kafkaBrokers: [kafka.brokers],
    topic,
    dlqTopic,
    ...outageShopOptions(OUTAGE_MS),
  });
});

afterAll(async () => {
  await shop?.close();
  await Promise.allSettled([postgres?.stop(), kafka?.stop()]);
});

it("keeps the books through Postgres, a frozen function and Kafka each down for longer than the retry window, and a provider that times out after charging", async () => {
  const pauses: Pause[] = [];
  // 1 order a second: 133 orders over 30 s outages with 10 s between them.
  const schedule = outageSchedule(1, { downS: OUTAGE_MS / 1000, gapS: 10 });
  const charges = providerLedger(shop);
  const report = await runScenario({
    shop,
    databaseUrl: postgres.url,
    kafkaBrokers: [kafka.brokers],
    topic,
    dlqTopic,
    orders: schedule.orders,
    concurrency: 4,
    ratePerS: 1,
    tokens: OUTAGE_TOKENS,
    coupons: OUTAGE_COUPONS,
    deadline: { periodMs: OUTAGE_TIMING.tickIntervalMs, slackMs: OUTAGE_TIMING.finalSlackMs, pauses },
    ...(charges ? { providerCharges: charges } : {}),
    // Past the final deadline (60 s) of the last orders and a few redrives.
    settleTimeoutMs: 120_000,
    log: (line) => console.info(`${new Date().toISOString().slice(11, 19)} ${line}`),
    faults: outageFaults({
      shop,
      postgres,
      kafka,
      downMs: OUTAGE_MS,
      after: schedule.after,
      pauses,
    }),
  });
  console.info("outage suite report:", JSON.stringify(report, null, 2));
  expect(report.problems).toEqual([]);
  expect(charges).toBeDefined();
  expect(report.summary.orders).toBe(schedule.orders + 1);
  expect(report.faults.map((f) => f.ms).every((ms) => ms >= OUTAGE_MS)).toBe(true);
  expect(report.faults).toHaveLength(3);
  expect(report.summary.confirmed).toBeGreaterThan(0);
  expect(report.dlq.explained).toBeGreaterThanOrEqual(1);
}, 285_000);
