/**
 * `shop start` through shop.mjs, as `npm start` runs it: embedded, the shop's process gets the start-up
 * settings of embedded-process.mjs (V8's heap flags on its command line, glibc's tunables in its
 * environment), serves, and a SIGTERM to the launcher stops it with status 0. Linux only (reads /proc).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@shop/platform";
import { waitFor } from "@shop/runtime/testing";
import { afterAll, expect, it } from "vitest";
import { EMBEDDED_NODE_FLAGS } from "./embedded-process.mjs";

const launcherPath = fileURLToPath(new URL("./shop.mjs", import.meta.url));
const data = mkdtempSync(join(tmpdir(), "shop-start-"));
afterAll(() => rmSync(data, { recursive: true, force: true }));

/** The pids whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid ? [Number(entry)] : [];
    } catch {
      return []; // gone meanwhile
    }
  });
}

const nulSeparated = (file: string) => readFileSync(file, "utf8").split("\0");

it("runs the embedded shop with its memory settings, and a SIGTERM stops it with status 0", async () => {
  const port = await freePort();
  const { DATABASE_URL: _db, KAFKA_BROKERS: _kafka, ...env } = process.env;
  const launcher = spawn(process.execPath, [launcherPath, "start", "--port", String(port), "--data", data], {
    env: { ...env, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => launcher.once("exit", (code) => resolve(code)));
  let output = "";
  launcher.stdout.on("data", (chunk) => {
    output += chunk;
  });
  launcher.stderr.on("data", (chunk) => {
    output += chunk;
  });
  try {
    await waitFor(
      () => {
        if (launcher.exitCode !== null)
          throw new Error(`shop start exited with ${launcher.exitCode}: ${output}`);
        return output.includes("Shop is running at");
      },
      { timeoutMs: 120_000, intervalMs: 100, message: "the shop's banner" },
    );
    const [shop] = childrenOf(launcher.pid!);
    expect(nulSeparated(`/proc/${shop}/cmdline`)).toEqual(expect.arrayContaining(EMBEDDED_NODE_FLAGS));
    const tunables = nulSeparated(`/proc/${shop}/environ`).find((v) => v.startsWith("GLIBC_TUNABLES="));
    expect(tunables).toContain("glibc.malloc.mmap_threshold=131072");
    expect((await fetch(`http://127.0.0.1:${port}/health/readiness`)).status).toBe(200);
    launcher.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(childrenOf(launcher.pid!)).toEqual([]);
  } finally {
    launcher.kill("SIGKILL");
  }
});
