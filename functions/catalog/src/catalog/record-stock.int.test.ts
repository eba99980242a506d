import { createTestDatabase } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Catalog, catalogClient, startCatalog, stockChanged, upsert } from "../test-support.ts";

// Real Postgres (a pool of connections): the unordered Trigger delivers one product's changes side by side.
describe("StockChanged on real Postgres, delivered side by side", () => {
  let fn: Catalog;

  beforeAll(async () => {
    const url = await createTestDatabase(inject("databaseUrl"));
    fn = await startCatalog({
      config: { database: { kind: "postgres", url } },
      settings: { readCacheMs: 0 },
    });
  });
  afterAll(() => fn?.close());

  // Version v says 100 + v units; delivered newest first, oldest last, all at once.
  const deliverAll = async (id: string) => {
    const versions = Array.from({ length: 40 }, (_, i) => BigInt(40 - i));
    const outcomes = await Promise.all(versions.map((v) => fn.receive(stockChanged(id, 100 + Number(v), v))));
    // Each is accepted: the newest applies, a stale one that commits after a newer changes nothing.
    expect(outcomes.every((o) => o === "handled" || o === "duplicate")).toBe(true);
    expect(outcomes[0]).toBe("handled");
  };
  const shown = async (id: string) => (await (await catalogClient(fn)).getProduct({ id })).product?.available;

  it("shows the newest version's units whatever order concurrent deliveries commit in", async () => {
    await upsert(fn, { id: "made-first", name: "Made first", category: "race" });
    await deliverAll("made-first");
    expect(await shown("made-first")).toBe(140);
  });

  it("starts a product created afterwards from the newest version", async () => {
    await deliverAll("made-later");
    await upsert(fn, { id: "made-later", name: "Made later", category: "race" });
    expect(await shown("made-later")).toBe(140);
  });
});
