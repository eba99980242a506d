/**
 * The embedded shop under load: orders/s and latency as the pipeline measures them, and what the load
 * costs the one process (CPU ms per order, PGlite's commits and rows written per order) and leaves in
 * it: RSS sampled every second through the load (peak and at its end), heap used, and what the
 * in-memory parts hold (log records, traces, mails).
 */
import { readFileSync } from "node:fs";
import type { ShopClients } from "@shop/platform";
import { EMBEDDED_NODE_FLAGS } from "../../bin/embedded-process.mjs";
import { cpuMsOf } from "./costs.ts";
import { maxThroughput } from "./pipeline.ts";
import type { MemoryStats, SqlStats } from "./servers/embedded-stats.ts";

/** Goal of issue 14: the embedded process's RSS after a 5-minute load. */
export const EMBEDDED_RSS_GOAL_MIB = 256;
export const EMBEDDED_RSS_GOAL_MINUTES = 5;

const MiB = 2 ** 20;

/** RSS of a process in MiB, from /proc (0 once it is gone). */
function rssOf(pid: number): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

async function get<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** The closed loop of {@link maxThroughput} for `seconds` against the embedded shop of `pid`. */
export async function loadEmbedded(
  target: { pid: number; statsUrl: string },
  shoppers: ShopClients[],
  products: string[],
  workers: number,
  seconds: number,
) {
  const memory = () => get<MemoryStats>(`${target.statsUrl}/memory`);
  const before = { memory: await memory(), sql: await get<SqlStats>(`${target.statsUrl}/sql`) };
  const cpuBefore = cpuMsOf(target.pid);
  // Every second the RSS (from /proc, free for the shop), every tenth the heap (asked of the shop).
  const samples: { s: number; rssMiB: number; heapUsedMiB?: number }[] = [];
  const started = performance.now();
  let tick = 0;
  const sample = async () => {
    const s = Math.round((performance.now() - started) / 1000);
    const heap = tick++ % 10 === 0 ? (await memory()).heapUsed / MiB : undefined;
    samples.push({ s, rssMiB: rssOf(target.pid), ...(heap === undefined ? {} : { heapUsedMiB: heap }) });
  };
  const timer = setInterval(() => void sample().catch(() => undefined), 1000);
  let run: Awaited<ReturnType<typeof maxThroughput>>;
  try {
    run = await maxThroughput(shoppers, products, workers, seconds);
  } finally {
    clearInterval(timer);
  }
  const cpuMs = cpuMsOf(target.pid) - cpuBefore;
  const after = { memory: await memory(), sql: await get<SqlStats>(`${target.statsUrl}/sql`) };
  // What the heap still holds once garbage is collected: what the shop keeps, not what it left behind.
  const live = await get<MemoryStats>(`${target.statsUrl}/memory?gc=1`);
  const per = (a: number, b: number) => (a - b) / run.orders;
  return {
    ...run,
    seconds,
    cpuMsPerOrder: cpuMs / run.orders,
    commitsPerOrder: per(after.sql.commits, before.sql.commits),
    rowsWrittenPerOrder: per(after.sql.rowsWritten, before.sql.rowsWritten),
    rssMiB: {
      beforeLoad: before.memory.rss / MiB,
      peak: Math.max(after.memory.rss / MiB, ...samples.map((x) => x.rssMiB)),
      afterLoad: after.memory.rss / MiB,
    },
    heapUsedMiB: {
      beforeLoad: before.memory.heapUsed / MiB,
      peak: Math.max(after.memory.heapUsed / MiB, ...samples.flatMap((x) => x.heapUsedMiB ?? [])),
      afterLoad: after.memory.heapUsed / MiB,
    },
    liveHeapUsedMiB: live.heapUsed / MiB,
    rssAfterGcMiB: live.rss / MiB,
    before: { memory: before.memory, sql: before.sql },
    after: { memory: after.memory, sql: after.sql },
    samples,
  };
}

/** One embedded run's results. */
export type EmbeddedRun = Awaited<ReturnType<typeof loadEmbedded>>;

