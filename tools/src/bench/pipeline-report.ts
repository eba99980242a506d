/**
 * The results of `pnpm bench pipeline` as tables: throughput and latency against the commit-rate
 * limit, then the cost per order per process (costs.ts) and, with --profile, where the CPU went.
 */
import type { RunCost } from "./costs.ts";
import { costTable, statementsTable } from "./costs.ts";
import {
  type kafkaRaw,
  type latencyAtRate,
  type maxThroughput,
  P99_GOAL_MS,
  PIPELINE_GOAL,
  TRANSACTIONS_PER_ORDER,
} from "./pipeline.ts";
import type { summarizeProfile, summarizeProfiles } from "./profile.ts";
import { fixed, verdict, writeResults } from "./report.ts";

/** Issue 14's goal for the whole shop's CPU per order, in local real mode. */
export const CPU_GOAL_MS = 20;

/** What one pipeline run measured. */
export interface PipelineRun {
  realMax: Awaited<ReturnType<typeof maxThroughput>>;
  half: Awaited<ReturnType<typeof latencyAtRate>>;
  deployedMax: Awaited<ReturnType<typeof maxThroughput>>;
  deployedHalf: Awaited<ReturnType<typeof latencyAtRate>>;
  pg: { tps: number; command: string };
  limit: number;
  perOrder: number;
  realCost: RunCost;
  deployedCost: RunCost | undefined;
  deployedProfiles: ReturnType<typeof summarizeProfiles>;
  kafka: Awaited<ReturnType<typeof kafkaRaw>>;
  profile: ReturnType<typeof summarizeProfile> | undefined;
}

/** Writes tools/results/pipeline.md and .json. */
export function reportPipeline(command: string, workers: number, run: PipelineRun): void {
  const { realMax, half, deployedMax, deployedHalf, pg, limit, perOrder, realCost, deployedCost } = run;
  const { deployedProfiles, kafka, profile } = run;
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
          [
            `raw kafkajs produce (acks=all, batches of 500, ${kafka.count} × 200 B) msgs/s`,
            fixed(kafka.produceMsgsPerS, 0),
            "",
            "",
          ],
          ["raw kafkajs produce → consume msgs/s (same broker)", fixed(kafka.endToEndMsgsPerS, 0), "", ""],
        ],
      },
      costTable(
        `Cost per order, all functions in one process (${realMax.orders} orders at ${fixed(realMax.ordersPerS)}/s)`,
        realCost,
        { cpuMs: CPU_GOAL_MS },
      ),
      ...(deployedCost
        ? [
            costTable(
              `Cost per order, each function its own process (${deployedMax.orders} orders at ${fixed(deployedMax.ordersPerS)}/s)`,
              deployedCost,
            ),
            statementsTable("The most frequent SQL statements as deployed, per order", deployedCost),
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
      deployedMax,
      deployedHalf,
      pgbench: pg,
      limit,
      perOrder,
      realCost: realCost,
      deployedCost,
      kafka,
      transactionsPerOrder: TRANSACTIONS_PER_ORDER,
      profile,
    },
  );
}
