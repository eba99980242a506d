import { describe, expect, it } from "vitest";
import { createReadCache } from "./read-cache.ts";

/** A load that counts its calls and resolves when told. */
function loader<T>(value: T) {
  let calls = 0;
  const pending: (() => void)[] = [];
  return {
    load: () => {
      calls++;
      return new Promise<T>((resolve) => pending.push(() => resolve(value)));
    },
    finish: () => {
      for (const resolve of pending.splice(0)) resolve();
    },
    calls: () => calls,
  };
}

describe("the catalog's read cache", () => {
  it("reads once for concurrent misses and keeps the answer for its lifetime only", async () => {
    let clock = 0;
    const cache = createReadCache(1000, () => clock);
    const first = loader({ name: "Mug" });
    const answers = [cache.get("p1", first.load), cache.get("p1", first.load), cache.get("p1", first.load)];
    first.finish();
    expect(await Promise.all(answers)).toEqual([{ name: "Mug" }, { name: "Mug" }, { name: "Mug" }]);
    expect(first.calls()).toBe(1);

    clock = 999;
    expect(await cache.get("p1", () => Promise.resolve({ name: "changed" }))).toEqual({ name: "Mug" });
    clock = 1000;
    expect(await cache.get("p1", () => Promise.resolve({ name: "Big mug" }))).toEqual({ name: "Big mug" });
  });

  it("forgets everything on clear, including a read that was under way", async () => {
    const cache = createReadCache(1000, () => 0);
    const before = loader({ available: 5 });
    const early = cache.get("p1", before.load);
    cache.clear();
    before.finish();
    expect(await early).toEqual({ available: 5 });
    expect(await cache.get("p1", () => Promise.resolve({ available: 4 }))).toEqual({ available: 4 });
  });

  it("does not keep failures", async () => {
    const cache = createReadCache(1000, () => 0);
    await expect(cache.get("p1", () => Promise.reject(new Error("no such product")))).rejects.toThrow(
      "no such product",
    );
    expect(await cache.get("p1", () => Promise.resolve("found"))).toBe("found");
  });

  it("keeps nothing when its lifetime is 0", async () => {
    const cache = createReadCache(0);
    expect(await cache.get("p1", () => Promise.resolve(1))).toBe(1);
    expect(await cache.get("p1", () => Promise.resolve(2))).toBe(2);
  });
});
