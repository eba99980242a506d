/**
 * What one order costs, and where: CPU time of every process a pipeline run involves (each function,
 * the runner + gateway, the Kafka broker, every Postgres backend), read from /proc before and after
 * the closed loop, plus the SQL statements (pg_stat_statements) and commits (pg_stat_database) of the
 * shop's database. Divided by the orders finished, so every change is judged by where the cost moved.
 */

import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { basename, dirname } from "node:path";
import { DEV_ADMIN, loginAs } from "@shop/platform";
import postgres from "postgres";

// Linux reports CPU times in clock ticks; 100 per second on every common kernel build (USER_HZ).
const TICKS_PER_S = 100;

/** CPU time of a process in ms, its reaped children included (utime + stime + cutime + cstime). */
interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  cpuMs: number;
}

/** The fields of a `stat` file of /proc (a process's or a thread's) after comm, and comm itself. */
function statFields(path: string): { comm: string; fields: number[] } {
  const text = readFileSync(path, "utf8");
  // comm is in parentheses and may itself hold spaces or parentheses: split after the last ")".
  const close = text.lastIndexOf(")");
  const comm = text.slice(text.indexOf("(") + 1, close);
  // fields[0] is field 3 (state) of proc(5): ppid is field 4, utime..cstime are fields 14..17.
  return {
    comm,
    fields: text
      .slice(close + 2)
      .split(" ")
      .map(Number),
  };
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const { comm, fields } = statFields(`/proc/${pid}/stat`);
    const ticks = fields[11]! + fields[12]! + fields[13]! + fields[14]!;
    return { pid, ppid: fields[1]!, comm, cpuMs: (ticks * 1000) / TICKS_PER_S };
  } catch {
    return undefined; // it exited meanwhile
  }
}

/** CPU time of process `pid` so far in ms (its reaped children included); 0 once it is gone. */
export function cpuMsOf(pid: number): number {
  return readStat(pid)?.cpuMs ?? 0;
}

function allProcesses(): ProcStat[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => readStat(Number(name)) ?? []);
}

function descendants(root: number, all: ProcStat[]): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: ProcStat[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      walk(child.pid);
    }
  };
  walk(root);
  return out;
}

/**
 * CPU ms of the JVM's JIT compiler threads (HotSpot names them "C1 CompilerThre…", "C2 CompilerThre…")
 * of process `pid`: compiling hot code, a cost of warming up that a broker that has run for a while no
 * longer pays. Threads that already exited are not listed, so this is a lower bound.
 */
function jitMsOf(pid: number): number {
  let ms = 0;
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        const { comm, fields } = statFields(`/proc/${pid}/task/${task}/stat`);
        if (/^C[12] Compiler/.test(comm)) ms += ((fields[11]! + fields[12]!) * 1000) / TICKS_PER_S;
      } catch {
        // the thread exited meanwhile
      }
    }
  } catch {
    return 0; // the process exited meanwhile
  }
  return ms;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** The function a process runs, when it was started in functions/<name> (as the supervisor does). */
function functionOf(pid: number): string | undefined {
  try {
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    return basename(dirname(cwd)) === "functions" ? basename(cwd) : undefined;
  } catch {
    return undefined;
  }
}

/** Where to look: the shop's process (its children are its functions), the bench itself, Postgres. */
export interface CostTargets {
  /** The shop process: all functions in it (one process), or the runner + gateway (as deployed). */
  shopPid: number;
  /** The label of the shop process's own row. */
  shopLabel: string;
  /** The postmaster serving the shop's database (see {@link postmasterOf}). */
  postmasterPid: number;
}

/** What each process of the shop is (its function, or the shop process itself), by pid. */
export function processLabels({ shopPid, shopLabel }: CostTargets): Map<number, string> {
  const labels = new Map([[shopPid, shopLabel]]);
  for (const p of descendants(shopPid, allProcesses())) labels.set(p.pid, functionOf(p.pid) ?? p.comm);
  return labels;
}

/** CPU ms per labelled process group at one moment. */
export type CpuSnapshot = Map<string, number>;

/** Reads the CPU time of every process of the run, grouped by what it is. */
export function snapshotCpu({ shopPid, shopLabel, postmasterPid }: CostTargets): CpuSnapshot {
  const all = allProcesses();
  const snapshot: CpuSnapshot = new Map();
  const add = (label: string, ms: number) => snapshot.set(label, (snapshot.get(label) ?? 0) + ms);
  const shop = all.find((p) => p.pid === shopPid);
  if (shop) add(shopLabel, shop.cpuMs);
  for (const p of descendants(shopPid, all)) add(functionOf(p.pid) ?? `${shopLabel}: ${p.comm}`, p.cpuMs);
  const postmaster = all.find((p) => p.pid === postmasterPid);
  if (postmaster) add("postgres (all backends)", postmaster.cpuMs);
  for (const p of descendants(postmasterPid, all)) add("postgres (all backends)", p.cpuMs);
  for (const p of all)
    if (p.comm === "java" && cmdline(p.pid).includes("kafka.Kafka")) {
      // Its JIT compiler threads apart: how much of the broker's figure is still warming up.
      const jit = jitMsOf(p.pid);
      add(BROKER_LABEL, p.cpuMs - jit);
      add(BROKER_JIT_LABEL, jit);
    }
  const self = all.find((p) => p.pid === process.pid);
  if (self) add(LOAD_LABEL, self.cpuMs);
  return snapshot;
}