/** The memory and per-order tables of an embedded run. */
export function embeddedTables(emb: EmbeddedRun) {
  const mib = (n: number) => n.toFixed(0);
  const minutes = emb.seconds / 60;
  const long = minutes >= EMBEDDED_RSS_GOAL_MINUTES;
  const verdictOf = (ok: boolean) =>
    long
      ? ok
        ? "met"
        : "**missed**"
      : `${ok ? "met" : "**missed**"} (load shorter than ${EMBEDDED_RSS_GOAL_MINUTES} min: indicative)`;
  const held = (m: MemoryStats) =>
    [
      m.logRecords === undefined ? undefined : `${m.logRecords} log records`,
      m.traces ? `${m.traces.traces} traces / ${m.traces.spans} spans` : undefined,
      m.mails === undefined ? undefined : `${m.mails} mails`,
    ]
      .filter(Boolean)
      .join(", ");
  return [
    {
      title: `Embedded process memory over a ${fixedMinutes(minutes)}-minute load — goal RSS after a ${EMBEDDED_RSS_GOAL_MINUTES}-minute load ≤ ${EMBEDDED_RSS_GOAL_MIB} MiB`,
      header: [
        "measure",
        "before the load",
        "peak during it",
        "after it",
        `goal ≤ ${EMBEDDED_RSS_GOAL_MIB} MiB`,
      ],
      rows: [
        [
          "RSS MiB",
          mib(emb.rssMiB.beforeLoad),
          mib(emb.rssMiB.peak),
          mib(emb.rssMiB.afterLoad),
          verdictOf(emb.rssMiB.afterLoad <= EMBEDDED_RSS_GOAL_MIB),
        ],
        [
          "heap used MiB",
          mib(emb.heapUsedMiB.beforeLoad),
          mib(emb.heapUsedMiB.peak),
          mib(emb.heapUsedMiB.afterLoad),
          "",
        ],
        [
          "V8 heap committed MiB (heapTotal)",
          mib(emb.before.memory.heapTotal / MiB),
          "",
          mib(emb.after.memory.heapTotal / MiB),
          "",
        ],
        [
          "after it, once garbage is collected: RSS MiB / live heap MiB",
          "",
          "",
          `${mib(emb.rssAfterGcMiB)} / ${mib(emb.liveHeapUsedMiB)}`,
          "",
        ],
        [
          "external + array buffers MiB (PGlite's WebAssembly memory and files among them)",
          mib(emb.before.memory.external / MiB),
          "",
          mib(emb.after.memory.external / MiB),
          "",
        ],
        [
          "PGlite database size MiB",
          mib(emb.before.sql.databaseBytes / MiB),
          "",
          mib(emb.after.sql.databaseBytes / MiB),
          "",
        ],
        [
          "PGlite dead rows (pg_stat_user_tables n_dead_tup)",
          String(emb.before.sql.deadRows),
          "",
          String(emb.after.sql.deadRows),
          "",
        ],
        ["held in memory", held(emb.before.memory), "", held(emb.after.memory), ""],
      ],
      notes: [
        `RSS from /proc/<pid>/status of the embedded shop's process, sampled every second through the closed loop (${emb.samples.length} samples); heap used from process.memoryUsage() in that process, sampled every ten seconds. "After it" is read once the last order of the loop reached its final state.`,
        `The process runs with the start-up settings \`shop start\` gives it (tools/bin/embedded-process.mjs: ${EMBEDDED_NODE_FLAGS.join(" ")} and glibc's malloc tunables). What no setting takes away: PGlite's WebAssembly memory, 128 MiB from the start (its module declares 2,048 pages as its minimum: a smaller initialMemory fails to link) and never given back; the V8 heap, whose live part is some 60 MiB idle (the code and data of every function) and some 95 after a load (with the in-memory log, traces and mails, each bounded); Node itself, some 47 MiB.`,
      ],
    },
    {
      title: "Embedded process cost per order",
      header: ["measure", "per order"],
      rows: [
        ["orders finished in the load", String(emb.orders)],
        [
          "CPU ms of the embedded process (every function, runner, gateway, PGlite)",
          emb.cpuMsPerOrder.toFixed(2),
        ],
        ["PGlite commits (pg_stat_database xact_commit, reads included)", emb.commitsPerOrder.toFixed(1)],
        ["PGlite rows written (inserted + updated + deleted)", emb.rowsWrittenPerOrder.toFixed(1)],
      ],
      notes: [
        "CPU from /proc/<pid>/stat (utime + stime) of the one embedded process before and after the load. SQL statements per order are not shown: PGlite's single-user backend cannot load pg_stat_statements (it needs shared_preload_libraries), and commits are what pg_stat_database counts.",
      ],
    },
  ];
}

function fixedMinutes(minutes: number): string {
  return Number.isInteger(minutes) ? String(minutes) : minutes.toFixed(1);
}
