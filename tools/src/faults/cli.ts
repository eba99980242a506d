/**
 * `pnpm faults`: the large fault suite. Starts its own Kafka and Postgres (so it may restart them),
 * then checks the books and writes tools/results/faults[-outages].md and .json. Exit code 1 when the
 * books do not balance. Two scenarios:
 *
 * - `restarts` (the default): payments and inventory as child processes; while orders are placed it
 *   SIGKILLs payments, restarts Kafka, crashes and restarts Postgres, SIGKILLs inventory.
 * - `outages` (outages.ts): outages longer than the Triggers' retry window while orders flow —
 *   Postgres crashed and kept stopped, inventory frozen with SIGSTOP, Kafka stopped and kept stopped,
 *   each `--outage` seconds, one after another with `--gap` seconds between them (the shop drains
 *   what piled up meanwhile); the payment provider times out after charging all along; shortened
 *   saga deadlines (20 s / 60 s) and a 2 s tick.
 *
 *   pnpm faults [--scenario restarts|outages] [--orders N] [--concurrency N] [--rate N] [--outage 35]
 *     [--gap 60] [--log-level warn]
 *   (rate: orders started per second; defaults: restarts 300 / 8 / 5; outages: the orders of the
 *   schedule at the rate — 268 s, 4,020 orders with 35 s outages and 60 s gaps —, 24, 15)
 */

import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "@shop/platform";
// @ts-expect-error: plain ESM JavaScript without type declarations, so it runs before any install.
import { startKafka, startPostgres } from "../../../infra/local/index.mjs";
import type { Pause } from "./books.ts";
import { startFaultShop } from "./cluster.ts";
import {
  deliveryTimeoutFor,
  OUTAGE_COUPONS,
  OUTAGE_TIMING,
  OUTAGE_TOKENS,
  outageFaults,
  outageSchedule,
  outageShopOptions,
  providerLedger,
} from "./outages.ts";
import { runScenario, type ScenarioReport } from "./scenario.ts";

const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "restarts" },
    orders: { type: "string" },
    concurrency: { type: "string" },
    rate: { type: "string" },
    outage: { type: "string", default: "35" },
    /** Seconds between one outage's end and the next one (the shop recovers meanwhile). */
    gap: { type: "string", default: "60" },
    /** The functions' log level (default silent); their logs go to stdout, the table too. */
    "log-level": { type: "string" },
  },
});
const scenario = values.scenario;
if (scenario !== "restarts" && scenario !== "outages") {
  console.error(`faults: --scenario must be restarts or outages, not "${scenario}"`);
  process.exit(2);
}
const outages = scenario === "outages";
const downMs = Number(values.outage) * 1000;
// outages: by default as many orders as the schedule needs at the rate (with 35 s outages, 178 s of them).
const rate = Number(values.rate ?? (outages ? 15 : 5));
const gapS = Number(values.gap);
const outageTimes = { downS: downMs / 1000, gapS, tailS: 30 };
const orders = Number(values.orders ?? (outages ? outageSchedule(rate, outageTimes).orders : 300));
const concurrency = Number(values.concurrency ?? (outages ? 24 : 8));
const log = (line: string) => console.error(`${new Date().toISOString().slice(11, 19)} ${line}`);

// An uncaught error in a function would end its process: count each one as a problem.
const uncaught: string[] = [];
process.on("uncaughtException", (error) => uncaught.push(`uncaught exception: ${error.stack ?? error}`));
process.on("unhandledRejection", (error) =>
  uncaught.push(`unhandled rejection: ${(error as Error)?.stack ?? error}`),
);

