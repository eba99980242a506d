import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Catalog, catalogClient, startCatalog, stockChanged, upsert } from "../test-support.ts";

let fn: Catalog;

beforeAll(async () => {
  // No read cache: each read shows what is stored, so a stale change that was wrongly applied would show.
  fn = await startCatalog({ settings: { readCacheMs: 0 } });
});
afterAll(() => fn.close());

/** The units available a shopper sees on product `id`. */
async function shown(id: string): Promise<number | undefined> {
  const catalog = await catalogClient(fn);
  return (await catalog.getProduct({ id })).product?.available;
}

/** Every order of `items`. */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe("on StockChanged", () => {
  it("shows the available units, also for a product created after the event", async () => {
    await upsert(fn, { id: "pen-1", name: "Pen", category: "stationery" });
    await expect(fn.receive(stockChanged("pen-1", 12, 1n))).resolves.toBe("handled");
    await fn.receive(stockChanged("ink-1", 5, 1n));
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
    const event = stockChanged("clip-1", 3, 1n);
    await fn.receive(event);
    await fn.receive(stockChanged("clip-1", 2, 2n));
    await expect(fn.receive(event)).resolves.toBe("duplicate");
    expect(await shown("clip-1")).toBe(2);
  });

  it("applies a newer version and ignores an older or equal one, answering both as duplicates", async () => {
    await upsert(fn, { id: "cup-1", name: "Cup", category: "kitchen" });
    await fn.receive(stockChanged("cup-1", 9, 7n));
    expect(await shown("cup-1")).toBe(9);

    // Older (a late sweep, a redriven dead letter) and equal (the same version sent again with a new
    // event id) are stale: accepted (2xx, so the broker does not retry them), changing nothing, and
    // not shown.
    await expect(fn.receive(stockChanged("cup-1", 10, 6n))).resolves.toBe("duplicate");
    await expect(fn.receive(stockChanged("cup-1", 4, 7n))).resolves.toBe("duplicate");
    expect(await shown("cup-1")).toBe(9);

    await fn.receive(stockChanged("cup-1", 8, 8n));
    expect(await shown("cup-1")).toBe(8);
  });

  it("ends at the newest version whatever order the changes arrive in", async () => {
    // The same product's stock as inventory reported it: version → units available.
    const changes: [bigint, number][] = [
      [1n, 10],
      [2n, 7],
      [3n, 9],
      [4n, 8],
    ];
    const orders = permutations(changes);
    await Promise.all(
      orders.map((_, i) => upsert(fn, { id: `mug-${i}`, name: `Mug ${i}`, category: "orders" })),
    );
    for (const [i, order] of orders.entries()) {
      let newest = 0n;
      for (const [version, available] of order) {
        await fn.receive(stockChanged(`mug-${i}`, available, version));
        if (version > newest) newest = version;
        // After each delivery a shopper sees the newest change received so far, never an older one.
        expect(await shown(`mug-${i}`)).toBe(changes.find(([v]) => v === newest)?.[1]);
      }
      expect(await shown(`mug-${i}`)).toBe(8);
    }
    // Arriving all at once (the Trigger is unordered) ends the same way.
    await upsert(fn, { id: "mug-together", name: "Mug together", category: "orders" });
    await Promise.all([...changes].reverse().map(([v, a]) => fn.receive(stockChanged("mug-together", a, v))));
    expect(await shown("mug-together")).toBe(8);
  });

  it("keeps only the newest version for a product not created yet", async () => {
    await fn.receive(stockChanged("bowl-1", 3, 5n));
    await fn.receive(stockChanged("bowl-1", 6, 4n));
    const { product } = await upsert(fn, { id: "bowl-1", name: "Bowl", category: "kitchen" });
    expect(product?.available).toBe(3);
  });

  it("applies a change without a version (an older inventory) only until versioned ones arrive", async () => {
    await upsert(fn, { id: "jug-1", name: "Jug", category: "kitchen" });
    await fn.receive(stockChanged("jug-1", 5, 0n));
    await fn.receive(stockChanged("jug-1", 4, 0n));
    expect(await shown("jug-1")).toBe(4);
    await fn.receive(stockChanged("jug-1", 6, 1n));
    await fn.receive(stockChanged("jug-1", 2, 0n));
    expect(await shown("jug-1")).toBe(6);
  });
});
