/**
 * The tables of `pnpm bench connect`, written to tools/results/connect.md and .json.
 */
import { type benchConnect, CONNECT_GOAL, ROUNDS } from "./connect.ts";
import { fixed, verdict, writeResults } from "./report.ts";

/** Writes the results of one connect bench run, measured with `command`, `duration` s per run. */
export function reportConnect(
  r: Awaited<ReturnType<typeof benchConnect>>,
  command: string,
  duration: number,
): void {
  writeResults(
    "connect",
    command,
    [
      {
        title: `Connect (catalog function, real Postgres) ÷ bare node:http answering the same bytes — goal ≥ ${CONNECT_GOAL}`,
        header: [
          "RPC",
          "connections",
          "Connect req/s",
          "bare req/s",
          "ratio (median)",
          "ratios of the rounds",
          "goal",
          "Connect p99 ms",
          "bare p99 ms",
          "errors",
        ],
        rows: r.rows.map((x) => [
          x.rpc,
          x.connections,
          x.connectRps,
          x.bareRps,
          fixed(x.ratio, 3),
          x.ratios.map((ratio) => fixed(ratio, 3)).join(", "),
          verdict(x.ratio >= CONNECT_GOAL),
          x.connectP99Ms,
          x.bareP99Ms,
          x.errors,
        ]),
        notes: [
          `Server pinned to core 0, autocannon (own process) to core 1: ${r.pinned ? "yes" : "no (taskset or a second core missing)"}. ${ROUNDS} rounds per row, each a ${duration} s bare run then a ${duration} s Connect run, each after a 2 s warm-up; the row shows the round with the median ratio.`,
        ],
      },
      ...(r.profile
        ? [
            {
              title: `CPU profile of the function under GetProduct load (${r.profile.samples} samples): self time by package`,
              header: ["package", "share"],
              rows: r.profile.packages.map((p) => [p.name, `${(p.share * 100).toFixed(1)} %`]),
            },
            {
              title: "Top frames by self time",
              header: ["frame", "share"],
              rows: r.profile.frames.map((p) => [`\`${p.name}\``, `${(p.share * 100).toFixed(1)} %`]),
            },
          ]
        : []),
    ],
    r,
  );
}
