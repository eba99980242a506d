#!/usr/bin/env node
// Makes sure Debian's Chromium is installed for the browser tests: does nothing when
// /usr/bin/chromium exists; installs it with apt-get when we are root; otherwise says how.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM = "/usr/bin/chromium";

if (!existsSync(CHROMIUM)) {
  if (process.platform !== "linux" || process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) {
    console.error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) for the browser test.`,
    );
    process.exit(1);
  }
  console.log("Installing Chromium for the browser test (apt-get install chromium)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", "chromium"]]) {
    const result = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}
