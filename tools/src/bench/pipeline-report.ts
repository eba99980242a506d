/**
 * The results of `pnpm bench pipeline` as tables: throughput and latency against the commit-rate
 * limit, then the cost per order per process (costs.ts) and, with --profile, where the CPU went.
 */
import type { RunCost } from "./costs.ts";
import { COST_GOALS, costTable, statementsTable } from "./costs.ts";
import {
  type kafkaRaw,
  type latencyAtRate,
  type maxThroughput,
  P99_AT_80_GOAL_MS,
  P99_GOAL_MS,
  PIPELINE_GOAL,
  type postgresRoundTrip,
  TRANSACTIONS_PER_ORDER,
} from "./pipeline.ts";
import type { summarizeProfile, summarizeProfiles } from "./profile.ts";
import { fixed, verdict, writeResults } from "./report.ts";

/** What one pipeline run measured. */
export interface PipelineRun {
  realMax: Awaited<ReturnType<typeof maxThroughput>>;
  half: Awaited<ReturnType<typeof latencyAtRate>>;
  /** Latency at 80 % of the maximum rate (issue 14's goal). */
  at80: Awaited<ReturnType<typeof latencyAtRate>>;
  deployedMax: Awaited<ReturnType<typeof maxThroughput>>;
  deployedHalf: Awaited<ReturnType<typeof latencyAtRate>>;
  deployedAt80: Awaited<ReturnType<typeof latencyAtRate>>;
  pg: { tps: number; command: string };
  roundTrip: Awaited<ReturnType<typeof postgresRoundTrip>>;
  limit: number;
  perOrder: number;
  realCost: RunCost;
  deployedCost: RunCost | undefined;
  deployedProfiles: ReturnType<typeof summarizeProfiles>;
  kafka: Awaited<ReturnType<typeof kafkaRaw>>;
  profile: ReturnType<typeof summarizeProfile> | undefined;
  /** Seconds of closed-loop orders before each measured run, not counted. */
  warmUpSeconds: number;
}

/** Writes tools/results/pipeline.md and .json. */
export function reportPipeline(command: string, workers: number, run: PipelineRun): void {
  const { realMax, half, at80, deployedMax, deployedHalf, deployedAt80, pg, limit, perOrder } = run;
  const { realCost, deployedCost, deployedProfiles, kafka, profile, roundTrip } = run;
  const roundTripUs = roundTrip.clientCpuUs + roundTrip.serverCpuUs;
  const roundTripRows = (where: string, cost: RunCost | undefined) =>
    cost?.roundTripsPerOrder === undefined
      ? []
      : [
          [
            `Postgres round trips per order, ${where} (each statement, and a COMMIT for each BEGIN), and their CPU at that price, ms`,
            `${fixed(cost.roundTripsPerOrder, 1)}: ${fixed((cost.roundTripsPerOrder * roundTripUs) / 1000)}`,
            "",
            "",
          ],
        ];
  const at80Row = (what: string, r: typeof at80) => [
    `placed → final p50 / p95 / p99 at 80 % of ${what} (${fixed(r.rate)} orders/s, ms)`,
    `${fixed(r.p50Ms, 0)} / ${fixed(r.p95Ms, 0)} / ${fixed(r.p99Ms, 0)}`,
    `p99 ≤ ${P99_AT_80_GOAL_MS}`,
    verdict(r.p99Ms <= P99_AT_80_GOAL_MS),
  ];
  writeResults(
    "pipeline",
    command,
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
            `placed → final p50 / p95 / p99 at half rate (${fixed(half.rate)} orders/s, ms)`,
            `${fixed(half.p50Ms, 0)} / ${fixed(half.p95Ms, 0)} / ${fixed(half.p99Ms, 0)}`,
            `p99 ≤ ${P99_GOAL_MS}`,
            verdict(half.p99Ms <= P99_GOAL_MS),
          ],
          at80Row("the max", at80),
          [
            "max orders/s, each function its own process (as deployed) and the runner in another",
            fixed(deployedMax.ordersPerS),
            "",
            "",
          ],
          [
            "that ÷ limit",
            fixed(deployedMax.ordersPerS / limit, 3),
            `≥ ${PIPELINE_GOAL}`,
            verdict(deployedMax.ordersPerS / limit >= PIPELINE_GOAL),
          ],
          [
            `placed → final p50 / p95 / p99 at half that rate (${fixed(deployedHalf.rate)} orders/s, ms)`,
            `${fixed(deployedHalf.p50Ms, 0)} / ${fixed(deployedHalf.p95Ms, 0)} / ${fixed(deployedHalf.p99Ms, 0)}`,
            `p99 ≤ ${P99_GOAL_MS}`,
            verdict(deployedHalf.p99Ms <= P99_GOAL_MS),
          ],
          at80Row("that max", deployedAt80),
          [
            `raw kafkajs produce (acks=all, batches of 500, ${kafka.count} × 200 B) msgs/s`,
            fixed(kafka.produceMsgsPerS, 0),
            "",
            "",
          ],
          ["raw kafkajs produce → consume msgs/s (same broker)", fixed(kafka.endToEndMsgsPerS, 0), "", ""],
          [
            `one Postgres round trip (postgres.js, ${roundTrip.count} one-row selects one after another): CPU µs of the client / of the server backend; wall µs`,
            `${fixed(roundTrip.clientCpuUs, 0)} / ${fixed(roundTrip.serverCpuUs, 0)}; ${fixed(roundTrip.wallUs, 0)}`,
            "",
            "",
          ],
          ...roundTripRows("one process", realCost),
          ...roundTripRows("as deployed", deployedCost),
        ],
        notes: [
          `Each shop is warmed up first: ${run.warmUpSeconds} s of the same closed loop, not counted, so the JITs of Node and of the broker's JVM have compiled their hottest paths (\`--warm-up\` sets it). The broker's JIT compiler threads are shown on a row of their own: what it was still compiling in the measured run.`,
        ],
      },
      costTable(
        `Cost per order, all functions in one process (${realMax.orders} orders at ${fixed(realMax.ordersPerS)}/s)`,
        realCost,
        COST_GOALS,
      ),
      ...(deployedCost
        ? [
            costTable(
              `Cost per order, each function its own process (${deployedMax.orders} orders at ${fixed(deployedMax.ordersPerS)}/s)`,
              deployedCost,
            ),
            statementsTable(
              "The SQL statements of an order as deployed (each run at least once in four orders), per order",
              deployedCost,
            ),
          ]
        : []),
      ...(deployedProfiles.length > 0
        ? [
            {
              title: "CPU profiles as deployed (each process, start-up included): self time by package",
              header: ["process", "busy samples", "top packages (share of busy samples)"],
              rows: deployedProfiles.map((p) => [
                p.process,
                p.samples,
                p.packages.map((k) => `${k.name} ${(k.share * 100).toFixed(0)} %`).join(", "),
              ]),
            },
          ]
        : []),
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
      at80,
      deployedMax,
      deployedHalf,
      deployedAt80,
      pgbench: pg,
      postgresRoundTrip: roundTrip,
      limit,
      perOrder,
      realCost: realCost,
      deployedCost,
      kafka,
      transactionsPerOrder: TRANSACTIONS_PER_ORDER,
      warmUpSeconds: run.warmUpSeconds,
      profile,
    },
  );
}
