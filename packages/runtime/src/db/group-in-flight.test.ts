import { describe, expect, it } from "vitest";
import { groupInFlight } from "./group-in-flight.ts";

/** A write that records each group and finishes only when told to. */
function gatedWrite(fail: (items: string[]) => boolean = () => false) {
  const groups: string[][] = [];
  const gates: (() => void)[] = [];
  const write = (items: string[]) =>
    new Promise<void>((resolve, reject) => {
      groups.push(items);
      gates.push(() => (fail(items) ? reject(new Error(`refused ${items.join(",")}`)) : resolve()));
    });
  const openNext = async () => {
    // The next write starts on a later turn of the event loop than the one it waits for.
    while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
    gates.shift()!();
  };
  return { write, groups, openNext };
}

describe("groupInFlight", () => {
  it("writes an item alone at once, and what comes meanwhile together in the next write", async () => {
    const { write, groups, openNext } = gatedWrite();
    const record = groupInFlight(write);
    const first = record("a");
    expect(groups).toEqual([["a"]]); // not held back to wait for company
    const later = [record("b"), record("c")];
    await openNext();
    await first;
    await openNext();
    await Promise.all(later);
    expect(groups).toEqual([["a"], ["b", "c"]]);
    // Idle again: the next item is written at once, alone.
    const again = record("d");
    expect(groups).toEqual([["a"], ["b", "c"], ["d"]]);
    await openNext();
    await again;
  });

  it("writes a failed group's items again one by one: only the refused one fails", async () => {
    const { write, groups, openNext } = gatedWrite((items) => items.includes("bad"));
    const record = groupInFlight(write);
    const first = record("a");
    const good = record("b");
    const bad = record("bad");
    await openNext(); // a
    await first;
    await openNext(); // b, bad: refused
    await openNext(); // b alone
    await openNext(); // bad alone: refused again
    await expect(good).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow("refused bad");
    expect(groups).toEqual([["a"], ["b", "bad"], ["b"], ["bad"]]);
  });

  it("carries at most `max` items a write", async () => {
    const { write, groups, openNext } = gatedWrite();
    const record = groupInFlight(write, 2);
    const all = ["a", "b", "c", "d"].map(record);
    for (let i = 0; i < 3; i++) await openNext();
    await Promise.all(all);
    expect(groups).toEqual([["a"], ["b", "c"], ["d"]]);
  });
});
