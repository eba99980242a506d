/**
 * Writes a benchmark's results as tools/results/<name>.md (a table) and .json, with the machine's core
 * count, the versions used and the exact command, and prints the table.
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@shop/platform";
import { versions } from "./proc.ts";

/** A results table: a title, a header row and rows, and notes under it. */
export interface Table {
  title: string;
  header: string[];
  rows: (string | number)[][];
  notes?: string[];
}

export function writeResults(name: string, command: string, tables: Table[], data: unknown): string {
  const machine = {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? "?",
    loadAverage: loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
  const md = [
    `# ${name} (${new Date().toISOString()})`,
    "",
    `Command: \`${command}\``,
    "",
    `Machine: ${machine.cores} cores (${machine.cpu}), load average at the end ${machine.loadAverage}. Versions: ${Object.entries(
      versions(),
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}.`,
    "",
    ...tables.flatMap((t) => [
      `## ${t.title}`,
      "",
      `| ${t.header.join(" | ")} |`,
      `| ${t.header.map(() => "---").join(" | ")} |`,
      ...t.rows.map((r) => `| ${r.join(" | ")} |`),
      "",
      ...(t.notes ?? []).map((n) => `${n}\n`),
    ]),
  ].join("\n");
  const dir = join(repoRoot, "tools", "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.md`), md);
  writeFileSync(
    join(dir, `${name}.json`),
    `${JSON.stringify({ name, command, date: new Date().toISOString(), machine, versions: versions(), data }, null, 2)}\n`,
  );
  console.log(md);
  return md;
}

export const fixed = (x: number, digits = 2) => x.toFixed(digits);
/** The middle value (of an even number of values, the upper of the two in the middle). */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const verdict = (ok: boolean) => (ok ? "met" : "**missed**");
