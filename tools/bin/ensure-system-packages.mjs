#!/usr/bin/env node
// Makes sure the Debian packages the tests use are installed: Chromium for the browser test,
// shellcheck for the cluster scripts, promtool (in `prometheus`) for the alert rules. Does nothing when they are there; installs what is missing
// with apt-get when we are root; otherwise says how.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const NEEDED = [
  { binary: "/usr/bin/chromium", pkg: "chromium", why: "the browser test" },
  { binary: "/usr/bin/shellcheck", pkg: "shellcheck", why: "the check of infra/cluster scripts" },
  // The package is the Prometheus server too; without recommends that is it and the JavaScript
  // libraries of its web UI (about 100 MB installed), not the node exporter it recommends.
  { binary: "/usr/bin/promtool", pkg: "prometheus", why: "the alert-rule tests (promtool)" },
];

const missing = NEEDED.filter(({ binary }) => !existsSync(binary));
if (missing.length > 0) {
  const names = missing.map((m) => m.pkg);
  if (process.platform !== "linux" || process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) {
    for (const m of missing) console.error(`${m.binary} is missing: install Debian's ${m.pkg} for ${m.why}.`);
    process.exit(1);
  }
  console.log(`Installing ${names.join(", ")} for the tests (apt-get install)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...names]]) {
    const result = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}
