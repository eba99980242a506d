import { describe, expect, it } from "vitest";
import { minorText, parseMinor } from "./money-input.ts";

describe("parseMinor", () => {
  it("reads amounts with a point, a comma or none", () => {
    expect(parseMinor("12.50")).toBe(1250n);
    expect(parseMinor("12,5")).toBe(1250n);
    expect(parseMinor(" 3 ")).toBe(300n);
    expect(parseMinor("0.07")).toBe(7n);
    expect(parseMinor("500", 0)).toBe(500n);
  });

  it("refuses what is no amount", () => {
    expect(parseMinor("")).toBeUndefined();
    expect(parseMinor("-1")).toBeUndefined();
    expect(parseMinor("1.234")).toBeUndefined();
    expect(parseMinor("ten")).toBeUndefined();
  });

  it("writes minor units back as they are typed", () => {
    expect(minorText(1250n)).toBe("12.50");
    expect(minorText(7n)).toBe("0.07");
    expect(minorText(500n, 0)).toBe("500");
  });
});
