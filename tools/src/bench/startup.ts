/**
 * Function start to first served request (GET /health/readiness answering 200: database, migrations and
 * Kafka producer ready) ÷ a bare `node -e` HTTP server's start to first answer; idle RSS per function.
 * Each function starts as production starts it: `node dist/server.mjs`, its esbuild bundle (built first
 * when missing or older than its sources).
 */

import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { freePort, functionNames, httpStatus, repoRoot } from "@shop/platform";
import { buildFunctions } from "../build/functions.ts";
import { rssMiB, threadsCpuMs } from "./proc.ts";
import { median } from "./report.ts";

/** Goals: start ≤ 4 × bare node; idle RSS ≤ 60 MiB and idle CPU ≤ 0.5 % of a core (issue 14). */
export const START_GOAL = 4;
export const RSS_GOAL_MIB = 60;
export const IDLE_CPU_GOAL_PCT = 0.5;
/**
 * How long the idle functions are watched for their CPU use, all at once (as idle pods sit side by
 * side), so the window can be long without the bench taking minutes per function.
 */
const IDLE_WINDOW_MS = 30_000;

/** How a function starts, in its folder: package.json `start`, the image's command. */
export const START_ARGS = ["dist/server.mjs"];

/** Spawns, polls `path` every 5 ms until 200; returns ms from spawn and the child. */
async function timeToServe(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, path: string) {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${cwd}: ${args.join(" ")} exited with ${child.exitCode}: ${stderr.slice(-2000)}`);
    if ((await httpStatus(`http://127.0.0.1:${port}${path}`)) === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { ms: performance.now() - started, child, exited };
}

/** Measures every function (`runs` starts each, after one start that applies migrations). */
export async function benchStartup(env: { DATABASE_URL: string; KAFKA_BROKERS: string }, runs = 3) {
  // Built before anything is timed, so the build does not load the machine during a measurement.
  const names = functionNames;
  const built = await buildFunctions(names, { onlyStale: true });
  const bareScript = "require('http').createServer((q,s)=>s.end('ok')).listen(process.env.PORT)";
  const startBare = async () => {
    const { ms, child, exited } = await timeToServe(process.execPath, ["-e", bareScript], repoRoot, {}, "/");
    child.kill("SIGTERM");
    await exited;
    return ms;
  };
  await startBare(); // warms the file cache for node itself
  const allBare: number[] = [];
  const rows: {
    function: string;
    startMs: number;
    bareMs: number;
    ratio: number;
    idleRssMiB: number;
    idleCpuPct: number;
  }[] = [];
  const idle: { name: string; child: ChildProcess; exited: Promise<unknown> }[] = [];
  try {
    for (const name of names) {
      const cwd = join(repoRoot, "functions", name);
      const args = START_ARGS;
      const fnEnv = { ...env, LOG_LEVEL: "error", SHOP_EVENTS_TOPIC: "bench.startup" };
      const times: number[] = [];
      // A bare start right before each function start: both see the same machine, so the ratio holds
      // even when other work comes and goes.
      const bare: number[] = [];
      for (let i = 0; i <= runs; i++) {
        if (i > 0) bare.push(await startBare());
        const { ms, child, exited } = await timeToServe(
          process.execPath,
          args,
          cwd,
          fnEnv,
          "/health/readiness",
        );
        if (i > 0) times.push(ms); // the first start applies migrations
        // The last start stays up, idle, for the measurement below.
        if (i === runs) idle.push({ name, child, exited });
        else {
          child.kill("SIGTERM");
          await exited;
        }
      }
      allBare.push(...bare);
      const ms = median(times);
      const bareMs = median(bare);
      rows.push({
        function: name,
        startMs: Math.round(ms),
        bareMs: Math.round(bareMs),
        ratio: ms / bareMs,
        idleRssMiB: 0,
        idleCpuPct: 0,
      });
    }
    // Idle: every function started, nothing to do for a few seconds; then their CPU over a quiet
    // window: timers, polling and heartbeats, which scale-to-zero pays for.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const before = idle.map(({ child }) => ({ rss: rssMiB(child.pid!), cpuMs: threadsCpuMs(child.pid!) }));
    await new Promise((resolve) => setTimeout(resolve, IDLE_WINDOW_MS));
    idle.forEach(({ name, child }, i) => {
      if (child.exitCode !== null) throw new Error(`${name} exited while idle (${child.exitCode})`);
      const row = rows.find((candidate) => candidate.function === name)!;
      row.idleRssMiB = Math.round(before[i]!.rss);
      row.idleCpuPct = ((threadsCpuMs(child.pid!) - before[i]!.cpuMs) / IDLE_WINDOW_MS) * 100;
    });
  } finally {
    for (const { child } of idle) child.kill("SIGTERM");
    await Promise.all(idle.map(({ exited }) => exited));
  }
  const bareMs = median(allBare);
  return {
    bareNodeMs: Math.round(bareMs),
    runs,
    command: `node ${START_ARGS.join(" ")}`,
    built,
    rows,
    goals: { start: START_GOAL, rssMiB: RSS_GOAL_MIB, idleCpuPct: IDLE_CPU_GOAL_PCT },
    idleWindowMs: IDLE_WINDOW_MS,
  };
}
