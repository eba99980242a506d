/**
 * Child processes of the benchmarks: pinned to a core with `taskset` when there is one, started and
 * stopped cleanly, and a tiny HTTP client for probes.
 */

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { repoRoot } from "@shop/platform";
// @ts-expect-error: plain ESM JavaScript without type declarations, so it runs before any install.
import { KAFKA_VERSION } from "../../../infra/local/kafka-libs.mjs";

/** True when processes can be pinned to different cores. */
export const canPin = availableParallelism() >= 2 && spawnSync("taskset", ["-c", "0", "true"]).status === 0;

/** The command, pinned to `core` when possible. */
export function pinned(core: number | undefined, cmd: string, args: string[]): [string, string[]] {
  return canPin && core !== undefined ? ["taskset", ["-c", String(core), cmd, ...args]] : [cmd, args];
}

/** A server child process that prints one JSON line when it serves. */
export interface ServerChild<T> {
  info: T;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `node --import tsx <script> ...args` (pinned to `core`) and waits for its JSON line. */
export async function startServer<T>(
  script: string,
  args: string[],
  options: { core?: number; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {},
): Promise<ServerChild<T>> {
  const [cmd, argv] = pinned(options.core, process.execPath, [
    ...(options.nodeArgs ?? []),
    "--import",
    "tsx",
    join(repoRoot, script),
    ...args,
  ]);
  const child = spawn(cmd, argv, {
    cwd: join(repoRoot, "tools"),
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const info = await new Promise<T>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    // The server's own log lines (JSON with a level, or text) may come first: pass them on to stderr.
    const onLine = (line: string) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      if (parsed && typeof parsed === "object" && !("level" in parsed)) {
        lines.off("line", onLine);
        resolve(parsed as T);
      } else process.stderr.write(`${line}\n`);
    };
    lines.on("line", onLine);
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code} before serving`)));
  });
  return {
    info,
    child,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * CPU time of a process in ms at nanosecond precision: the time on a CPU of each of its threads
 * (/proc/<pid>/task/<tid>/schedstat), summed. /proc/<pid>/stat counts 10 ms ticks, too coarse for an
 * idle process; a thread that exited is no longer counted (an idle function keeps its threads).
 */
export function threadsCpuMs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // The thread exited meanwhile.
    }
  }
  return ns / 1e6;
}

/** Resident set size of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = spawnSync("cat", [`/proc/${pid}/status`], { encoding: "utf8" }).stdout;
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Versions of what the benchmarks measure, for the results. */
export function versions(): Record<string, string> {
  const version = (pkg: string) => {
    try {
      const file = join(repoRoot, "tools", "node_modules", pkg, "package.json");
      return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
    } catch {
      return "?";
    }
  };
  const psql = spawnSync("pgbench", ["--version"], { encoding: "utf8" }).stdout.trim();
  return {
    node: process.version,
    "@connectrpc/connect-node": version("@connectrpc/connect-node"),
    kafkajs: version("kafkajs"),
    postgres: psql,
    autocannon: version("autocannon"),
    kafka: KAFKA_VERSION as string, // infra/local's (a KAFKA_BROKERS one may differ)
  };
}
