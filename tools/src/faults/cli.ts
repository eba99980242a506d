/**
 * `pnpm faults`: the large fault suite. Starts its own Kafka and Postgres (so it may restart them),
 * runs payments and inventory as child processes, and while orders are placed: SIGKILLs payments,
 * restarts Kafka, crashes and restarts Postgres, SIGKILLs inventory. Then checks the books and writes
 * tools/results/faults.md and .json. Exit code 1 when the books do not balance.
 *
 *   pnpm faults [--orders 300] [--concurrency 8] [--rate 5]   (rate: orders started per second)
 */

import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "@shop/platform";
// @ts-expect-error: plain ESM JavaScript without type declarations, so it runs before any install.
import { startKafka, startPostgres } from "../../../infra/local/index.mjs";
import { startFaultShop } from "./cluster.ts";
import { runScenario } from "./scenario.ts";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "300" },
    concurrency: { type: "string", default: "8" },
    rate: { type: "string", default: "5" },
  },
});
const orders = Number(values.orders);
const log = (line: string) => console.error(line);

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
    processes: ["payments", "inventory"],
  });
  try {
    const at = (share: number) => Math.floor(orders * share);
    const report = await runScenario({
      shop,
      databaseUrl: postgres.url,
      kafkaBrokers: [kafka.brokers],
      topic: "shop.events",
      dlqTopic: "shop.events.dlq",
      orders,
      concurrency: Number(values.concurrency),
      ratePerS: Number(values.rate),
      settleTimeoutMs: 180_000,
      log,
      faults: [
        { name: "SIGKILL payments", afterOrders: at(0.15), strike: () => shop.killAndRestart("payments") },
        { name: "restart Kafka", afterOrders: at(0.35), strike: () => kafka.restart() },
        {
          name: "crash and restart Postgres",
          afterOrders: at(0.55),
          strike: () => postgres.restart({ mode: "immediate" }),
        },
        { name: "SIGKILL inventory", afterOrders: at(0.75), strike: () => shop.killAndRestart("inventory") },
      ],
    });
    report.problems.push(...uncaught);
    const rows = [
      ["orders placed (incl. warm-up)", report.summary.orders],
      ["confirmed / cancelled", `${report.summary.confirmed} / ${report.summary.cancelled}`],
      ["charged / refunded payments", `${report.summary.charged} / ${report.summary.refunded}`],
      ["live coupon redemptions", report.summary.redemptions],
      ["PlaceOrder calls retried during faults", report.retriedPlacements],
      ["records delivered twice", report.duplicatesDelivered],
      ["dead letters explained / unexplained", `${report.dlq.explained} / ${report.dlq.unexplained}`],
      ...report.faults.map((f) => [`fault: ${f.name}`, `${f.ms} ms`]),
      ["settle after the last order", `${report.settleMs} ms`],
      ["problems", report.problems.length === 0 ? "none: the books balance" : report.problems.length],
    ];
    const md = [
      `# Fault suite (${new Date().toISOString()}, ${cpus().length} cores, Node ${process.version})`,
      "",
      `Command: \`pnpm faults --orders ${orders} --concurrency ${values.concurrency} --rate ${values.rate}\``,
      "",
      "| what | value |",
      "| --- | --- |",
      ...rows.map(([k, v]) => `| ${k} | ${v} |`),
      "",
      ...report.problems.map((p) => `- PROBLEM: ${p.replaceAll("\n", " ")}`),
      "",
    ].join("\n");
    const out = join(repoRoot, "tools", "results");
    writeFileSync(join(out, "faults.md"), md);
    writeFileSync(
      join(out, "faults.json"),
      `${JSON.stringify({ cores: cpus().length, node: process.version, orders, report }, null, 2)}\n`,
    );
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