const [kafka, postgres] = await Promise.all([startKafka({ log }), startPostgres({ log })]);
let exitCode = 1;
try {
  const shop = await startFaultShop({
    databaseUrl: postgres.url,
    kafkaBrokers: [kafka.brokers],
    topic: "shop.events",
    dlqTopic: "shop.events.dlq",
    ...(values["log-level"] ? { logLevel: values["log-level"] } : {}),
    ...(outages ? outageShopOptions(downMs) : { processes: ["payments", "inventory"] }),
  });
  try {
    const at = (share: number) => Math.floor(orders * share);
    const schedule = outageSchedule(rate, outageTimes);
    const pauses: Pause[] = [];
    const common = {
      shop,
      databaseUrl: postgres.url,
      kafkaBrokers: [kafka.brokers],
      topic: "shop.events",
      dlqTopic: "shop.events.dlq",
      orders,
      concurrency,
      ratePerS: rate,
      log,
    };
    const report = outages
      ? await runScenario({
          ...common,
          settleTimeoutMs: 300_000,
          tokens: OUTAGE_TOKENS,
          coupons: OUTAGE_COUPONS,
          stock: [3, 8, 2_000, 2_000, 2_000, 5_000],
          deadline: { periodMs: OUTAGE_TIMING.tickIntervalMs, slackMs: OUTAGE_TIMING.finalSlackMs, pauses },
          ...(providerLedger(shop) ? { providerCharges: providerLedger(shop)! } : {}),
          faults: outageFaults({
            shop,
            postgres,
            kafka,
            downMs,
            after: schedule.after,
            pauses,
          }),
        })
      : await runScenario({
          ...common,
          settleTimeoutMs: 180_000,
          faults: [
            {
              name: "SIGKILL payments",
              afterOrders: at(0.15),
              strike: () => shop.killAndRestart("payments"),
            },
            { name: "restart Kafka", afterOrders: at(0.35), strike: () => kafka.restart() },
            {
              name: "crash and restart Postgres",
              afterOrders: at(0.55),
              strike: () => postgres.restart({ mode: "immediate" }),
            },
            {
              name: "SIGKILL inventory",
              afterOrders: at(0.75),
              strike: () => shop.killAndRestart("inventory"),
            },
          ],
        });
    report.problems.push(...uncaught);
    const logArg = values["log-level"] ? ` --log-level ${values["log-level"]}` : "";
    const args = outages
      ? `--scenario outages --orders ${orders} --concurrency ${concurrency} --rate ${rate} --outage ${values.outage} --gap ${values.gap}${logArg}`
      : `--orders ${orders} --concurrency ${concurrency} --rate ${rate}${logArg}`;
    const md = renderReport(report, { args, outages });
    const out = join(repoRoot, "tools", "results");
    const file = outages ? "faults-outages" : "faults";
    writeFileSync(join(out, `${file}.md`), md);
    writeFileSync(
      join(out, `${file}.json`),
      `${JSON.stringify({ cores: cpus().length, node: process.version, scenario, orders, rate, report }, null, 2)}\n`,
    );
    log(`faults: by when they were placed: ${JSON.stringify(report.timeline)}`);
    log(`faults: when the faults struck: ${JSON.stringify(report.faultsAtS)}`);
    if (report.reconcilerMetrics) log(`faults: reconciler: ${JSON.stringify(report.reconcilerMetrics)}`);
    for (const story of report.timedOutStories) log(`faults: timed out: ${story}`);
    console.log(md);
    exitCode = report.problems.length === 0 ? 0 : 1;
  } finally {
    await shop.close();
  }
} catch (error) {
  console.error(`faults: the run failed: ${(error as Error).stack ?? error}`);
  for (const line of uncaught) console.error(`faults: ${line}`);
  exitCode = 1;
} finally {
  await Promise.allSettled([kafka.stop(), postgres.stop()]);
}
process.exit(exitCode);

