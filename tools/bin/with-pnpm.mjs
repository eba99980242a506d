#!/usr/bin/env node
// Runs a root script with pnpm on a machine that may have nothing but Node and npm:
// it fetches the pinned pnpm from the npm registry when absent, installs the workspace,
// then runs `pnpm run <script>`. Used by `npm start` / `npm test` (and works the same under pnpm).
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager;
const [script, ...rest] = process.argv.slice(2);

/** The pnpm command line to use: the one on PATH if it is the pinned major, else the pinned one via npx. */
function pnpmCommand() {
  try {
    const version = execFileSync("pnpm", ["--version"], { encoding: "utf8" }).trim();
    if (version.split(".")[0] === pinned.split("@")[1].split(".")[0]) return ["pnpm"];
  } catch {
    // not installed: fall through to npx
  }
  return ["npx", "--yes", pinned];
}

function run(args) {
  const [cmd, ...pre] = pnpmCommand();
  const result = spawnSync(cmd, [...pre, ...args], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(["install", ...(process.env.CI ? ["--frozen-lockfile"] : []), "--reporter=append-only"]);
run(["run", script, ...rest]);
