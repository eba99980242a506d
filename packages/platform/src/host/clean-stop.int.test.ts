/**
 * Local real mode stops cleanly (issue 12, item 6): `npm start` with DATABASE_URL and KAFKA_BROKERS set,
 * started as a user starts it, then stopped the ways it gets stopped — SIGTERM to the `npm` process (a
 * process manager), SIGHUP to it (npm dies of it at once), SIGINT to its process group (Ctrl-C), SIGKILL
 * to the supervisor of the function processes — leaves no process of its tree running and every port
 * it listened on free. Every case starts on the same gateway port as the one before, so each is also
 * "a second `npm start` right after".
 *
 * The real `npm start`, not an equivalent: npm's own part is `npm run` (no install); with-pnpm.mjs's
 * `pnpm install` takes a few seconds when node_modules is up to date. Linux only (reads /proc).
 */

import { spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { createTestDatabase, waitFor } from "@shop/runtime/testing";
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { functionNames } from "../functions.ts";
import { freePort } from "../net.ts";
import { repoRoot } from "../paths.ts";

/** A process as /proc shows it; `start` (its start time) tells it from a later one with its pid. */
interface Proc {
  pid: number;
  ppid: number;
  start: string;
  cmdline: string;
}

function proc(pid: number): (Proc & { state: string }) | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    return { pid, state: fields[0]!, ppid: Number(fields[1]), start: fields[19]!, cmdline };
  } catch {
    return undefined; // gone
  }
}

/** `root` and every process under it. */
function processTree(root: number): Proc[] {
  const all = readdirSync("/proc").flatMap((entry) => (/^\d+$/.test(entry) ? [proc(Number(entry))] : []));
  const tree: Proc[] = [];
  const add = (pid: number) => {
    for (const p of all) {
      if (p?.ppid !== pid) continue;
      tree.push(p);
      add(p.pid);
    }
  };
  const top = all.find((p) => p?.pid === root);
  if (top) tree.push(top);
  add(root);
  return tree;
}

/** Still running: same process (start time), not a zombie waiting to be reaped. */
function running(p: Proc): boolean {
  const now = proc(p.pid);
  return now !== undefined && now.start === p.start && now.state !== "Z";
}

/** The TCP addresses (host, port) the processes listen on, from their sockets' inodes in /proc/net. */
function listening(procs: Proc[]): { host: string; port: number }[] {
  const inodes = new Set<string>();
  for (const { pid } of procs) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const link = (() => {
          try {
            return readlinkSync(`/proc/${pid}/fd/${fd}`);
          } catch {
            return "";
          }
        })();
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode) inodes.add(inode);
      }
    } catch {
      // gone meanwhile
    }
  }
  const found: { host: string; port: number }[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns[3] !== "0A" || !inodes.has(columns[9] ?? "")) continue; // 0A: LISTEN
      const [hex, port] = columns[1]!.split(":");
      const host =
        hex!.length === 8
          ? (hex!.match(/../g) ?? [])
              .reverse()
              .map((byte) => Number.parseInt(byte, 16))
              .join(".")
          : /^0+$/.test(hex!)
            ? "::"
            : "::1";
      found.push({ host, port: Number.parseInt(port!, 16) });
    }
  }
  return found;
}

/** True when `host:port` can be listened on again. */
function bindable({ host, port }: { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host, port }, () => server.close(() => resolve(true)));
  });
}

/**
 * PATH as a user's shell has it: without the pinned Node that with-pnpm.mjs put first for this test
 * run, so that npm and with-pnpm.mjs start on the system's Node and go through the re-run on the
 * pinned one as they do for a user on a machine with an older Node. Unchanged elsewhere.
 */
function userPath(): string {
  const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "shop", "node-");
  return (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => !dir.startsWith(cache))
    .join(delimiter);
}

let databaseUrl: string;
let port: number;
const started: Proc[] = []; // whatever a case started, SIGKILLed afterwards if it is still running