/** The Kafka broker's JVM, its JIT compiler threads left out (they are the next row). */
export const BROKER_LABEL = "kafka broker";
/** The broker JVM's JIT compiler threads: counted in the whole shop, shown apart as warm-up cost. */
export const BROKER_JIT_LABEL = "kafka broker: JIT compiler threads (warming up)";

/** The bench's own process: the shoppers' load, shown but not counted in the shop's cost. */
export const LOAD_LABEL = "load generator (this bench, not counted)";

/** One row of the cost table. */
export interface CpuRow {
  process: string;
  msPerOrder: number;
}

/** CPU ms per order per group between two snapshots, largest first; total excludes the load generator. */
export function cpuPerOrder(before: CpuSnapshot, after: CpuSnapshot, orders: number) {
  const rows: CpuRow[] = [...after.entries()]
    .map(([process, ms]) => ({ process, msPerOrder: (ms - (before.get(process) ?? 0)) / orders }))
    .filter((row) => row.msPerOrder > 0.005)
    .sort((a, b) => b.msPerOrder - a.msPerOrder);
  const total = rows.filter((r) => r.process !== LOAD_LABEL).reduce((sum, r) => sum + r.msPerOrder, 0);
  // What the shop would cost with a broker whose JIT has finished compiling its hot paths.
  const warm = total - (rows.find((r) => r.process === BROKER_JIT_LABEL)?.msPerOrder ?? 0);
  return { rows, total, warm };
}

/** The postmaster behind `url`: the parent of this connection's backend. */
export async function postmasterOf(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
    const backend = readStat(row!.pid);
    if (!backend)
      throw new Error("the Postgres server is not on this machine (no /proc entry for its backend)");
    return backend.ppid;
  } finally {
    await sql.end();
  }
}

/** SQL counters of the database at `url`: commits and, with pg_stat_statements loaded, statements. */
export interface SqlCounters {
  commits: number;
  /** Calls per normalised statement; undefined when the server does not load pg_stat_statements. */
  statements: Map<string, number> | undefined;
}

/** Reads the database's commit and statement counters. */
export async function sqlCounters(url: string): Promise<SqlCounters> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<
      { n: string }[]
    >`select xact_commit::text as n from pg_stat_database where datname = current_database()`;
    let statements: Map<string, number> | undefined;
    try {
      await sql`create extension if not exists pg_stat_statements`;
      const rows = await sql<{ query: string; n: string }[]>`
        select query, sum(calls)::text as n from pg_stat_statements
        where dbid = (select oid from pg_database where datname = current_database())
        group by query`;
      statements = new Map(rows.map((r) => [r.query, Number(r.n)]));
    } catch {
      statements = undefined;
    }
    return { commits: Number(row!.n), statements };
  } finally {
    await sql.end();
  }
}

/** Statements per order between two readings, most frequent first. */
export function statementsPerOrder(before: SqlCounters, after: SqlCounters, orders: number) {
  if (!before.statements || !after.statements) return undefined;
  const rows = [...after.statements.entries()]
    .map(([query, n]) => ({ query, perOrder: (n - (before.statements!.get(query) ?? 0)) / orders }))
    .filter((r) => r.perOrder > 0)
    .sort((a, b) => b.perOrder - a.perOrder);
  const total = rows.reduce((sum, r) => sum + r.perOrder, 0);
  // Each statement is a round trip, and so is the COMMIT of each BEGIN where pg_stat_statements does
  // not list it among the statements (in the one-process run it lists a few COMMITs, not one per BEGIN).
  const calls = (name: string) =>
    rows.filter((r) => r.query.trim().toLowerCase() === name).reduce((sum, r) => sum + r.perOrder, 0);
  const unlistedCommits = Math.max(0, calls("begin") - calls("commit"));
  // Every statement run at least once in four orders: where the statements of an order go.
  return { total, roundTrips: total + unlistedCommits, top: rows.filter((r) => r.perOrder >= 0.25) };
}

