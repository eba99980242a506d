import { describe, expect, it } from "vitest";
import { barLayout, shortLabel } from "./bars.ts";

describe("the bar chart's layout", () => {
  it("puts each series' bar side by side within its category, tallest at the top of the scale", () => {
    const { top, bars } = barLayout(
      ["12-01", "12-02"],
      [
        { label: "placed", values: [10, 4] },
        { label: "confirmed", values: [8, 0] },
      ],
    );
    expect(top).toBe(10);
    expect(bars).toHaveLength(4);
    const [placed1, placed2, confirmed1, confirmed2] = bars;
    expect(placed1!.x).toBeLessThan(confirmed1!.x);
    expect(confirmed1!.x).toBeLessThan(placed2!.x);
    expect(placed1!.height).toBeGreaterThan(confirmed1!.height);
    expect(confirmed2!.height).toBe(0);
    // Bars stand on one baseline.
    expect(placed1!.y + placed1!.height).toBeCloseTo(placed2!.y + placed2!.height);
  });

  it("draws no bar below zero and copes with no categories", () => {
    expect(barLayout(["a"], [{ label: "x", values: [-3] }]).bars[0]!.height).toBe(0);
    expect(barLayout([], [{ label: "x", values: [] }]).bars).toEqual([]);
  });

  it("shortens a label that does not fit under its bars", () => {
    expect(shortLabel("Mug", 100)).toBe("Mug");
    expect(shortLabel("A very long product name", 40)).toBe("A very…");
  });
});
