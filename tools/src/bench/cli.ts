/**
 * `pnpm bench`: the benchmarks, each a ratio measured in one run on this machine. Results go to
 * tools/results/<name>.md and .json.
 *
 *   pnpm bench [all|connect|pipeline|startup|embedded] [--duration 10] [--workers 16] [--profile]
 *
 * Uses KAFKA_BROKERS / DATABASE_URL when set, else starts Kafka and Postgres from infra/local.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createTestDatabase } from "@shop/runtime/testing";
// @ts-expect-error: plain ESM JavaScript without type declarations, so it runs before any install.
import { startInfra } from "../../../infra/local/index.mjs";
import { benchConnect } from "./connect.ts";
import { reportConnect } from "./connect-report.ts";
import {
  commits,
  EMBEDDED_GOAL,
  kafkaRaw,
  latencyAtRate,
  maxThroughput,
  P99_GOAL_MS,
  PIPELINE_GOAL,
  pgbench,
  preparePipeline,
  TRANSACTIONS_PER_ORDER,
} from "./pipeline.ts";
import { startServer } from "./proc.ts";
import { summarizeProfile } from "./profile.ts";
import { fixed, verdict, writeResults } from "./report.ts";
import { benchStartup, RSS_GOAL_MIB, START_GOAL } from "./startup.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: "string", default: "10" },
    workers: { type: "string", default: "16" },
    profile: { type: "boolean", default: false },
  },
});
const which = positionals[0] ?? "all";
const duration = Number(values.duration);
const workers = Number(values.workers);
const command = (name: string) => `pnpm bench ${name} --duration ${duration} --workers ${workers}`;
const want = (name: string) => which === "all" || which === name;

const infra = await startInfra({ log: (line: string) => console.error(line) });
const brokers = [infra.kafkaBrokers as string];
try {
  if (want("connect")) {
    const r = await benchConnect(await createTestDatabase(infra.databaseUrl), duration, {
      profile: values.profile,
    });
    reportConnect(r, command("connect"), duration);
  }

  if (want("pipeline") || want("embedded")) {
    const real = await createTestDatabase(infra.databaseUrl);
    const topic = `bench.${randomUUID()}`;
    const profDir = mkdtempSync(join(tmpdir(), "shop-prof-"));
    const shop = await startServer<{ url: string }>("tools/src/bench/servers/shop.ts", ["real"], {
      env: { DATABASE_URL: real, KAFKA_BROKERS: brokers.join(","), SHOP_EVENTS_TOPIC: topic },
      // --profile: where the shop process spends its time at saturation (start-up included).
      nodeArgs: values.profile ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [],
    });
    let realMax: Awaited<ReturnType<typeof maxThroughput>>;
    let half: Awaited<ReturnType<typeof latencyAtRate>> | undefined;
    let perOrder = 0;
    try {
      const { shoppers, products } = await preparePipeline(shop.info.url, workers);
      const before = await commits(real);
      realMax = await maxThroughput(shoppers, products, workers, duration);
      perOrder = ((await commits(real)) - before) / realMax.orders;
      if (want("pipeline"))
        half = await latencyAtRate(shoppers, products, Math.max(1, realMax.ordersPerS / 2), duration);
    } finally {
      await shop.stop();
    }
    const profFile = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
    const profile = profFile ? summarizeProfile(join(profDir, profFile)) : undefined;
    // The deployed shape: each function its own process (its bundle), the runner in another, so the
    // work spreads over the cores as it does over pods.
    let deployedMax: typeof realMax | undefined;
    let deployedHalf: typeof half;
    if (want("pipeline")) {
      const deployed = await startServer<{ url: string }>("tools/src/bench/servers/shop.ts", ["processes"], {
        env: {
          DATABASE_URL: await createTestDatabase(infra.databaseUrl),
          KAFKA_BROKERS: brokers.join(","),
          SHOP_EVENTS_TOPIC: `bench.${randomUUID()}`,
        },
      });
      try {
        const { shoppers, products } = await preparePipeline(deployed.info.url, workers);
        deployedMax = await maxThroughput(shoppers, products, workers, duration);
        deployedHalf = await latencyAtRate(
          shoppers,
          products,
          Math.max(1, deployedMax.ordersPerS / 2),
          duration,
        );
      } finally {
        await deployed.stop();
      }
    }
    if (want("pipeline")) {
      const pg = await pgbench(infra.databaseUrl, duration);
      const limit = pg.tps / TRANSACTIONS_PER_ORDER;
      const kafka = await kafkaRaw(brokers);
      writeResults(
        "pipeline",
        command("pipeline"),
        [
          {
            title:
              "Purchase pipeline (real Kafka + Postgres; all functions in one process, then one process each)",
            header: ["measure", "value", "goal", "verdict"],
            rows: [
              [
                `max orders/s (closed loop, ${workers} workers, place + WatchOrder to final)`,
                fixed(realMax.ordersPerS),
                "",
                "",
              ],
              [`pgbench commits/s (${pg.command})`, fixed(pg.tps, 0), "", ""],
              [
                `commit-rate limit = pgbench ÷ ${TRANSACTIONS_PER_ORDER} transactions per order`,
                fixed(limit),
                "",
                "",
              ],
              [
                "pipeline ÷ limit",
                fixed(realMax.ordersPerS / limit, 3),
                `≥ ${PIPELINE_GOAL}`,
                verdict(realMax.ordersPerS / limit >= PIPELINE_GOAL),
              ],
              [
                "commits per order measured (pg_stat_database, incl. reads and relay)",
                fixed(perOrder, 1),
                "",
                "",
              ],
              [
                `placed → final p50 / p99 at max (ms)`,
                `${fixed(realMax.p50Ms, 0)} / ${fixed(realMax.p99Ms, 0)}`,
                "",
                "",
              ],
              [
                `placed → final p50 / p95 / p99 at half rate (${fixed(half!.rate)} orders/s, ms)`,
                `${fixed(half!.p50Ms, 0)} / ${fixed(half!.p95Ms, 0)} / ${fixed(half!.p99Ms, 0)}`,
                `p99 ≤ ${P99_GOAL_MS}`,
                verdict(half!.p99Ms <= P99_GOAL_MS),
              ],
              [
                "max orders/s, each function its own process (as deployed) and the runner in another",
                fixed(deployedMax!.ordersPerS),
                "",
                "",
              ],
              [
                "that ÷ limit",
                fixed(deployedMax!.ordersPerS / limit, 3),
                `≥ ${PIPELINE_GOAL}`,
                verdict(deployedMax!.ordersPerS / limit >= PIPELINE_GOAL),
              ],
              [
                `placed → final p50 / p95 / p99 at half that rate (${fixed(deployedHalf!.rate)} orders/s, ms)`,
                `${fixed(deployedHalf!.p50Ms, 0)} / ${fixed(deployedHalf!.p95Ms, 0)} / ${fixed(deployedHalf!.p99Ms, 0)}`,
                `p99 ≤ ${P99_GOAL_MS}`,
                verdict(deployedHalf!.p99Ms <= P99_GOAL_MS),
              ],
              [
                `raw kafkajs produce (acks=all, batches of 500, ${kafka.count} × 200 B) msgs/s`,
                fixed(kafka.produceMsgsPerS, 0),
                "",
                "",
              ],
              [
                "raw kafkajs produce → consume msgs/s (same broker)",
                fixed(kafka.endToEndMsgsPerS, 0),
                "",
                "",
              ],
            ],
          },
          ...(profile
            ? [
                {
                  title: `CPU profile of the shop process at saturation (${profile.samples} samples): self time by package`,
                  header: ["package", "share"],
                  rows: profile.packages.map((p) => [p.name, `${(p.share * 100).toFixed(1)} %`]),
                },
                {
                  title: "Top frames by self time",
                  header: ["frame", "share"],
                  rows: profile.frames.map((p) => [`\`${p.name}\``, `${(p.share * 100).toFixed(1)} %`]),
                },
              ]
            : []),
        ],
        {
          realMax,
          half,
          deployedMax,
          deployedHalf,
          pgbench: pg,
          limit,
          perOrder,
          kafka,
          transactionsPerOrder: TRANSACTIONS_PER_ORDER,
          profile,
        },
      );
    }
    if (want("embedded")) {
      const embedded = await startServer<{ url: string }>("tools/src/bench/servers/shop.ts", ["embedded"]);
      try {
        const { shoppers, products } = await preparePipeline(embedded.info.url, workers);
        const emb = await maxThroughput(shoppers, products, workers, duration);
        writeResults(
          "embedded",
          command("embedded"),
          [
            {
              title: `Embedded (PGlite + in-memory log) ÷ real (Kafka + Postgres) orders/s — goal ≥ ${EMBEDDED_GOAL}`,
              header: ["mode", "orders/s", "p50 ms", "p99 ms"],
              rows: [
                ["real", fixed(realMax.ordersPerS), fixed(realMax.p50Ms, 0), fixed(realMax.p99Ms, 0)],
                ["embedded", fixed(emb.ordersPerS), fixed(emb.p50Ms, 0), fixed(emb.p99Ms, 0)],
                [
                  "ratio",
                  fixed(emb.ordersPerS / realMax.ordersPerS, 3),
                  verdict(emb.ordersPerS / realMax.ordersPerS >= EMBEDDED_GOAL),
                  "",
                ],
              ],
            },
          ],
          { real: realMax, embedded: emb },
        );
      } finally {
        await embedded.stop();
      }
    }
  }

  if (want("startup")) {
    const r = await benchStartup({
      DATABASE_URL: await createTestDatabase(infra.databaseUrl),
      KAFKA_BROKERS: brokers.join(","),
    });
    writeResults(
      "startup",
      command("startup"),
      [
        {
          title: "Start to first served request (readiness 200) ÷ bare `node -e` start; idle RSS",
          header: [
            "function",
            "start ms (median)",
            "bare ms (median)",
            "ratio",
            `goal ≤ ${START_GOAL}×`,
            "idle RSS MiB",
            `goal ≤ ${RSS_GOAL_MIB}`,
          ],
          rows: r.rows.map((x) => [
            x.function,
            x.startMs,
            x.bareMs,
            fixed(x.ratio, 1),
            verdict(x.ratio <= START_GOAL),
            x.idleRssMiB,
            verdict(x.idleRssMiB <= RSS_GOAL_MIB),
          ]),
          notes: [
            `Each function started ${r.runs + 1} times as \`${r.command}\` (its esbuild bundle, as in production; \`pnpm build\`${r.built.length > 0 ? `, rebuilt first: ${r.built.join(", ")}` : ""}) against real Postgres and Kafka; the first start (migrations) is not counted. Each counted start follows a bare \`node -e\` HTTP server's start, and the ratio is of the two medians (all bare starts: ${r.bareNodeMs} ms).`,
          ],
        },
      ],
      r,
    );
  }
} finally {
  await infra.stop();
}
