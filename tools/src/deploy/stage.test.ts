import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCatalog, stageFunction } from "./stage.ts";

const out = await mkdtemp(join(tmpdir(), "stage-"));
afterAll(() => rm(out, { recursive: true, force: true }));

describe("stageFunction", () => {
  it("makes a folder npm installs on its own: workspace packages vendored, catalog versions resolved", async () => {
    const dir = join(out, "orders");
    const vendored = await stageFunction("orders", dir);
    expect(vendored).toEqual(["@shop/runtime", "@shop/schemas"]);
    const catalog = await readCatalog();
    const read = (path: string) => JSON.parse(readFileSync(join(dir, path, "package.json"), "utf8"));
    const fn = read(".");
    expect(fn.scripts).toEqual({ start: "tsx src/server.ts" });
    expect(fn.dependencies).toMatchObject({
      "@shop/runtime": "file:vendor/runtime",
      "@shop/schemas": "file:vendor/schemas",
      tsx: catalog.tsx,
    });
    for (const pkg of [fn, read("vendor/runtime"), read("vendor/schemas")]) {
      for (const [dep, range] of Object.entries(pkg.dependencies as Record<string, string>)) {
        expect(range, `${pkg.name} → ${dep}`).toMatch(/^(\d+\.\d+\.\d+|file:vendor\/\w+)$/);
      }
      expect(pkg.devDependencies).toBeUndefined();
    }
    expect(readFileSync(join(dir, ".npmrc"), "utf8")).toContain("install-links=true");
    // What the function runs and reads at start; no tests, no node_modules.
    for (const path of [
      "func.yaml",
      "src/server.ts",
      "migrations",
      "vendor/runtime/src/index.ts",
      "vendor/schemas/gen",
    ]) {
      expect(existsSync(join(dir, path)), path).toBe(true);
    }
    const all = readdirSync(dir, { recursive: true, encoding: "utf8" });
    expect(all.filter((f) => f.endsWith(".test.ts") || f.includes("node_modules"))).toEqual([]);
  });

  it("refuses a function that does not exist", async () => {
    await expect(stageFunction("nope", join(out, "nope"))).rejects.toThrow(/no function nope/);
  });
});