/** The report as Markdown: one table, then every problem. */
function renderReport(report: ScenarioReport, { args, outages }: { args: string; outages: boolean }): string {
  const s = report.summary;
  const causes = Object.entries(s.cancelledByCause)
    .sort(([, a], [, b]) => b - a)
    .map(([cause, n]) => `${cause} ${n}`)
    .join(", ");
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const placedPerS = ((s.orders - 1) / (report.placingMs / 1000)).toFixed(1);
  const r = report.redrive;
  const rows: [string, string | number][] = [
    ["orders placed (incl. warm-up)", s.orders],
    ["placing the orders took", `${seconds(report.placingMs)} (${placedPerS} orders/s)`],
    ["confirmed / cancelled", `${s.confirmed} / ${s.cancelled}`],
    ["cancelled by cause", causes || "none"],
    [
      "reconciled: orders re-asked (re-asks) / timed out",
      `${s.reaskedOrders} (${s.reasks}) / ${s.timedOut}` +
        (report.reconcilerMetrics
          ? ` — metrics: shop_orders_reasked_total ${report.reconcilerMetrics.reasked}, shop_orders_timed_out_total ${report.reconcilerMetrics.timedOut}`
          : ""),
    ],
    [
      "redriven deliveries: letters redriven / redrives sent",
      r.present
        ? `${r.redriven} / ${r.attempts}${r.redrivenMetric === undefined ? "" : ` (shop_dead_letters_redriven_total ${r.redrivenMetric})`}`
        : "no redrive function in this tree",
    ],
    [
      "payments charged / refunded (of them charged after cancellation)",
      `${s.charged} / ${s.refunded} (${s.refundedAfterCancellation})`,
    ],
    ...(s.providerCharges === undefined
      ? []
      : ([["provider's ledger: charges / refunded", `${s.providerCharges} / ${s.providerRefunded}`]] as [
          string,
          string,
        ][])),
    ["live coupon redemptions", s.redemptions],
    [
      "receipts at the SMTP server (copies of one Message-ID)",
      `${report.delivered.receipts} (${report.delivered.receiptCopies})`,
    ],
    [
      "confirmed orders that ship / shipments",
      `${report.delivered.shippingOrders} / ${report.delivered.shipments}`,
    ],
    ["PlaceOrder calls retried during faults", report.retriedPlacements],
    ["records delivered twice", report.duplicatesDelivered],
    [
      "dead letters explained / unexplained",
      `${report.dlq.explained} / ${report.dlq.unexplained}` +
        (Object.keys(report.dlq.byExplanation).length > 0
          ? ` (${Object.entries(report.dlq.byExplanation)
              .map(([why, n]) => `${why}: ${n}`)
              .join("; ")})`
          : ""),
    ],
    ...report.faults.map((f): [string, string] => [`fault: ${f.name}`, seconds(f.ms)]),
    ...(outages
      ? ([
          [
            "fault: payment provider timing out after charging",
            `all along: tok_timeout on every 7th order, and ${OUTAGE_TIMING.timeoutAfterChargeRate * 100}% of other charges`,
          ],
          [
            "saga timing",
            `deadline ${seconds(OUTAGE_TIMING.sagaDeadlineMs)}, give-up ${seconds(OUTAGE_TIMING.sagaGiveUpMs)}, tick ${seconds(OUTAGE_TIMING.tickIntervalMs)}, delivery timeout ${seconds(deliveryTimeoutFor(downMs))}`,
          ],
        ] as [string, string][])
      : []),
    ...(s.latestFinalAfterGiveUpMs === undefined
      ? []
      : ([
          ["longest saga (placed → final)", seconds(s.longestSagaMs ?? 0)],
          ["latest final relative to its give-up", seconds(s.latestFinalAfterGiveUpMs)],
        ] as [string, string][])),
    ["settle after the last order", seconds(report.settleMs)],
    [
      "event-loop delay of the shop's process p50 / p99 / max",
      `${report.eventLoopDelayMs.p50} / ${report.eventLoopDelayMs.p99} / ${report.eventLoopDelayMs.max} ms`,
    ],
    ["problems", report.problems.length === 0 ? "none: the books balance" : report.problems.length],
  ];
  return [
    `# Fault suite${outages ? ": outages longer than the retry window" : ""} (${new Date().toISOString()}, ${cpus().length} cores, Node ${process.version})`,
    "",
    `Command: \`pnpm faults ${args}\``,
    "",
    "| what | value |",
    "| --- | --- |",
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    "",
    ...report.problems.map((p) => `- PROBLEM: ${p.replaceAll("\n", " ")}`),
    "",
  ].join("\n");
}
