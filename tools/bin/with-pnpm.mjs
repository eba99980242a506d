#!/usr/bin/env node
// Runs a root script with pnpm on a machine that may have nothing but Node and npm, on the Node that
// Shop pins (.node-version): under an older system Node it fetches that Node from the npm registry and
// runs itself again under it, with it first on PATH, so pnpm, tsx, vitest and every process they spawn
// run on it. Then it fetches the pinned pnpm from the npm registry when absent, installs the workspace
// and runs `pnpm run <script>`. Used by `npm start` / `npm test` (and works the same under pnpm).
// The script runs in a process group of its own that gets every SIGINT, SIGTERM and SIGHUP this process
// gets (and SIGTERM when its parent dies); this process exits with the script's status once nothing of
// that group is left, so stopping `npm start` stops every process it started (see `run` in pinned-node.mjs).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pinnedNode, run } from "./pinned-node.mjs";

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

const node = pinnedNode((line) => console.log(line));
// The chosen node's directory first on PATH: `node` in scripts, shims and spawned tools is this one.
const env = { ...process.env, PATH: [dirname(node.execPath), process.env.PATH].join(delimiter) };
if (node.execPath !== process.execPath) {
  const again = [fileURLToPath(import.meta.url), script, ...rest];
  const told = { ...env, SHOP_SYSTEM_NODE: process.version }; // for the one line the re-run prints
  process.exit(await run(node.execPath, again, { cwd: root, env: told }));
}
const system = env.SHOP_SYSTEM_NODE;
delete env.SHOP_SYSTEM_NODE;
console.log(
  system
    ? `Using Node ${process.version} from the npm registry (${process.execPath}): the system's ${system} is older`
    : `Using Node ${process.version} (${process.execPath})`,
);
const [cmd, ...pre] = pnpmCommand();
const steps = [
  ["install", ...(process.env.CI ? ["--frozen-lockfile"] : []), "--reporter=append-only"],
  ["run", script, ...rest],
];
for (const [i, args] of steps.entries()) {
  // The install stays in the terminal's process group (pnpm may ask there); the script gets its own.
  const code = await run(cmd, [...pre, ...args], { cwd: root, env, group: i === steps.length - 1 });
  if (code !== 0) process.exit(code);
}
