import { describe, expect, it } from "vitest";
import { formatValue, scaleTop } from "./chart.ts";

describe("the chart's scale and labels", () => {
  it("tops the scale at 1, 2 or 5 times a power of ten", () => {
    expect(scaleTop([0.3, null, 0.07])).toBe(0.5);
    expect(scaleTop([12])).toBe(20);
    expect(scaleTop([200])).toBe(200);
    expect(scaleTop([null, 0])).toBe(1);
  });

  it("writes values as a person reads them", () => {
    expect(formatValue(0.85, "seconds")).toBe("850 ms");
    expect(formatValue(2.34, "seconds")).toBe("2.3 s");
    expect(formatValue(0.25, "ratio")).toBe("25 %");
    expect(formatValue(0.004, "ratio")).toBe("0.4 %");
    expect(formatValue(3.14, "per second")).toBe("3.1/s");
    expect(formatValue(0.5, "count")).toBe("0.5");
    expect(formatValue(7, "count")).toBe("7");
    expect(formatValue(null, "count")).toBe("–");
  });
});
