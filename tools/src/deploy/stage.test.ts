import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCatalog, stageFunction } from "./stage.ts";

const out = await mkdtemp(join(tmpdir(), "stage-"));
afterAll(() => rm(out, { recursive: true, force: true }));

describe("stageFunction", () => {
  it("makes a folder npm installs on its own: the bundle, its migrations, catalog versions resolved", async () => {
    const dir = join(out, "orders");
    const dependencies = await stageFunction("orders", dir);
    const catalog = await readCatalog();
    expect(dependencies).toEqual({ "@electric-sql/pglite": catalog["@electric-sql/pglite"] });
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg.scripts).toEqual({ start: "node dist/server.mjs" });
    expect(pkg.dependencies).toEqual(dependencies);
    expect(pkg.devDependencies).toBeUndefined();
    // What the function runs and reads at start; no sources, tests or node_modules.
    for (const path of [
      "func.yaml",
      "dist/server.mjs",
      "dist/server.mjs.map",
      "migrations/meta/_journal.json",
    ]) {
      expect(existsSync(join(dir, path)), path).toBe(true);
    }
    const all = readdirSync(dir, { recursive: true, encoding: "utf8" });
    expect(all.filter((f) => f.endsWith(".ts") || f.includes("node_modules") || f.startsWith("src"))).toEqual(
      [],
    );
  });

  it("refuses a function that does not exist", async () => {
    await expect(stageFunction("nope", join(out, "nope"))).rejects.toThrow(/no function nope/);
  });
});
