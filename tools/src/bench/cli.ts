/**
 * `pnpm bench`: the benchmarks, each a ratio measured in one run on this machine. Results go to
 * tools/results/<name>.md and .json.
 *
 *   pnpm bench [all|connect|pipeline|startup|embedded] [--duration 10] [--workers 16] [--profile]
 *              [--load-minutes 5] [--warm-up 5]
 *
 * --warm-up: seconds of the closed loop before each measured pipeline run, not counted (default 30, or
 * 3 × --duration when shorter), so the broker's JIT has compiled its hot paths (see its row).
 * --load-minutes: how long the embedded shop's load runs (default: --duration), for its memory goal.
 * --on-disk: the embedded shop keeps PGlite in a data folder, as `npm start` does (results in
 * embedded-on-disk.md), instead of in memory.
 * Uses KAFKA_BROKERS / DATABASE_URL when set, else starts Kafka and Postgres from infra/local.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createTestDatabase } from "@shop/runtime/testing";
// @ts-expect-error: plain ESM JavaScript without type declarations, so it runs before any install.
import { startInfra } from "../../../infra/local/index.mjs";
import { EMBEDDED_NODE_FLAGS, embeddedProcessEnv } from "../../bin/embedded-process.mjs";
import { benchConnect } from "./connect.ts";
import { reportConnect } from "./connect-report.ts";
import { measureCost, postmasterOf, processLabels, type RunCost } from "./costs.ts";
import { embeddedTables, loadEmbedded } from "./embedded.ts";
import {
  commits,
  EMBEDDED_GOAL,
  kafkaRaw,
  latencyAtRate,
  maxThroughput,
  pgbench,
  postgresRoundTrip,
  preparePipeline,
  TRANSACTIONS_PER_ORDER,
} from "./pipeline.ts";
import { reportPipeline } from "./pipeline-report.ts";
import { startServer } from "./proc.ts";
import { summarizeProfile, summarizeProfiles } from "./profile.ts";
import { fixed, verdict, writeResults } from "./report.ts";
import { benchStartup, IDLE_CPU_GOAL_PCT, RSS_GOAL_MIB, START_GOAL } from "./startup.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: "string", default: "10" },
    workers: { type: "string", default: "16" },
    profile: { type: "boolean", default: false },
    "load-minutes": { type: "string" },
    "warm-up": { type: "string" },
    "on-disk": { type: "boolean", default: false },
  },
});
const which = positionals[0] ?? "all";
const duration = Number(values.duration);
const workers = Number(values.workers);
const loadMinutes = values["load-minutes"] === undefined ? undefined : Number(values["load-minutes"]);
const command = (name: string) =>
  `pnpm bench ${name} --duration ${duration} --workers ${workers}${name === "pipeline" && values["warm-up"] !== undefined ? ` --warm-up ${warmUp}` : ""}${name === "embedded" && loadMinutes !== undefined ? ` --load-minutes ${loadMinutes}` : ""}${name === "embedded" && values["on-disk"] ? " --on-disk" : ""}`;
const want = (name: string) => which === "all" || which === name;
/** Seconds of closed-loop orders before each measured pipeline run, not counted (a warm shop and broker). */
// 30 s by default: after 5 s the broker's JIT was still compiling, 4 ms of its 10 ms per order.
const warmUp = values["warm-up"] === undefined ? Math.min(30, 3 * duration) : Number(values["warm-up"]);

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
    let at80: typeof half;
    let perOrder = 0;
    let realCost: RunCost;
    try {
      const { shoppers, products } = await preparePipeline(shop.info.url, workers, warmUp);
      const before = await commits(real);
      const postmasterPid = await postmasterOf(real);
      const cost = await measureCost(
        { shopPid: shop.child.pid!, shopLabel: "shop (every function + runner + gateway)", postmasterPid },
        real,
        shop.info.url,
      );
      realMax = await maxThroughput(shoppers, products, workers, duration);
      realCost = await cost(realMax.orders);
      perOrder = ((await commits(real)) - before) / realMax.orders;
      if (want("pipeline")) {
        half = await latencyAtRate(shoppers, products, Math.max(1, realMax.ordersPerS / 2), duration);
        at80 = await latencyAtRate(shoppers, products, Math.max(1, realMax.ordersPerS * 0.8), duration);
      }
    } finally {
      await shop.stop();
    }
    const profFile = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
    const profile = profFile ? summarizeProfile(join(profDir, profFile)) : undefined;
    // The deployed shape: each function its own process (its bundle), the runner in another, so the
    // work spreads over the cores as it does over pods.
    let deployedMax: typeof realMax | undefined;
    let deployedHalf: typeof half;
    let deployedAt80: typeof half;
    let deployedCost: RunCost | undefined;
    let deployedLabels = new Map<number, string>();
    let deployedProfiles: ReturnType<typeof summarizeProfiles> = [];
    if (want("pipeline")) {
      const deployedDb = await createTestDatabase(infra.databaseUrl);
      const deployedProfDir = mkdtempSync(join(tmpdir(), "shop-prof-deployed-"));
      const deployed = await startServer<{ url: string }>("tools/src/bench/servers/shop.ts", ["processes"], {
        env: {
          // --profile: every process (the runner + gateway and each function) writes its profile at exit.
          ...(values.profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${deployedProfDir}` } : {}),
          DATABASE_URL: deployedDb,
          KAFKA_BROKERS: brokers.join(","),
          SHOP_EVENTS_TOPIC: `bench.${randomUUID()}`,
        },
      });
      try {
        const { shoppers, products } = await preparePipeline(deployed.info.url, workers, warmUp);
        const targets = {
          shopPid: deployed.child.pid!,
          shopLabel: "runner + gateway",
          postmasterPid: await postmasterOf(deployedDb),
        };
        deployedLabels = processLabels(targets);
        const cost = await measureCost(targets, deployedDb, deployed.info.url);
        deployedMax = await maxThroughput(shoppers, products, workers, duration);
        deployedCost = await cost(deployedMax.orders);
        deployedHalf = await latencyAtRate(
          shoppers,
          products,
          Math.max(1, deployedMax.ordersPerS / 2),
          duration,
        );
        deployedAt80 = await latencyAtRate(
          shoppers,
          products,
          Math.max(1, deployedMax.ordersPerS * 0.8),
          duration,
        );
      } finally {
        await deployed.stop();
      }
      deployedProfiles = values.profile ? summarizeProfiles(deployedProfDir, deployedLabels) : [];
    }
    if (want("pipeline")) {
      const pg = await pgbench(infra.databaseUrl, duration);
      const roundTrip = await postgresRoundTrip(infra.databaseUrl);
      const limit = pg.tps / TRANSACTIONS_PER_ORDER;
      const kafka = await kafkaRaw(brokers);
      reportPipeline(command("pipeline"), workers, {
        realMax,
        half: half!,
        at80: at80!,
        deployedMax: deployedMax!,
        deployedHalf: deployedHalf!,
        deployedAt80: deployedAt80!,
        pg,
        roundTrip,
        limit,
        perOrder,
        realCost: realCost!,
        deployedCost,
        deployedProfiles,
        kafka,
        profile,
        warmUpSeconds: warmUp,
      });
    }
    if (want("embedded")) {
      const dataDir = values["on-disk"] ? mkdtempSync(join(tmpdir(), "shop-bench-data-")) : undefined;
      // --expose-gc: after the load the bench reads the live heap, garbage collected (embedded-stats.ts).
      const embedded = await startServer<{ url: string; statsUrl: string }>(
        "tools/src/bench/servers/shop.ts",
        ["embedded"],
        {
          nodeArgs: ["--expose-gc", ...EMBEDDED_NODE_FLAGS],
          // As `shop start` runs it (tools/bin/embedded-process.mjs).
          env: { ...embeddedProcessEnv({}), ...(dataDir ? { SHOP_DATA_DIR: dataDir } : {}) },
        },
      );
      try {
        const { shoppers, products } = await preparePipeline(embedded.info.url, workers);
        const emb = await loadEmbedded(
          { pid: embedded.child.pid!, statsUrl: embedded.info.statsUrl },
          shoppers,
          products,
          workers,
          loadMinutes === undefined ? duration : loadMinutes * 60,
        );
        writeResults(
          values["on-disk"] ? "embedded-on-disk" : "embedded",
          command("embedded"),
          [
            {
              title: `Embedded (PGlite${values["on-disk"] ? " in a data folder" : " in memory"} + in-memory log) ÷ real (Kafka + Postgres) orders/s — goal ≥ ${EMBEDDED_GOAL}`,
              header: ["mode", "orders/s", "p50 ms", "p99 ms", "load s"],
              rows: [
                [
                  "real",
                  fixed(realMax.ordersPerS),
                  fixed(realMax.p50Ms, 0),
                  fixed(realMax.p99Ms, 0),
                  duration,
                ],
                ["embedded", fixed(emb.ordersPerS), fixed(emb.p50Ms, 0), fixed(emb.p99Ms, 0), emb.seconds],
                [
                  "ratio",
                  fixed(emb.ordersPerS / realMax.ordersPerS, 3),
                  verdict(emb.ordersPerS / realMax.ordersPerS >= EMBEDDED_GOAL),
                  "",
                  "",
                ],
              ],
            },
            ...embeddedTables(emb),
          ],
          { real: realMax, embedded: emb },
        );
      } finally {
        await embedded.stop();
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
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
            "idle CPU % of a core",
            `goal ≤ ${IDLE_CPU_GOAL_PCT}`,
          ],
          rows: r.rows.map((x) => [
            x.function,
            x.startMs,
            x.bareMs,
            fixed(x.ratio, 1),
            verdict(x.ratio <= START_GOAL),
            x.idleRssMiB,
            verdict(x.idleRssMiB <= RSS_GOAL_MIB),
            x.idleCpuPct.toFixed(2),
            verdict(x.idleCpuPct <= IDLE_CPU_GOAL_PCT),
          ]),
          notes: [
            `Each function started ${r.runs + 1} times as \`${r.command}\` (its esbuild bundle, as in production; \`pnpm build\`${r.built.length > 0 ? `, rebuilt first: ${r.built.join(", ")}` : ""}) against real Postgres and Kafka; the first start (migrations) is not counted. Idle: the last start of every function stays up; 3 s after the last function's, the RSS of each, then the CPU of each over the next ${r.idleWindowMs / 1000} s with nothing to do, all of them side by side (each thread's time on a CPU from /proc/<pid>/task/*/schedstat, in ns). Each counted start follows a bare \`node -e\` HTTP server's start, and the ratio is of the two medians (all bare starts: ${r.bareNodeMs} ms).`,
          ],
        },
      ],
      r,
    );
  }
} finally {
  await infra.stop();
}
