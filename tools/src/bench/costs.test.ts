/**
 * The cost meter of `pnpm bench pipeline`: per-order CPU by process from /proc, labelled by the
 * function a process runs (its working folder), with the load generator shown but not counted.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "@shop/platform";
import { waitFor } from "@shop/runtime/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  BROKER_JIT_LABEL,
  BROKER_LABEL,
  cpuPerOrder,
  LOAD_LABEL,
  processLabels,
  snapshotCpu,
  statementsPerOrder,
} from "./costs.ts";

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** A child of this process, in functions/<name>, that burns CPU until killed. */
function busyFunction(name: string) {
  const child = spawn(process.execPath, ["-e", "for (;;) {}"], { cwd: join(repoRoot, "functions", name) });
  children.push(child);
  return child;
}

describe("cpuPerOrder", () => {
  it("divides each process's CPU by the orders, largest first, and leaves the load generator out of the total", () => {
    const before = new Map([
      ["orders", 1_000],
      ["kafka broker", 500],
      [LOAD_LABEL, 100],
    ]);
    const after = new Map([
      ["orders", 3_000],
      ["kafka broker", 4_500],
      [LOAD_LABEL, 1_100],
      ["inventory", 200],
    ]);
    const { rows, total } = cpuPerOrder(before, after, 100);
    expect(rows).toEqual([
      { process: "kafka broker", msPerOrder: 40 },
      { process: "orders", msPerOrder: 20 },
      { process: LOAD_LABEL, msPerOrder: 10 },
      { process: "inventory", msPerOrder: 2 },
    ]);
    expect(total).toBe(62);
  });

  it("says what the shop costs without the broker's JIT compiling, counted in the total all the same", () => {
    const before = new Map([
      [BROKER_LABEL, 500],
      [BROKER_JIT_LABEL, 100],
      ["orders", 0],
    ]);
    const after = new Map([
      [BROKER_LABEL, 1_500],
      [BROKER_JIT_LABEL, 2_100],
      ["orders", 500],
    ]);
    const { total, warm } = cpuPerOrder(before, after, 100);
    expect(total).toBe(35);
    expect(warm).toBe(15);
  });
});

describe("snapshotCpu", () => {
  it("names a child process by the function folder it runs in, and counts the CPU it burns", async () => {
    const child = busyFunction("orders");
    const targets = { shopPid: process.pid, shopLabel: "shop", postmasterPid: -1 };
    await waitFor(() => processLabels(targets).get(child.pid!) === "orders", {
      message: "the child's label",
    });
    const first = snapshotCpu(targets).get("orders") ?? 0;
    const later = await waitFor(
      () => {
        const now = snapshotCpu(targets).get("orders") ?? 0;
        return now >= first + 100 ? now : undefined;
      },
      { message: "100 ms more CPU of the child", timeoutMs: 20_000 },
    );
    expect(later).toBeGreaterThanOrEqual(first + 100);
    expect(snapshotCpu(targets).has(LOAD_LABEL)).toBe(true);
  });
});

describe("statementsPerOrder", () => {
  const counters = (statements: Record<string, number>) => ({
    commits: 0,
    statements: new Map(Object.entries(statements)),
  });

  it("counts a round trip per statement, and one for the COMMIT of each BEGIN pg_stat_statements leaves out", () => {
    const before = counters({ begin: 10, "select $1": 5 });
    const after = counters({ begin: 30, "select $1": 45, "insert into t values ($1)": 20 });
    const per = statementsPerOrder(before, after, 10);
    expect(per?.total).toBe(8);
    expect(per?.roundTrips).toBe(10);
    expect(per?.top.map((s) => s.query)).toEqual(["select $1", "begin", "insert into t values ($1)"]);
  });

  it("counts no extra round trip for the COMMITs listed among the statements", () => {
    const per = statementsPerOrder(counters({}), counters({ BEGIN: 10, COMMIT: 10, "select 1": 10 }), 10);
    expect(per?.total).toBe(3);
    expect(per?.roundTrips).toBe(3);
    const some = statementsPerOrder(counters({}), counters({ BEGIN: 60, COMMIT: 1, "select 1": 10 }), 10);
    expect(some?.roundTrips).toBe(7.1 + 5.9);
  });
});
