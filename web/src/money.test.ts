import { describe, expect, it } from "vitest";
import { formatMinor } from "./money.ts";

describe("formatMinor", () => {
  it("formats minor units with the currency's own decimals", () => {
    expect(formatMinor(2_295n, "EUR")).toBe(
      new Intl.NumberFormat(undefined, { style: "currency", currency: "EUR" }).format(22.95),
    );
    expect(formatMinor(500n, "JPY")).toBe(
      new Intl.NumberFormat(undefined, { style: "currency", currency: "JPY" }).format(500),
    );
    expect(formatMinor(-5n, "EUR")).toBe(
      new Intl.NumberFormat(undefined, { style: "currency", currency: "EUR" }).format(-0.05),
    );
  });

  it("keeps every digit of amounts beyond a double's precision", () => {
    const text = formatMinor(123_456_789_012_345_678n, "USD");
    expect(text.replace(/[^0-9]/g, "")).toBe("123456789012345678");
  });
});
