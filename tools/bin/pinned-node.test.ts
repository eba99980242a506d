import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8");
const pinned = read("../../.node-version").trim();
const major = Number(pinned.split(".")[0]);

describe("the Node the shop runs on", () => {
  it(`is ${process.version}: Node ${major} or newer, and the same as \`node\` on PATH`, () => {
    expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(major);
    // What scripts, package shims and spawned tools run: with-pnpm.mjs puts the pinned Node first.
    expect(execFileSync("node", ["--version"], { encoding: "utf8" }).trim()).toBe(process.version);
  });

  it("pins one exact release of the Node that package.json's engines asks for", () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const engines = (JSON.parse(read("../../package.json")) as { engines: { node: string } }).engines;
    expect(engines.node).toBe(`>=${major}`);
  });
});