beforeAll(async () => {
  databaseUrl = await createTestDatabase(inject("databaseUrl"));
  port = await freePort();
});

afterEach(() => {
  for (const p of started.splice(0)) if (running(p)) process.kill(p.pid, "SIGKILL");
});

/** Runs `npm start -- --port <port>` in real mode until its banner, as a terminal job: its own group. */
async function npmStart() {
  const npm = spawn("npm", ["start", "--", "--port", String(port)], {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PATH: userPath(),
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: inject("kafkaBrokers"),
      LOG_LEVEL: "warn",
    },
  });
  let output = "";
  npm.stdout.on("data", (chunk) => {
    output += chunk;
  });
  npm.stderr.on("data", (chunk) => {
    output += chunk;
  });
  try {
    await waitFor(
      () => {
        if (npm.exitCode !== null) throw new Error(`npm start exited with ${npm.exitCode}`);
        return output.includes("Shop is running at");
      },
      { timeoutMs: 180_000, intervalMs: 100, message: "the shop's banner" },
    );
    expect((await fetch(`http://127.0.0.1:${port}/health/readiness`)).status).toBe(200);
  } catch (error) {
    started.push(...processTree(npm.pid!));
    throw new Error(`${String(error)}\n--- output of npm start ---\n${output.slice(-4_000)}`);
  }
  const tree = processTree(npm.pid!);
  started.push(...tree);
  const functions = tree.filter((p) => p.cmdline.endsWith("dist/server.mjs"));
  const ports = listening(tree);
  // Really local real mode: one process per function, each listening, and the gateway on our port.
  expect(functions).toHaveLength(functionNames.length);
  expect(ports.map((p) => p.port)).toContain(port);
  expect(ports.length).toBeGreaterThanOrEqual(functionNames.length + 1);
  const supervisor = tree.find((p) => p.pid === functions[0]!.ppid)!;
  expect(supervisor.cmdline).toContain("tools/src/cli.ts start");
  return { npm, tree, ports, supervisor, output: () => output };
}

/** Waits until no process of `tree` runs and every port of `ports` can be listened on again. */
async function expectAllStopped(tree: Proc[], ports: { host: string; port: number }[], output: () => string) {
  try {
    await waitFor(() => !tree.some(running), {
      timeoutMs: 40_000,
      intervalMs: 100,
      message: "every process of npm start to stop",
    });
  } catch (error) {
    const left = tree.filter(running).map((p) => `${p.pid} ${p.cmdline.slice(0, 120)}`);
    throw new Error(
      `${String(error)}\nstill running:\n${left.join("\n")}\n--- output ---\n${output().slice(-3_000)}`,
    );
  }
  const taken = [];
  for (const address of ports) if (!(await bindable(address))) taken.push(address);
  expect(taken).toEqual([]);
}

describe("local real mode stops cleanly", { timeout: 240_000 }, () => {
  it("on SIGTERM to the npm process: every process of it stops and its ports are free", async () => {
    const { npm, tree, ports, output } = await npmStart();
    process.kill(npm.pid!, "SIGTERM");
    await expectAllStopped(tree, ports, output);
  });

  it("on SIGHUP to the npm process, which dies of it without passing it on", async () => {
    const { npm, tree, ports, output } = await npmStart();
    process.kill(npm.pid!, "SIGHUP");
    await expectAllStopped(tree, ports, output);
  });

  it("on SIGINT to its process group, as Ctrl-C in a terminal", async () => {
    const { npm, tree, ports, output } = await npmStart();
    process.kill(-npm.pid!, "SIGINT");
    await expectAllStopped(tree, ports, output);
  });

  it("when the supervisor of the function processes is SIGKILLed: the function processes stop too", async () => {
    const { tree, ports, supervisor, output } = await npmStart();
    process.kill(supervisor.pid, "SIGKILL");
    await expectAllStopped(tree, ports, output);
  });
});
