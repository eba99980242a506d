/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and names what dominates: self time by function
 * and by package.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Top frames by self time (share of all samples), and self time by package. */
export function summarizeProfile(file: string, top = 15) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as { nodes: Node[]; samples: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (const id of profile.samples) self.set(id, (self.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const frames = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const [id, count] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url
      .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "")
      .replace(/^file:\/\/.*\/(packages|functions|tools)\//, "$1/");
    const name = `${functionName || "(anonymous)"} ${where ? `${where}:${lineNumber + 1}` : ""}`.trim();
    frames.set(name, (frames.get(name) ?? 0) + count);
    const pkg =
      /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
      (url.startsWith("node:")
        ? "node core"
        : url.includes("/packages/runtime/")
          ? "@shop/runtime"
          : url
            ? "shop code"
            : functionName.startsWith("(")
              ? functionName
              : "V8/native");
    packages.set(pkg, (packages.get(pkg) ?? 0) + count);
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => ({ name, share: n / total }));
  return { samples: total, frames: rank(frames), packages: rank(packages) };
}

/**
 * The CPU profiles in `dir` (node --cpu-prof names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile),
 * each labelled by its process: `labels` maps pids to what they ran. Top packages by self time, as
 * shares of the busy samples (idle left out: a function waits most of the time).
 */
export function summarizeProfiles(dir: string, labels: Map<number, string>, top = 4) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => {
      const pid = Number(f.split(".")[3]);
      const summary = summarizeProfile(join(dir, f));
      const idle = summary.packages.find((p) => p.name === "(idle)")?.share ?? 0;
      const busy = summary.packages.filter((p) => p.name !== "(idle)");
      return {
        process: labels.get(pid) ?? `pid ${pid}`,
        samples: Math.round(summary.samples * (1 - idle)),
        packages: busy.slice(0, top).map((p) => ({ name: p.name, share: p.share / (1 - idle || 1) })),
      };
    })
    .sort((a, b) => b.samples - a.samples);
}