/** Kafka requests by API, summed over every process of the shop (`/ops/metrics`, as the admin). */
async function kafkaRequests(shopUrl: string, token: string): Promise<Map<string, number>> {
  const response = await fetch(`${shopUrl}/ops/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`/ops/metrics answered ${response.status}`);
  const byApi = new Map<string, number>();
  for (const line of (await response.text()).split("\n")) {
    const match = /^shop_kafka_requests_total\{[^}]*api="([^"]+)"[^}]*\} (\S+)/.exec(line);
    if (match) byApi.set(match[1]!, (byApi.get(match[1]!) ?? 0) + Number(match[2]));
  }
  return byApi;
}

/** The cost of one measured run: CPU per process, SQL and Kafka requests per order. */
export interface RunCost {
  cpu: ReturnType<typeof cpuPerOrder>;
  commitsPerOrder: number;
  statementsPerOrder: number | undefined;
  /** Round trips to Postgres per order: the statements, and a COMMIT for each BEGIN. */
  roundTripsPerOrder: number | undefined;
  /** The most frequent statements (normalised by pg_stat_statements), per order. */
  topStatements: { query: string; perOrder: number }[];
  /** Kafka requests per order by API, largest first. */
  kafkaPerOrder: { api: string; perOrder: number }[];
}

/** Starts measuring; the returned function ends it and divides by the orders finished. */
export async function measureCost(targets: CostTargets, databaseUrl: string, shopUrl: string) {
  const { tokens } = await loginAs(shopUrl, DEV_ADMIN.email, DEV_ADMIN.password);
  const token = tokens.accessToken;
  const kafkaBefore = await kafkaRequests(shopUrl, token);
  const sqlBefore = await sqlCounters(databaseUrl);
  const cpuBefore = snapshotCpu(targets);
  return async (orders: number): Promise<RunCost> => {
    const cpuAfter = snapshotCpu(targets);
    const sqlAfter = await sqlCounters(databaseUrl);
    const kafkaAfter = await kafkaRequests(shopUrl, token);
    const per = (a: number, b: number) => (a - b) / orders;
    const statements = statementsPerOrder(sqlBefore, sqlAfter, orders);
    return {
      cpu: cpuPerOrder(cpuBefore, cpuAfter, orders),
      kafkaPerOrder: [...kafkaAfter.entries()]
        .map(([api, n]) => ({ api, perOrder: per(n, kafkaBefore.get(api) ?? 0) }))
        .filter((r) => r.perOrder > 0)
        .sort((a, b) => b.perOrder - a.perOrder),
      commitsPerOrder: per(sqlAfter.commits, sqlBefore.commits),
      statementsPerOrder: statements?.total,
      roundTripsPerOrder: statements?.roundTrips,
      topStatements: statements?.top ?? [],
    };
  };
}

/** The most frequent SQL statements of a run, per order, as a results table. */
export function statementsTable(title: string, cost: RunCost) {
  const oneLine = (q: string) => q.replace(/\s+/g, " ").replaceAll("|", "\\|").slice(0, 140);
  return {
    title,
    header: ["statement (normalised)", "calls per order"],
    rows: cost.topStatements.map((s) => [`\`${oneLine(s.query)}\``, s.perOrder.toFixed(2)]),
  };
}

/** Issue 14's goals per order, in local real mode. */
export const COST_GOALS = { cpuMs: 20, kafkaBrokerCpuMs: 6, commits: 10, statements: 35 };

/** The cost of a run as a results table: CPU ms per order by process, then SQL per order. */
export function costTable(title: string, cost: RunCost, goals: Partial<typeof COST_GOALS> = {}) {
  const goal = (value: number | undefined) => (value === undefined ? "" : `, goal ≤ ${value}`);
  const ms = (n: number) => n.toFixed(2);
  return {
    title,
    header: ["process", "CPU ms per order"],
    rows: [
      ...cost.cpu.rows.map((r) => [
        r.process === BROKER_LABEL ? `${BROKER_LABEL}${goal(goals.kafkaBrokerCpuMs)}` : r.process,
        ms(r.msPerOrder),
      ]),
      [`**whole shop** (every row but the load generator)${goal(goals.cpuMs)}`, `**${ms(cost.cpu.total)}**`],
      ...(cost.cpu.warm < cost.cpu.total
        ? [["whole shop but the broker's JIT compiling (a broker warmed up for longer)", ms(cost.cpu.warm)]]
        : []),
      [
        `SQL statements per order (pg_stat_statements, every call in the database)${goal(goals.statements)}`,
        cost.statementsPerOrder === undefined
          ? "n/a (pg_stat_statements not loaded)"
          : cost.statementsPerOrder.toFixed(1),
      ],
      [
        `commits per order (pg_stat_database xact_commit, reads included)${goal(goals.commits)}`,
        cost.commitsPerOrder.toFixed(1),
      ],
      [
        "Kafka requests per order (every client of the shop, shop_kafka_requests_total)",
        cost.kafkaPerOrder.reduce((sum, r) => sum + r.perOrder, 0).toFixed(1),
      ],
      ...cost.kafkaPerOrder.map((r) => [`  Kafka ${r.api} requests per order`, r.perOrder.toFixed(2)]),
    ],
    notes: [
      "CPU time from /proc/<pid>/stat (utime + stime + reaped children) of every process before and after the closed loop, divided by the orders that reached a final state in it. Postgres is the postmaster and all its backends; the Kafka broker is its JVM, with the CPU of its JIT compiler threads (/proc/<pid>/task/*/stat, threads named C1/C2 CompilerThread) shown on a row of its own: a cost of warming up that a broker running for a while no longer pays. The load generator (this bench's shoppers and their WatchOrder streams) is shown for scale and not counted.",
    ],
  };
}
