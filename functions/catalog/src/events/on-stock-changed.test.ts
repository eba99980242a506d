import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Catalog, catalogClient, startCatalog, stockChanged, upsert } from "../test-support.ts";

let fn: Catalog;

beforeAll(async () => {
  fn = await startCatalog();
});
afterAll(() => fn.close());

describe("on StockChanged", () => {
  it("shows the available units, also for a product created after the event", async () => {
    await upsert(fn, { id: "pen-1", name: "Pen", category: "stationery" });
    await expect(fn.receive(stockChanged("pen-1", 12))).resolves.toBe("handled");
    await fn.receive(stockChanged("ink-1", 5));
    await upsert(fn, { id: "ink-1", name: "Ink", category: "stationery" });

    const catalog = await catalogClient(fn);
    const listed = (await catalog.listProducts({ category: "stationery" })).products;
    expect(listed.map((p) => [p.id, p.available])).toEqual([
      ["ink-1", 5],
      ["pen-1", 12],
    ]);
    // A later change of the product keeps its availability, and the version is not touched by stock.
    const { product } = await upsert(fn, { id: "pen-1", name: "Pen", category: "stationery" });
    expect(product?.available).toBe(12);
  });

  it("changes nothing when the same event is delivered again", async () => {
    await upsert(fn, { id: "clip-1", name: "Clip", category: "stationery" });
    const event = stockChanged("clip-1", 3);
    await fn.receive(event);
    await fn.receive(stockChanged("clip-1", 2));
    await expect(fn.receive(event)).resolves.toBe("duplicate");
    const catalog = await catalogClient(fn);
    expect((await catalog.getProduct({ id: "clip-1" })).product?.available).toBe(2);
  });
});
