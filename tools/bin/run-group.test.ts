/**
 * `run(…, { group: true })` of pinned-node.mjs, which with-pnpm.mjs runs `pnpm run <script>` with: a
 * signal reaches every process under it however many shells are in between, it exits only once none
 * is left (SIGKILL for one that ignores SIGTERM), and it stops them when the package manager that ran
 * it through `sh -c` dies. The real chain (npm, pnpm, tsx, the shop) is clean-stop.int.test.ts's.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const runModule = fileURLToPath(new URL("./pinned-node.mjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "run-group-"));
// Two processes under a `sh -c` that passes nothing on; the second ignores SIGTERM.
const sleeper = join(dir, "sleeper.mjs");
writeFileSync(
  sleeper,
  `if (process.argv[2] === "stubborn") process.on("SIGTERM", () => {});
console.log("pid " + process.pid);
setInterval(() => {}, 1000);
`,
);
const wrapper = join(dir, "wrapper.mjs");
writeFileSync(
  wrapper,
  `import { run } from ${JSON.stringify(runModule)};
const script = ${JSON.stringify(`node ${sleeper} & node ${sleeper} stubborn & wait`)};
const code = await run("sh", ["-c", script], { group: true, graceMs: 1500 });
console.log("exit " + code);
process.exit(code);
`,
);
// A package manager running the wrapper through `sh -c`, as npm runs `npm start`.
const manager = join(dir, "manager.mjs");
writeFileSync(
  manager,
  `import { spawn } from "node:child_process";
spawn("sh", ["-c", ${JSON.stringify(`node ${wrapper}`)}], { stdio: "inherit" });
setInterval(() => {}, 1000);
`,
);

const alive = (pid: number) => {
  try {
    return !readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z");
  } catch {
    return false;
  }
};

async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  for (const deadline = Date.now() + timeoutMs; !check(); await new Promise((r) => setTimeout(r, 25))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

const children: ChildProcess[] = [];
let sleepers: number[] = [];
afterEach(() => {
  for (const pid of sleepers) if (alive(pid)) process.kill(pid, "SIGKILL");
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Starts `script` and resolves once both sleepers run, with their pids and the output so far. */
async function start(script: string) {
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  await until(() => (output.match(/^pid \d+$/gm) ?? []).length === 2, "both sleepers");
  sleepers = [...output.matchAll(/^pid (\d+)$/gm)].map((m) => Number(m[1]));
  return { child, output: () => output };
}

describe.runIf(process.platform === "linux")("run with a process group of its own", () => {
  it("passes SIGTERM to every process under it and exits only once none is left", async () => {
    const { child, output } = await start(wrapper);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const code = await exited;
    // When the wrapper has exited, nothing of its group runs (the stubborn one got SIGKILL).
    expect(sleepers.filter(alive)).toEqual([]);
    expect(code).toBe(143); // sh's status: killed by SIGTERM
    expect(output()).toContain("exit 143");
  });

  it("stops them when the package manager above its `sh -c` dies without passing anything on", async () => {
    const { child } = await start(manager);
    child.kill("SIGKILL"); // the shell stays, and is no longer the manager's
    await until(() => sleepers.every((pid) => !alive(pid)), "the sleepers to stop");
  });
});
